// The input tensors every benchmark request carries, built once from the model's signature:
// random or zero values, or the contents of files (JPEG/PNG files become one BYTES element each,
// other files are raw tensor bytes). Pure functions; the result is read-only afterwards.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "model_signature.hpp"
#include "tensor/shape.hpp"
#include "util/status.hpp"

namespace mserve::bench {

struct InputTensorData {
  std::string name;
  tensor::DataType datatype = tensor::DataType::kFp32;  // kBytes for images
  tensor::Shape shape;
  std::vector<std::byte> bytes;      // fixed-size types: row-major, little-endian
  std::vector<std::string> strings;  // kBytes: one entry per element
};

struct InputOptions {
  bool zeros = false;  // else random values from `seed`
  uint32_t seed = 1;
  // Input name → file; the name "" means the first input.
  std::map<std::string, std::string> files;
  // Input name → shape replacing the model's (dynamic dims otherwise become 1).
  std::map<std::string, tensor::Shape> shapes;
};

util::StatusOr<std::vector<InputTensorData>> buildInputs(const ModelSignature& signature,
                                                         const InputOptions& options);

// True for names ending in .jpg, .jpeg or .png (case-insensitive): sent as encoded images.
bool isImageFile(const std::string& path);

// KServe's binary form of a BYTES tensor: each element as a 4-byte little-endian length and
// its bytes.
std::string kserveBytesPayload(const std::vector<std::string>& strings);

}  // namespace mserve::bench

// A version folder's optional mapping_config.json (OVMS): renames of model inputs and outputs
// that clients see instead of the model's own tensor names, everywhere (metadata, requests,
// responses). Pure functions apart from the file read.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "util/status.hpp"

namespace mserve::config {

inline constexpr char kMappingFileName[] = "mapping_config.json";

struct TensorMapping {
  std::map<std::string, std::string> inputs;   // model's name → name clients use
  std::map<std::string, std::string> outputs;  // model's name → name clients use

  bool empty() const { return inputs.empty() && outputs.empty(); }
};

// {"inputs": {"real": "mapped"}, "outputs": {...}}; JSON_INVALID if malformed, or if two
// tensors would be given the same name.
util::StatusOr<TensorMapping> parseTensorMapping(std::string_view text);

// The version folder's mapping_config.json; an empty mapping when the file does not exist.
util::StatusOr<TensorMapping> readTensorMapping(const std::string& version_path);

}  // namespace mserve::config

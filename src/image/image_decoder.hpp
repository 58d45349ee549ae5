// Binary image inputs (REFERENCE.md §7): decodes a batch of JPEG/PNG/BMP images with OpenCV
// (BGR order, channels kept), resizes them bilinearly to the model's height and width when
// those are static or bounded, and converts them without normalisation into one NHWC tensor of
// the model input's precision. Every client mistake is a Status, never an exception (OpenCV's
// are caught here). Pure functions, safe on any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "tensor/datatype.hpp"
#include "tensor/shape.hpp"
#include "util/status.hpp"

namespace mserve::image {

struct ImageLimits {
  // Largest width × height one image may declare in its header (--max_image_pixels); checked
  // before decoding. 2^26 = 67 Mpixel, e.g. 8192 × 8192.
  uint64_t max_pixels = uint64_t{1} << 26;
  // Largest decoded batch tensor (N × H × W × C × element size).
  uint64_t max_tensor_bytes = uint64_t{1} << 31;
};

// The model input the images feed: rank 4, NHWC, any dims static, bounded or dynamic.
struct ImageTarget {
  std::string_view name;
  tensor::DataType datatype = tensor::DataType::kFp32;
  const tensor::ModelShape* shape = nullptr;
};

struct DecodedBatch {
  tensor::Shape shape;          // {N, H, W, C}
  std::vector<std::byte> data;  // row-major, of target.datatype
};

// Whether images (NHWC) fit a 4-D input of `layout` (OVMS: compatible with N...HWC): "" (not
// given), NHWC, ?HWC, N..., ...C and the like, '?' matching any letter; not NCHW.
bool layoutAcceptsImages(std::string_view layout);

// Whether `datatype` can receive images (FP32, FP64, FP16, INT8, UINT8, INT16, UINT16, INT32).
bool acceptsImages(tensor::DataType datatype);

// Decodes `images` for `target`. Errors (all 400 / INVALID_ARGUMENT): INVALID_BATCH_SIZE when
// the count does not fit the batch dim, STRING_VAL_EMPTY for an empty image,
// IMAGE_PARSING_FAILED for an unreadable, truncated or oversized image, INVALID_NO_OF_CHANNELS,
// BINARY_IMAGES_RESOLUTION_MISMATCH when the size is taken from the images (dynamic H or W)
// and they differ, INVALID_PRECISION when !acceptsImages(target.datatype).
util::Status decodeImageBatch(std::span<const std::string_view> images, const ImageTarget& target,
                              const ImageLimits& limits, DecodedBatch& out);

}  // namespace mserve::image

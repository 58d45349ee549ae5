// Reads the size of an encoded image from its header, without decoding it, and checks that the
// file's structure is complete. This is how decode bombs (a few bytes declaring gigapixels) are
// refused before any pixel is allocated: OpenCV has no public API for it. Pure functions, safe
// on any thread; every offset is bounds-checked against the untrusted input.
#pragma once

#include <cstdint>
#include <string_view>

#include "util/status.hpp"

namespace mserve::image {

enum class ImageFormat { kJpeg, kPng, kBmp };

struct ImageHeader {
  ImageFormat format = ImageFormat::kJpeg;
  uint32_t width = 0;
  uint32_t height = 0;
};

// The format and size of `data`. IMAGE_PARSING_FAILED (with the reason) when the format is none
// of JPEG, PNG or BMP, when the header is malformed or declares a zero size, and when the file
// is truncated: a PNG must reach its IEND chunk, a JPEG its EOI marker (libjpeg would only warn
// and fill the missing rows with gray), a BMP its pixel-data offset.
util::StatusOr<ImageHeader> readImageHeader(std::string_view data);

}  // namespace mserve::image

// Binary image inputs: the JPEG/PNG/BMP header reader that checks format, size and truncation
// before OpenCV is allowed to decode (--max_image_pixels is enforced from its answer).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "image/image_header.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  (void)mserve::image::readImageHeader(bytes);
  return 0;
}

// Encoded test images built with OpenCV, and a hand-made PNG header for decode-bomb tests.
#pragma once

#include <cstdint>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <string>

namespace mserve::image::testing {

// A deterministic image: every pixel and channel differs, so order and resize mistakes show.
inline cv::Mat pattern(int height, int width, int channels) {
  cv::Mat image(height, width, CV_8UC(channels));
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      for (int c = 0; c < channels; ++c) {
        image.ptr<uint8_t>(y)[x * channels + c] = static_cast<uint8_t>(y * 37 + x * 11 + c * 71);
      }
    }
  }
  return image;
}

inline std::string encode(const cv::Mat& image, const std::string& extension) {
  std::vector<uchar> bytes;
  cv::imencode(extension, image, bytes);
  return std::string(bytes.begin(), bytes.end());
}

// Signature, an IHDR declaring width × height RGB 8-bit, and IEND; CRCs are not checked by
// the header reader (libpng would check them when decoding).
inline std::string pngHeaderOnly(uint32_t width, uint32_t height) {
  auto be32 = [](uint32_t value) {
    std::string out(4, '\0');
    for (int i = 0; i < 4; ++i) out[i] = static_cast<char>(value >> (24 - 8 * i));
    return out;
  };
  std::string png("\x89PNG\r\n\x1a\n", 8);
  png += be32(13) + "IHDR" + be32(width) + be32(height) + std::string("\x08\x02\x00\x00\x00", 5);
  png += be32(0);  // CRC
  png += be32(0) + "IEND" + be32(0xAE426082);
  return png;
}

}  // namespace mserve::image::testing

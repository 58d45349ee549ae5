#include "image/image_header.hpp"

#include <gtest/gtest.h>

#include <string>

#include "image_test_util.hpp"

namespace mserve::image {
namespace {

using testing::encode;
using testing::pattern;
using testing::pngHeaderOnly;
using util::StatusCode;

TEST(ImageHeader, ReadsJpegPngAndBmpSizes) {
  const cv::Mat image = pattern(12, 20, 3);
  for (const auto& [extension, format] :
       {std::pair{".jpg", ImageFormat::kJpeg}, std::pair{".png", ImageFormat::kPng},
        std::pair{".bmp", ImageFormat::kBmp}}) {
    auto header = readImageHeader(encode(image, extension));
    ASSERT_TRUE(header.isOk()) << extension << ": " << header.status().message();
    EXPECT_EQ(header->format, format) << extension;
    EXPECT_EQ(header->width, 20u) << extension;
    EXPECT_EQ(header->height, 12u) << extension;
  }
}

TEST(ImageHeader, ReadsGrayAndAlphaPng) {
  EXPECT_EQ(readImageHeader(encode(pattern(5, 7, 1), ".png"))->width, 7u);
  EXPECT_EQ(readImageHeader(encode(pattern(5, 7, 4), ".png"))->height, 5u);
}

TEST(ImageHeader, ReadsProgressiveJpeg) {
  std::vector<uchar> bytes;
  cv::imencode(".jpg", pattern(40, 30, 3), bytes, {cv::IMWRITE_JPEG_PROGRESSIVE, 1});
  auto header = readImageHeader(std::string(bytes.begin(), bytes.end()));
  ASSERT_TRUE(header.isOk()) << header.status().message();
  EXPECT_EQ(header->width, 30u);
  EXPECT_EQ(header->height, 40u);
}

TEST(ImageHeader, ReadsDeclaredSizeOfAHugePngWithoutDecoding) {
  auto header = readImageHeader(pngHeaderOnly(65535, 65535));
  ASSERT_TRUE(header.isOk()) << header.status().message();
  EXPECT_EQ(header->width, 65535u);
  EXPECT_EQ(header->height, 65535u);
}

TEST(ImageHeader, RefusesUnknownFormatsAndGarbage) {
  for (const std::string& data : {std::string(), std::string("x"), std::string("GIF89a...."),
                                  std::string("\xFF\xD8", 2), std::string(100, '\0')}) {
    auto header = readImageHeader(data);
    ASSERT_FALSE(header.isOk());
    EXPECT_EQ(header.status().code(), StatusCode::kImageParsingFailed);
  }
}

TEST(ImageHeader, RefusesZeroSizes) {
  EXPECT_FALSE(readImageHeader(pngHeaderOnly(0, 10)).isOk());
  EXPECT_FALSE(readImageHeader(pngHeaderOnly(10, 0)).isOk());
  EXPECT_FALSE(readImageHeader(pngHeaderOnly(0x80000000u, 1)).isOk());
}

// Every proper prefix of a valid file is refused, and none is read out of bounds (ASan).
TEST(ImageHeader, RefusesEveryTruncation) {
  for (const char* extension : {".jpg", ".png"}) {
    const std::string data = encode(pattern(16, 16, 3), extension);
    ASSERT_TRUE(readImageHeader(data).isOk());
    for (size_t length = 0; length < data.size(); ++length) {
      EXPECT_FALSE(readImageHeader(data.substr(0, length)).isOk())
          << extension << " cut at " << length << " of " << data.size();
    }
  }
}

TEST(ImageHeader, AcceptsTrailingBytesAfterTheEnd) {
  for (const char* extension : {".jpg", ".png"}) {
    EXPECT_TRUE(readImageHeader(encode(pattern(8, 8, 3), extension) + "trailer").isOk());
  }
}

TEST(ImageHeader, RefusesJpegWithoutFrameHeader) {
  // SOI, then EOI: structurally complete but without a size.
  auto header = readImageHeader(std::string("\xFF\xD8\xFF\xD9", 4));
  ASSERT_FALSE(header.isOk());
  EXPECT_NE(header.status().details().find("frame header"), std::string::npos);
}

TEST(ImageHeader, SurvivesCorruptedBytes) {
  const std::string valid = encode(pattern(16, 16, 3), ".jpg");
  for (size_t at = 0; at < valid.size(); ++at) {
    for (char value : {'\x00', '\xFF', '\x7F'}) {
      std::string data = valid;
      data[at] = value;
      (void)readImageHeader(data);  // any outcome, but no crash or out-of-bounds read
    }
  }
}

}  // namespace
}  // namespace mserve::image

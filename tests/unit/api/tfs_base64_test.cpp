#include "api/tfs/tfs_base64.hpp"

#include <gtest/gtest.h>

#include <string>

namespace mserve::api::tfs {
namespace {

TEST(TfsBase64, RoundTripsEveryLengthAndByte) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  for (size_t length = 0; length <= bytes.size(); length += 1) {
    const std::string part = bytes.substr(0, length);
    const auto decoded = decodeBase64(encodeBase64(part));
    ASSERT_TRUE(decoded.has_value()) << length;
    EXPECT_EQ(*decoded, part) << length;
  }
}

TEST(TfsBase64, KnownVectors) {
  EXPECT_EQ(encodeBase64(""), "");
  EXPECT_EQ(encodeBase64("f"), "Zg==");
  EXPECT_EQ(encodeBase64("fo"), "Zm8=");
  EXPECT_EQ(encodeBase64("foobar"), "Zm9vYmFy");
  EXPECT_EQ(decodeBase64("Zm9vYg==").value(), "foob");
  EXPECT_EQ(decodeBase64("+/+/").value(), "\xfb\xff\xbf");
}

TEST(TfsBase64, RefusesMalformedText) {
  for (const char* text : {"Zg", "Zg=", "Z===", "====", "Zm9v YmFy", "Zm9v\nYmFy",
                           "Zh==", "Zm9=", "Zg==Zg==", "Zm-v", "Zm_v", "Zm9vY==="}) {
    EXPECT_FALSE(decodeBase64(text).has_value()) << text;
  }
}

}  // namespace
}  // namespace mserve::api::tfs

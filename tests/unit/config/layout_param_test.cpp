#include "config/layout_param.hpp"

#include <gtest/gtest.h>

namespace mserve::config {
namespace {

TEST(LayoutParam, PlainLayoutAppliesToEveryInput) {
  EXPECT_EQ(parseLayoutParam("NHWC:NCHW").value(), (LayoutParam{{"", "NHWC:NCHW"}}));
  EXPECT_EQ(parseLayoutParam("NCHW").value(), (LayoutParam{{"", "NCHW"}}));
  EXPECT_EQ(parseLayoutParam("N?HW...").value(), (LayoutParam{{"", "N?HW..."}}));
}

TEST(LayoutParam, JsonNamesInputs) {
  EXPECT_EQ(parseLayoutParam(R"({"image": "NHWC:NCHW", "mask": "NC"})").value(),
            (LayoutParam{{"image", "NHWC:NCHW"}, {"mask", "NC"}}));
}

TEST(LayoutParam, MalformedLayoutsAreRefused) {
  for (const char* text : {"", "nhwc", "NHWC:", ":NCHW", "NH WC", "N......", "NHWC:NCHW:N", "{",
                           R"({"a": 1})", R"(["NHWC"])", R"({"a": "x"})"}) {
    auto parsed = parseLayoutParam(text);
    ASSERT_FALSE(parsed.isOk()) << text;
    EXPECT_EQ(parsed.status().code(), util::StatusCode::kModelConfigInvalid) << text;
    EXPECT_EQ(parsed.status().message().rfind("Model config is invalid - Couldn't parse layout", 0),
              0u)
        << parsed.status().message();
  }
}

}  // namespace
}  // namespace mserve::config

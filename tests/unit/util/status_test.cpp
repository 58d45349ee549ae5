#include "util/status.hpp"

#include <gtest/gtest.h>

#include <string>

namespace mserve::util {
namespace {

TEST(StatusTest, DefaultIsOk) {
  const Status status;
  EXPECT_TRUE(status.isOk());
  EXPECT_EQ(status.code(), StatusCode::kOk);
  EXPECT_EQ(status.message(), "OK");
  EXPECT_EQ(status.httpStatus(), 200);
  EXPECT_EQ(status.grpcCode(), 0);
  EXPECT_TRUE(Status::ok().isOk());
}

TEST(StatusTest, MessageIsOvmsTextThenDetails) {
  EXPECT_EQ(Status(StatusCode::kModelNameMissing).message(),
            "Model with requested name is not found");
  const Status detailed(StatusCode::kInvalidShape, "Expected: (1,10); Actual: (1,11)");
  EXPECT_FALSE(detailed.isOk());
  EXPECT_EQ(detailed.details(), "Expected: (1,10); Actual: (1,11)");
  EXPECT_EQ(detailed.message(), "Invalid input shape - Expected: (1,10); Actual: (1,11)");
}

TEST(StatusTest, LongDetailsKeepTheirStartAndEnd) {
  // A 100,000-dim shape echoed in an error: gRPC would drop a message past its 8 KiB metadata
  // limit and the client would see RESOURCE_EXHAUSTED instead of the error.
  std::string shape = "[";
  for (int i = 0; i < 100000; ++i) shape += "1,";
  const std::string details = "input b: got " + shape + "] expected [1,10]";
  const Status status(StatusCode::kInvalidShape, details);
  EXPECT_LE(status.details().size(), kMaxStatusDetailsBytes);
  EXPECT_EQ(status.details().rfind("input b: got [1,1,", 0), 0u);
  EXPECT_TRUE(status.details().ends_with("1,1,] expected [1,10]")) << status.details();
  EXPECT_NE(status.details().find(" bytes cut] ... "), std::string::npos);
  // Cuts fall between UTF-8 characters.
  std::string accents;
  for (int i = 0; i < 1000; ++i) accents += "\xc3\xa9";
  const std::string cut = Status(StatusCode::kInvalidPrecision, accents).details();
  EXPECT_NE(static_cast<unsigned char>(cut.front()) & 0xC0, 0x80u);
  const size_t marker = cut.find(" ... [");
  ASSERT_NE(marker, std::string::npos);
  EXPECT_EQ(marker % 2, 0u);
  const std::string short_details(kMaxStatusDetailsBytes, 'x');
  EXPECT_EQ(Status(StatusCode::kInvalidShape, short_details).details(), short_details);
}

TEST(StatusTest, HttpAndGrpcCodes) {
  struct Row {
    StatusCode code;
    int http;
    int grpc;
  };
  for (const Row& row :
       {Row{StatusCode::kModelNameMissing, 404, 5},
        Row{StatusCode::kModelVersionNotLoadedYet, 404, 14}, Row{StatusCode::kInvalidShape, 400, 3},
        Row{StatusCode::kServerNotReady, 503, 14}, Row{StatusCode::kDeadlineExceeded, 504, 4},
        Row{StatusCode::kOvInternalInferenceError, 500, 13}, Row{StatusCode::kReshapeError, 412, 9},
        Row{StatusCode::kInternalError, 500, 13}}) {
    const Status status(row.code);
    EXPECT_EQ(status.httpStatus(), row.http) << status.message();
    EXPECT_EQ(status.grpcCode(), row.grpc) << status.message();
  }
}

TEST(StatusTest, EveryCodeHasAMessage) {
  for (int code = 0; code <= static_cast<int>(StatusCode::kInternalError); ++code) {
    const StatusInfo& info = statusInfo(static_cast<StatusCode>(code));
    ASSERT_NE(info.message, nullptr) << code;
    const bool triton = code >= static_cast<int>(StatusCode::kTritonInvalidArgument) &&
                        code <= static_cast<int>(StatusCode::kTritonInternal);
    EXPECT_EQ(std::string(info.message).empty(), triton) << code;
  }
}

TEST(StatusTest, TritonCodesSayOnlyTheirDetails) {
  const Status status(StatusCode::kTritonInvalidArgument, "requested model 'm' is not available");
  EXPECT_EQ(status.message(), "requested model 'm' is not available");
  EXPECT_EQ(status.httpStatus(), 400);
  EXPECT_EQ(Status(StatusCode::kTritonUnsupported).httpStatus(), 501);
  EXPECT_EQ(Status(StatusCode::kTritonUnavailable).grpcCode(), 14);
}

TEST(StatusTest, StatusOrHoldsValueOrStatus) {
  StatusOr<int> value(42);
  ASSERT_TRUE(value.isOk());
  EXPECT_EQ(value.value(), 42);
  EXPECT_EQ(*value, 42);
  EXPECT_TRUE(value.status().isOk());

  StatusOr<int> error(Status(StatusCode::kPathInvalid, "/x"));
  EXPECT_FALSE(error.isOk());
  EXPECT_EQ(error.status().message(), "The provided base path is invalid or doesn't exists - /x");
}

Status failsThenStops(bool fail, int* reached) {
  MSERVE_RETURN_IF_ERROR(fail ? Status(StatusCode::kFileInvalid) : Status::ok());
  *reached = 1;
  return Status::ok();
}

TEST(StatusTest, ReturnIfErrorReturnsEarlyOnlyOnError) {
  int reached = 0;
  EXPECT_EQ(failsThenStops(true, &reached).code(), StatusCode::kFileInvalid);
  EXPECT_EQ(reached, 0);
  EXPECT_TRUE(failsThenStops(false, &reached).isOk());
  EXPECT_EQ(reached, 1);
}

}  // namespace
}  // namespace mserve::util

#include "image/image_decoder.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

#include "image_test_util.hpp"

namespace mserve::image {
namespace {

using tensor::DataType;
using tensor::Dimension;
using tensor::ModelShape;
using testing::encode;
using testing::pattern;
using testing::pngHeaderOnly;
using util::StatusCode;

ModelShape nhwc(Dimension n, Dimension h, Dimension w, Dimension c) { return {n, h, w, c}; }
ModelShape fixedShape(int64_t n, int64_t h, int64_t w, int64_t c) {
  return nhwc(Dimension::fixed(n), Dimension::fixed(h), Dimension::fixed(w), Dimension::fixed(c));
}

util::Status decodeAll(const std::vector<std::string>& images, const ModelShape& shape,
                       DataType datatype, DecodedBatch& out, ImageLimits limits = {}) {
  std::vector<std::string_view> views(images.begin(), images.end());
  return decodeImageBatch(views, {"image", datatype, &shape}, limits, out);
}

// The batch's image `index` as a Mat of `type` (a view into the batch).
cv::Mat imageOf(DecodedBatch& batch, size_t index, int type) {
  const int height = static_cast<int>(batch.shape[1]), width = static_cast<int>(batch.shape[2]);
  const size_t bytes = batch.data.size() / batch.shape[0];
  return cv::Mat(height, width, type, batch.data.data() + index * bytes);
}

bool sameMat(const cv::Mat& a, const cv::Mat& b) {
  return a.size() == b.size() && a.type() == b.type() && cv::norm(a, b, cv::NORM_INF) == 0;
}

TEST(ImageDecoder, PngAtModelSizeToFp32KeepsBgrValues) {
  const cv::Mat image = pattern(4, 6, 3);
  DecodedBatch batch;
  ASSERT_TRUE(
      decodeAll({encode(image, ".png")}, fixedShape(1, 4, 6, 3), DataType::kFp32, batch).isOk());
  EXPECT_EQ(batch.shape, (tensor::Shape{1, 4, 6, 3}));
  cv::Mat expected;
  image.convertTo(expected, CV_32F);
  EXPECT_TRUE(sameMat(imageOf(batch, 0, CV_32FC3), expected));
}

TEST(ImageDecoder, U8AtModelSizeIsDecodedExactly) {
  const cv::Mat image = pattern(8, 8, 3);
  DecodedBatch batch;
  ASSERT_TRUE(decodeAll({encode(image, ".png"), encode(image, ".bmp")}, fixedShape(2, 8, 8, 3),
                        DataType::kUint8, batch)
                  .isOk());
  EXPECT_TRUE(sameMat(imageOf(batch, 0, CV_8UC3), image));
  EXPECT_TRUE(sameMat(imageOf(batch, 1, CV_8UC3), image));
}

TEST(ImageDecoder, JpegMatchesOpenCvDecode) {
  const std::string jpeg = encode(pattern(16, 16, 3), ".jpg");
  const cv::Mat reference =
      cv::imdecode(std::vector<uchar>(jpeg.begin(), jpeg.end()), cv::IMREAD_UNCHANGED);
  DecodedBatch batch;
  ASSERT_TRUE(decodeAll({jpeg}, fixedShape(1, 16, 16, 3), DataType::kUint8, batch).isOk());
  EXPECT_TRUE(sameMat(imageOf(batch, 0, CV_8UC3), reference));
}

TEST(ImageDecoder, ResizesBilinearlyAfterConvertingLikeOvms) {
  const cv::Mat image = pattern(10, 14, 3);
  DecodedBatch batch;
  ASSERT_TRUE(
      decodeAll({encode(image, ".png")}, fixedShape(1, 4, 5, 3), DataType::kFp32, batch).isOk());
  cv::Mat converted, expected;
  image.convertTo(converted, CV_32F);
  cv::resize(converted, expected, cv::Size(5, 4), 0, 0, cv::INTER_LINEAR);
  EXPECT_TRUE(sameMat(imageOf(batch, 0, CV_32FC3), expected));
}

TEST(ImageDecoder, ResizesForPrecisionsResizeCannotInterpolate) {
  const cv::Mat image = pattern(10, 10, 3);
  for (DataType type : {DataType::kInt8, DataType::kInt32, DataType::kFp16}) {
    DecodedBatch batch;
    EXPECT_TRUE(decodeAll({encode(image, ".png")}, fixedShape(1, 5, 5, 3), type, batch).isOk())
        << tensor::kserveName(type);
    EXPECT_EQ(batch.shape, (tensor::Shape{1, 5, 5, 3}));
  }
}

TEST(ImageDecoder, OtherPrecisionsAreConvertedWithoutScaling) {
  const cv::Mat image = pattern(3, 3, 1);
  DecodedBatch batch;
  ASSERT_TRUE(
      decodeAll({encode(image, ".png")}, fixedShape(1, 3, 3, 1), DataType::kInt32, batch).isOk());
  cv::Mat expected;
  image.convertTo(expected, CV_32S);
  EXPECT_TRUE(sameMat(imageOf(batch, 0, CV_32SC1), expected));
}

TEST(ImageDecoder, RefusesPrecisionsWithoutConversion) {
  const ModelShape shape = fixedShape(1, 3, 3, 3);
  for (DataType type : {DataType::kBf16, DataType::kInt64, DataType::kBool, DataType::kBytes}) {
    DecodedBatch batch;
    EXPECT_EQ(decodeAll({encode(pattern(3, 3, 3), ".png")}, shape, type, batch).code(),
              StatusCode::kInvalidPrecision);
    EXPECT_FALSE(acceptsImages(type));
  }
}

TEST(ImageDecoder, ChannelCountMustMatchTheModel) {
  DecodedBatch batch;
  const util::Status status =
      decodeAll({encode(pattern(4, 4, 1), ".png")}, fixedShape(1, 4, 4, 3), DataType::kFp32, batch);
  EXPECT_EQ(status.code(), StatusCode::kInvalidNoOfChannels);
  EXPECT_EQ(status.message(),
            "Invalid number of channels in binary input - Expected: 3; Actual: 1; image 0; "
            "input name: image");
  EXPECT_EQ(
      decodeAll({encode(pattern(4, 4, 4), ".png")}, fixedShape(1, 4, 4, 3), DataType::kUint8, batch)
          .code(),
      StatusCode::kInvalidNoOfChannels);
}

TEST(ImageDecoder, DynamicChannelsComeFromTheImages) {
  const ModelShape shape =
      nhwc(Dimension::dynamic(), Dimension::dynamic(), Dimension::dynamic(), Dimension::dynamic());
  for (int channels : {1, 3, 4}) {
    DecodedBatch batch;
    const cv::Mat image = pattern(5, 6, channels);
    ASSERT_TRUE(decodeAll({encode(image, ".png")}, shape, DataType::kUint8, batch).isOk());
    EXPECT_EQ(batch.shape, (tensor::Shape{1, 5, 6, channels}));
    EXPECT_TRUE(sameMat(imageOf(batch, 0, CV_8UC(channels)), image));
  }
  DecodedBatch batch;
  EXPECT_EQ(decodeAll({encode(pattern(5, 6, 3), ".png"), encode(pattern(5, 6, 1), ".png")}, shape,
                      DataType::kUint8, batch)
                .code(),
            StatusCode::kInvalidNoOfChannels);
}

TEST(ImageDecoder, DynamicSizeTakesTheImagesWhichMustMatch) {
  const ModelShape shape =
      nhwc(Dimension::dynamic(), Dimension::dynamic(), Dimension::dynamic(), Dimension::fixed(3));
  DecodedBatch batch;
  ASSERT_TRUE(decodeAll({encode(pattern(7, 9, 3), ".png"), encode(pattern(7, 9, 3), ".jpg")}, shape,
                        DataType::kFp32, batch)
                  .isOk());
  EXPECT_EQ(batch.shape, (tensor::Shape{2, 7, 9, 3}));
  const util::Status status =
      decodeAll({encode(pattern(7, 9, 3), ".png"), encode(pattern(9, 7, 3), ".png")}, shape,
                DataType::kFp32, batch);
  EXPECT_EQ(status.code(), StatusCode::kBinaryImagesResolutionMismatch);
}

TEST(ImageDecoder, OneDynamicSideDisablesResize) {
  // As OVMS: the tensor then takes the image's size and the shape check reports the mismatch.
  const ModelShape shape =
      nhwc(Dimension::fixed(1), Dimension::dynamic(), Dimension::fixed(8), Dimension::fixed(3));
  DecodedBatch batch;
  ASSERT_TRUE(decodeAll({encode(pattern(5, 6, 3), ".png")}, shape, DataType::kFp32, batch).isOk());
  EXPECT_EQ(batch.shape, (tensor::Shape{1, 5, 6, 3}));
}

TEST(ImageDecoder, BoundedSizesClampTheFirstImage) {
  const ModelShape shape =
      nhwc(Dimension::fixed(1), Dimension{16, 64}, Dimension{16, 64}, Dimension::fixed(3));
  const struct {
    int height, width;
    int64_t expected_height, expected_width;
  } cases[] = {{8, 8, 16, 16}, {100, 10, 64, 16}, {20, 30, 20, 30}};
  for (const auto& c : cases) {
    DecodedBatch batch;
    ASSERT_TRUE(
        decodeAll({encode(pattern(c.height, c.width, 3), ".png")}, shape, DataType::kUint8, batch)
            .isOk());
    EXPECT_EQ(batch.shape, (tensor::Shape{1, c.expected_height, c.expected_width, 3}));
  }
}

TEST(ImageDecoder, BatchMustFitTheBatchDimension) {
  DecodedBatch batch;
  const std::string png = encode(pattern(4, 4, 3), ".png");
  util::Status status = decodeAll({png, png}, fixedShape(1, 4, 4, 3), DataType::kFp32, batch);
  EXPECT_EQ(status.code(), StatusCode::kInvalidBatchSize);
  EXPECT_EQ(status.message(),
            "Invalid input batch size - Expected: 1; Actual: 2; input name: image");
  EXPECT_EQ(decodeAll({}, fixedShape(1, 4, 4, 3), DataType::kFp32, batch).code(),
            StatusCode::kInvalidBatchSize);
  const ModelShape dynamic_batch =
      nhwc(Dimension::dynamic(), Dimension::fixed(4), Dimension::fixed(4), Dimension::fixed(3));
  EXPECT_EQ(decodeAll({}, dynamic_batch, DataType::kFp32, batch).code(),
            StatusCode::kInvalidBatchSize);
  ASSERT_TRUE(decodeAll({png, png, png}, dynamic_batch, DataType::kFp32, batch).isOk());
  EXPECT_EQ(batch.shape, (tensor::Shape{3, 4, 4, 3}));
}

TEST(ImageDecoder, BadImagesAreClientErrors) {
  const ModelShape shape = fixedShape(1, 16, 16, 3);
  const std::string jpeg = encode(pattern(16, 16, 3), ".jpg");
  const std::string png = encode(pattern(16, 16, 3), ".png");
  const struct {
    std::string data;
    StatusCode code;
  } cases[] = {
      {"", StatusCode::kStringValEmpty},
      {"not an image", StatusCode::kImageParsingFailed},
      {jpeg.substr(0, jpeg.size() / 2), StatusCode::kImageParsingFailed},
      {png.substr(0, png.size() - 20), StatusCode::kImageParsingFailed},
      {pngHeaderOnly(16, 16), StatusCode::kImageParsingFailed},  // complete chunks, no pixels
  };
  for (const auto& c : cases) {
    DecodedBatch batch;
    const util::Status status = decodeAll({c.data}, shape, DataType::kFp32, batch);
    EXPECT_EQ(status.code(), c.code) << status.message();
    EXPECT_EQ(status.httpStatus(), 400);
  }
}

TEST(ImageDecoder, RefusesDecodeBombsFromTheHeader) {
  DecodedBatch batch;
  const ModelShape shape =
      nhwc(Dimension::dynamic(), Dimension::dynamic(), Dimension::dynamic(), Dimension::fixed(3));
  const util::Status status =
      decodeAll({pngHeaderOnly(65535, 65535)}, shape, DataType::kFp32, batch);
  EXPECT_EQ(status.code(), StatusCode::kImageParsingFailed);
  EXPECT_NE(status.message().find("65535x65535"), std::string::npos) << status.message();
  EXPECT_TRUE(batch.data.empty());
  // The limit is configurable and applies to every image of the batch before any decoding.
  const std::string small = encode(pattern(4, 4, 3), ".png");
  EXPECT_EQ(decodeAll({small, encode(pattern(4, 5, 3), ".png")}, shape, DataType::kFp32, batch,
                      {.max_pixels = 16})
                .code(),
            StatusCode::kImageParsingFailed);
  EXPECT_TRUE(decodeAll({small}, shape, DataType::kFp32, batch, {.max_pixels = 16}).isOk());
}

TEST(ImageDecoder, RefusesBatchesOverTheTensorLimit) {
  DecodedBatch batch;
  const util::Status status =
      decodeAll({encode(pattern(4, 4, 3), ".png")}, fixedShape(1, 1000, 1000, 3), DataType::kFp32,
                batch, {.max_tensor_bytes = 1000});
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.httpStatus(), 400);
}

TEST(ImageLayout, NhwcCompatibleLayoutsAcceptImages) {
  for (const char* layout :
       {"", "NHWC", "?HWC", "N??C", "????", "N...", "...C", "...HWC", "N...C", "..."}) {
    EXPECT_TRUE(layoutAcceptsImages(layout)) << layout;
  }
  for (const char* layout : {"NCHW", "NHW", "NHWCD", "N?HWC", "C...", "...H", "NCHW..."}) {
    EXPECT_FALSE(layoutAcceptsImages(layout)) << layout;
  }
}

}  // namespace
}  // namespace mserve::image

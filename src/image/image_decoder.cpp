#include "image/image_decoder.hpp"

#include <algorithm>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <optional>
#include <string>

#include "image/image_header.hpp"
#include "tensor/input_errors.hpp"

namespace mserve::image {
namespace {

using tensor::DataType;
using tensor::inputSuffix;
using util::Status;
using util::StatusCode;

constexpr size_t kBatchDim = 0, kHeightDim = 1, kWidthDim = 2, kChannelDim = 3;

std::optional<int> cvDepth(DataType datatype) {
  switch (datatype) {
    case DataType::kFp32:
      return CV_32F;
    case DataType::kFp64:
      return CV_64F;
    case DataType::kFp16:
      return CV_16F;
    case DataType::kInt8:
      return CV_8S;
    case DataType::kUint8:
      return CV_8U;
    case DataType::kInt16:
      return CV_16S;
    case DataType::kUint16:
      return CV_16U;
    case DataType::kInt32:
      return CV_32S;
    default:
      return std::nullopt;
  }
}

// Depths cv::resize interpolates bilinearly; images for other precisions are resized before
// the conversion instead of after it.
bool resizableDepth(int depth) {
  return depth == CV_8U || depth == CV_16U || depth == CV_16S || depth == CV_32F || depth == CV_64F;
}

// Where the images go: the tensor's height and width, and whether images of another size are
// resized to it (only when neither H nor W is fully dynamic, as in OVMS).
struct Plan {
  int height = 0;
  int width = 0;
  bool resize = false;
  int channels = 0;
  int depth = CV_32F;
};

// Static dims are taken as they are, bounded ones clamp the first image's size to the bounds,
// dynamic ones take it unchanged.
int targetDim(const tensor::Dimension& dim, uint32_t image_dim) {
  int64_t value = image_dim;
  if (dim.isStatic()) return static_cast<int>(dim.min);
  value = std::max(value, dim.min);
  if (dim.max >= 0) value = std::min(value, dim.max);
  return static_cast<int>(value);
}

Status checkBatch(size_t count, const ImageTarget& target) {
  const tensor::Dimension& batch = (*target.shape)[kBatchDim];
  const auto actual = static_cast<int64_t>(count);
  if (count == 0 || !batch.accepts(actual)) {
    const std::string expected =
        batch.isStatic() ? std::to_string(batch.min) : tensor::toString(tensor::ModelShape{batch});
    return Status(
        StatusCode::kInvalidBatchSize,
        "Expected: " + expected + "; Actual: " + std::to_string(count) + inputSuffix(target.name));
  }
  return Status::ok();
}

// Every header is read (and its pixel count checked) before any image is decoded, so a bomb
// anywhere in the batch costs no allocation.
util::StatusOr<std::vector<ImageHeader>> readHeaders(std::span<const std::string_view> images,
                                                     const ImageTarget& target,
                                                     const ImageLimits& limits) {
  std::vector<ImageHeader> headers;
  headers.reserve(images.size());
  for (size_t i = 0; i < images.size(); ++i) {
    const std::string where = "image " + std::to_string(i) + inputSuffix(target.name);
    if (images[i].empty()) return Status(StatusCode::kStringValEmpty, where);
    auto header = readImageHeader(images[i]);
    if (!header.isOk()) {
      return Status(StatusCode::kImageParsingFailed, header.status().details() + "; " + where);
    }
    const uint64_t pixels = uint64_t{header->width} * header->height;
    if (pixels > limits.max_pixels) {
      return Status(StatusCode::kImageParsingFailed, "image of " + std::to_string(header->width) +
                                                         "x" + std::to_string(header->height) +
                                                         " pixels exceeds the limit of " +
                                                         std::to_string(limits.max_pixels) +
                                                         " pixels (--max_image_pixels); " + where);
    }
    headers.push_back(*header);
  }
  return headers;
}

Plan makePlan(const std::vector<ImageHeader>& headers, const ImageTarget& target, int depth) {
  const tensor::ModelShape& shape = *target.shape;
  Plan plan;
  plan.depth = depth;
  plan.resize = shape[kHeightDim] != tensor::Dimension::dynamic() &&
                shape[kWidthDim] != tensor::Dimension::dynamic();
  plan.height = plan.resize ? targetDim(shape[kHeightDim], headers[0].height)
                            : static_cast<int>(headers[0].height);
  plan.width = plan.resize ? targetDim(shape[kWidthDim], headers[0].width)
                           : static_cast<int>(headers[0].width);
  return plan;
}

Status checkResolutions(const std::vector<ImageHeader>& headers, const ImageTarget& target) {
  for (size_t i = 1; i < headers.size(); ++i) {
    if (headers[i].width != headers[0].width || headers[i].height != headers[0].height) {
      return Status(StatusCode::kBinaryImagesResolutionMismatch,
                    "image " + std::to_string(i) + " is " + std::to_string(headers[i].width) + "x" +
                        std::to_string(headers[i].height) + ", image 0 is " +
                        std::to_string(headers[0].width) + "x" + std::to_string(headers[0].height) +
                        inputSuffix(target.name));
    }
  }
  return Status::ok();
}

// Decodes into `into` when the decoded image has its size and type (the caller then finds
// its pixels already in place), else into a new Mat. OpenCV's exceptions stop here.
util::StatusOr<cv::Mat> decode(std::string_view data, const ImageHeader& header, cv::Mat* into,
                               const std::string& where) {
  cv::Mat decoded;
  try {
    // imdecode only reads the buffer; the const_cast is for cv::Mat's constructor.
    const cv::Mat buffer(1, static_cast<int>(data.size()), CV_8U, const_cast<char*>(data.data()));
    decoded = cv::imdecode(buffer, cv::IMREAD_UNCHANGED, into);
  } catch (const cv::Exception& error) {
    return Status(StatusCode::kImageParsingFailed, error.msg + "; " + where);
  }
  if (decoded.empty()) return Status(StatusCode::kImageParsingFailed, where);
  if (decoded.cols != static_cast<int>(header.width) ||
      decoded.rows != static_cast<int>(header.height)) {
    return Status(StatusCode::kImageParsingFailed,
                  "decoded size differs from the header; " + where);
  }
  return decoded;
}

// Resizes (if needed) and converts `image` into `slot`, a view of its place in the batch.
Status placeImage(cv::Mat image, const Plan& plan, cv::Mat& slot, const std::string& where) {
  uchar* const expected = slot.data;
  try {
    const cv::Size size(plan.width, plan.height);
    const bool resize = image.size() != size;
    if (resize && !resizableDepth(plan.depth)) {
      cv::Mat resized;
      cv::resize(image, resized, size, 0, 0, cv::INTER_LINEAR);
      image = resized;
    }
    if (image.depth() != plan.depth) {
      cv::Mat converted;
      image.convertTo(converted, plan.depth);  // no scaling: values stay 0-255
      image = converted;
    }
    if (image.size() != size) {
      cv::resize(image, slot, size, 0, 0, cv::INTER_LINEAR);
    } else {
      image.copyTo(slot);
    }
  } catch (const cv::Exception& error) {
    return Status(StatusCode::kImageParsingFailed, error.msg + "; " + where);
  }
  // The slot had the output's size and type, so OpenCV must have written into it.
  if (slot.data != expected)
    return Status(StatusCode::kInternalError, "image conversion; " + where);
  return Status::ok();
}

Status checkChannels(const cv::Mat& image, const Plan& plan, const ImageTarget& target,
                     size_t index) {
  if (image.channels() == plan.channels) return Status::ok();
  return Status(StatusCode::kInvalidNoOfChannels,
                "Expected: " + std::to_string(plan.channels) +
                    "; Actual: " + std::to_string(image.channels()) + "; image " +
                    std::to_string(index) + inputSuffix(target.name));
}

// The channel count is the model's, or the first image's when the model leaves it open (the
// first image is then decoded here and handed back in `first`).
Status chooseChannels(std::span<const std::string_view> images,
                      const std::vector<ImageHeader>& headers, const ImageTarget& target,
                      Plan& plan, cv::Mat& first) {
  const tensor::Dimension& channels = (*target.shape)[kChannelDim];
  if (channels.isStatic()) {
    plan.channels = static_cast<int>(channels.min);
  } else {
    auto decoded = decode(images[0], headers[0], nullptr, "image 0" + inputSuffix(target.name));
    if (!decoded.isOk()) return decoded.status();
    first = *decoded;
    plan.channels = first.channels();
  }
  if (plan.channels <= 0 || plan.channels > CV_CN_MAX) {
    return Status(StatusCode::kInvalidNoOfChannels,
                  "model expects " + std::to_string(plan.channels) + inputSuffix(target.name));
  }
  return Status::ok();
}

Status allocateBatch(size_t count, const Plan& plan, const ImageTarget& target,
                     const ImageLimits& limits, DecodedBatch& out) {
  const tensor::Shape shape = {static_cast<int64_t>(count), plan.height, plan.width, plan.channels};
  const auto bytes = tensor::byteSize(shape, target.datatype);
  if (!bytes || static_cast<uint64_t>(*bytes) > limits.max_tensor_bytes) {
    return Status(StatusCode::kInvalidArgument, "decoded images would take more than " +
                                                    std::to_string(limits.max_tensor_bytes) +
                                                    " bytes" + inputSuffix(target.name));
  }
  out.shape = shape;
  out.data.resize(static_cast<size_t>(*bytes));
  return Status::ok();
}

// Decodes image `index` (unless `decoded` already holds it) into `slot`, its place in the
// batch. At the model's size and U8 precision the decoder writes straight into the slot.
Status fillSlot(std::string_view data, const ImageHeader& header, const cv::Mat* decoded,
                const Plan& plan, const ImageTarget& target, size_t index, cv::Mat& slot) {
  const std::string where = "image " + std::to_string(index) + inputSuffix(target.name);
  uchar* const place = slot.data;
  cv::Mat image;
  if (decoded != nullptr) {
    image = *decoded;
  } else {
    const bool in_place = plan.depth == CV_8U && static_cast<int>(header.width) == plan.width &&
                          static_cast<int>(header.height) == plan.height;
    cv::Mat view = slot;  // imdecode reallocates `view`, not `slot`, if the type differs
    auto result = decode(data, header, in_place ? &view : nullptr, where);
    if (!result.isOk()) return result.status();
    image = *result;
  }
  MSERVE_RETURN_IF_ERROR(checkChannels(image, plan, target, index));
  if (image.data == place) return Status::ok();  // decoded in place
  return placeImage(image, plan, slot, where);
}

}  // namespace

bool acceptsImages(DataType datatype) { return cvDepth(datatype).has_value(); }

bool layoutAcceptsImages(std::string_view layout) {
  constexpr std::string_view kImage = "NHWC";
  const auto fits = [](std::string_view part, std::string_view expected) {
    if (part.size() != expected.size()) return false;
    for (size_t i = 0; i < part.size(); ++i) {
      if (part[i] != '?' && part[i] != expected[i]) return false;
    }
    return true;
  };
  if (layout.empty()) return true;
  const size_t ellipsis = layout.find("...");
  if (ellipsis == std::string_view::npos) return fits(layout, kImage);
  const std::string_view head = layout.substr(0, ellipsis);
  const std::string_view tail = layout.substr(ellipsis + 3);
  return head.size() + tail.size() <= kImage.size() && fits(head, kImage.substr(0, head.size())) &&
         fits(tail, kImage.substr(kImage.size() - tail.size()));
}

util::Status decodeImageBatch(std::span<const std::string_view> images, const ImageTarget& target,
                              const ImageLimits& limits, DecodedBatch& out) {
  const std::optional<int> depth = cvDepth(target.datatype);
  if (!depth) {
    return Status(StatusCode::kInvalidPrecision,
                  "binary image input cannot be converted to " +
                      std::string(tensor::kserveName(target.datatype)) + inputSuffix(target.name));
  }
  if (target.shape->size() != 4) {
    return Status(StatusCode::kInvalidNoOfShapeDimensions,
                  "binary image input needs a 4-D (NHWC) model input" + inputSuffix(target.name));
  }
  MSERVE_RETURN_IF_ERROR(checkBatch(images.size(), target));
  auto headers = readHeaders(images, target, limits);
  if (!headers.isOk()) return headers.status();
  Plan plan = makePlan(*headers, target, *depth);
  if (!plan.resize) MSERVE_RETURN_IF_ERROR(checkResolutions(*headers, target));
  cv::Mat first;
  MSERVE_RETURN_IF_ERROR(chooseChannels(images, *headers, target, plan, first));
  MSERVE_RETURN_IF_ERROR(allocateBatch(images.size(), plan, target, limits, out));
  const size_t image_bytes = out.data.size() / images.size();
  for (size_t i = 0; i < images.size(); ++i) {
    cv::Mat slot(plan.height, plan.width, CV_MAKETYPE(plan.depth, plan.channels),
                 out.data.data() + i * image_bytes);
    const cv::Mat* decoded = i == 0 && !first.empty() ? &first : nullptr;
    MSERVE_RETURN_IF_ERROR(fillSlot(images[i], (*headers)[i], decoded, plan, target, i, slot));
  }
  return Status::ok();
}

}  // namespace mserve::image

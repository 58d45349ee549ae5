// Status and StatusOr: how every layer reports failure without exceptions. Codes follow OVMS's
// status names where a client can see them; status_table.cpp maps each to its HTTP status, gRPC
// code and OVMS message text. Immutable values; safe to copy between threads.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace mserve::util {

enum class StatusCode {
  kOk,
  // Model and version lookup.
  kModelNameMissing,
  kModelVersionMissing,
  kModelVersionNotLoadedAnymore,
  kModelVersionNotLoadedYet,
  kModelVersionInvalidFormat,
  // Request validation.
  kInvalidNoOfInputs,
  kInvalidMissingInput,
  kInvalidUnexpectedInput,
  kInvalidDuplicateInput,
  kInvalidNoOfShapeDimensions,
  kInvalidBatchSize,
  kInvalidShape,
  kInvalidPrecision,
  kInvalidValueCount,
  kInvalidContentSize,
  kInvalidStringInput,
  kInvalidMessageStructure,
  kInvalidMissingOutput,
  kInvalidArgument,  // generic client error with a specific message
  kBytesContentsEmpty,
  kModelSpecMissing,     // TF Serving request without model_spec
  kInvalidSignatureDef,  // TF Serving metadata_field other than ["signature_def"]
  // Binary image inputs (REFERENCE.md §7).
  kImageParsingFailed,
  kUnsupportedLayout,
  kInvalidNoOfChannels,
  kBinaryImagesResolutionMismatch,
  kStringValEmpty,
  // TF Serving REST predict bodies (REFERENCE.md §3.4).
  kRestPredictUnknownOrder,
  kRestNoInstancesFound,
  kRestInstancesBatchSizeDiffer,
  kRestCouldNotParseInstance,
  kRestBase64DecodeError,
  // REST transport and JSON bodies (REFERENCE.md §3.7; 413/431/malformed are mserve's).
  kJsonInvalid,
  kJsonNestingDepthExceeded,
  kRestNotFound,
  kRestInvalidUrl,
  kRestUnsupportedMethod,
  kRestMalformedRequest,
  kRestPayloadTooLarge,
  kRequestMemoryExceeded,  // --rest_max_request_memory_bytes (api/request_memory.hpp)
  kRestHeaderTooLarge,
  kRestUnsupportedTransferEncoding,
  kRestBodyIsNotAnObject,
  kRestNoInputsFound,
  kRestCouldNotParseInput,
  kRestUnsupportedPrecision,
  kRestCouldNotParseOutput,
  kRestCouldNotParseParameters,
  kRestBinaryDataSizeParameterInvalid,
  kRestBinaryBufferExceeded,
  kRestInferenceHeaderContentLengthInvalid,
  kRestInferenceHeaderContentLengthExceeded,
  kRestContentsFieldNotEmpty,
  kRestContentEncodingUnsupported,
  kRestCompressedBodyInvalid,
  // Server state and resources.
  // System shared memory (REFERENCE-2.md §3).
  kShmDisabled,
  kShmRegionExists,
  kShmRegionNotFound,
  kShmInvalidRegion,
  kShmTooManyRegions,
  kShmInvalidTensor,
  kShmCudaUnsupported,

  kServerNotReady,
  kResourceExhausted,
  kQueueFull,     // the model's scheduling queue is at its bound (Triton's text)
  kQueueTimeout,  // the request waited in the queue longer than its timeout (Triton's text)
  kDeadlineExceeded,
  kCancelled,
  // Engine.
  kOvInternalInferenceError,
  kOvInternalSerializationError,
  kOvInternalDeserializationError,
  kCannotCompileModelIntoTargetDevice,
  kReshapeError,
  // Load time / configuration.
  kModelConfigInvalid,
  kPluginConfigUnsupportedKey,
  kPluginConfigInvalid,
  kInvalidNireq,
  kPathInvalid,
  kFileInvalid,
  kNoModelVersionAvailable,
  kConfigFileInvalid,  // config.json violates the schema or names unsupported features
  kInvalidMetricsFamilyName,
  // Triton's extensions (statistics, model repository): the details are the whole message,
  // as Triton words it (REFERENCE-2.md §1.1, §2.3).
  kTritonInvalidArgument,
  kTritonUnavailable,
  kTritonUnsupported,
  kTritonInternal,
  kInternalError,
};

// How a code looks to the outside: HTTP status, gRPC code (grpc::StatusCode value) and the OVMS
// message text.
struct StatusInfo {
  int http_status;
  int grpc_code;
  const char* message;
};
const StatusInfo& statusInfo(StatusCode code);

// The longest details a Status keeps. Details echo client values (a 100,000-dim shape, a
// 20,000-character datatype); gRPC drops a status whose message passes its 8 KiB metadata limit
// (the client sees RESOURCE_EXHAUSTED instead), and nobody reads a 400 KB error. Longer details
// keep their start and end with the middle cut out, in this one place for every API.
inline constexpr size_t kMaxStatusDetailsBytes = 1024;
std::string boundedDetails(std::string details);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string details = {})
      : code_(code), details_(boundedDetails(std::move(details))) {}
  static Status ok() { return {}; }

  bool isOk() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& details() const { return details_; }
  // The client-visible message: OVMS's text for the code, then " - " and the details if any
  // (only the details for codes without an OVMS text).
  std::string message() const;
  int httpStatus() const { return statusInfo(code_).http_status; }
  int grpcCode() const { return statusInfo(code_).grpc_code; }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string details_;
};

template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(T value) : value_(std::move(value)) {}
  StatusOr(Status status) : status_(std::move(status)) {}
  bool isOk() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() { return *value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace mserve::util

#define MSERVE_RETURN_IF_ERROR(expr)         \
  do {                                       \
    ::mserve::util::Status status_ = (expr); \
    if (!status_.isOk()) return status_;     \
  } while (0)

// The single table from status codes to HTTP status, gRPC code and OVMS message text
// (REFERENCE.md §3.7). Client errors that OVMS leaves unmapped are 400 / INVALID_ARGUMENT here,
// a deliberate fix listed in docs/compatibility.md.
#include <array>
#include <string_view>

#include "util/status.hpp"

namespace mserve::util {
namespace {

// gRPC code numbers (grpc::StatusCode); spelled out so util/ needs no gRPC header.
constexpr int kGrpcOk = 0;
constexpr int kGrpcCancelled = 1;
constexpr int kGrpcUnknown = 2;
constexpr int kGrpcInvalidArgument = 3;
constexpr int kGrpcDeadlineExceeded = 4;
constexpr int kGrpcNotFound = 5;
constexpr int kGrpcAlreadyExists = 6;
constexpr int kGrpcResourceExhausted = 8;
constexpr int kGrpcFailedPrecondition = 9;
constexpr int kGrpcUnimplemented = 12;
constexpr int kGrpcInternal = 13;
constexpr int kGrpcUnavailable = 14;

struct Row {
  StatusCode code;
  StatusInfo info;
};

constexpr Row kRows[] = {
    {StatusCode::kOk, {200, kGrpcOk, "OK"}},
    {StatusCode::kModelNameMissing, {404, kGrpcNotFound, "Model with requested name is not found"}},
    {StatusCode::kModelVersionMissing,
     {404, kGrpcNotFound, "Model with requested version is not found"}},
    {StatusCode::kModelVersionNotLoadedAnymore,
     {404, kGrpcNotFound, "Model with requested version is retired"}},
    {StatusCode::kModelVersionNotLoadedYet,
     {404, kGrpcUnavailable, "Model with requested version is not loaded yet"}},
    {StatusCode::kModelVersionInvalidFormat,
     {400, kGrpcInvalidArgument, "invalid model version format in request"}},
    {StatusCode::kInvalidNoOfInputs, {400, kGrpcInvalidArgument, "Invalid number of inputs"}},
    {StatusCode::kInvalidMissingInput,
     {400, kGrpcInvalidArgument, "Missing input with specific name"}},
    {StatusCode::kInvalidUnexpectedInput, {400, kGrpcInvalidArgument, "Unexpected input"}},
    {StatusCode::kInvalidDuplicateInput, {400, kGrpcInvalidArgument, "Duplicate input name"}},
    {StatusCode::kInvalidNoOfShapeDimensions,
     {400, kGrpcInvalidArgument, "Invalid number of shape dimensions"}},
    {StatusCode::kInvalidBatchSize, {400, kGrpcInvalidArgument, "Invalid input batch size"}},
    {StatusCode::kInvalidShape, {400, kGrpcInvalidArgument, "Invalid input shape"}},
    {StatusCode::kInvalidPrecision, {400, kGrpcInvalidArgument, "Invalid input precision"}},
    {StatusCode::kInvalidValueCount,
     {400, kGrpcInvalidArgument, "Invalid number of values in tensor proto container"}},
    {StatusCode::kInvalidContentSize,
     {400, kGrpcInvalidArgument, "Invalid content size of tensor proto"}},
    {StatusCode::kInvalidStringInput, {400, kGrpcInvalidArgument, "Invalid string input"}},
    {StatusCode::kInvalidMessageStructure,
     {400, kGrpcInvalidArgument,
      "Passing buffers both in ModelInferRequest::InferInputTensor::contents and in "
      "ModelInferRequest::raw_input_contents is not allowed"}},
    {StatusCode::kInvalidMissingOutput,
     {400, kGrpcInvalidArgument, "Missing output with specific name"}},
    {StatusCode::kInvalidArgument, {400, kGrpcInvalidArgument, "Invalid argument"}},
    {StatusCode::kBytesContentsEmpty, {400, kGrpcInvalidArgument, "Bytes contents is empty"}},
    {StatusCode::kModelSpecMissing, {400, kGrpcInvalidArgument, "model_spec missing in request"}},
    {StatusCode::kInvalidSignatureDef, {400, kGrpcInvalidArgument, "Invalid signature name"}},
    // OVMS answers IMAGE_PARSING_FAILED with 500 / UNKNOWN "Unknown error"; it is a client error.
    {StatusCode::kImageParsingFailed, {400, kGrpcInvalidArgument, "Image parsing failed"}},
    {StatusCode::kUnsupportedLayout,
     {400, kGrpcInvalidArgument,
      "Received binary image input but resource not configured to accept NHWC layout"}},
    {StatusCode::kInvalidNoOfChannels,
     {400, kGrpcInvalidArgument, "Invalid number of channels in binary input"}},
    {StatusCode::kBinaryImagesResolutionMismatch,
     {400, kGrpcInvalidArgument,
      "Binary input images for this endpoint are required to have the same resolution"}},
    {StatusCode::kStringValEmpty, {400, kGrpcInvalidArgument, "String val is empty"}},
    {StatusCode::kRestPredictUnknownOrder,
     {400, kGrpcInvalidArgument, "Invalid JSON structure. Could not detect row or column format"}},
    {StatusCode::kRestNoInstancesFound,
     {400, kGrpcInvalidArgument, "Invalid JSON structure. Missing instances in row format"}},
    {StatusCode::kRestInstancesBatchSizeDiffer,
     {400, kGrpcInvalidArgument,
      "Invalid JSON structure. Request inputs have different batch sizes"}},
    {StatusCode::kRestCouldNotParseInstance,
     {400, kGrpcInvalidArgument, "Could not parse instance content. Not valid ndarray detected"}},
    // Unmapped (500 / UNKNOWN) in OVMS; a client error here.
    {StatusCode::kRestBase64DecodeError,
     {400, kGrpcInvalidArgument, "Decode Base64 to string error"}},
    // REST. OVMS leaves the Inference-Header-Content-Length, both-contents and nesting-depth
    // codes unmapped (500 / UNKNOWN); they are client errors.
    {StatusCode::kJsonInvalid, {412, kGrpcFailedPrecondition, "The file is not valid json"}},
    {StatusCode::kJsonNestingDepthExceeded,
     {400, kGrpcInvalidArgument, "JSON nesting depth exceeds the allowed limit"}},
    {StatusCode::kRestNotFound, {404, kGrpcNotFound, "Requested REST resource not found"}},
    {StatusCode::kRestInvalidUrl, {400, kGrpcInvalidArgument, "Invalid request URL"}},
    {StatusCode::kRestUnsupportedMethod, {406, kGrpcInvalidArgument, "Unsupported method"}},
    {StatusCode::kRestMalformedRequest, {400, kGrpcInvalidArgument, "Malformed HTTP request"}},
    {StatusCode::kRestPayloadTooLarge,
     {413, kGrpcResourceExhausted, "Request body is larger than allowed"}},
    {StatusCode::kRequestMemoryExceeded,
     {413, kGrpcResourceExhausted, "Request needs more memory than allowed"}},
    {StatusCode::kRestHeaderTooLarge,
     {431, kGrpcResourceExhausted, "Request header fields are larger than allowed"}},
    // RFC 9112 §6.1: a transfer coding the server does not understand is 501.
    {StatusCode::kRestUnsupportedTransferEncoding,
     {501, kGrpcUnimplemented, "Unsupported Transfer-Encoding"}},
    {StatusCode::kRestBodyIsNotAnObject,
     {400, kGrpcInvalidArgument, "Request body should be JSON object"}},
    {StatusCode::kRestNoInputsFound,
     {400, kGrpcInvalidArgument, "Invalid JSON structure, missing inputs"}},
    {StatusCode::kRestCouldNotParseInput,
     {400, kGrpcInvalidArgument, "Could not parse input content. Not valid ndarray detected"}},
    {StatusCode::kRestUnsupportedPrecision,
     {400, kGrpcInvalidArgument,
      "Could not parse input content. Unsupported data precision detected"}},
    {StatusCode::kRestCouldNotParseOutput,
     {400, kGrpcInvalidArgument, "Could not parse output content."}},
    {StatusCode::kRestCouldNotParseParameters,
     {400, kGrpcInvalidArgument, "Could not parse request parameters"}},
    {StatusCode::kRestBinaryDataSizeParameterInvalid,
     {400, kGrpcInvalidArgument, "binary_data_size parameter is invalid and cannot be parsed"}},
    {StatusCode::kRestBinaryBufferExceeded,
     {400, kGrpcInvalidArgument,
      "Received buffer size is smaller than binary_data_size parameter indicates"}},
    {StatusCode::kRestInferenceHeaderContentLengthInvalid,
     {400, kGrpcInvalidArgument,
      "Inference-Header-Content-Length header is invalid and couldn't be parsed"}},
    {StatusCode::kRestInferenceHeaderContentLengthExceeded,
     {400, kGrpcInvalidArgument,
      "Inference-Header-Content-Length header exceeds actual payload length"}},
    {StatusCode::kRestContentsFieldNotEmpty,
     {400, kGrpcInvalidArgument,
      "Request contains values both in binary data and in content value"}},
    {StatusCode::kRestContentEncodingUnsupported,
     {501, kGrpcUnimplemented, "Unsupported compression type"}},
    {StatusCode::kRestCompressedBodyInvalid,
     {400, kGrpcInvalidArgument, "Request body could not be decompressed"}},
    // Shared memory: Triton's codes (REFERENCE-2.md §3.1), except that a key that cannot be
    // opened or mapped is the client's error (400), not INTERNAL.
    {StatusCode::kShmDisabled,
     {501, kGrpcUnimplemented,
      "System shared memory is disabled. Start the server with --allow_system_shared_memory to "
      "enable it"}},
    {StatusCode::kShmRegionExists,
     {400, kGrpcAlreadyExists, "Shared memory region already in manager"}},
    {StatusCode::kShmRegionNotFound,
     {404, kGrpcNotFound, "Unable to find system shared memory region"}},
    {StatusCode::kShmInvalidRegion,
     {400, kGrpcInvalidArgument, "Failed to register system shared memory region"}},
    {StatusCode::kShmTooManyRegions,
     {400, kGrpcResourceExhausted, "Too many system shared memory regions"}},
    {StatusCode::kShmInvalidTensor,
     {400, kGrpcInvalidArgument, "Invalid shared memory parameters"}},
    {StatusCode::kShmCudaUnsupported,
     {501, kGrpcUnimplemented, "CUDA shared memory is not supported"}},
    {StatusCode::kServerNotReady, {503, kGrpcUnavailable, "Server is not ready"}},
    {StatusCode::kResourceExhausted, {503, kGrpcResourceExhausted, "Resource exhausted"}},
    {StatusCode::kQueueFull, {503, kGrpcUnavailable, "Exceeds maximum queue size"}},
    {StatusCode::kQueueTimeout, {503, kGrpcUnavailable, "Request timeout expired"}},
    {StatusCode::kDeadlineExceeded, {504, kGrpcDeadlineExceeded, "Deadline exceeded"}},
    {StatusCode::kCancelled, {499, kGrpcCancelled, "Request cancelled"}},
    {StatusCode::kOvInternalInferenceError, {500, kGrpcInternal, "Internal inference error"}},
    {StatusCode::kOvInternalSerializationError,
     {500, kGrpcInternal, "Internal serialization error"}},
    {StatusCode::kOvInternalDeserializationError,
     {500, kGrpcInternal, "Internal deserialization error"}},
    {StatusCode::kCannotCompileModelIntoTargetDevice,
     {412, kGrpcFailedPrecondition, "Cannot compile model into target device"}},
    {StatusCode::kReshapeError,
     {412, kGrpcFailedPrecondition, "Model could not be reshaped with requested shape"}},
    {StatusCode::kModelConfigInvalid, {400, kGrpcInvalidArgument, "Model config is invalid"}},
    {StatusCode::kPluginConfigUnsupportedKey,
     {400, kGrpcInvalidArgument, "Plugin config contains unsupported keys"}},
    {StatusCode::kPluginConfigInvalid, {400, kGrpcInvalidArgument, "Couldn't parse plugin config"}},
    {StatusCode::kInvalidNireq, {400, kGrpcInvalidArgument, "Nireq parameter too high"}},
    {StatusCode::kPathInvalid,
     {400, kGrpcInvalidArgument, "The provided base path is invalid or doesn't exists"}},
    {StatusCode::kFileInvalid, {400, kGrpcInvalidArgument, "File not found or cannot open"}},
    {StatusCode::kNoModelVersionAvailable,
     {404, kGrpcNotFound, "No version found for model in path"}},
    {StatusCode::kConfigFileInvalid,
     {412, kGrpcFailedPrecondition, "Configuration file is invalid"}},
    {StatusCode::kInvalidMetricsFamilyName,
     {400, kGrpcInvalidArgument, "Invalid name in metrics_list"}},
    {StatusCode::kTritonInvalidArgument, {400, kGrpcInvalidArgument, ""}},
    {StatusCode::kTritonUnavailable, {503, kGrpcUnavailable, ""}},
    {StatusCode::kTritonUnsupported, {501, kGrpcUnimplemented, ""}},
    {StatusCode::kTritonInternal, {500, kGrpcInternal, ""}},
    {StatusCode::kInternalError, {500, kGrpcInternal, "Internal server error"}},
};

constexpr auto buildTable() {
  std::array<StatusInfo, static_cast<size_t>(StatusCode::kInternalError) + 1> table{};
  for (const Row& row : kRows) table[static_cast<size_t>(row.code)] = row.info;
  return table;
}
constexpr auto kTable = buildTable();

// Every code must have a row: a missing one would have a null message.
constexpr bool tableComplete() {
  for (const StatusInfo& info : kTable) {
    if (info.message == nullptr) return false;
  }
  return true;
}
static_assert(tableComplete(), "every StatusCode needs a row in kRows");

}  // namespace

const StatusInfo& statusInfo(StatusCode code) { return kTable[static_cast<size_t>(code)]; }

namespace {

// Moves `at` back to the start of the UTF-8 sequence it falls in, so a cut leaves whole
// characters.
size_t characterStart(std::string_view text, size_t at) {
  while (at > 0 && at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) {
    --at;
  }
  return at;
}

}  // namespace

std::string boundedDetails(std::string details) {
  if (details.size() <= kMaxStatusDetailsBytes) return details;
  constexpr size_t kKept = kMaxStatusDetailsBytes / 2 - 40;  // room for the marker
  const size_t head = characterStart(details, kKept);
  const size_t tail = characterStart(details, details.size() - kKept);
  return details.substr(0, head) + " ... [" + std::to_string(tail - head) + " bytes cut] ... " +
         details.substr(tail);
}

std::string Status::message() const {
  std::string text = statusInfo(code_).message;
  if (text.empty()) return details_;
  if (!details_.empty()) {
    text += " - ";
    text += details_;
  }
  return text;
}

}  // namespace mserve::util

// The single table from status codes to HTTP status, gRPC code and OVMS message text
// (REFERENCE.md §3.7). Client errors that OVMS leaves unmapped are 400 / INVALID_ARGUMENT here,
// a deliberate fix listed in docs/compatibility.md.
#include <array>

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
constexpr int kGrpcResourceExhausted = 8;
constexpr int kGrpcFailedPrecondition = 9;
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
    {StatusCode::kServerNotReady, {503, kGrpcUnavailable, "Server is not ready"}},
    {StatusCode::kResourceExhausted, {503, kGrpcResourceExhausted, "Resource exhausted"}},
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

std::string Status::message() const {
  std::string text = statusInfo(code_).message;
  if (!details_.empty()) {
    text += " - ";
    text += details_;
  }
  return text;
}

}  // namespace mserve::util

// The KServe binary-data extension: an Inference-Header-Content-Length value (the input's
// first line, up to '\n', taken as the header's text, so non-numeric values are fuzzed too) and
// a body whose first bytes are JSON and the rest binary tensor data split among the inputs.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "api/kfs/kfs_json_request.hpp"
#include "api/kfs/kfs_json_response.hpp"
#include "fuzz_backend.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mserve;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t newline = input.find('\n');
  if (newline == std::string_view::npos) return 0;
  const std::string header(input.substr(0, newline));
  api::kfs::RestInferRequest request;
  request.memory = api::RequestMemory(64 << 20);
  request.body.assign(input.substr(newline + 1));
  request.binary_data_output = size % 2 == 0;  // both response forms
  if (!api::kfs::decodeRestInferRequest(std::string_view(header), 100, request).isOk()) return 0;
  fuzz::EchoBackend backend;
  std::shared_ptr<const tensor::InferenceRequest> view(std::shared_ptr<void>(), &request.request);
  backend.infer(view, [&](const util::Status&, const tensor::InferenceResponse* response) {
    (void)api::kfs::encodeRestInferResponse(*response, request);
  });
  return 0;
}

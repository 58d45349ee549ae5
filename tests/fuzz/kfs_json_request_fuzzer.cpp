// KServe v2 REST infer bodies as JSON alone (no Inference-Header-Content-Length): the JSON
// parser with its depth and memory limits and the whole decoder (inputs, data, outputs,
// parameters), then the JSON response encoder on what came through.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "api/kfs/kfs_json_request.hpp"
#include "api/kfs/kfs_json_response.hpp"
#include "fuzz_backend.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mserve;
  api::kfs::RestInferRequest request;
  request.memory = api::RequestMemory(64 << 20);
  request.body.assign(reinterpret_cast<const char*>(data), size);
  if (!api::kfs::decodeRestInferRequest(std::nullopt, 100, request).isOk()) return 0;
  fuzz::EchoBackend backend;
  std::shared_ptr<const tensor::InferenceRequest> view(std::shared_ptr<void>(), &request.request);
  backend.infer(view, [&](const util::Status&, const tensor::InferenceResponse* response) {
    (void)api::kfs::encodeRestInferResponse(*response, request);
  });
  return 0;
}

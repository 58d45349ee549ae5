// KServe gRPC: a serialized inference.ModelInferRequest (what gRPC hands the service) decoded
// into tensors, raw_input_contents and every typed contents field; then the response encoder.
#include <cstddef>
#include <cstdint>

#include "api/kfs/kfs_request_decoder.hpp"
#include "api/kfs/kfs_response_encoder.hpp"
#include "fuzz_backend.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mserve;
  inference::ModelInferRequest message;
  if (!message.ParseFromArray(data, static_cast<int>(size))) return 0;
  auto request = std::make_shared<tensor::InferenceRequest>();
  if (!api::kfs::decodeInferRequest(message, *request).isOk()) return 0;
  fuzz::EchoBackend backend;
  backend.infer(request, [](const util::Status&, const tensor::InferenceResponse* response) {
    inference::ModelInferResponse out;
    (void)api::kfs::encodeInferResponse(*response, out);
  });
  return 0;
}

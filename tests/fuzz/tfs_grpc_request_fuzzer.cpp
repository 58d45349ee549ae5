// TF Serving gRPC: a serialized tensorflow.serving.PredictRequest decoded into tensors
// (tensor_content, every typed *_val field, string_val, tensor shapes), then the response
// encoder.
#include <cstddef>
#include <cstdint>

#include "api/tfs/tfs_request_decoder.hpp"
#include "api/tfs/tfs_response_encoder.hpp"
#include "fuzz_backend.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mserve;
  tensorflow::serving::PredictRequest message;
  if (!message.ParseFromArray(data, static_cast<int>(size))) return 0;
  auto request = std::make_shared<tensor::InferenceRequest>();
  if (!api::tfs::decodePredictRequest(message, *request).isOk()) return 0;
  fuzz::EchoBackend backend;
  backend.infer(request, [](const util::Status&, const tensor::InferenceResponse* response) {
    tensorflow::serving::PredictResponse out;
    (void)api::tfs::encodePredictResponse(*response, out);
  });
  return 0;
}

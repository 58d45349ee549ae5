// TF Serving REST predict bodies, row ("instances") and column ("inputs") formats, named and
// unnamed, numbers, strings and {"b64": ...}, against a model with inputs of several datatypes;
// then the JSON response in the request's format on what came through.
#include <cstddef>
#include <cstdint>
#include <string>

#include "api/tfs/tfs_rest_request.hpp"
#include "api/tfs/tfs_rest_response.hpp"
#include "fuzz_backend.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mserve;
  fuzz::EchoBackend backend;
  // The first byte picks a single-input model (the unnamed forms) or the four-input one.
  if (size == 0) return 0;
  auto model = backend.describe("m", 0).value();
  if (data[0] % 2 == 0) model.inputs.resize(1);
  api::tfs::TfsRestPredictRequest request;
  request.memory = api::RequestMemory(64 << 20);
  request.body.assign(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (!api::tfs::decodeTfsRestPredict(model, 100, request).isOk()) return 0;
  std::shared_ptr<const tensor::InferenceRequest> view(std::shared_ptr<void>(), &request.request);
  backend.infer(view, [&](const util::Status&, const tensor::InferenceResponse* response) {
    (void)api::tfs::encodeTfsRestPredict(*response, request.format, request.memory);
  });
  return 0;
}

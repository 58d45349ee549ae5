// One benchmark client's system shared memory: its POSIX shm object (inputs, then a slot per
// output), registered with the server for as long as the client lives. Not thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "input_data.hpp"
#include "kfs/grpc_predict_v2.grpc.pb.h"
#include "model_signature.hpp"
#include "util/status.hpp"

namespace mserve::bench {

class ShmBuffer;

class ShmClientSetup {
 public:
  // Creates and registers client `index`'s region and rewrites `request` (inputs already named,
  // typed and shaped) to take every input from it and write every output of `signature` to it.
  // `output_bytes`: the slot size of outputs without a static shape (0 = the inputs' total).
  static util::StatusOr<std::unique_ptr<ShmClientSetup>> create(
      std::shared_ptr<::grpc::Channel> channel, size_t index, const ModelSignature& signature,
      const std::vector<InputTensorData>& inputs, size_t output_bytes,
      inference::ModelInferRequest& request);
  // Unregisters the region, then unmaps and unlinks it.
  ~ShmClientSetup();

 private:
  ShmClientSetup() = default;
  util::Status registerRegion();

  std::unique_ptr<inference::GRPCInferenceService::Stub> stub_;
  std::string region_;
  std::unique_ptr<ShmBuffer> buffer_;
  bool registered_ = false;
};

}  // namespace mserve::bench

// The interface every benchmark target implements (KServe/TF Serving over gRPC or REST, the
// in-process engine): it describes the model, takes the inputs once, and hands out clients.
// A client has at most one request in flight; its completion may run on any thread, possibly
// inside send().
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "input_data.hpp"
#include "model_signature.hpp"
#include "util/status.hpp"

namespace mserve::bench {

// Outcome of one request as the client sees it; `error` is empty on success.
struct CallResult {
  bool ok = true;
  std::string error;
};
using CallDone = std::function<void(CallResult)>;
using Properties = std::vector<std::pair<std::string, std::string>>;
// Each output's elements as doubles (empty for outputs that are not numbers), in model order.
using OutputValues = std::vector<std::vector<double>>;

class BenchClient {
 public:
  virtual ~BenchClient() = default;
  // Sends one request; `done` runs exactly once.
  virtual void send(CallDone done) = 0;
};

class BenchTarget {
 public:
  virtual ~BenchTarget() = default;
  // "kfs-grpc localhost:9000", "in-process resnet/1/model.xml", ...
  virtual std::string describe() const = 0;
  // What the target knows about how the model runs (in-process: compiled properties, nireq).
  virtual Properties properties() const { return {}; }
  virtual util::StatusOr<ModelSignature> signature() = 0;
  // Called once, before makeClient(): the inputs every request carries.
  virtual util::Status setInputs(const std::vector<InputTensorData>& inputs) = 0;
  // Client `index` (0..concurrency-1). Network targets open one connection per client.
  virtual util::StatusOr<std::unique_ptr<BenchClient>> makeClient(size_t index) = 0;
  // Runs one request with the inputs and returns its outputs (how the tuner compares
  // precisions); only targets that can read outputs implement it.
  virtual util::StatusOr<OutputValues> inferOnce() {
    return util::Status(util::StatusCode::kInvalidArgument, describe() + " cannot return outputs");
  }
};

}  // namespace mserve::bench

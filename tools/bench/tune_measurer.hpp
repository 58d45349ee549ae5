// The tuner's in-process measurer: compiles the model with a candidate's properties through
// mserve's engine (makeInProcessTarget: the server's plugin-config normalisation, plus the CPU
// budget's defaults the server adds for keys left unset), drives it with the load driver, and
// compares one inference's outputs with an f32 compile's on the same inputs.
// Not thread-safe; one measurement at a time.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "input_data.hpp"
#include "load_driver.hpp"
#include "tune_search.hpp"
#include "util/cpu_budget.hpp"

namespace mserve::bench {

// Drives `target` (inputs set) with `concurrency` clients: throughput, p50, p99 and the CPU per
// request (the server's when load.server_pid is set, else this process's). Shared by both
// measurers.
util::StatusOr<Measurement> driveTarget(BenchTarget& target, size_t concurrency,
                                        const LoadOptions& load);

struct InProcessMeasureOptions {
  std::string model_path;
  std::string device = "CPU";
  size_t concurrency = 1;
  LoadOptions load;  // rate, warm-up and duration of each point
  InputOptions inputs;
  util::CpuBudget budget;
};

class InProcessMeasurer final : public Measurer {
 public:
  // Compiles the model twice (the defaults, to build the inputs and learn the device's default
  // precision; f32, for the reference outputs).
  static util::StatusOr<std::unique_ptr<InProcessMeasurer>> create(
      const InProcessMeasureOptions& options);

  util::StatusOr<Measurement> measure(const Candidate& candidate) override;
  // The INFERENCE_PRECISION_HINT the device compiles to when none is given ("bf16" with AMX).
  const std::string& defaultPrecision() const { return default_precision_; }

 private:
  explicit InProcessMeasurer(InProcessMeasureOptions options) : options_(std::move(options)) {}

  InProcessMeasureOptions options_;
  std::vector<InputTensorData> inputs_;
  OutputValues reference_;  // the f32 compile's outputs for inputs_
  std::string default_precision_;
};

}  // namespace mserve::bench

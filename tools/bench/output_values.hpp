// Reading a model's numeric outputs as doubles and comparing two runs' outputs: how the tuner
// reports what a lower inference precision costs in accuracy. Pure functions.
#pragma once

#include <optional>
#include <vector>

#include "bench_target.hpp"
#include "tensor/inference_request.hpp"

namespace mserve::bench {

// The output's elements as doubles; empty for BYTES, BOOL and FP16 outputs.
std::vector<double> numericValues(const tensor::OutputTensor& output);

struct OutputError {
  double max_abs = 0;  // max |other - reference| over every element of every output
  double max_rel = 0;  // max_abs of each output over that output's max |reference|, the largest
};

// nullopt when the outputs cannot be compared (different counts or sizes, nothing numeric).
std::optional<OutputError> compareOutputs(const OutputValues& reference, const OutputValues& other);

}  // namespace mserve::bench

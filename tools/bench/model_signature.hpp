// What mserve-bench knows about the model it loads: its inputs and outputs as the target reports
// them (KServe or TF Serving metadata, or the compiled model in-process). Plain values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tensor/datatype.hpp"

namespace mserve::bench {

struct TensorSpec {
  std::string name;
  tensor::DataType datatype = tensor::DataType::kFp32;
  std::vector<int64_t> dims;  // -1 for a dynamic dimension
};

struct ModelSignature {
  std::vector<TensorSpec> inputs;
  std::vector<TensorSpec> outputs;
};

}  // namespace mserve::bench

// The settings a loaded version really runs with, read back from its compiled model (not from
// the configuration, which OpenVINO and the CPU budget may have adjusted): what the status page
// shows and ovms_compiled_model_info labels. Plain values.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace mserve::serving {

class ModelVersion;

// "" or 0 where the device does not report a property.
struct CompiledFacts {
  std::string device;          // EXECUTION_DEVICES
  std::string hint;            // PERFORMANCE_HINT
  int64_t streams = 0;         // NUM_STREAMS
  int64_t threads = 0;         // INFERENCE_NUM_THREADS
  std::string precision;       // INFERENCE_PRECISION_HINT
  std::string pinning;         // ENABLE_CPU_PINNING
  int64_t nireq = 0;           // infer requests in the version's pool
  int64_t max_batch_size = 0;  // dynamic batching; 0 = off
  int64_t max_queue_size = 0;  // 0 = unbounded
};

CompiledFacts compiledFacts(const ModelVersion& version);

// The facts as metric labels (besides name and version), sorted by label name.
std::vector<std::pair<std::string, std::string>> compiledFactLabels(const CompiledFacts& facts);

}  // namespace mserve::serving

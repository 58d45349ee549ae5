#include "serving/compiled_facts.hpp"

#include <charconv>

#include "serving/model_version.hpp"

namespace mserve::serving {
namespace {

int64_t integerProperty(const engine::CompiledModel& model, const char* key) {
  const std::string text = model.property(key);
  int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

}  // namespace

CompiledFacts compiledFacts(const ModelVersion& version) {
  const engine::CompiledModel& model = version.compiledModel();
  CompiledFacts facts;
  facts.device = model.property("EXECUTION_DEVICES");
  facts.hint = model.property("PERFORMANCE_HINT");
  facts.streams = integerProperty(model, "NUM_STREAMS");
  facts.threads = integerProperty(model, "INFERENCE_NUM_THREADS");
  facts.precision = model.property("INFERENCE_PRECISION_HINT");
  facts.pinning = model.property("ENABLE_CPU_PINNING");
  facts.nireq = static_cast<int64_t>(version.nireq());
  if (const scheduling::RequestScheduler* scheduler = version.scheduler()) {
    facts.max_batch_size = scheduler->limits().max_batch_size;
    facts.max_queue_size = scheduler->limits().max_queue_size;
  }
  return facts;
}

std::vector<std::pair<std::string, std::string>> compiledFactLabels(const CompiledFacts& facts) {
  return {{"device", facts.device},
          {"hint", facts.hint},
          {"max_batch_size", std::to_string(facts.max_batch_size)},
          {"nireq", std::to_string(facts.nireq)},
          {"pinning", facts.pinning},
          {"precision", facts.precision},
          {"streams", std::to_string(facts.streams)},
          {"threads", std::to_string(facts.threads)}};
}

}  // namespace mserve::serving

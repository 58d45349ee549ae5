#include "engine/inline_policy.hpp"

namespace mserve::engine {

InlinePolicy::InlinePolicy(std::chrono::microseconds limit)
    : limit_ns_(std::chrono::duration_cast<std::chrono::nanoseconds>(limit).count()) {}

bool InlinePolicy::runInline() const {
  // Unknown (no inference yet) compares as heavy: the first inferences of a model, which include
  // OpenVINO's one-off warm-up, take the asynchronous path.
  return limit_ns_ > 0 && meanNanoseconds() <= limit_ns_;
}

void InlinePolicy::record(std::chrono::nanoseconds took) {
  const int64_t sample = took.count();
  const int64_t mean = mean_ns_.load(std::memory_order_relaxed);
  const int64_t next = mean == kUnknown ? sample : mean + (sample - mean) / 8;
  mean_ns_.store(next, std::memory_order_relaxed);
}

}  // namespace mserve::engine

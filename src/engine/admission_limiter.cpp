#include "engine/admission_limiter.hpp"

#include <algorithm>
#include <utility>

namespace mserve::engine {
namespace {

// Strides divide this by the weight; weights are at most 2^32 - 1, so every stride is >= 1.
constexpr uint64_t kStrideUnit = uint64_t{1} << 40;

}  // namespace

AdmissionLimiter::Lane::Lane(AdmissionLimiter& limiter, uint32_t weight)
    : owner(limiter), stride(kStrideUnit / std::max<uint32_t>(weight, 1)) {}

AdmissionLimiter::Lane::~Lane() { owner.forget(this); }

std::shared_ptr<AdmissionLimiter::Lane> AdmissionLimiter::addLane(uint32_t weight) {
  auto lane = std::make_shared<Lane>(*this, weight);
  std::lock_guard lock(mutex_);
  lanes_.push_back(lane.get());
  return lane;
}

void AdmissionLimiter::forget(Lane* lane) {
  std::deque<Waiter> dropped;  // a pool that goes drops its waiters, as it drops its own queue
  {
    std::lock_guard lock(mutex_);
    dropped.swap(lane->waiters);
    waiting_ -= dropped.size();
    lanes_.erase(std::remove(lanes_.begin(), lanes_.end(), lane), lanes_.end());
  }
}  // destroyed outside the lock: a waiter's captures may release anything

void AdmissionLimiter::admit(Lane& lane, Waiter waiter) {
  {
    std::lock_guard lock(mutex_);
    if (running_ >= limit_ || waiting_ > 0) {
      // A lane that was idle starts from now, not from its old pass: it may not claim the
      // slots it left unused while others ran.
      if (lane.waiters.empty()) lane.pass = std::max(lane.pass, virtual_time_);
      lane.waiters.push_back(std::move(waiter));
      ++waiting_;
      return;
    }
    ++running_;
    peak_ = std::max(peak_, running_);
  }
  waiter(true);
}

AdmissionLimiter::Lane* AdmissionLimiter::nextLane() {
  Lane* next = nullptr;
  for (Lane* lane : lanes_) {
    if (!lane->waiters.empty() && (next == nullptr || lane->pass < next->pass)) next = lane;
  }
  return next;
}

void AdmissionLimiter::release() {
  Waiter next;
  {
    std::lock_guard lock(mutex_);
    Lane* lane = waiting_ > 0 ? nextLane() : nullptr;
    if (lane == nullptr) {
      --running_;
      return;
    }
    // The slot passes straight to the waiter: running_ stays, so no newcomer can take it.
    next = std::move(lane->waiters.front());
    lane->waiters.pop_front();
    --waiting_;
    virtual_time_ = lane->pass;
    lane->pass += lane->stride;
  }
  thread_local int nested = 0;
  const bool nested_ok = nested < kMaxNestedHandOvers;
  ++nested;
  next(nested_ok);  // outside the lock: the waiter may admit or release itself
  --nested;
}

size_t AdmissionLimiter::running() const {
  std::lock_guard lock(mutex_);
  return running_;
}

size_t AdmissionLimiter::peakRunning() const {
  std::lock_guard lock(mutex_);
  return peak_;
}

size_t AdmissionLimiter::waiting() const {
  std::lock_guard lock(mutex_);
  return waiting_;
}

}  // namespace mserve::engine

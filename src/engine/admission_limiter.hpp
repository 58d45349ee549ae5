// The server-wide admission limit of fair core sharing (DESIGN.md §3b): when more models share
// the CPU than it has cores, at most `limit` inferences run at once across them, and a freed
// slot goes to the waiting model whose weight entitles it next (stride scheduling, a weighted
// fair queue over per-model lanes, FIFO within a lane). Waiters hold no thread: a waiter runs
// at once when a slot is free, otherwise on the thread that releases one. Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace mserve::engine {

class AdmissionLimiter {
 public:
  // `nested_ok`: false when the waiter runs nested in too many hand-overs on one thread; it must
  // then not run its inference synchronously (the stack and one client's thread stay bounded).
  using Waiter = std::function<void(bool nested_ok)>;
  struct Lane;  // one model version's waiters

  explicit AdmissionLimiter(size_t limit) : limit_(limit == 0 ? 1 : limit) {}

  // A lane with weight `weight` (at least 1); it lives as long as the returned pointer.
  std::shared_ptr<Lane> addLane(uint32_t weight);
  // Runs `waiter` once it holds a slot; every admitted waiter must call release() once.
  void admit(Lane& lane, Waiter waiter);
  // Returns a slot: the next waiter by weight (if any) runs on this thread, holding it.
  void release();

  size_t limit() const { return limit_; }
  size_t running() const;
  size_t peakRunning() const;  // the most that ever ran at once
  size_t waiting() const;
  static constexpr int kMaxNestedHandOvers = 8;

 private:
  Lane* nextLane();  // under mutex_
  void forget(Lane* lane);

  const size_t limit_;
  mutable std::mutex mutex_;
  size_t running_ = 0;         // guarded by mutex_
  size_t peak_ = 0;            // guarded by mutex_
  size_t waiting_ = 0;         // guarded by mutex_
  uint64_t virtual_time_ = 0;  // the pass of the lane served last; guarded by mutex_
  std::vector<Lane*> lanes_;   // guarded by mutex_
};

struct AdmissionLimiter::Lane {
  Lane(AdmissionLimiter& owner, uint32_t weight);
  ~Lane();
  AdmissionLimiter& owner;
  const uint64_t stride;       // kStrideUnit / weight: a heavier lane advances more slowly
  uint64_t pass = 0;           // guarded by owner.mutex_
  std::deque<Waiter> waiters;  // guarded by owner.mutex_
};

}  // namespace mserve::engine

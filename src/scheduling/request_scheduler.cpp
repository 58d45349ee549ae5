#include "scheduling/request_scheduler.hpp"

#include <algorithm>
#include <utility>

#include "scheduling/batch_tensors.hpp"

namespace mserve::scheduling {
namespace {

using util::Status;
using util::StatusCode;

}  // namespace

SchedulerLimits SchedulerLimits::from(const config::SchedulingConfig& model,
                                      const config::SchedulingDefaults& defaults) {
  SchedulerLimits limits;
  limits.max_batch_size = model.batching.max_batch_size;
  limits.preferred_batch_sizes = model.batching.preferred_batch_sizes;
  limits.max_queue_delay = std::chrono::microseconds(model.batching.max_queue_delay_us);
  limits.preserve_ordering = model.batching.preserve_ordering;
  limits.max_queue_size = model.max_queue_size.value_or(defaults.max_queue_size);
  limits.queue_timeout =
      std::chrono::microseconds(model.queue_timeout_us.value_or(defaults.queue_timeout_us));
  return limits;
}

RequestScheduler::RequestScheduler(SchedulerLimits limits, engine::InferRequestPool& pool,
                                   const std::string& model_name, int64_t version,
                                   const std::vector<engine::TensorInfo>& outputs)
    : limits_(std::move(limits)),
      pool_(pool),
      model_name_(model_name),
      version_(version),
      outputs_(outputs) {
  if (limits_.max_queue_delay.count() > 0 || limits_.queue_timeout.count() > 0) {
    timer_ = std::make_unique<QueueTimer>([this] { onTimer(); });
  }
}

// The timer goes first: its thread may be inside onTimer().
RequestScheduler::~RequestScheduler() { timer_.reset(); }

size_t RequestScheduler::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

void RequestScheduler::submit(QueuedRequest item) {
  if (metrics_) metrics_->addCurrentRequests(1);
  if (limits_.batching()) {
    auto rows = batchRows(*item.request, item.input_order);
    if (!rows.isOk()) return answer(item, rows.status());
    if (rows.value() > limits_.max_batch_size) {
      return answer(
          item, Status(StatusCode::kInvalidBatchSize, "inference request batch-size must be <= " +
                                                          std::to_string(limits_.max_batch_size) +
                                                          " for '" + model_name_ + "'"));
    }
    item.rows = rows.value();
  }
  item.queued = Clock::now();
  if (limits_.queue_timeout.count() > 0) {
    // A request's own timeout may only lower the model's (Triton's rule).
    // Compared unsigned: a client's value beyond int64 must not wrap into a past deadline.
    const uint64_t asked = item.request->queue_timeout_us;
    const auto timeout = asked > 0 && asked < static_cast<uint64_t>(limits_.queue_timeout.count())
                             ? std::chrono::microseconds(asked)
                             : limits_.queue_timeout;
    item.expires = item.queued + timeout;
  }
  bool acquire = false;
  engine::InferRequest* dispatch_slot = nullptr;
  Batch batch;
  {
    std::unique_lock lock(mutex_);
    if (limits_.max_queue_size > 0 && queue_.size() >= limits_.max_queue_size) {
      lock.unlock();
      return reject(item, Status(StatusCode::kQueueFull,
                                 "model '" + model_name_ + "' version " + std::to_string(version_) +
                                     " queues at most " + std::to_string(limits_.max_queue_size) +
                                     " requests (max_queue_size " +
                                     std::to_string(limits_.max_queue_size) + ")"));
    }
    // Kept apart: taking a batch below may move this request out of the queue (and free the
    // deque node that held it), so queue_.back() must not be read after that.
    const Clock::time_point expires = item.expires;
    const Clock::time_point queued = item.queued;
    queue_.push_back(std::move(item));
    if (expires != Clock::time_point::max()) expiries_.insert(expires);
    if (held_ != nullptr) {
      if (readyLocked(queued)) {
        dispatch_slot = std::exchange(held_, nullptr);
        batch = takeBatchLocked();
        acquire = !queue_.empty() && !acquiring_;
      }
    } else {
      acquire = !acquiring_;
    }
    if (acquire) acquiring_ = true;
    if (timer_ && expires != Clock::time_point::max()) timer_->wakeAt(expires);
  }
  if (acquire) acquireSlot();
  if (dispatch_slot != nullptr) execute(*dispatch_slot, std::move(batch));
}

void RequestScheduler::acquireSlot() {
  pool_.acquire([this](engine::InferRequest& slot) { onSlot(slot); });
}

// Runs on the thread that freed `slot` (or the submitting thread when one was idle).
void RequestScheduler::onSlot(engine::InferRequest& slot) {
  const Clock::time_point now = Clock::now();
  std::vector<QueuedRequest> expired;
  Batch batch;
  bool release = false;
  bool dispatch = false;
  bool acquire = false;
  {
    std::lock_guard lock(mutex_);
    acquiring_ = false;
    expired = takeExpiredLocked(now);
    if (queue_.empty()) {
      release = true;
    } else if (!readyLocked(now)) {
      held_ = &slot;  // a batch waits for more requests: the timer or a submit sends it
      armTimerLocked();
    } else {
      batch = takeBatchLocked();
      dispatch = true;
      acquire = !queue_.empty();
      if (acquire) acquiring_ = true;
    }
  }
  answerExpired(std::move(expired), false);
  if (release) pool_.release(slot);
  if (acquire) acquireSlot();
  if (dispatch) execute(slot, std::move(batch));
}

// On the timer's thread: only moves work to the requests' executors (answering here could drop
// the version's last reference and join this very thread).
void RequestScheduler::onTimer() {
  const Clock::time_point now = Clock::now();
  std::vector<QueuedRequest> expired;
  engine::InferRequest* slot = nullptr;
  Batch batch;
  // The next batch's acquire goes to an executor too: an idle infer request would run that
  // batch, and answer it, on this thread. The version stays alive until it ran.
  std::shared_ptr<const void> acquire_for;
  util::Executor* acquire_on = nullptr;
  {
    std::lock_guard lock(mutex_);
    expired = takeExpiredLocked(now);
    if (held_ != nullptr && (queue_.empty() || readyLocked(now))) {
      slot = std::exchange(held_, nullptr);
      if (!queue_.empty()) batch = takeBatchLocked();
      if (!queue_.empty() && !acquiring_) {
        acquiring_ = true;
        acquire_for = queue_.front().keep_alive;
        acquire_on = queue_.front().completion;
      }
    }
    armTimerLocked();
  }
  answerExpired(std::move(expired), true);
  if (slot != nullptr && batch.items.empty()) pool_.release(*slot);  // nothing left to run
  if (acquire_on != nullptr) {
    acquire_on->post([this, version = std::move(acquire_for)] { acquireSlot(); });
  }
  if (slot != nullptr && !batch.items.empty()) {
    util::Executor* executor = batch.items.front().completion;
    auto work = std::make_shared<Batch>(std::move(batch));
    executor->post([this, slot, work] { execute(*slot, std::move(*work)); });
  }
}

bool RequestScheduler::readyLocked(Clock::time_point now) const {
  if (limits_.max_queue_delay.count() == 0) return true;
  const QueuedRequest& head = queue_.front();
  if (now >= head.queued + limits_.max_queue_delay) return true;
  int64_t rows = 0;
  for (const QueuedRequest& item : queue_) {
    if (&item != &head &&
        !batchCompatible(*head.request, head.input_order, *item.request, item.input_order)) {
      break;
    }
    rows += item.rows;
    if (rows >= limits_.max_batch_size) return true;
    const auto& preferred = limits_.preferred_batch_sizes;
    if (std::binary_search(preferred.begin(), preferred.end(), static_cast<uint32_t>(rows))) {
      return true;
    }
  }
  return false;
}

// Requests in arrival order while they fit (max_batch_size) and match the first one's
// non-batch dimensions; cut at the largest preferred size reached, if any (Triton's rule).
RequestScheduler::Batch RequestScheduler::takeBatchLocked() {
  Batch batch;
  batch.sequence = next_sequence_++;
  if (!limits_.batching()) {
    batch.items.push_back(takeFrontLocked());
    return batch;
  }
  const QueuedRequest& head = queue_.front();
  int64_t rows = 0;
  size_t count = 0;
  size_t preferred_count = 0;
  for (const QueuedRequest& item : queue_) {
    if (count > 0 &&
        !batchCompatible(*head.request, head.input_order, *item.request, item.input_order)) {
      break;
    }
    if (rows + item.rows > limits_.max_batch_size) break;
    rows += item.rows;
    ++count;
    const auto& preferred = limits_.preferred_batch_sizes;
    if (std::binary_search(preferred.begin(), preferred.end(), static_cast<uint32_t>(rows))) {
      preferred_count = count;
    }
  }
  const size_t take = preferred_count > 0 ? preferred_count : count;
  for (size_t i = 0; i < take; ++i) {
    batch.items.push_back(takeFrontLocked());
  }
  return batch;
}

QueuedRequest RequestScheduler::takeFrontLocked() {
  QueuedRequest item = std::move(queue_.front());
  queue_.pop_front();
  if (item.expires != Clock::time_point::max()) expiries_.erase(expiries_.find(item.expires));
  return item;
}

// Scans the queue only when something expired: every hand-over checks, and a long queue must
// not cost a pass per dispatch.
std::vector<QueuedRequest> RequestScheduler::takeExpiredLocked(Clock::time_point now) {
  std::vector<QueuedRequest> expired;
  if (expiries_.empty() || *expiries_.begin() > now) return expired;
  for (auto it = queue_.begin(); it != queue_.end();) {
    if (it->expires <= now) {
      expiries_.erase(expiries_.find(it->expires));
      expired.push_back(std::move(*it));
      it = queue_.erase(it);
    } else {
      ++it;
    }
  }
  return expired;
}

void RequestScheduler::armTimerLocked() {
  if (!timer_) return;
  Clock::time_point next = Clock::time_point::max();
  if (held_ != nullptr && !queue_.empty()) next = queue_.front().queued + limits_.max_queue_delay;
  if (!expiries_.empty()) next = std::min(next, *expiries_.begin());
  if (next != Clock::time_point::max()) timer_->wakeAt(next);
}

void RequestScheduler::reject(QueuedRequest& item, util::Status status) {
  if (metrics_) {
    metrics_->countRejected(status.code() == StatusCode::kQueueFull
                                ? metrics::RejectReason::kQueueFull
                                : metrics::RejectReason::kTimeout);
  }
  answer(item, status);
}

void RequestScheduler::answer(QueuedRequest& item, const util::Status& status) {
  const Clock::time_point received = item.request->received;  // gone once answered
  item.done(status, nullptr);
  if (metrics_) metrics_->addCurrentRequests(-1);
  if (hooks_.statistics != nullptr) {
    const auto waited = Clock::now() - received;
    hooks_.statistics->recordFailure(static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(waited).count()));
  }
}

void RequestScheduler::answerExpired(std::vector<QueuedRequest> expired, bool post) {
  for (QueuedRequest& item : expired) {
    const auto waited =
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - item.queued);
    Status status(
        StatusCode::kQueueTimeout,
        "request waited " + std::to_string(waited.count()) + " us in the queue of model '" +
            model_name_ + "' version " + std::to_string(version_) + " (queue timeout " +
            std::to_string(
                std::chrono::duration_cast<std::chrono::microseconds>(item.expires - item.queued)
                    .count()) +
            " us)");
    if (!post) {
      reject(item, std::move(status));
      continue;
    }
    util::Executor* executor = item.completion;
    auto shared = std::make_shared<QueuedRequest>(std::move(item));
    executor->post([this, shared, status = std::move(status)] { reject(*shared, status); });
  }
}

}  // namespace mserve::scheduling

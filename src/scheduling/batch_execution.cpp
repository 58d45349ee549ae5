// RequestScheduler's half that runs a batch: binds the inputs (the request's own bytes for a
// batch of one, one concatenation otherwise), starts the infer request and answers each
// request with its rows of the outputs, in dispatch order when preserve_ordering is set.
#include <optional>
#include <utility>

#include "scheduling/batch_tensors.hpp"
#include "scheduling/request_scheduler.hpp"

namespace mserve::scheduling {
namespace {

using util::Status;
using util::StatusCode;

uint64_t nanoseconds(Clock::time_point from, Clock::time_point to) {
  return to > from ? static_cast<uint64_t>(
                         std::chrono::duration_cast<std::chrono::nanoseconds>(to - from).count())
                   : 0;
}

uint64_t microsecondsSince(Clock::time_point start) {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count());
}

// DEADLINE_EXCEEDED or CANCELLED when the client no longer waits for this request's answer.
Status clientGone(const tensor::InferenceRequest& request) {
  if (Clock::now() >= request.deadline) {
    return Status(StatusCode::kDeadlineExceeded,
                  "the client's deadline passed while the request was queued; not run");
  }
  if (request.cancelled && request.cancelled()) {
    return Status(StatusCode::kCancelled,
                  "the client cancelled while the request was queued; not run");
  }
  return Status::ok();
}

}  // namespace

// A batch in flight: its requests and the buffers its inputs were concatenated into.
struct RequestScheduler::Running {
  std::vector<QueuedRequest> items;
  uint64_t sequence = 0;
  std::vector<std::vector<std::byte>> buffers;  // one per model input (batches of two or more)
  std::vector<std::optional<tensor::OutputTensor>> outputs;  // each model output, read once
  // When the batch left the queue, inference started and finished (the statistics).
  Clock::time_point dispatched, started, finished;
};

void RequestScheduler::execute(engine::InferRequest& slot, Batch batch) {
  auto running = std::make_shared<Running>();
  running->sequence = batch.sequence;
  running->dispatched = Clock::now();
  running->started = running->dispatched;
  for (QueuedRequest& item : batch.items) {
    if (metrics_) metrics_->observeWaitTime(microsecondsSince(item.queued));
    if (Status gone = clientGone(*item.request); !gone.isOk()) {
      answer(item, gone);
    } else {
      running->items.push_back(std::move(item));
    }
  }
  if (running->items.empty()) {
    inOrder(running->sequence, batch.items.front().keep_alive, [] {});
    return pool_.release(slot);  // `batch` still holds the version
  }
  if (metrics_) {
    metrics_->addActiveInferRequests(1);
    metrics_->observeBatchSize(running->items.size());
  }
  if (Status bound = bindInputs(slot, *running); !bound.isOk()) {
    return complete(slot, running, bound);
  }
  util::Executor& executor = *running->items.front().completion;
  running->started = Clock::now();
  slot.start(executor, [this, &slot, running](Status status) {
    if (metrics_) metrics_->observeInferenceTime(microsecondsSince(running->started));
    complete(slot, running, status);
  });
}

Status RequestScheduler::bindInputs(engine::InferRequest& slot, Running& running) {
  const std::vector<QueuedRequest>& items = running.items;
  const size_t input_count = items.front().input_order.size();
  if (items.size() == 1) {  // zero copy, as without a scheduler
    for (size_t i = 0; i < input_count; ++i) {
      MSERVE_RETURN_IF_ERROR(
          slot.setInput(i, items.front().request->inputs[items.front().input_order[i]]));
    }
    return Status::ok();
  }
  running.buffers.resize(input_count);
  std::vector<const tensor::InputTensor*> parts(items.size());
  for (size_t i = 0; i < input_count; ++i) {
    for (size_t r = 0; r < items.size(); ++r) {
      parts[r] = &items[r].request->inputs[items[r].input_order[i]];
    }
    MSERVE_RETURN_IF_ERROR(slot.setInput(i, concatenate(parts, running.buffers[i])));
  }
  return Status::ok();
}

void RequestScheduler::complete(engine::InferRequest& slot, const std::shared_ptr<Running>& running,
                                const Status& status) {
  if (!limits_.preserve_ordering) return respond(slot, *running, status);
  std::shared_ptr<const void> version = running->items.front().keep_alive;
  inOrder(running->sequence, std::move(version),
          [this, &slot, running, status] { respond(slot, *running, status); });
}

void RequestScheduler::respond(engine::InferRequest& slot, Running& running, Status status) {
  running.finished = Clock::now();
  running.outputs.resize(outputs_.size());
  int64_t first_row = 0;
  for (QueuedRequest& item : running.items) {
    const Clock::time_point received = item.request->received;  // gone once answered
    const Status result = answerRows(slot, running, item, first_row, status);
    first_row += item.rows;
    if (metrics_) metrics_->addCurrentRequests(-1);
    if (hooks_.statistics == nullptr) continue;
    const Clock::time_point end = Clock::now();
    if (!result.isOk()) {
      hooks_.statistics->recordFailure(nanoseconds(received, end));
      continue;
    }
    // A batch's compute times count once per request in it (Triton).
    hooks_.statistics->recordSuccess(
        nanoseconds(received, end), nanoseconds(item.queued, running.dispatched),
        {nanoseconds(running.dispatched, running.started),
         nanoseconds(running.started, running.finished), nanoseconds(running.finished, end)});
  }
  if (status.isOk()) recordExecution(running, Clock::now());
  if (metrics_) metrics_->addActiveInferRequests(-1);
  // The requests hold the version: release first, drop them (maybe the version) last.
  std::vector<QueuedRequest> answered = std::move(running.items);
  pool_.release(slot);
}

// Answers `item` with its rows (from `first_row`) of the batch's outputs; returns its outcome.
Status RequestScheduler::answerRows(engine::InferRequest& slot, Running& running,
                                    QueuedRequest& item, int64_t first_row, Status status) {
  const bool split = running.items.size() > 1;
  if (status.isOk()) status = tensor::checkInputs(*item.request);
  auto rows_of = [&](size_t index) -> util::StatusOr<tensor::OutputTensor> {
    std::optional<tensor::OutputTensor>& batched = running.outputs[index];
    if (!batched) {
      auto output = slot.output(index);
      if (!output.isOk()) return output.status();
      output->name = outputs_[index].name;  // the name clients know it by
      batched = std::move(output).value();
    }
    if (!split) return *batched;
    return sliceRows(*batched, first_row, item.rows);
  };
  tensor::InferenceResponse response;
  response.model_name = model_name_;
  response.model_version = version_;
  response.id = item.request->id;
  for (size_t index : item.output_indices) {
    if (!status.isOk()) break;
    auto output = rows_of(index);
    if (!output.isOk()) {
      status = output.status();
      break;
    }
    response.outputs.push_back(std::move(output).value());
  }
  // Before the answer, so a client reading metadata after it sees its dims.
  if (status.isOk() && hooks_.request_dims) {
    hooks_.request_dims(*item.request, [&](size_t index) -> util::StatusOr<tensor::Shape> {
      auto output = rows_of(index);
      if (!output.isOk()) return output.status();
      return std::move(output->shape);
    });
  }
  item.done(status, status.isOk() ? &response : nullptr);
  return status;
}

// Once per batch that ran: its rows are the inferences (Triton's inference_count).
void RequestScheduler::recordExecution(const Running& running, Clock::time_point end) {
  if (hooks_.statistics == nullptr) return;
  int64_t rows = 0;
  for (const QueuedRequest& item : running.items) rows += item.rows;
  hooks_.statistics->recordExecution(
      static_cast<uint64_t>(rows),
      {nanoseconds(running.dispatched, running.started),
       nanoseconds(running.started, running.finished), nanoseconds(running.finished, end)});
}

// preserve_ordering: batches are answered in the order they were dispatched; a batch that
// finishes early waits (holding its infer request) for the ones before it.
// `version` keeps this scheduler alive until the loop is done with its members.
void RequestScheduler::inOrder(uint64_t sequence,
                               [[maybe_unused]] std::shared_ptr<const void> version,
                               std::function<void()> work) {
  if (!limits_.preserve_ordering) return work();
  {
    std::lock_guard lock(order_mutex_);
    if (sequence != next_to_answer_) {
      waiting_.emplace(sequence, std::move(work));
      return;
    }
  }
  while (work) {
    work();
    work = nullptr;
    std::lock_guard lock(order_mutex_);
    ++next_to_answer_;
    const auto next = waiting_.find(next_to_answer_);
    if (next == waiting_.end()) {
      work = nullptr;
    } else {
      work = std::move(next->second);
      waiting_.erase(next);
    }
  }
}

}  // namespace mserve::scheduling

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
};

void RequestScheduler::execute(engine::InferRequest& slot, Batch batch) {
  auto running = std::make_shared<Running>();
  running->sequence = batch.sequence;
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
  slot.start(executor, [this, &slot, running, started = Clock::now()](Status status) {
    if (metrics_) metrics_->observeInferenceTime(microsecondsSince(started));
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
  // Each model output is read once; requests get views of their rows.
  std::vector<std::optional<tensor::OutputTensor>> outputs(outputs_.size());
  const bool split = running.items.size() > 1;
  int64_t first_row = 0;
  for (QueuedRequest& item : running.items) {
    Status result = status;
    tensor::InferenceResponse response;
    response.model_name = model_name_;
    response.model_version = version_;
    response.id = item.request->id;
    for (size_t index : item.output_indices) {
      if (!result.isOk()) break;
      if (!outputs[index]) {
        auto output = slot.output(index);
        if (!output.isOk()) {
          result = output.status();
          break;
        }
        output->name = outputs_[index].name;  // the name clients know it by
        outputs[index] = std::move(output).value();
      }
      if (!split) {
        response.outputs.push_back(*outputs[index]);
        continue;
      }
      auto rows = sliceRows(*outputs[index], first_row, item.rows);
      if (!rows.isOk()) {
        result = rows.status();
        break;
      }
      response.outputs.push_back(std::move(rows).value());
    }
    first_row += item.rows;
    item.done(result, result.isOk() ? &response : nullptr);
    if (metrics_) metrics_->addCurrentRequests(-1);
  }
  if (metrics_) metrics_->addActiveInferRequests(-1);
  // The requests hold the version: release first, drop them (maybe the version) last.
  std::vector<QueuedRequest> answered = std::move(running.items);
  pool_.release(slot);
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

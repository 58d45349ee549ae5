#include "serving/model_version.hpp"

#include <charconv>
#include <chrono>
#include <utility>

#include "serving/compiled_facts.hpp"
#include "serving/request_validator.hpp"

namespace mserve::serving {
namespace {

using Clock = std::chrono::steady_clock;

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
util::Status clientGone(const tensor::InferenceRequest& request) {
  if (Clock::now() >= request.deadline) {
    return util::Status(util::StatusCode::kDeadlineExceeded,
                        "the client's deadline passed while the request waited for an infer "
                        "request; not run");
  }
  if (request.cancelled && request.cancelled()) {
    return util::Status(util::StatusCode::kCancelled,
                        "the client cancelled while the request waited for an infer request; "
                        "not run");
  }
  return util::Status::ok();
}

std::vector<engine::TensorInfo> renamed(std::vector<engine::TensorInfo> tensors,
                                        const std::map<std::string, std::string>& names) {
  for (engine::TensorInfo& tensor : tensors) {
    const auto found = names.find(tensor.name);
    if (found != names.end()) tensor.name = found->second;
  }
  return tensors;
}

}  // namespace

ModelVersion::ModelVersion(std::string name, int64_t version,
                           std::unique_ptr<engine::CompiledModel> model,
                           std::unique_ptr<engine::InferRequestPool> pool,
                           const config::TensorMapping& mapping, bool reports_request_shapes)
    : name_(std::move(name)),
      version_(version),
      model_(std::move(model)),
      pool_(std::move(pool)),
      inputs_(renamed(model_->inputs(), mapping.inputs)),
      outputs_(renamed(model_->outputs(), mapping.outputs)) {
  if (reports_request_shapes) {
    reported_ = std::make_unique<ReportedShapes>(
        PortShapes{model_->originalInputShapes(), model_->originalOutputShapes()});
  }
}

MetadataPorts ModelVersion::metadataPorts() const {
  MetadataPorts ports{inputs_, outputs_};
  if (reported_ == nullptr) return ports;
  const PortShapes shapes = reported_->current();
  for (size_t i = 0; i < ports.inputs.size() && i < shapes.inputs.size(); ++i) {
    ports.inputs[i].shape = shapes.inputs[i];
  }
  for (size_t i = 0; i < ports.outputs.size() && i < shapes.outputs.size(); ++i) {
    ports.outputs[i].shape = shapes.outputs[i];
  }
  return ports;
}

void ModelVersion::useScheduler(scheduling::SchedulerLimits limits) {
  scheduler_ = std::make_unique<scheduling::RequestScheduler>(std::move(limits), *pool_, name_,
                                                              version_, outputs_);
  scheduling::ExecutionHooks hooks;
  hooks.statistics = &statistics_;
  if (reported_ != nullptr) {
    hooks.request_dims = [this](const tensor::InferenceRequest& request,
                                const scheduling::OutputDims& outputs) {
      noteRequestDims(request, outputs);
    };
  }
  scheduler_->attachHooks(std::move(hooks));
}

void ModelVersion::attachMetrics(std::shared_ptr<metrics::ModelMetrics> metrics) {
  metrics_ = std::move(metrics);
  if (scheduler_) {
    scheduler_->attachMetrics(metrics_.get());
    metrics_->enableSchedulerSeries();
  }
  metrics_->setQueueSize(static_cast<int64_t>(pool_->size()));
  // OVMS falls back to nireq when the device does not report streams (from_chars then leaves
  // `streams` as it is).
  int64_t streams = static_cast<int64_t>(pool_->size());
  const std::string text = model_->property("NUM_STREAMS");
  std::from_chars(text.data(), text.data() + text.size(), streams);
  metrics_->setStreams(streams);
  metrics_->setCompiledInfo(compiledFactLabels(compiledFacts(*this)));
}

void ModelVersion::infer(const tensor::InferenceRequest& request, util::Executor& completion,
                         ResponseCallback done) {
  auto input_order = matchInputs(inputs(), request);
  if (!input_order.isOk()) return fail(request, input_order.status(), done);
  auto output_indices = matchOutputs(outputs(), request.requested_outputs);
  if (!output_indices.isOk()) return fail(request, output_indices.status(), done);
  if (scheduler_) {
    scheduling::QueuedRequest item;
    item.request = &request;
    item.input_order = std::move(input_order.value());
    item.output_indices = std::move(output_indices.value());
    item.done = std::move(done);
    item.completion = &completion;
    item.keep_alive = shared_from_this();
    return scheduler_->submit(std::move(item));
  }

  if (metrics_) metrics_->addCurrentRequests(1);
  // The version stays alive (and so does its pool) until the completion below has run.
  pool_->acquire([self = shared_from_this(), &request, &completion,
                  timeline = Timeline{Clock::now(), {}, {}},
                  input_order = std::move(input_order.value()),
                  output_indices = std::move(output_indices.value()),
                  done = std::move(done)](engine::InferRequest& slot) mutable {
    timeline.acquired = Clock::now();
    if (self->metrics_) {
      self->metrics_->observeWaitTime(static_cast<uint64_t>(
          std::chrono::duration_cast<std::chrono::microseconds>(timeline.acquired - timeline.queued)
              .count()));
      self->metrics_->addActiveInferRequests(1);
    }
    if (util::Status gone = clientGone(request); !gone.isOk()) {
      return self->complete(slot, request, {}, gone, done, timeline);
    }
    for (size_t i = 0; i < input_order.size(); ++i) {
      util::Status status = slot.setInput(i, request.inputs[input_order[i]]);
      if (!status.isOk()) return self->complete(slot, request, {}, status, done, timeline);
    }
    timeline.started = Clock::now();
    slot.start(completion, [self, &slot, &request, output_indices = std::move(output_indices),
                            timeline, done = std::move(done)](util::Status status) {
      if (self->metrics_) self->metrics_->observeInferenceTime(microsecondsSince(timeline.started));
      self->complete(slot, request, output_indices, status, done, timeline);
    });
  });
}

void ModelVersion::fail(const tensor::InferenceRequest& request, const util::Status& status,
                        const ResponseCallback& done) {
  const Clock::time_point received = request.received;  // `request` may be gone once answered
  done(status, nullptr);
  statistics_.recordFailure(nanoseconds(received, Clock::now()));
}

void ModelVersion::complete(engine::InferRequest& slot, const tensor::InferenceRequest& request,
                            const std::vector<size_t>& output_indices, util::Status status,
                            const ResponseCallback& done, const Timeline& timeline) {
  const Clock::time_point finished = Clock::now();
  if (status.isOk()) status = tensor::checkInputs(request);
  tensor::InferenceResponse response;
  if (status.isOk()) {
    response.model_name = name_;
    response.model_version = version_;
    response.id = request.id;
    response.outputs.reserve(output_indices.size());
    for (size_t index : output_indices) {
      auto output = slot.output(index);
      if (!output.isOk()) {
        status = output.status();
        break;
      }
      output->name = outputs_[index].name;  // the name clients know it by
      response.outputs.push_back(std::move(output.value()));
    }
  }
  if (status.isOk() && reported_ != nullptr) {
    noteRequestDims(request, [&slot](size_t index) -> util::StatusOr<tensor::Shape> {
      auto output = slot.output(index);
      if (!output.isOk()) return output.status();
      return std::move(output->shape);
    });
  }
  const Clock::time_point received = request.received;  // `request` may be gone once answered
  // Respond before releasing: the output views point into the infer request's tensors.
  done(status, status.isOk() ? &response : nullptr);
  recordStatistics(received, status.isOk(), timeline, finished);
  if (metrics_) {
    metrics_->addActiveInferRequests(-1);
    metrics_->addCurrentRequests(-1);
  }
  pool_->release(slot);
}

// Before the response goes out, so a client that reads metadata after its answer sees its dims.
void ModelVersion::noteRequestDims(const tensor::InferenceRequest& request,
                                   const scheduling::OutputDims& output_dims) {
  std::vector<tensor::Shape> inputs;
  inputs.reserve(inputs_.size());
  for (const engine::TensorInfo& info : inputs_) {
    for (const tensor::InputTensor& input : request.inputs) {
      if (input.name == info.name) {
        inputs.push_back(input.shape);
        break;
      }
    }
  }
  if (!reported_->differs(inputs)) return;
  std::vector<tensor::Shape> outputs;
  outputs.reserve(outputs_.size());
  for (size_t i = 0; i < outputs_.size(); ++i) {
    auto dims = output_dims(i);
    if (!dims.isOk()) return;  // the response reports the failure; metadata stays as it was
    outputs.push_back(std::move(dims).value());
  }
  reported_->update(inputs, outputs);
}

void ModelVersion::recordStatistics(Clock::time_point received, bool success,
                                    const Timeline& timeline, Clock::time_point finished) {
  // After the response was encoded and handed to the transport: compute_output covers output
  // extraction and encoding, the request time everything from arrival on (Triton's request end
  // is also after its responses were sent).
  const Clock::time_point end = Clock::now();
  const uint64_t request_ns = nanoseconds(received, end);
  if (!success) return statistics_.recordFailure(request_ns);
  const metrics::ComputeTimes compute{nanoseconds(timeline.acquired, timeline.started),
                                      nanoseconds(timeline.started, finished),
                                      nanoseconds(finished, end)};
  // One request per execution (the scheduler records batched executions itself).
  statistics_.recordExecution(1, compute);
  statistics_.recordSuccess(request_ns, nanoseconds(timeline.queued, timeline.acquired), compute);
}

}  // namespace mserve::serving

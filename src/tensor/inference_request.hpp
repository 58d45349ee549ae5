// The protocol-neutral request and response every API adapter builds and reads (DESIGN.md §1).
// Input tensors are views: their bytes live in the transport's request message (zero copy) or,
// when the protocol forced a conversion, in the request's own `owned_buffers`. The request must
// outlive the inference. Not thread-safe; one request is handled by one thread at a time.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "metrics/request_kind.hpp"
#include "tensor/datatype.hpp"
#include "tensor/shape.hpp"
#include "util/status.hpp"

namespace mserve::util {
class Executor;
}  // namespace mserve::util

namespace mserve::tensor {

struct InputTensor {
  std::string name;
  DataType datatype = DataType::kFp32;
  Shape shape;
  // Fixed-size types: exactly byteSize(shape, datatype) bytes, row-major, little-endian.
  std::span<const std::byte> data;
  // kBytes: one view per element, in row-major order (data is then empty).
  std::vector<std::string_view> strings;
};

struct InferenceRequest {
  // Where the request came from and when it arrived (metrics: request counters and time).
  metrics::Api api = metrics::Api::kKServe;
  metrics::Interface interface = metrics::Interface::kGrpc;
  std::chrono::steady_clock::time_point received = std::chrono::steady_clock::now();
  std::string model_name;
  int64_t model_version = 0;  // 0 = the default (highest available) version
  std::string id;
  std::vector<InputTensor> inputs;
  std::vector<std::string> requested_outputs;  // empty = every output, in model order
  // Storage for inputs the adapter had to convert (typed protobuf contents, JSON numbers).
  // A deque so that growing it never moves buffers that views already point to.
  std::deque<std::vector<std::byte>> owned_buffers;
  std::deque<std::string> owned_strings;
  // Whatever else input views point into and must outlive the inference (shared memory regions
  // the request reads from or writes to).
  std::vector<std::shared_ptr<const void>> keep_alive;
  // Whether input bytes were still valid when the inference read them (a shared memory object
  // its client shrank meanwhile reads as zeros): run once the inference finished; an error
  // replaces the answer. See checkInputs.
  std::vector<std::function<util::Status()>> input_checks;
  // Where the engine's completion continues (DESIGN.md §3): the REST connection's executor, so
  // the answer takes one hop; null = the backend's completion pool (gRPC). Not owned.
  util::Executor* completion = nullptr;
  // Whether the client still wants the answer: its deadline, and a check for a cancelled call
  // (null: never cancelled). Looked at once an infer request is free for this request, so one
  // whose client gave up while it queued runs no inference (DESIGN.md §4).
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  std::function<bool()> cancelled;
  // KServe's `timeout` request parameter (µs; 0 = not given): like Triton, it may only lower the
  // model's queue timeout, and only where one is set.
  uint64_t queue_timeout_us = 0;
};

// The first error of `request.input_checks`, else OK: call before answering with outputs.
inline util::Status checkInputs(const InferenceRequest& request) {
  for (const auto& check : request.input_checks) {
    util::Status status = check();
    if (!status.isOk()) return status;
  }
  return util::Status::ok();
}

// An output as the engine produced it. Views point into the engine's output tensor and are
// valid only inside the response callback: encoders copy what they need.
struct OutputTensor {
  std::string_view name;
  DataType datatype = DataType::kFp32;
  Shape shape;
  std::span<const std::byte> data;
  std::vector<std::string_view> strings;  // kBytes outputs
};

struct InferenceResponse {
  std::string_view model_name;
  int64_t model_version = 0;
  std::string_view id;
  std::vector<OutputTensor> outputs;  // requested outputs in request order, else model order
};

}  // namespace mserve::tensor

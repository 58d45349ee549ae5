#include "engine/infer_request_pool.hpp"

#include <string>
#include <utility>

#include "engine/element_type.hpp"
#include "engine/ov_status.hpp"

namespace mserve::engine {
namespace {

// OpenVINO rejects null host pointers and string arrays even for zero-element tensors; these
// stand in for the data of empty tensors (never read, never written).
std::byte kNoData[1];
const char* kNoStrings[1] = {""};

// A view of a request shape as the C API's ov_shape_t, without allocating: ov_shape_create
// refuses rank 0, while tensors copy the dims and accept rank 0 (scalars), checked with 2026.4.
ov_shape_t shapeView(const tensor::Shape& shape) {
  return {static_cast<int64_t>(shape.size()), const_cast<int64_t*>(shape.data())};
}

util::Status checkShape(const TensorInfo& info, const tensor::Shape& shape) {
  for (int64_t dim : shape) {
    if (dim < 0) {
      return util::Status(util::StatusCode::kInvalidShape, "input '" + info.name + "' shape " +
                                                               tensor::toString(shape) +
                                                               " has a negative dimension");
    }
  }
  return util::Status::ok();
}

// OpenVINO checks the tensor against the model's (partial) shape here.
util::Status bindInput(ov_infer_request_t* request, size_t index, const ov_tensor_t* tensor,
                       const TensorInfo& info, const tensor::Shape& shape) {
  const ov_status_e status = ov_infer_request_set_input_tensor_by_index(request, index, tensor);
  if (status != OK) {
    return ovStatus(status, util::StatusCode::kInvalidShape,
                    "input '" + info.name + "' of shape " + tensor::toString(shape));
  }
  return util::Status::ok();
}

// Fills `out` with the name, shape and views of the data of output `tensor`.
util::Status viewOutput(const ov_tensor_t* tensor, const TensorInfo& info,
                        tensor::OutputTensor& out) {
  out.name = info.name;
  out.datatype = info.datatype;
  ov_element_type_e type = DYNAMIC;
  ov_status_e status = ov_tensor_get_element_type(tensor, &type);
  if (status == OK && toDataType(type) != info.datatype) {
    return util::Status(
        util::StatusCode::kOvInternalInferenceError,
        "output '" + info.name + "' came back as " + std::string(ovElementTypeName(type)));
  }
  ov_shape_t shape{0, nullptr};
  if (status == OK) {
    status = ov_tensor_get_shape(tensor, &shape);
    // A scalar's shape cannot be expressed: ov_tensor_get_shape fails with INVALID_C_PARAM
    // (its ov_shape_create refuses rank 0; checked with 2026.4) and leaves `shape` rank 0.
    // With valid arguments that is the only way to get this status.
    if (status == INVALID_C_PARAM) status = OK;
    out.shape.assign(shape.dims, shape.dims + shape.rank);
    ov_shape_free(&shape);
  }
  void* data = nullptr;
  size_t size = 0;  // elements for strings, bytes otherwise
  if (status == OK) status = ov_tensor_data(tensor, &data);
  if (status == OK) {
    status =
        type == STRING ? ov_tensor_get_size(tensor, &size) : ov_tensor_get_byte_size(tensor, &size);
  }
  if (status != OK) {
    return ovStatus(status, util::StatusCode::kOvInternalInferenceError,
                    "cannot read output '" + info.name + "'");
  }
  if (type == STRING) {
    // A string tensor's data are std::string objects of OpenVINO's libstdc++. The wheel is built
    // with the new (cxx11) ABI, as this code is (docs/building.md: 585 __cxx11 symbols in
    // libopenvino.so.2641), so the objects are std::string here too and can be viewed directly.
    const auto* strings = static_cast<const std::string*>(data);
    out.strings.assign(strings, strings + size);
  } else {
    out.data = {static_cast<const std::byte*>(data), size};
  }
  return util::Status::ok();
}

}  // namespace

struct InferRequest::Callback {
  ov_callback_t callback;
};

InferRequest::InferRequest(const CompiledModel& model, ov_infer_request* request,
                           InlinePolicy& policy)
    : model_(model), request_(request), policy_(policy), callback_(std::make_unique<Callback>()) {
  callback_->callback.callback_func = &InferRequest::onEngineCallback;
  callback_->callback.args = this;
}

InferRequest::~InferRequest() {
  releaseTensors();
  ov_infer_request_free(request_);
}

util::Status InferRequest::registerCallback() {
  // Set once: the callback stays set across runs and OpenVINO keeps only a pointer to it.
  const ov_status_e status = ov_infer_request_set_callback(request_, &callback_->callback);
  if (status != OK) {
    return ovStatus(status, util::StatusCode::kInternalError, "cannot set the infer callback");
  }
  return util::Status::ok();
}

util::Status InferRequest::setInput(size_t index, const tensor::InputTensor& input) {
  const std::vector<TensorInfo>& inputs = model_.inputs();
  if (index >= inputs.size()) {
    return util::Status(util::StatusCode::kInvalidNoOfInputs,
                        "input index " + std::to_string(index) + " out of range");
  }
  const TensorInfo& info = inputs[index];
  if (input.datatype != info.datatype) {
    return util::Status(util::StatusCode::kInvalidPrecision,
                        "input '" + info.name + "' expects " +
                            std::string(tensor::kserveName(info.datatype)) + ", got " +
                            std::string(tensor::kserveName(input.datatype)));
  }
  MSERVE_RETURN_IF_ERROR(checkShape(info, input.shape));
  if (input.datatype == tensor::DataType::kBytes) return setStringInput(index, input);

  const auto bytes = tensor::byteSize(input.shape, input.datatype);
  if (!bytes || static_cast<uint64_t>(*bytes) != input.data.size()) {
    return util::Status(util::StatusCode::kInvalidContentSize,
                        "input '" + info.name + "' of shape " + tensor::toString(input.shape) +
                            " needs " + (bytes ? std::to_string(*bytes) : "too many") +
                            " bytes, got " + std::to_string(input.data.size()));
  }
  // Zero copy: OpenVINO reads inputs and never writes them, so dropping const is sound.
  void* data = input.data.empty() ? kNoData : const_cast<std::byte*>(input.data.data());
  ov_tensor_t* tensor = nullptr;
  const ov_status_e status = ov_tensor_create_from_host_ptr(toOvElementType(input.datatype),
                                                            shapeView(input.shape), data, &tensor);
  if (status != OK) {
    return ovStatus(status, util::StatusCode::kInternalError,
                    "cannot wrap input '" + info.name + "'");
  }
  tensors_.push_back(tensor);
  return bindInput(request_, index, tensor, info, input.shape);
}

util::Status InferRequest::setStringInput(size_t index, const tensor::InputTensor& input) {
  const TensorInfo& info = model_.inputs()[index];
  const auto count = tensor::elementCount(input.shape);
  if (!count || static_cast<uint64_t>(*count) != input.strings.size()) {
    return util::Status(util::StatusCode::kInvalidValueCount,
                        "input '" + info.name + "' of shape " + tensor::toString(input.shape) +
                            " got " + std::to_string(input.strings.size()) + " strings");
  }
  // The C API takes NUL-terminated strings (and copies them into the tensor), so each element
  // is copied here to terminate it. An element holding a NUL byte would be cut short there:
  // refuse it rather than pass a truncated string on.
  string_copies_.assign(input.strings.begin(), input.strings.end());
  string_pointers_.clear();
  for (size_t i = 0; i < string_copies_.size(); ++i) {
    if (string_copies_[i].find('\0') != std::string::npos) {
      return util::Status(util::StatusCode::kInvalidStringInput,
                          "element " + std::to_string(i) + " of input '" + info.name +
                              "' contains a NUL byte, which OpenVINO string tensors cannot "
                              "receive through the C API");
    }
    string_pointers_.push_back(string_copies_[i].c_str());
  }
  const char** strings = string_pointers_.empty() ? kNoStrings : string_pointers_.data();
  ov_tensor_t* tensor = nullptr;
  const ov_status_e status = ov_tensor_create_from_string_array(strings, string_pointers_.size(),
                                                                shapeView(input.shape), &tensor);
  if (status != OK) {
    return ovStatus(status, util::StatusCode::kInternalError,
                    "cannot build string input '" + info.name + "'");
  }
  tensors_.push_back(tensor);
  return bindInput(request_, index, tensor, info, input.shape);
}

void InferRequest::start(util::Executor& executor, std::function<void(util::Status)> done) {
  const bool on_callers_stack = std::exchange(handed_to_caller_, false);
  if (on_callers_stack && policy_.runInline()) return runInline(std::move(done));
  done_ = std::move(done);
  started_ = Clock::now();
  executor_.store(&executor, std::memory_order_release);
  const ov_status_e status = ov_infer_request_start_async(request_);
  if (status != OK) {
    // No callback will come: report on the executor, as a completion would be.
    util::Status error =
        ovStatus(status, util::StatusCode::kOvInternalInferenceError, "cannot start inference");
    executor.post([this, error = std::move(error)]() mutable {
      std::function<void(util::Status)> finished = std::move(done_);
      done_ = nullptr;
      finished(std::move(error));
    });
  }
}

void InferRequest::runInline(std::function<void(util::Status)> done) {
  // The synchronous call runs the model on this thread (OpenVINO lends it the stream's context)
  // and returns the outcome itself; the completion callback is not called for it.
  const Clock::time_point started = Clock::now();
  const ov_status_e status = ov_infer_request_infer(request_);
  policy_.record(Clock::now() - started);
  done(status == OK ? util::Status::ok()
                    : ovStatus(status, util::StatusCode::kOvInternalInferenceError,
                               "inference failed"));  // may release this request
}

void InferRequest::onEngineCallback(void* self) {
  // Runs on OpenVINO's callback thread (one per compiled model on CPU), before the request
  // counts as finished: ov_infer_request_wait here would block forever. Only hop.
  auto* request = static_cast<InferRequest*>(self);
  util::Executor* executor = request->executor_.load(std::memory_order_acquire);
  request->policy_.record(Clock::now() - request->started_);
  executor->post([request] { request->finish(); });
}

void InferRequest::finish() {
  // The callback carries no outcome; by now (or a moment later, once the callback returned)
  // the request is finished and wait returns at once with the inference error, if any.
  const ov_status_e status = ov_infer_request_wait(request_);
  util::Status result = status == OK ? util::Status::ok()
                                     : ovStatus(status, util::StatusCode::kOvInternalInferenceError,
                                                "inference failed");
  std::function<void(util::Status)> finished = std::move(done_);
  done_ = nullptr;
  finished(std::move(result));  // may release this request: no member access after this
}

util::StatusOr<tensor::OutputTensor> InferRequest::output(size_t index) {
  const std::vector<TensorInfo>& outputs = model_.outputs();
  if (index >= outputs.size()) {
    return util::Status(util::StatusCode::kInternalError,
                        "output index " + std::to_string(index) + " out of range");
  }
  const TensorInfo& info = outputs[index];
  ov_tensor_t* tensor = nullptr;
  const ov_status_e status = ov_infer_request_get_output_tensor_by_index(request_, index, &tensor);
  if (status != OK) {
    return ovStatus(status, util::StatusCode::kOvInternalInferenceError,
                    "cannot get output '" + info.name + "'");
  }
  tensors_.push_back(tensor);  // keeps the views valid until release
  tensor::OutputTensor out;
  MSERVE_RETURN_IF_ERROR(viewOutput(tensor, info, out));
  return out;
}

void InferRequest::releaseTensors() {
  for (ov_tensor_t* tensor : tensors_) ov_tensor_free(tensor);
  tensors_.clear();
  string_copies_.clear();  // do not keep a client's strings beyond its request
}

util::StatusOr<std::unique_ptr<InferRequestPool>> InferRequestPool::create(
    const CompiledModel& model, size_t nireq, std::chrono::microseconds inline_limit) {
  if (nireq == 0) {
    return util::Status(util::StatusCode::kInvalidNireq, "nireq must be at least 1");
  }
  std::unique_ptr<InferRequestPool> pool(new InferRequestPool(inline_limit));
  pool->requests_.reserve(nireq);
  pool->idle_.reserve(nireq);
  for (size_t i = 0; i < nireq; ++i) {
    ov_infer_request_t* raw = nullptr;
    const ov_status_e status = ov_compiled_model_create_infer_request(model.raw(), &raw);
    if (status != OK) {
      return ovStatus(
          status, util::StatusCode::kInternalError,
          "cannot create infer request " + std::to_string(i + 1) + " of " + std::to_string(nireq));
    }
    std::unique_ptr<InferRequest> request(new InferRequest(model, raw, pool->inline_policy_));
    MSERVE_RETURN_IF_ERROR(request->registerCallback());
    pool->idle_.push_back(request.get());
    pool->requests_.push_back(std::move(request));
  }
  return pool;
}

InferRequestPool::~InferRequestPool() = default;

void InferRequestPool::acquire(std::function<void(InferRequest&)> waiter) {
  InferRequest* request = nullptr;
  {
    std::lock_guard lock(mutex_);
    if (idle_.empty()) {
      waiters_.push_back(std::move(waiter));
      return;
    }
    // LIFO: the most recently used request has the warmest caches.
    request = idle_.back();
    idle_.pop_back();
  }
  handOut(*request, std::move(waiter), true);
}

void InferRequestPool::useAdmission(std::shared_ptr<AdmissionLimiter> limiter, uint32_t weight) {
  lane_ = limiter->addLane(weight);
  admission_ = std::move(limiter);
}

void InferRequestPool::handOut(InferRequest& request, std::function<void(InferRequest&)> waiter,
                               bool inline_ok) {
  if (!admission_) {
    request.handed_to_caller_ = inline_ok;
    return waiter(request);
  }
  // The infer request is held while its admission waits: slots go only to inferences that can
  // start at once, so none sits idle while another model waits.
  admission_->admit(*lane_, [&request, inline_ok, waiter = std::move(waiter)](bool nested_ok) {
    request.handed_to_caller_ = inline_ok && nested_ok;
    waiter(request);
  });
}

void InferRequestPool::release(InferRequest& request) {
  request.releaseTensors();
  // The admission slot first: it may go to another model's waiter, which runs here.
  if (admission_) admission_->release();
  std::function<void(InferRequest&)> next;
  {
    std::lock_guard lock(mutex_);
    if (waiters_.empty()) {
      idle_.push_back(&request);
      return;
    }
    next = std::move(waiters_.front());
    waiters_.pop_front();
  }
  // The waiter runs nested in this call (its completion may release again, nesting deeper):
  // the depth bounds both the stack and the time this thread spends on other clients.
  thread_local int inline_hand_overs = 0;
  const bool inline_ok = inline_hand_overs < kMaxInlineHandOvers && inline_policy_.runInline();
  if (inline_ok) ++inline_hand_overs;
  handOut(request, std::move(next), inline_ok);  // outside the lock: it may acquire or release
  if (inline_ok) --inline_hand_overs;
}

size_t InferRequestPool::idleCount() const {
  std::lock_guard lock(mutex_);
  return idle_.size();
}

size_t InferRequestPool::waitingCount() const {
  std::lock_guard lock(mutex_);
  return waiters_.size();
}

}  // namespace mserve::engine

#include "api/kfs/kfs_stream_infer.hpp"

#include <utility>

#include "api/grpc_call_state.hpp"
#include "api/kfs/kfs_request_decoder.hpp"
#include "api/kfs/kfs_response_encoder.hpp"

namespace mserve::api::kfs {
namespace {

// Every streamed response is its request's last (no decoupled models): Triton marks it so and
// clients that ask for empty final responses wait for the flag.
constexpr const char* kFinalResponse = "triton_final_response";

}  // namespace

StreamInferReactor::StreamInferReactor(::grpc::CallbackServerContext* context, KfsBackend& backend)
    : context_(context), backend_(backend) {
  advance();
}

void StreamInferReactor::OnReadDone(bool ok) {
  std::shared_ptr<Entry> entry;
  {
    std::lock_guard lock(mutex_);
    entry = std::move(reading_);
    if (ok) {
      pending_.push_back(entry);
    } else {
      read_closed_ = true;  // half-close, cancellation or a broken connection
      entry.reset();
    }
  }
  if (entry) run(entry);
  advance();
}

void StreamInferReactor::run(const std::shared_ptr<Entry>& entry) {
  auto decoded = std::make_shared<tensor::InferenceRequest>();
  util::Status status = decodeInferRequest(entry->request, *decoded);
  if (!status.isOk()) return answer(*entry, status, nullptr);
  bindCallState(context_, *decoded);
  // The entry (whose message `decoded` points into) lives in pending_ until written, and the
  // reactor until every request in pending_ is answered, so both outlive this callback.
  backend_.infer(std::move(decoded), [this, entry](const util::Status& result,
                                                   const tensor::InferenceResponse* output) {
    answer(*entry, result, output);
    advance();
  });
}

void StreamInferReactor::answer(Entry& entry, const util::Status& status,
                                const tensor::InferenceResponse* output) {
  inference::ModelInferResponse& response = *entry.response.mutable_infer_response();
  util::Status encoded = status;
  if (encoded.isOk()) encoded = encodeInferResponse(*output, response);
  if (!encoded.isOk()) {
    // Triton: the text in error_message, the response empty but for the id (clients match
    // answers to requests by id), and the stream goes on.
    response.Clear();
    entry.response.set_error_message(encoded.message());
  }
  response.set_id(entry.request.id());
  (*response.mutable_parameters())[kFinalResponse].set_bool_param(true);
  std::lock_guard lock(mutex_);
  entry.answered = true;
}

void StreamInferReactor::advance() {
  inference::ModelStreamInferResponse* write = nullptr;
  inference::ModelInferRequest* read = nullptr;
  bool finish = false;
  bool client_gone = false;
  {
    std::lock_guard lock(mutex_);
    if (write_failed_) {
      while (!pending_.empty() && pending_.front()->answered) pending_.pop_front();
    }
    if (!writing_ && !write_failed_ && !pending_.empty() && pending_.front()->answered) {
      writing_ = true;
      write = &pending_.front()->response;
    }
    if (!reading_ && !read_closed_ && !write_failed_ && pending_.size() < kMaxInFlightPerStream) {
      reading_ = std::make_shared<Entry>();
      read = &reading_->request;
    }
    // Only once nothing is outstanding: OnDone (and so `delete this`) may follow Finish at once.
    if ((read_closed_ || write_failed_) && !reading_ && !writing_ && pending_.empty() &&
        !finished_) {
      finished_ = true;
      finish = true;
      client_gone = write_failed_;
    }
  }
  if (write != nullptr) StartWrite(write);
  if (read != nullptr) StartRead(read);
  if (finish) {
    const bool cancelled = client_gone || context_->IsCancelled();
    Finish(cancelled ? ::grpc::Status::CANCELLED : ::grpc::Status::OK);
  }
}

void StreamInferReactor::OnWriteDone(bool ok) {
  {
    std::lock_guard lock(mutex_);
    writing_ = false;
    pending_.pop_front();  // the entry just written: frees its request and response
    if (!ok) write_failed_ = true;
  }
  advance();
}

}  // namespace mserve::api::kfs

// ModelStreamInfer (REFERENCE-2.md §4): one bidirectional stream carrying many ModelInferRequests.
// Each request read is decoded and run at once (up to kMaxInFlightPerStream per stream; reading
// pauses beyond that), and responses are written in request order, one write at a time. A
// failed request answers with `error_message` and the stream goes on; the stream ends with OK
// once the client half-closed and every response is written. Thread-safe: gRPC reactions and
// backend completions may run on any thread; state is guarded by mutex_, and gRPC operations
// are started outside it.
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>

#include "api/kfs/kfs_backend.hpp"
#include "kfs/grpc_predict_v2.grpc.pb.h"

namespace mserve::api::kfs {

// Requests of one stream decoded or running and not yet answered: bounds the memory and the
// engine time one stream can claim (each holds its request message until answered).
inline constexpr size_t kMaxInFlightPerStream = 32;

class StreamInferReactor final
    : public ::grpc::ServerBidiReactor<inference::ModelInferRequest,
                                       inference::ModelStreamInferResponse> {
 public:
  // Starts reading; deletes itself when gRPC is done with the stream.
  StreamInferReactor(::grpc::CallbackServerContext* context, KfsBackend& backend);

  void OnReadDone(bool ok) override;
  void OnWriteDone(bool ok) override;
  void OnDone() override { delete this; }

 private:
  struct Entry {
    inference::ModelInferRequest request;
    inference::ModelStreamInferResponse response;
    bool answered = false;  // response is final; guarded by mutex_
  };

  void run(const std::shared_ptr<Entry>& entry);
  void answer(Entry& entry, const util::Status& status, const tensor::InferenceResponse* output);
  // Starts whatever the state allows next: the next write, the next read, or Finish.
  void advance();

  ::grpc::CallbackServerContext* context_;
  KfsBackend& backend_;

  std::mutex mutex_;
  std::deque<std::shared_ptr<Entry>> pending_;  // read, not yet written; request order
  std::shared_ptr<Entry> reading_;              // target of the outstanding read, if any
  bool read_closed_ = false;                    // the client half-closed (or the call ended)
  bool writing_ = false;                        // a write is outstanding
  bool write_failed_ = false;                   // the client is gone: answers are dropped
  bool finished_ = false;
};

}  // namespace mserve::api::kfs

// mserve-bench-grpc-echo: the transport floor for gRPC. A bare KServe v2 service on the same
// gRPC library and callback API as mserve: ModelInfer answers at once with each input echoed as
// an output in raw_output_contents (no model, no hop); ModelMetadata describes a `dummy`-like
// model (b FP32 [1,10] → a) so mserve-bench can drive it unchanged. Same stream limit per
// connection as mserve (the core count). Prints "listening on PORT" when ready.
// HOP (diagnostic, default "none"): "pool" finishes each ModelInfer from a 2-thread pool (the
// hand-off mserve makes to its completion threads), "alarm" from a grpc::Alarm callback (a
// gRPC-owned thread) - what one thread hand-off costs with this gRPC on this machine.
#include <grpcpp/alarm.h>
#include <grpcpp/grpcpp.h>

#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "kfs/grpc_predict_v2.grpc.pb.h"

namespace {

enum class Hop { kNone, kPool, kAlarm };

// A minimal FIFO thread pool (as mserve's util::ThreadPool), for --hop pool.
class HopPool {
 public:
  explicit HopPool(size_t threads) {
    for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
    for (std::thread& thread : threads_) thread.detach();  // lives as long as the process
  }
  void post(std::function<void()> task) {
    {
      std::lock_guard lock(mutex_);
      tasks_.push_back(std::move(task));
    }
    wake_.notify_one();
  }

 private:
  void run() {
    for (;;) {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return !tasks_.empty(); });
      std::function<void()> task = std::move(tasks_.front());
      tasks_.pop_front();
      lock.unlock();
      task();
    }
  }
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> tasks_;  // guarded by mutex_
  std::vector<std::thread> threads_;
};

void hopThenRun(Hop hop, std::function<void()> task) {
  static HopPool* pool = new HopPool(2);
  if (hop == Hop::kPool) return pool->post(std::move(task));
  auto* alarm = new grpc::Alarm();
  alarm->Set(std::chrono::system_clock::now(), [alarm, task = std::move(task)](bool) {
    task();
    delete alarm;
  });
}

class EchoService final : public inference::GRPCInferenceService::CallbackService {
 public:
  explicit EchoService(Hop hop) : hop_(hop) {}

  grpc::ServerUnaryReactor* ServerLive(grpc::CallbackServerContext* context,
                                       const inference::ServerLiveRequest*,
                                       inference::ServerLiveResponse* response) override {
    response->set_live(true);
    return done(context);
  }

  grpc::ServerUnaryReactor* ServerReady(grpc::CallbackServerContext* context,
                                        const inference::ServerReadyRequest*,
                                        inference::ServerReadyResponse* response) override {
    response->set_ready(true);
    return done(context);
  }

  grpc::ServerUnaryReactor* ModelMetadata(grpc::CallbackServerContext* context,
                                          const inference::ModelMetadataRequest* request,
                                          inference::ModelMetadataResponse* response) override {
    response->set_name(request->name());
    response->add_versions("1");
    response->set_platform("echo");
    auto* input = response->add_inputs();
    input->set_name("b");
    input->set_datatype("FP32");
    input->add_shape(1);
    input->add_shape(10);
    auto* output = response->add_outputs();
    *output = *input;
    output->set_name("a");
    return done(context);
  }

  grpc::ServerUnaryReactor* ModelInfer(grpc::CallbackServerContext* context,
                                       const inference::ModelInferRequest* request,
                                       inference::ModelInferResponse* response) override {
    response->set_model_name(request->model_name());
    response->set_model_version("1");
    response->set_id(request->id());
    for (int i = 0; i < request->inputs_size(); ++i) {
      const auto& input = request->inputs(i);
      auto* output = response->add_outputs();
      output->set_name(input.name());
      output->set_datatype(input.datatype());
      *output->mutable_shape() = input.shape();
      if (i < request->raw_input_contents_size()) {
        response->add_raw_output_contents(request->raw_input_contents(i));
      }
    }
    if (hop_ == Hop::kNone) return done(context);
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    hopThenRun(hop_, [reactor] { reactor->Finish(grpc::Status::OK); });
    return reactor;
  }

 private:
  const Hop hop_;
  static grpc::ServerUnaryReactor* done(grpc::CallbackServerContext* context) {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "--help") {
    std::printf(
        "usage: mserve-bench-grpc-echo [PORT (0 = any)] [ADDRESS (0.0.0.0)] [HOP]\n"
        "HOP: none (default), pool or alarm: where ModelInfer calls Finish\n");
    return 0;
  }
  const int port = argc > 1 ? std::atoi(argv[1]) : 0;
  const std::string address = argc > 2 ? argv[2] : "0.0.0.0";
  const std::string hop = argc > 3 ? argv[3] : "none";
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before gRPC starts its threads

  EchoService service(hop == "pool" ? Hop::kPool : hop == "alarm" ? Hop::kAlarm : Hop::kNone);
  grpc::ServerBuilder builder;
  int bound = 0;
  builder.AddListeningPort(address + ":" + std::to_string(port), grpc::InsecureServerCredentials(),
                           &bound);
  builder.RegisterService(&service);
  builder.SetMaxReceiveMessageSize(1 << 30);
  builder.SetMaxSendMessageSize(1 << 30);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS,
                             static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server) {
    std::fprintf(stderr, "cannot listen on %s:%d\n", address.c_str(), port);
    return 1;
  }
  std::printf("listening on %d\n", bound);
  std::fflush(stdout);
  int signal = 0;
  sigwait(&signals, &signal);
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  return 0;
}

// The KServe gRPC service end to end through a real server with a fake backend, the metadata
// builders, channel-argument parsing, port-busy detection and graceful shutdown.
#include "api/kfs/kfs_grpc_service.hpp"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <thread>

#include "api/kfs/kfs_metadata.hpp"
#include "net/grpc/grpc_server.hpp"

namespace mserve {
namespace {

using api::kfs::ModelDescription;
using api::kfs::TensorDescription;
using tensor::DataType;
using tensor::Dimension;

ModelDescription dummyModel() {
  ModelDescription model;
  model.name = "dummy";
  model.version = 2;
  model.versions = {1, 2};
  model.inputs.push_back({"b", DataType::kFp32, {Dimension::dynamic(), Dimension::fixed(10)}});
  model.outputs.push_back({"a", DataType::kFp32, {Dimension{1, 4}, Dimension::fixed(10)}});
  model.outputs.push_back({"s", DataType::kBytes, {Dimension::dynamic()}});
  return model;
}

TEST(KfsMetadata, ModelMetadata) {
  inference::ModelMetadataResponse out;
  api::kfs::buildModelMetadata(dummyModel(), out);
  EXPECT_EQ(out.name(), "dummy");
  ASSERT_EQ(out.versions_size(), 2);
  EXPECT_EQ(out.versions(0), "1");
  EXPECT_EQ(out.versions(1), "2");
  EXPECT_EQ(out.platform(), "OpenVINO");
  ASSERT_EQ(out.inputs_size(), 1);
  EXPECT_EQ(out.inputs(0).name(), "b");
  EXPECT_EQ(out.inputs(0).datatype(), "FP32");
  EXPECT_EQ(out.inputs(0).shape(0), -1);
  EXPECT_EQ(out.inputs(0).shape(1), 10);
  EXPECT_EQ(out.outputs(0).shape(0), -1);  // bounded dims are -1 too
  EXPECT_EQ(out.outputs(1).datatype(), "BYTES");
}

TEST(KfsMetadata, ModelConfig) {
  inference::ModelConfigResponse out;
  api::kfs::buildModelConfig(dummyModel(), out);
  const inference::ModelConfig& config = out.config();
  EXPECT_EQ(config.name(), "dummy");
  EXPECT_EQ(config.platform(), "openvino");
  EXPECT_EQ(config.max_batch_size(), 0);
  ASSERT_EQ(config.input_size(), 1);
  EXPECT_EQ(config.input(0).data_type(), inference::TYPE_FP32);
  EXPECT_EQ(config.input(0).dims_size(), 2);
  EXPECT_EQ(config.output(1).data_type(), inference::TYPE_STRING);
  EXPECT_FALSE(config.has_dynamic_batching());
}

TEST(KfsMetadata, ServerMetadata) {
  inference::ServerMetadataResponse out;
  api::kfs::buildServerMetadata(out);
  EXPECT_EQ(out.name(), "mserve");
  EXPECT_EQ(out.version(), "0.1.0");
  const auto& extensions = out.extensions();
  EXPECT_NE(std::find(extensions.begin(), extensions.end(), "statistics"), extensions.end());
}

// --- Channel arguments and addresses -------------------------------------------------------

TEST(GrpcServerOptions, ParsesChannelArguments) {
  auto parsed = net::grpc_server::parseChannelArguments(
      " grpc.max_concurrent_streams = 8 ,grpc.primary_user_agent=x1,, ");
  ASSERT_TRUE(parsed.isOk());
  ASSERT_EQ(parsed->size(), 2u);
  EXPECT_EQ((*parsed)[0].key, "grpc.max_concurrent_streams");
  EXPECT_EQ(std::get<int>((*parsed)[0].value), 8);
  EXPECT_EQ(std::get<std::string>((*parsed)[1].value), "x1");
  EXPECT_TRUE(net::grpc_server::parseChannelArguments("")->empty());
  // Out of int range: dropped with a warning (OVMS).
  EXPECT_TRUE(net::grpc_server::parseChannelArguments("a=99999999999")->empty());
  for (const char* bad : {"a", "a=1=2", "=1", "a=", "a=1,b"}) {
    auto status = net::grpc_server::parseChannelArguments(bad);
    ASSERT_FALSE(status.isOk()) << bad;
    EXPECT_EQ(status.status().details(), "Grpc channel arguments passed in wrong format");
  }
}

TEST(GrpcServerOptions, ListenAddresses) {
  auto addresses = net::grpc_server::listenAddresses("0.0.0.0, ::1,[::],localhost", 9000);
  ASSERT_TRUE(addresses.isOk());
  EXPECT_EQ(*addresses, (std::vector<std::string>{"0.0.0.0:9000", "[::1]:9000", "[::]:9000",
                                                  "localhost:9000"}));
  EXPECT_FALSE(net::grpc_server::listenAddresses("0.0.0.0,", 9000).isOk());
}

// --- Service end to end ---------------------------------------------------------------------

// dummy: a = b + 1, answered from another thread like the engine's completion pool.
class FakeBackend : public api::kfs::KfsBackend {
 public:
  ~FakeBackend() override {
    for (auto& t : threads_) t.join();
  }
  bool live() const override { return true; }
  bool ready() const override { return ready_; }
  util::StatusOr<bool> modelReady(std::string_view name, int64_t version) const override {
    if (name != "dummy") return util::Status(util::StatusCode::kModelNameMissing);
    if (version > 2) return util::Status(util::StatusCode::kModelVersionMissing);
    return true;
  }
  util::StatusOr<ModelDescription> describe(std::string_view name, int64_t) const override {
    if (name != "dummy") return util::Status(util::StatusCode::kModelNameMissing);
    return dummyModel();
  }
  void infer(std::shared_ptr<const tensor::InferenceRequest> request,
             api::kfs::InferCallback done) override {
    std::lock_guard lock(mutex_);
    threads_.emplace_back([this, request, done = std::move(done)] {
      int delay = delay_ms_;
      // Later ids answer sooner, so a stream must reorder to keep request order.
      if (delay_by_id_) delay = 40 - 2 * std::stoi(request->id);
      if (delay > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay));
      if (request->model_name != "dummy") {
        done(util::Status(util::StatusCode::kModelNameMissing), nullptr);
        return;
      }
      const tensor::InputTensor& b = request->inputs.at(0);
      std::vector<float> a(b.data.size() / 4);
      std::memcpy(a.data(), b.data.data(), b.data.size());
      for (float& v : a) v += 1.0f;
      tensor::InferenceResponse response;
      response.model_name = "dummy";
      response.model_version = 2;
      response.outputs.push_back({"a", DataType::kFp32, b.shape, std::as_bytes(std::span(a)), {}});
      done(util::Status::ok(), &response);
    });
  }
  bool ready_ = true;
  int delay_ms_ = 0;
  bool delay_by_id_ = false;

 private:
  std::mutex mutex_;
  std::vector<std::thread> threads_;
};

class KfsGrpcEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    net::grpc_server::GrpcServerOptions options;
    options.bind_address = "127.0.0.1";
    options.port = 0;
    auto started = net::grpc_server::GrpcServer::start(options, {&service_});
    ASSERT_TRUE(started.isOk()) << started.status().message();
    server_ = std::move(started).value();
    ::grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(INT32_MAX);
    args.SetMaxSendMessageSize(INT32_MAX);
    stub_ = inference::GRPCInferenceService::NewStub(
        ::grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(server_->port()),
                                    ::grpc::InsecureChannelCredentials(), args));
  }

  inference::ModelInferRequest dummyRequest(size_t elements) {
    inference::ModelInferRequest request;
    request.set_model_name("dummy");
    request.set_id("abc");
    auto& input = *request.add_inputs();
    input.set_name("b");
    input.set_datatype("FP32");
    input.add_shape(1);
    input.add_shape(static_cast<int64_t>(elements));
    std::vector<float> values(elements, 1.5f);
    request.add_raw_input_contents(
        std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float)));
    return request;
  }

  FakeBackend backend_;
  api::kfs::KfsGrpcService service_{backend_};
  std::unique_ptr<net::grpc_server::GrpcServer> server_;
  std::unique_ptr<inference::GRPCInferenceService::Stub> stub_;
};

TEST_F(KfsGrpcEndToEnd, HealthAndMetadata) {
  ::grpc::ClientContext c1, c2, c3, c4, c5, c6, c7, c8;
  inference::ServerLiveResponse live;
  ASSERT_TRUE(stub_->ServerLive(&c1, {}, &live).ok());
  EXPECT_TRUE(live.live());
  inference::ModelReadyRequest ready_request;
  ready_request.set_name("nope");
  inference::ModelReadyResponse ready;
  auto status = stub_->ModelReady(&c2, ready_request, &ready);
  EXPECT_EQ(status.error_code(), ::grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(), "Model with requested name is not found");
  ready_request.set_name("dummy");
  ready_request.set_version("x");
  EXPECT_EQ(stub_->ModelReady(&c3, ready_request, &ready).error_code(),
            ::grpc::StatusCode::INVALID_ARGUMENT);
  ready_request.set_version("1");
  ASSERT_TRUE(stub_->ModelReady(&c4, ready_request, &ready).ok());
  EXPECT_TRUE(ready.ready());
  inference::ModelMetadataRequest metadata_request;
  metadata_request.set_name("dummy");
  inference::ModelMetadataResponse metadata;
  ASSERT_TRUE(stub_->ModelMetadata(&c5, metadata_request, &metadata).ok());
  EXPECT_EQ(metadata.inputs(0).name(), "b");
  inference::ModelConfigRequest config_request;
  config_request.set_name("dummy");
  inference::ModelConfigResponse config;
  ASSERT_TRUE(stub_->ModelConfig(&c6, config_request, &config).ok());
  EXPECT_EQ(config.config().input(0).name(), "b");
  inference::ServerMetadataResponse server;
  ASSERT_TRUE(stub_->ServerMetadata(&c7, {}, &server).ok());
  EXPECT_EQ(server.name(), "mserve");
  inference::ModelStatisticsResponse stats;
  EXPECT_EQ(stub_->ModelStatistics(&c8, {}, &stats).error_code(),
            ::grpc::StatusCode::UNIMPLEMENTED);
}

TEST_F(KfsGrpcEndToEnd, InferRoundTrip) {
  ::grpc::ClientContext context;
  inference::ModelInferResponse response;
  auto status = stub_->ModelInfer(&context, dummyRequest(10), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.id(), "abc");
  EXPECT_EQ(response.model_version(), "2");
  ASSERT_EQ(response.raw_output_contents_size(), 1);
  float first = 0;
  std::memcpy(&first, response.raw_output_contents(0).data(), 4);
  EXPECT_EQ(first, 2.5f);
}

TEST_F(KfsGrpcEndToEnd, InferErrors) {
  ::grpc::ClientContext c1, c2;
  inference::ModelInferResponse response;
  auto request = dummyRequest(10);
  request.mutable_raw_input_contents(0)->pop_back();
  auto status = stub_->ModelInfer(&c1, request, &response);
  EXPECT_EQ(status.error_code(), ::grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            "Invalid content size of tensor proto - Expected: 40 bytes; Actual: 39 bytes; input "
            "name: b");
  request = dummyRequest(10);
  request.set_model_name("other");
  EXPECT_EQ(stub_->ModelInfer(&c2, request, &response).error_code(), ::grpc::StatusCode::NOT_FOUND);
}

TEST_F(KfsGrpcEndToEnd, StreamAnswersInRequestOrderAndKeepsGoingAfterErrors) {
  backend_.delay_by_id_ = true;
  ::grpc::ClientContext context;
  auto stream = stub_->ModelStreamInfer(&context);
  for (int i = 0; i < 20; ++i) {
    auto request = dummyRequest(4);
    request.set_id(std::to_string(i));
    if (i % 5 == 3) request.set_model_name("other");                // fails; the stream must go on
    if (i == 7) request.mutable_raw_input_contents(0)->pop_back();  // fails to decode
    ASSERT_TRUE(stream->Write(request));
  }
  stream->WritesDone();
  inference::ModelStreamInferResponse response;
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(stream->Read(&response)) << i;
    EXPECT_EQ(response.infer_response().id(), std::to_string(i));
    EXPECT_TRUE(response.infer_response().parameters().at("triton_final_response").bool_param());
    if (i % 5 == 3) {
      EXPECT_EQ(response.error_message(), "Model with requested name is not found");
      EXPECT_EQ(response.infer_response().raw_output_contents_size(), 0);
    } else if (i == 7) {
      EXPECT_EQ(response.error_message(),
                "Invalid content size of tensor proto - Expected: 16 bytes; Actual: 15 bytes; "
                "input name: b");
    } else {
      EXPECT_EQ(response.error_message(), "");
      ASSERT_EQ(response.infer_response().raw_output_contents_size(), 1);
      float first = 0;
      std::memcpy(&first, response.infer_response().raw_output_contents(0).data(), 4);
      EXPECT_EQ(first, 2.5f);
    }
  }
  EXPECT_FALSE(stream->Read(&response));
  EXPECT_TRUE(stream->Finish().ok());
}

TEST_F(KfsGrpcEndToEnd, StreamEndsWhenTheClientCancels) {
  backend_.delay_ms_ = 50;
  ::grpc::ClientContext context;
  auto stream = stub_->ModelStreamInfer(&context);
  auto request = dummyRequest(4);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(stream->Write(request));
  context.TryCancel();
  inference::ModelStreamInferResponse response;
  while (stream->Read(&response)) {
  }
  EXPECT_EQ(stream->Finish().error_code(), ::grpc::StatusCode::CANCELLED);
}

TEST_F(KfsGrpcEndToEnd, EmptyStreamFinishesOk) {
  ::grpc::ClientContext context;
  auto stream = stub_->ModelStreamInfer(&context);
  stream->WritesDone();
  inference::ModelStreamInferResponse response;
  EXPECT_FALSE(stream->Read(&response));
  EXPECT_TRUE(stream->Finish().ok());
}

TEST_F(KfsGrpcEndToEnd, LargeMessagesPassTheFourMiBDefault) {
  ::grpc::ClientContext context;
  inference::ModelInferResponse response;
  auto status = stub_->ModelInfer(&context, dummyRequest(8 << 20), &response);  // 32 MiB
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.raw_output_contents(0).size(), 32u << 20);
}

TEST_F(KfsGrpcEndToEnd, ShutdownLetsInFlightCallsFinish) {
  backend_.delay_ms_ = 300;
  std::atomic<bool> ok{false};
  std::thread client([&] {
    ::grpc::ClientContext context;
    inference::ModelInferResponse response;
    ok = stub_->ModelInfer(&context, dummyRequest(10), &response).ok();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  server_->shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  client.join();
  EXPECT_TRUE(ok);
}

TEST(GrpcServer, BusyPortFails) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  socklen_t length = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length);
  net::grpc_server::GrpcServerOptions options;
  options.bind_address = "127.0.0.1";
  options.port = ntohs(addr.sin_port);
  auto started = net::grpc_server::GrpcServer::start(options, {});
  EXPECT_FALSE(started.isOk());
  close(fd);
}

TEST(GrpcServer, SeveralWorkersShareOnePortAndSecondServerIsRefused) {
  FakeBackend backend;
  api::kfs::KfsGrpcService service(backend);
  // Find a free port.
  net::grpc_server::GrpcServerOptions probe;
  probe.bind_address = "127.0.0.1";
  int port = 0;
  {
    auto s = net::grpc_server::GrpcServer::start(probe, {&service});
    ASSERT_TRUE(s.isOk());
    port = (*s)->port();
  }
  net::grpc_server::GrpcServerOptions options;
  options.bind_address = "127.0.0.1";
  options.port = static_cast<uint32_t>(port);
  options.workers = 3;
  options.channel_arguments = "grpc.max_concurrent_streams=4";
  auto started = net::grpc_server::GrpcServer::start(options, {&service});
  ASSERT_TRUE(started.isOk()) << started.status().message();
  auto stub = inference::GRPCInferenceService::NewStub(::grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(port), ::grpc::InsecureChannelCredentials()));
  for (int i = 0; i < 5; ++i) {
    ::grpc::ClientContext context;
    inference::ServerReadyResponse ready;
    ASSERT_TRUE(stub->ServerReady(&context, {}, &ready).ok());
  }
  // A second mserve on the same port must not silently share it through SO_REUSEPORT.
  options.workers = 1;
  EXPECT_FALSE(net::grpc_server::GrpcServer::start(options, {&service}).isOk());
  options.channel_arguments = "bad";
  EXPECT_FALSE(net::grpc_server::GrpcServer::start(options, {&service}).isOk());
}

}  // namespace
}  // namespace mserve

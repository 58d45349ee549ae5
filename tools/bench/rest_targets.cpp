// REST targets: metadata over a blocking GET, then requests over HttpConnection.
#include "rest_targets.hpp"

#include "http_client.hpp"
#include "rest_bodies.hpp"

namespace mserve::bench {
namespace {

constexpr beast::string_view kHeaderLength = "Inference-Header-Content-Length";

class RestClient final : public BenchClient {
 public:
  RestClient(std::shared_ptr<HttpConnection> connection, HttpRequest request)
      : connection_(std::move(connection)), request_(std::move(request)) {}

  void send(CallDone done) override {
    connection_->exchange(
        request_, [done = std::move(done)](const std::string& error, HttpResponse& response) {
          if (!error.empty()) return done({false, error});
          if (response.result_int() != 200) {
            return done({false, "HTTP " + std::to_string(response.result_int()) + ": " +
                                    response.body().substr(0, 200)});
          }
          done({});
        });
  }

 private:
  std::shared_ptr<HttpConnection> connection_;
  const HttpRequest request_;
};

class RestTarget final : public BenchTarget {
 public:
  explicit RestTarget(RestTargetOptions options)
      : options_(std::move(options)), io_(options_.io_threads) {}

  std::string describe() const override {
    switch (options_.format) {
      case RestFormat::kKfsBinary:
        return "kfs-rest-binary " + options_.address;
      case RestFormat::kKfsJson:
        return "kfs-rest-json " + options_.address;
      case RestFormat::kTfsJson:
        return "tfs-rest " + options_.address;
    }
    return "rest " + options_.address;
  }

  util::StatusOr<ModelSignature> signature() override {
    const bool tfs = options_.format == RestFormat::kTfsJson;
    auto body = httpGet(options_.address, modelPath(tfs) + (tfs ? "/metadata" : ""));
    if (!body.isOk()) return body.status();
    return tfs ? parseTfsMetadata(*body) : parseKfsMetadata(*body);
  }

  util::Status setInputs(const std::vector<InputTensorData>& inputs) override {
    auto endpoints = resolve(io_.context(), options_.address, &host_);
    if (!endpoints.isOk()) return endpoints.status();
    endpoints_ = std::move(endpoints.value());
    const bool tfs = options_.format == RestFormat::kTfsJson;
    HttpRequest request(bhttp::verb::post, modelPath(tfs) + (tfs ? ":predict" : "/infer"), 11);
    request.set(bhttp::field::host, host_);
    request.keep_alive(true);
    if (options_.format == RestFormat::kKfsBinary) {
      KfsBody body = kfsBinaryBody(inputs);
      request.set(bhttp::field::content_type, "application/octet-stream");
      request.set(kHeaderLength, std::to_string(body.json_length));
      request.body() = std::move(body.body);
    } else {
      request.set(bhttp::field::content_type, "application/json");
      request.body() = tfs ? tfsJsonBody(inputs) : kfsJsonBody(inputs).body;
    }
    request.prepare_payload();
    request_ = std::move(request);
    return util::Status::ok();
  }

  util::StatusOr<std::unique_ptr<BenchClient>> makeClient(size_t) override {
    auto connection = std::make_shared<HttpConnection>(io_.context(), endpoints_);
    return std::unique_ptr<BenchClient>(new RestClient(std::move(connection), request_));
  }

 private:
  std::string modelPath(bool tfs) const {
    std::string path = (tfs ? "/v1/models/" : "/v2/models/") + options_.model;
    if (options_.version > 0) path += "/versions/" + std::to_string(options_.version);
    return path;
  }

  const RestTargetOptions options_;
  HttpIo io_;  // declared after options_ (constructed from it); clients must be gone first
  std::string host_;
  asio::ip::tcp::resolver::results_type endpoints_;
  HttpRequest request_;
};

}  // namespace

std::unique_ptr<BenchTarget> makeRestTarget(const RestTargetOptions& options) {
  return std::make_unique<RestTarget>(options);
}

}  // namespace mserve::bench

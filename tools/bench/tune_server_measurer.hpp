// The tuner's measurer against a running mserve (--protocol grpc|rest): the server runs with
// --config_path FILE; each candidate rewrites the model's entry in that file (plugin_config,
// nireq, dynamic batching) and POSTs /v1/config/reload, which returns once the model was
// reloaded, then drives the model over KServe gRPC or REST binary and charges the server's CPU
// (--server_pid). The original file is put back and reloaded when the measurer goes.
// Not thread-safe; one measurement at a time.
#pragma once

#include <memory>
#include <string>

#include "input_data.hpp"
#include "load_driver.hpp"
#include "tune_search.hpp"

namespace mserve::bench {

struct ServerMeasureOptions {
  std::string protocol = "grpc";  // grpc (KServe ModelInfer) or rest (KServe REST binary)
  std::string address;            // the inference endpoint, host:port
  std::string rest_address;       // the REST port for /v1/config/reload, host:port
  std::string config_path;        // the config.json the server was started with
  std::string model_name;
  size_t concurrency = 1;
  LoadOptions load;  // server_pid > 0: the server's CPU per request
  InputOptions inputs;
};

// `config_text` with the entry of `model` set to the candidate's plugin_config, nireq and
// dynamic batching (other keys, and other scheduling settings, untouched).
util::StatusOr<std::string> configWithCandidate(const std::string& config_text,
                                                const std::string& model,
                                                const Candidate& candidate);

class ServerMeasurer final : public Measurer {
 public:
  static util::StatusOr<std::unique_ptr<ServerMeasurer>> create(
      const ServerMeasureOptions& options);
  ~ServerMeasurer() override;  // restores the original config.json and reloads it

  util::StatusOr<Measurement> measure(const Candidate& candidate) override;
  // The model entry's base_path (for the recommended config.json entry).
  const std::string& basePath() const { return base_path_; }

 private:
  explicit ServerMeasurer(ServerMeasureOptions options) : options_(std::move(options)) {}
  util::Status apply(const std::string& config_text);

  ServerMeasureOptions options_;
  std::string original_;  // the config file as it was
  std::string base_path_;
  bool changed_ = false;
};

}  // namespace mserve::bench

#include "tune_measurer.hpp"

#include "config/cpu_defaults.hpp"
#include "in_process_target.hpp"
#include "output_values.hpp"

namespace mserve::bench {
namespace {

std::string propertyOf(const Properties& properties, const std::string& key) {
  for (const auto& [name, value] : properties) {
    if (name == key) return value;
  }
  return {};
}

// What the server would compile: the candidate's properties, normalised, plus the CPU budget's
// defaults for the keys it leaves unset (config/cpu_defaults.hpp).
InProcessOptions targetOptions(const Candidate& candidate, const InProcessMeasureOptions& options) {
  config::PluginConfig properties =
      config::normalisePluginConfig(candidateProperties(candidate)).properties;
  for (auto& added : config::cpuBudgetDefaults(properties, options.device, options.budget)) {
    properties.push_back(std::move(added));
  }
  return {options.model_path, options.device, propertiesJson(properties), candidate.nireq};
}

util::StatusOr<std::unique_ptr<BenchTarget>> compile(const Candidate& candidate,
                                                     const InProcessMeasureOptions& options,
                                                     const std::vector<InputTensorData>& inputs) {
  auto target = makeInProcessTarget(targetOptions(candidate, options));
  if (!target.isOk()) return target.status();
  if (!inputs.empty()) {
    util::Status status = target.value()->setInputs(inputs);
    if (!status.isOk()) return status;
  }
  return target;
}

std::string describeProperties(const Properties& properties) {
  std::string text;
  for (const auto& [key, value] : properties) {
    text += (text.empty() ? "" : ", ") + key + " " + value;
  }
  return text;
}

}  // namespace

util::StatusOr<std::unique_ptr<InProcessMeasurer>> InProcessMeasurer::create(
    const InProcessMeasureOptions& options) {
  std::unique_ptr<InProcessMeasurer> measurer(new InProcessMeasurer(options));
  auto defaults = compile(defaultCandidate(), options, {});
  if (!defaults.isOk()) return defaults.status();
  auto signature = defaults.value()->signature();
  if (!signature.isOk()) return signature.status();
  auto inputs = buildInputs(signature.value(), options.inputs);
  if (!inputs.isOk()) return inputs.status();
  measurer->inputs_ = std::move(inputs.value());
  measurer->default_precision_ =
      propertyOf(defaults.value()->properties(), "INFERENCE_PRECISION_HINT");
  defaults.value().reset();

  Candidate f32 = defaultCandidate();
  f32.defaults = false;
  f32.precision = "f32";
  auto reference = compile(f32, options, measurer->inputs_);
  if (!reference.isOk()) return reference.status();
  auto outputs = reference.value()->inferOnce();
  if (!outputs.isOk()) return outputs.status();
  measurer->reference_ = std::move(outputs.value());
  return measurer;
}

util::StatusOr<Measurement> driveTarget(BenchTarget& target, size_t concurrency,
                                        const LoadOptions& load) {
  std::vector<std::unique_ptr<BenchClient>> clients;
  for (size_t i = 0; i < concurrency; ++i) {
    auto client = target.makeClient(i);
    if (!client.isOk()) return client.status();
    clients.push_back(std::move(client.value()));
  }
  const RunResult run = runLoad(clients, load);
  if (run.errors > 0) {
    return util::Status(util::StatusCode::kInvalidArgument,
                        std::to_string(run.errors) + " requests failed: " + run.first_error);
  }
  if (run.requests == 0) {
    return util::Status(util::StatusCode::kInvalidArgument,
                        "no request finished in the measured window (lengthen --point_seconds)");
  }
  Measurement measurement;
  measurement.throughput_rps = run.throughput_rps;
  measurement.p50_ms = run.latency.p50_ms;
  measurement.p99_ms = run.latency.p99_ms;
  const auto cpu =
      load.server_pid > 0 ? run.server_cpu_s_per_request : run.client_cpu_s_per_request;
  if (cpu) measurement.cpu_ms_per_request = *cpu * 1000;
  return measurement;
}

util::StatusOr<Measurement> InProcessMeasurer::measure(const Candidate& candidate) {
  if (candidate.max_batch > 0) {
    return util::Status(util::StatusCode::kInvalidArgument,
                        "dynamic batching needs a server (--protocol grpc or rest)");
  }
  auto target = compile(candidate, options_, inputs_);
  if (!target.isOk()) return target.status();
  auto measured = driveTarget(*target.value(), options_.concurrency, options_.load);
  if (!measured.isOk()) return measured.status();
  Measurement& measurement = measured.value();
  const Properties properties = target.value()->properties();
  measurement.compiled = describeProperties(properties);
  measurement.precision = propertyOf(properties, "INFERENCE_PRECISION_HINT");
  auto outputs = target.value()->inferOnce();
  if (!outputs.isOk()) return outputs.status();
  if (auto error = compareOutputs(reference_, outputs.value())) {
    measurement.max_abs_error = error->max_abs;
    measurement.max_rel_error = error->max_rel;
  }
  return measured;
}

}  // namespace mserve::bench

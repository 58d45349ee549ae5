#include "metrics/metrics_registry.hpp"

#include <prometheus/metric_family.h>
#include <prometheus/text_serializer.h>

#include <algorithm>
#include <array>
#include <map>
#include <sstream>

namespace mserve::metrics {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

constexpr const char* kSuccess = "ovms_requests_success";
constexpr const char* kFail = "ovms_requests_fail";
constexpr const char* kRequestTime = "ovms_request_time_us";
constexpr const char* kInferenceTime = "ovms_inference_time_us";
constexpr const char* kWaitTime = "ovms_wait_for_infer_req_time_us";
constexpr const char* kStreams = "ovms_streams";
constexpr const char* kCurrentRequests = "ovms_current_requests";
constexpr const char* kQueueSize = "ovms_infer_req_queue_size";
constexpr const char* kActive = "ovms_infer_req_active";
// mserve's scheduler (dynamic batching, queue bounds), in OVMS's naming style.
constexpr const char* kBatchSize = "ovms_batch_size";
constexpr const char* kRejected = "ovms_requests_rejected";
// mserve: the settings each version's compiled model reports, as labels (optional family).
constexpr const char* kCompiledInfo = "ovms_compiled_model_info";

const std::set<std::string>& defaultFamilies() {
  // The scheduler's families carry series only for versions that have a scheduler, so a
  // server without batching or queue bounds prints what OVMS prints.
  static const std::set<std::string> kDefault = {kSuccess,         kFail,      kRequestTime,
                                                 kInferenceTime,   kWaitTime,  kStreams,
                                                 kCurrentRequests, kBatchSize, kRejected};
  return kDefault;
}

// Valid in OVMS's metrics_list: ours plus MediaPipe families, which mserve has no series for.
bool knownFamily(const std::string& name) {
  static const std::set<std::string> kOther = {kQueueSize,
                                               kActive,
                                               kCompiledInfo,
                                               "ovms_current_graphs",
                                               "ovms_requests_accepted",
                                               "ovms_responses",
                                               "ovms_graph_error",
                                               "ovms_graph_processing_time_us"};
  return defaultFamilies().count(name) || kOther.count(name);
}

struct MethodLabel {
  Api api;
  Method method;
  const char* api_name;
  const char* method_name;
};
constexpr std::array<MethodLabel, 6> kMethods = {{
    {Api::kTensorFlowServing, Method::kInfer, "TensorFlowServing", "Predict"},
    {Api::kTensorFlowServing, Method::kMetadata, "TensorFlowServing", "GetModelMetadata"},
    {Api::kTensorFlowServing, Method::kStatus, "TensorFlowServing", "GetModelStatus"},
    {Api::kKServe, Method::kInfer, "KServe", "ModelInfer"},
    {Api::kKServe, Method::kMetadata, "KServe", "ModelMetadata"},
    {Api::kKServe, Method::kStatus, "KServe", "ModelReady"},
}};
constexpr std::array<std::pair<Interface, const char*>, 2> kInterfaces = {
    {{Interface::kGrpc, "gRPC"}, {Interface::kRest, "REST"}}};

ClientMetric withLabels(std::vector<ClientMetric::Label> labels) {
  ClientMetric metric;
  metric.label = std::move(labels);
  return metric;
}

ClientMetric counterMetric(const MethodLabel& m, const char* interface_name,
                           const std::string& name, const std::string* version, uint64_t value) {
  std::vector<ClientMetric::Label> labels = {{"api", m.api_name},
                                             {"interface", interface_name},
                                             {"method", m.method_name},
                                             {"name", name}};
  if (version != nullptr) labels.push_back({"version", *version});
  ClientMetric metric = withLabels(std::move(labels));
  metric.counter.value = static_cast<double>(value);
  return metric;
}

// OVMS leaves `version` off the status methods' series, so those are one series per model
// name: the counts of all its versions are summed (one label set must mean one series).
void addCounters(MetricFamily& family, const std::vector<std::shared_ptr<ModelMetrics>>& models,
                 bool success) {
  std::map<std::string, std::map<std::pair<size_t, size_t>, uint64_t>> status_counts;
  for (const auto& model : models) {
    const std::string version = std::to_string(model->version());
    for (size_t mi = 0; mi < kMethods.size(); ++mi) {
      const MethodLabel& m = kMethods[mi];
      for (size_t ii = 0; ii < kInterfaces.size(); ++ii) {
        const auto& [interface, interface_name] = kInterfaces[ii];
        const uint64_t value = model->requests(m.api, interface, m.method, success);
        if (m.method == Method::kStatus) {
          status_counts[model->name()][{mi, ii}] += value;
        } else {
          family.metric.push_back(counterMetric(m, interface_name, model->name(), &version, value));
        }
      }
    }
  }
  for (const auto& [name, counts] : status_counts) {
    for (const auto& [index, value] : counts) {
      family.metric.push_back(counterMetric(kMethods[index.first], kInterfaces[index.second].second,
                                            name, nullptr, value));
    }
  }
}

std::vector<ClientMetric::Label> versionLabels(const ModelMetrics& model) {
  return {{"name", model.name()}, {"version", std::to_string(model.version())}};
}

void addHistogram(MetricFamily& family, const LatencyHistogram& histogram,
                  std::vector<ClientMetric::Label> labels) {
  ClientMetric metric = withLabels(std::move(labels));
  metric.histogram = histogram.snapshot();
  family.metric.push_back(std::move(metric));
}

void addGauge(MetricFamily& family, const ModelMetrics& model, int64_t value) {
  ClientMetric metric = withLabels(versionLabels(model));
  metric.gauge.value = static_cast<double>(value);
  family.metric.push_back(std::move(metric));
}

void addRejected(MetricFamily& family, const ModelMetrics& model) {
  if (!model.schedulerSeries()) return;
  for (const auto& [reason, reason_name] :
       {std::pair{RejectReason::kQueueFull, "queue_full"}, {RejectReason::kTimeout, "timeout"}}) {
    auto labels = versionLabels(model);
    labels.push_back({"reason", reason_name});
    ClientMetric metric = withLabels(std::move(labels));
    metric.counter.value = static_cast<double>(model.rejected(reason));
    family.metric.push_back(std::move(metric));
  }
}

void addCompiledInfo(MetricFamily& family, const ModelMetrics& model) {
  auto labels = model.compiledInfo();
  if (labels.empty()) return;  // not loaded yet
  std::vector<ClientMetric::Label> all;
  for (auto& [name, value] : labels) all.push_back({name, std::move(value)});
  for (auto& label : versionLabels(model)) all.push_back(std::move(label));
  std::sort(all.begin(), all.end(), [](const ClientMetric::Label& a, const ClientMetric::Label& b) {
    return a.name < b.name;
  });
  ClientMetric metric = withLabels(std::move(all));
  metric.gauge.value = 1;
  family.metric.push_back(std::move(metric));
}

}  // namespace

util::StatusOr<std::unique_ptr<MetricsRegistry>> MetricsRegistry::create(
    const std::string& metrics_list) {
  std::set<std::string> enabled;
  std::stringstream names(metrics_list);
  std::string name;
  while (std::getline(names, name, ',')) {
    name.erase(0, name.find_first_not_of(' '));
    name.erase(name.find_last_not_of(' ') + 1);
    if (name.empty()) continue;
    if (!knownFamily(name)) return util::Status(util::StatusCode::kInvalidMetricsFamilyName, name);
    enabled.insert(name);
  }
  if (enabled.empty()) enabled = defaultFamilies();
  return std::unique_ptr<MetricsRegistry>(new MetricsRegistry(std::move(enabled)));
}

std::shared_ptr<ModelMetrics> MetricsRegistry::addModelVersion(const std::string& name,
                                                               int64_t version) {
  std::lock_guard lock(mutex_);
  // A reloaded version continues its series: one series per label set, never removed (OVMS).
  for (const auto& existing : models_) {
    if (existing->name() == name && existing->version() == version) return existing;
  }
  auto metrics = std::make_shared<ModelMetrics>(name, version);
  models_.push_back(metrics);
  return metrics;
}

std::string MetricsRegistry::serialize() const {
  std::vector<std::shared_ptr<ModelMetrics>> models;
  {
    std::lock_guard lock(mutex_);
    models = models_;
  }
  struct FamilySpec {
    const char* name;
    const char* help;
    MetricType type;
    void (*fill)(MetricFamily&, const ModelMetrics&);  // per version, unless null
    void (*fill_all)(MetricFamily&, const std::vector<std::shared_ptr<ModelMetrics>>&) = nullptr;
  };
  static const FamilySpec kFamilies[] = {
      {kSuccess, "Number of successful requests to a model or a DAG.", MetricType::Counter, nullptr,
       [](MetricFamily& f, const std::vector<std::shared_ptr<ModelMetrics>>& all) {
         addCounters(f, all, true);
       }},
      {kFail, "Number of failed requests to a model or a DAG.", MetricType::Counter, nullptr,
       [](MetricFamily& f, const std::vector<std::shared_ptr<ModelMetrics>>& all) {
         addCounters(f, all, false);
       }},
      {kRequestTime, "Processing time of requests to a model or a DAG.", MetricType::Histogram,
       [](MetricFamily& f, const ModelMetrics& m) {
         for (const auto& [interface, interface_name] : kInterfaces) {
           auto labels = versionLabels(m);
           labels.insert(labels.begin(), {"interface", interface_name});
           addHistogram(f, m.requestTime(interface), std::move(labels));
         }
       }},
      {kInferenceTime, "Inference execution time in the OpenVINO backend.", MetricType::Histogram,
       [](MetricFamily& f, const ModelMetrics& m) {
         addHistogram(f, m.inferenceTime(), versionLabels(m));
       }},
      {kWaitTime, "Request waiting time in the scheduling queue.", MetricType::Histogram,
       [](MetricFamily& f, const ModelMetrics& m) {
         addHistogram(f, m.waitTime(), versionLabels(m));
       }},
      {kStreams, "Number of OpenVINO execution streams.", MetricType::Gauge,
       [](MetricFamily& f, const ModelMetrics& m) { addGauge(f, m, m.streams()); }},
      {kCurrentRequests, "Number of inference requests currently in process.", MetricType::Gauge,
       [](MetricFamily& f, const ModelMetrics& m) { addGauge(f, m, m.currentRequests()); }},
      {kQueueSize, "Inference request queue size (nireq).", MetricType::Gauge,
       [](MetricFamily& f, const ModelMetrics& m) { addGauge(f, m, m.queueSize()); }},
      {kActive, "Number of currently consumed inference request from the processing queue.",
       MetricType::Gauge,
       [](MetricFamily& f, const ModelMetrics& m) { addGauge(f, m, m.activeInferRequests()); }},
      {kBatchSize, "Number of requests in each inference the scheduler ran (dynamic batching).",
       MetricType::Histogram,
       [](MetricFamily& f, const ModelMetrics& m) {
         if (!m.schedulerSeries()) return;
         ClientMetric metric = withLabels(versionLabels(m));
         metric.histogram = m.batchSize().snapshot();
         f.metric.push_back(std::move(metric));
       }},
      {kRejected, "Number of requests refused by the scheduler (queue full, queue timeout).",
       MetricType::Counter, addRejected},
      {kCompiledInfo,
       "Settings the model version's compiled model reports (device, hint, streams, threads, "
       "precision, pinning) and its nireq and max_batch_size, as labels; the value is 1.",
       MetricType::Gauge, addCompiledInfo},
  };
  std::vector<MetricFamily> families;
  for (const FamilySpec& spec : kFamilies) {
    if (!enabled(spec.name)) continue;
    MetricFamily family{spec.name, spec.help, spec.type, {}};
    if (spec.fill_all != nullptr) {
      spec.fill_all(family, models);
    } else {
      for (const auto& model : models) spec.fill(family, *model);
    }
    const bool scheduler_family = spec.name == kBatchSize || spec.name == kRejected;
    if (scheduler_family && family.metric.empty()) continue;  // no version has a scheduler
    families.push_back(std::move(family));
  }
  return prometheus::TextSerializer().Serialize(families);
}

}  // namespace mserve::metrics

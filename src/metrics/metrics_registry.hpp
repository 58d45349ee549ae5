// The process's metric registry: which OVMS families are enabled (--metrics_list), the series
// of every model version ever loaded (series are never removed, as in OVMS), and the
// Prometheus text for /metrics built at scrape time. Thread-safe; the request path only touches
// the ModelMetrics it holds, never the registry's mutex.
#pragma once

#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "metrics/model_metrics.hpp"
#include "util/status.hpp"

namespace mserve::metrics {

class MetricsRegistry {
 public:
  // `metrics_list`: comma-separated family names ("" = OVMS's default set). An unknown name
  // fails with "Invalid name in metrics_list".
  static util::StatusOr<std::unique_ptr<MetricsRegistry>> create(const std::string& metrics_list);

  // Series for one model version: created on first load, the same object when it is reloaded.
  std::shared_ptr<ModelMetrics> addModelVersion(const std::string& name, int64_t version);

  bool enabled(const std::string& family) const { return enabled_.count(family) != 0; }
  // Prometheus text exposition format (version 0.0.4).
  std::string serialize() const;

 private:
  explicit MetricsRegistry(std::set<std::string> enabled) : enabled_(std::move(enabled)) {}

  const std::set<std::string> enabled_;
  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<ModelMetrics>> models_;  // guarded by mutex_
};

}  // namespace mserve::metrics

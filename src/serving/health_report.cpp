#include "serving/health_report.hpp"

namespace mserve::serving {

HealthReport healthReport(const ModelManager& manager, bool server_ready) {
  HealthReport report = {{"", server_ready},
                         {"inference.GRPCInferenceService", server_ready},
                         {"tensorflow.serving.PredictionService", server_ready}};
  for (const auto& [name, statuses] : manager.allVersionStatuses()) {
    report.emplace_back(name, server_ready && manager.findVersion(name, 0).isOk());
  }
  return report;
}

}  // namespace mserve::serving

// What the gRPC health service reports (grpc.health.v1, REFERENCE-2 §6): the whole server ("")
// and the protocol services are SERVING when the server is ready (initial load done, not
// draining); each model name is SERVING when the server is ready and the model has an available
// version. Pure function of the manager's state; thread-safe as the manager's readers.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "serving/model_manager.hpp"

namespace mserve::serving {

using HealthReport = std::vector<std::pair<std::string, bool>>;  // service name → serving

HealthReport healthReport(const ModelManager& manager, bool server_ready);

}  // namespace mserve::serving

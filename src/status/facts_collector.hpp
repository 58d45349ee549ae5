// Reads the server's facts for the status page and the advice from the model manager: every
// model's version states, and for each loaded version its compiled properties, its pool and
// queue now, and its statistics counters. Safe from any thread (the manager is); takes each
// version's pool mutex briefly, never a lock on the request path for long.
#pragma once

#include "serving/model_manager.hpp"
#include "status/model_facts.hpp"

namespace mserve::status {

ServerFacts collectFacts(const serving::ModelManager& manager, double cpu_budget);

}  // namespace mserve::status

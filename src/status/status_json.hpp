// The JSON document behind the status page (GET /status/data; docs/status.md describes every
// field): the server, then per model version its state, compiled properties, what it does now,
// its history points and its advice. Built once per sample by StatusMonitor, so serving it
// costs a copy whatever the number of clients polling. Pure function.
#pragma once

#include <string>

#include "status/status_history.hpp"

namespace mserve::status {

struct ServerInfo {
  std::string version;  // mserve's
  std::string openvino_version;
  int64_t started_wall_ms = 0;
  int64_t period_ms = 1000;    // sampling interval
  int64_t history_points = 0;  // ring capacity per version
};

std::string statusJson(const ServerInfo& server, const StatusHistory& history);

}  // namespace mserve::status

// Logging setup: spdlog loggers named as OVMS's ("serving", "modelmanager"), OVMS's line format,
// flushed on every line so that scripts waiting for a line see it at once (DESIGN.md §2).
#pragma once

#include <memory>
#include <string>

#include <spdlog/spdlog.h>

namespace mserve::util {

// Valid levels: TRACE DEBUG INFO WARNING ERROR. Creates the loggers; logs to stdout and, if
// `log_path` is set, to that file too. Returns false if the file cannot be opened.
bool setupLogging(const std::string& level, const std::string& log_path);

// The loggers; usable (stdout, INFO) even before setupLogging runs.
spdlog::logger& servingLog();
spdlog::logger& modelManagerLog();

}  // namespace mserve::util

#define MSERVE_LOG(logger, level, ...) \
  SPDLOG_LOGGER_CALL(&(logger), spdlog::level::level, __VA_ARGS__)

// Logging setup: spdlog loggers named as OVMS's ("serving", "modelmanager", "openvino"), OVMS's
// line format, flushed on every line so that scripts waiting for a line see it at once
// (DESIGN.md §2). Loggers are created once and never replaced: references stay valid, and
// logging is thread-safe, also while setupLogging swaps the output sinks.
#pragma once

#include <spdlog/spdlog.h>

#include <memory>
#include <string>

namespace mserve::util {

// Valid levels: TRACE DEBUG INFO WARNING ERROR. Creates the loggers; logs to stdout and, if
// `log_path` is set, to that file too (appended; missing folders are created). Returns false for
// an unknown level, or if the file cannot be opened (logging then goes to stdout only). DEBUG and
// TRACE also set OPENVINO_LOG_LEVEL=4 unless the environment sets it: call before threads start.
bool setupLogging(const std::string& level, const std::string& log_path);

// The loggers; usable (stdout, INFO) even before setupLogging runs.
spdlog::logger& servingLog();
spdlog::logger& modelManagerLog();
spdlog::logger& openvinoLog();

}  // namespace mserve::util

// MSERVE_LOG(servingLog(), info, "text {}", x): records the source file and line too.
#define MSERVE_LOG(logger, lvl, ...) SPDLOG_LOGGER_CALL(&(logger), spdlog::level::lvl, __VA_ARGS__)

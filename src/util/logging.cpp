// Logging: every logger writes into one distribution sink whose outputs (stdout, and the
// --log_path file) setupLogging swaps under the sink's mutex, so loggers handed out before setup
// keep working. Every line is flushed (flush_on trace): scripts and orchestrators wait for lines.
#include "util/logging.hpp"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/dist_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <cstdlib>
#include <optional>
#include <vector>

namespace mserve::util {
namespace {

constexpr const char* kPattern = "[%Y-%m-%d %T.%e][%t][%n][%l][%s:%#] %v";

struct Loggers {
  // The outputs; the mux's own mutex serialises writes, so its children need no locking.
  std::shared_ptr<spdlog::sinks::dist_sink_mt> mux;
  std::shared_ptr<spdlog::logger> serving;
  std::shared_ptr<spdlog::logger> model_manager;
  std::shared_ptr<spdlog::logger> openvino;
};

std::shared_ptr<spdlog::sinks::sink> stdoutSink() {
  auto sink = std::make_shared<spdlog::sinks::stdout_sink_st>();  // no colours: logs are parsed
  sink->set_pattern(kPattern);
  return sink;
}

std::shared_ptr<spdlog::logger> makeLogger(const std::string& name,
                                           const std::shared_ptr<spdlog::sinks::sink>& mux) {
  auto logger = std::make_shared<spdlog::logger>(name, mux);
  logger->set_level(spdlog::level::info);
  logger->flush_on(spdlog::level::trace);
  // Also reachable as spdlog::get(name); a same-named logger registered elsewhere is kept.
  try {
    spdlog::register_logger(logger);
  } catch (const spdlog::spdlog_ex&) {
  }
  return logger;
}

Loggers makeLoggers() {
  Loggers loggers;
  loggers.mux = std::make_shared<spdlog::sinks::dist_sink_mt>();
  loggers.mux->set_sinks({stdoutSink()});
  loggers.serving = makeLogger("serving", loggers.mux);
  loggers.model_manager = makeLogger("modelmanager", loggers.mux);
  loggers.openvino = makeLogger("openvino", loggers.mux);
  // Plain SPDLOG_INFO(...) calls land in "serving" with the same format.
  spdlog::set_default_logger(loggers.serving);
  return loggers;
}

// Created on first use; C++ makes the initialisation of a function-local static thread-safe.
Loggers& loggers() {
  static Loggers instance = makeLoggers();
  return instance;
}

std::optional<spdlog::level::level_enum> parseLevel(const std::string& level) {
  if (level == "TRACE") return spdlog::level::trace;
  if (level == "DEBUG") return spdlog::level::debug;
  if (level == "INFO") return spdlog::level::info;
  if (level == "WARNING") return spdlog::level::warn;
  if (level == "ERROR") return spdlog::level::err;
  return std::nullopt;
}

}  // namespace

bool setupLogging(const std::string& level, const std::string& log_path) {
  Loggers& all = loggers();
  const auto parsed = parseLevel(level);
  if (!parsed) return false;
  std::vector<std::shared_ptr<spdlog::sinks::sink>> sinks{stdoutSink()};
  bool file_ok = true;
  if (!log_path.empty()) {
    try {
      auto file = std::make_shared<spdlog::sinks::basic_file_sink_st>(log_path, false);
      file->set_pattern(kPattern);
      sinks.push_back(std::move(file));
    } catch (const spdlog::spdlog_ex&) {
      file_ok = false;
    }
  }
  all.mux->set_sinks(std::move(sinks));
  for (const auto& logger : {all.serving, all.model_manager, all.openvino}) {
    logger->set_level(*parsed);
  }
  // OVMS raises OpenVINO's own logging with ours; an explicit environment setting wins.
  if (*parsed <= spdlog::level::debug) setenv("OPENVINO_LOG_LEVEL", "4", /*overwrite=*/0);
  return file_ok;
}

spdlog::logger& servingLog() { return *loggers().serving; }
spdlog::logger& modelManagerLog() { return *loggers().model_manager; }
spdlog::logger& openvinoLog() { return *loggers().openvino; }

}  // namespace mserve::util

#include "tune_command.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <iostream>

#include "bench_report.hpp"
#include "tune_measurer.hpp"
#include "tune_options.hpp"
#include "tune_report.hpp"
#include "tune_server_measurer.hpp"
#include "util/cpu_budget.hpp"

namespace mserve::bench {
namespace {

constexpr int kExitFailure = 1;

bool isVersionFolder(const std::filesystem::path& path) {
  const std::string name = path.filename().string();
  return !name.empty() && std::all_of(name.begin(), name.end(),
                                      [](unsigned char c) { return std::isdigit(c) != 0; });
}

// The folder config.json's base_path must name: the one holding numeric version folders.
std::filesystem::path basePath(const std::string& model_path) {
  std::error_code ec;
  std::filesystem::path path = std::filesystem::absolute(model_path, ec).lexically_normal();
  if (!path.has_filename()) path = path.parent_path();  // a trailing slash
  if (!std::filesystem::is_directory(path, ec)) path = path.parent_path();
  if (isVersionFolder(path)) path = path.parent_path();
  return path;
}

// "default" and an explicit value the device defaults to anyway would measure the same thing.
std::vector<std::string> distinctPrecisions(std::vector<std::string> precisions,
                                            const std::string& device_default) {
  const bool has_default = std::find(precisions.begin(), precisions.end(), "") != precisions.end();
  if (has_default && !device_default.empty()) std::erase(precisions, device_default);
  return precisions;
}

TuneResult search(Measurer& measurer, const SearchSpace& space, const TuneContext& context,
                  bool grid) {
  const auto start = std::chrono::steady_clock::now();
  const TuneClock clock = [start] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  const TuneProgress progress = [&context](const TuneResult& result, const TriedPoint& latest) {
    std::cerr << progressLine(result, latest, context) << std::flush;
  };
  return grid ? runGridSearch(measurer, space, context.limits, clock, progress)
              : runGuidedSearch(measurer, space, context.limits, clock, progress);
}

// The measurer the protocol asks for, with what the report needs to know from it.
struct Prepared {
  std::unique_ptr<Measurer> measurer;
  std::string base_path;
  std::string default_precision;  // "" when unknown (through a server)
};

util::StatusOr<Prepared> prepare(const TuneOptions& options, const util::CpuBudget& budget,
                                 size_t concurrency) {
  LoadOptions load;
  load.rate = options.rate;
  load.warmup_s = options.warmup_s;
  load.duration_s = options.point_s;
  load.progress = false;
  if (options.protocol != "inprocess") {
    load.server_pid = options.server_pid;
    ServerMeasureOptions server{options.protocol,
                                options.address,
                                options.rest_address,
                                options.config_path,
                                options.model_name,
                                concurrency,
                                load,
                                options.inputs};
    auto measurer = ServerMeasurer::create(server);
    if (!measurer.isOk()) return measurer.status();
    std::string base_path = measurer.value()->basePath();
    return Prepared{std::move(measurer.value()), std::move(base_path), ""};
  }
  InProcessMeasureOptions measure{options.model_path, options.device, concurrency, load,
                                  options.inputs,     budget};
  auto measurer = InProcessMeasurer::create(measure);
  if (!measurer.isOk()) return measurer.status();
  std::string precision = measurer.value()->defaultPrecision();
  return Prepared{std::move(measurer.value()), basePath(options.model_path).string(),
                  std::move(precision)};
}

std::vector<uint32_t> batchSizes(const TuneOptions& options, uint32_t concurrency) {
  if (!options.batch_sizes.empty()) return options.batch_sizes;
  if (options.protocol == "inprocess" || concurrency < 2) return {0};
  return {0, concurrency};
}

}  // namespace

int runTune(int argc, char** argv) {
  ParsedTuneOptions parsed = parseTuneOptions(argc, argv);
  std::cout << parsed.output;
  std::cerr << parsed.error;
  if (!parsed.options) return parsed.exit_code;
  const TuneOptions& options = *parsed.options;

  const util::CpuBudget budget = util::processCpuBudget();
  std::cerr << budget.describe() << '\n';
  const uint32_t concurrency = options.concurrency > 0
                                   ? options.concurrency
                                   : (options.goal == TuneGoal::kThroughput ? 2 * budget.cpus : 1);
  auto prepared = prepare(options, budget, concurrency);
  if (!prepared.isOk()) {
    std::cerr << "mserve-bench tune: " << prepared.status().message() << '\n';
    return kExitFailure;
  }
  const std::string& base = prepared->base_path;
  TuneContext context{options.model_name.empty() ? std::filesystem::path(base).filename().string()
                                                 : options.model_name,
                      base,
                      options.device,
                      budget.cpus,
                      concurrency,
                      options.grid ? "grid" : "guided",
                      prepared->default_precision,
                      {options.goal, options.p99_ms, options.rate, options.budget_s}};
  const SearchSpace space{budget.cpus, concurrency,
                          distinctPrecisions(options.precisions, prepared->default_precision),
                          options.vary_pinning, batchSizes(options, concurrency)};
  const TuneResult result = search(*prepared->measurer, space, context, options.grid);
  prepared->measurer.reset();  // a server gets its original config.json back

  if (options.json_path != "-") std::cout << tuneText(result, context) << std::flush;
  bool written = writeOutput(options.json_path, tuneJson(result, context));
  if (result.best && !options.write_config.empty()) {
    const Candidate& best = result.points[*result.best].candidate;
    written = writeOutput(options.write_config, configFileJson(best, context)) && written;
  }
  if (!written) {
    std::cerr << "mserve-bench tune: cannot write the results\n";
    return kExitFailure;
  }
  return result.best ? 0 : kExitFailure;
}

}  // namespace mserve::bench

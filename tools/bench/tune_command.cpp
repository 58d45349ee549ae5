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
  if (has_default) std::erase(precisions, device_default);
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

}  // namespace

int runTune(int argc, char** argv) {
  ParsedTuneOptions parsed = parseTuneOptions(argc, argv);
  std::cout << parsed.output;
  std::cerr << parsed.error;
  if (!parsed.options) return parsed.exit_code;
  const TuneOptions& options = *parsed.options;

  const util::CpuBudget budget = util::processCpuBudget();
  std::cerr << budget.describe() << '\n';
  InProcessMeasureOptions measure;
  measure.model_path = options.model_path;
  measure.device = options.device;
  measure.concurrency = options.concurrency > 0
                            ? options.concurrency
                            : (options.goal == TuneGoal::kThroughput ? 2 * budget.cpus : 1);
  measure.load.rate = options.rate;
  measure.load.warmup_s = options.warmup_s;
  measure.load.duration_s = options.point_s;
  measure.load.progress = false;
  measure.inputs = options.inputs;
  measure.budget = budget;
  auto measurer = InProcessMeasurer::create(measure);
  if (!measurer.isOk()) {
    std::cerr << "mserve-bench tune: " << measurer.status().message() << '\n';
    return kExitFailure;
  }

  const std::filesystem::path base = basePath(options.model_path);
  TuneContext context{options.model_name.empty() ? base.filename().string() : options.model_name,
                      base.string(),
                      options.device,
                      budget.cpus,
                      static_cast<uint32_t>(measure.concurrency),
                      options.grid ? "grid" : "guided",
                      measurer.value()->defaultPrecision(),
                      {options.goal, options.p99_ms, options.rate, options.budget_s}};
  const SearchSpace space{
      budget.cpus, context.concurrency,
      distinctPrecisions(options.precisions, measurer.value()->defaultPrecision()),
      options.vary_pinning};
  const TuneResult result = search(*measurer.value(), space, context, options.grid);

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

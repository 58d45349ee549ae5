// Results of one mserve-bench invocation (one run per concurrency level) as JSON, CSV and a
// human-readable table. Pure functions.
#pragma once

#include <string>
#include <vector>

#include "bench_target.hpp"
#include "load_driver.hpp"

namespace mserve::bench {

struct BenchReport {
  std::string label;
  std::string target;    // BenchTarget::describe()
  std::string protocol;  // kfs-grpc, ..., or in-process
  std::string model;
  Properties properties;
  double warmup_s = 0;
  std::vector<RunResult> runs;
};

std::string toJson(const BenchReport& report);
std::string toCsv(const BenchReport& report);
std::string toText(const BenchReport& report);

// Writes `text` to `path` ("-" = stdout, "" = nowhere); false when the file cannot be written.
bool writeOutput(const std::string& path, const std::string& text);

}  // namespace mserve::bench

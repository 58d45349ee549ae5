// The process's CPU budget: how many CPUs it may really use, from the affinity mask, the cgroup
// cpuset and the CFS quota (cgroup v1 or v2), computed once at start (DESIGN.md §3b). This is
// the only code that reads cgroup files. Plain values; safe to copy between threads.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace mserve::util {

struct CpuBudget {
  // CPUs the process may use: min(affinity, cpuset, quota rounded up), at least 1. What
  // defaults (threads, workers, fair share) are sized from.
  uint32_t cpus = 1;
  uint32_t affinity_cpus = 1;  // CPU_COUNT of sched_getaffinity
  // Effective CPUs of the process's cpuset cgroup; nullopt when none was found.
  std::optional<uint32_t> cpuset_cpus;
  std::string cpuset_source;  // the file it was read from
  // CFS quota / period in CPUs, the smallest along the cgroup path up to the mount (a parent's
  // quota limits its children too); nullopt when no level sets one (-1, "max").
  std::optional<double> quota_cpus;
  std::string quota_source;  // the file of the limiting level

  // A quota below the CPUs the scheduler would otherwise give: OpenVINO does not see it
  // (REFERENCE-2 §9.3) and pinned threads get throttled, so defaults must shrink.
  bool quotaLimits() const;
  // One line for the start-up log: the budget and where each part came from.
  std::string describe() const;
};

// The budget as seen from `root` ("/" in production; a fixture tree in tests): follows
// <root>/proc/self/cgroup and <root>/proc/self/mountinfo to the process's cgroup folders.
// `affinity_cpus` is the affinity mask's CPU count (the caller measures it). Never fails:
// missing or unreadable files mean "no limit from that part".
CpuBudget computeCpuBudget(const std::filesystem::path& root, uint32_t affinity_cpus);

// The running process's budget: root "/" and sched_getaffinity(0).
CpuBudget processCpuBudget();

}  // namespace mserve::util

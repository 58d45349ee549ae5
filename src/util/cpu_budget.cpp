// CPU budget: affinity ∩ cpuset ∩ CFS quota, rounded as OVMS 2026.2 rounds it (quota CPUs =
// ceil(quota / period); budget = min of the parts, at least 1; REFERENCE-2 §9.1, §9.4). Unlike
// OVMS it finds the cgroup folders through /proc/self/cgroup and /proc/self/mountinfo instead of
// fixed paths, so cgroup v1, v2, hybrid layouts and non-namespaced containers all resolve, and
// it applies whether or not the process looks like it runs in a container.
#include "util/cpu_budget.hpp"

#include <sched.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <thread>
#include <vector>

namespace mserve::util {
namespace {

namespace fs = std::filesystem;

// Kernel files are small; anything past this is not a cgroup file.
constexpr size_t kMaxFileBytes = 1 << 20;

std::optional<std::string> readSmallFile(const fs::path& path) {
  std::ifstream file(path);
  if (!file) return std::nullopt;
  std::string text;
  text.resize(kMaxFileBytes);
  file.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(file.gcount()));
  return text;
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream stream(text);
  while (std::getline(stream, part, separator)) parts.push_back(part);
  return parts;
}

std::optional<int64_t> parseInt(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// A kernel CPU list ("0-3,8,10-11"): the number of CPUs in it; nullopt if malformed or empty.
std::optional<uint32_t> countCpuList(const std::string& text) {
  uint64_t count = 0;
  for (const std::string& range : split(text.substr(0, text.find('\n')), ',')) {
    const size_t dash = range.find('-');
    const auto first = parseInt(range.substr(0, dash));
    const auto last = dash == std::string::npos ? first : parseInt(range.substr(dash + 1));
    if (!first || !last || *first < 0 || *last < *first) return std::nullopt;
    count += static_cast<uint64_t>(*last - *first + 1);
  }
  if (count == 0 || count > UINT32_MAX) return std::nullopt;
  return static_cast<uint32_t>(count);
}

// One cgroup hierarchy mounted in this mount namespace (a /proc/self/mountinfo line).
struct CgroupMount {
  fs::path mount_point;
  std::string root;  // the cgroup path mounted there ("/" unless the namespace hides more)
  bool v2 = false;
  std::vector<std::string> controllers;  // v1: from the super options, e.g. {"cpu", "cpuacct"}
};

// mountinfo: "ID PARENT MAJ:MIN ROOT MOUNT_POINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER".
std::vector<CgroupMount> readCgroupMounts(const fs::path& root) {
  std::vector<CgroupMount> mounts;
  const auto text = readSmallFile(root / "proc/self/mountinfo");
  if (!text) return mounts;
  for (const std::string& line : split(*text, '\n')) {
    const std::vector<std::string> fields = split(line, ' ');
    const auto dash = std::find(fields.begin(), fields.end(), "-");
    if (fields.size() < 5 || dash == fields.end() || fields.end() - dash < 4) continue;
    const std::string& type = *(dash + 1);
    if (type != "cgroup" && type != "cgroup2") continue;
    CgroupMount mount{root / fs::path(fields[4]).relative_path(), fields[3], type == "cgroup2",
                      split(*(dash + 3), ',')};
    mounts.push_back(std::move(mount));
  }
  return mounts;
}

// /proc/self/cgroup: "ID:CONTROLLERS:PATH"; v2 is the line with ID 0 and no controllers.
// Returns controller → path, with "" as the key for the v2 path.
std::map<std::string, std::string> readMembership(const fs::path& root) {
  std::map<std::string, std::string> paths;
  const auto text = readSmallFile(root / "proc/self/cgroup");
  if (!text) return paths;
  for (const std::string& line : split(*text, '\n')) {
    const size_t first = line.find(':');
    const size_t second = line.find(':', first == std::string::npos ? first : first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    const std::string controllers = line.substr(first + 1, second - first - 1);
    const std::string path = line.substr(second + 1);
    if (controllers.empty()) {
      paths[""] = path;
      continue;
    }
    for (const std::string& controller : split(controllers, ',')) paths[controller] = path;
  }
  return paths;
}

// The folder of the process's cgroup in `mount`. A container without a cgroup namespace shows
// the host's path in /proc/self/cgroup while its mount starts at that path: strip the mount's
// root; when the result does not exist, the mount point itself is the process's cgroup.
fs::path cgroupFolder(const CgroupMount& mount, const std::string& path) {
  std::string relative = path;
  if (mount.root != "/" && relative.rfind(mount.root, 0) == 0) {
    relative = relative.substr(mount.root.size());
  }
  fs::path folder = mount.mount_point / fs::path(relative).relative_path();
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) return mount.mount_point;
  return folder;
}

// The process's folders that can hold CPU limits: v1 "cpu" and "cpuset" hierarchies and v2.
struct CgroupFolders {
  std::optional<fs::path> v1_cpu, v1_cpuset, v2;
  std::optional<fs::path> v1_cpu_mount, v2_mount;  // where walking up stops
};

CgroupFolders findFolders(const fs::path& root) {
  CgroupFolders folders;
  const auto membership = readMembership(root);
  for (const CgroupMount& mount : readCgroupMounts(root)) {
    auto has = [&](const std::string& c) {
      return std::find(mount.controllers.begin(), mount.controllers.end(), c) !=
             mount.controllers.end();
    };
    if (mount.v2 && membership.count("") && !folders.v2) {
      folders.v2 = cgroupFolder(mount, membership.at(""));
      folders.v2_mount = mount.mount_point;
    } else if (!mount.v2 && has("cpu") && membership.count("cpu") && !folders.v1_cpu) {
      folders.v1_cpu = cgroupFolder(mount, membership.at("cpu"));
      folders.v1_cpu_mount = mount.mount_point;
    } else if (!mount.v2 && has("cpuset") && membership.count("cpuset") && !folders.v1_cpuset) {
      folders.v1_cpuset = cgroupFolder(mount, membership.at("cpuset"));
    }
  }
  return folders;
}

// The quota set in one folder, in CPUs; nullopt when unlimited or absent.
std::optional<double> quotaIn(const fs::path& folder, bool v2, fs::path* source) {
  int64_t quota = -1, period = 0;
  if (v2) {
    const auto text = readSmallFile(folder / "cpu.max");  // "max 100000" or "50000 100000"
    if (!text) return std::nullopt;
    const std::vector<std::string> fields = split(text->substr(0, text->find('\n')), ' ');
    if (fields.size() != 2 || fields[0] == "max") return std::nullopt;
    quota = parseInt(fields[0]).value_or(-1);
    period = parseInt(fields[1]).value_or(0);
    *source = folder / "cpu.max";
  } else {
    const auto quota_text = readSmallFile(folder / "cpu.cfs_quota_us");
    const auto period_text = readSmallFile(folder / "cpu.cfs_period_us");
    if (!quota_text || !period_text) return std::nullopt;
    quota = parseInt(*quota_text).value_or(-1);
    period = parseInt(*period_text).value_or(0);
    *source = folder / "cpu.cfs_quota_us";
  }
  if (quota <= 0 || period <= 0) return std::nullopt;
  return static_cast<double>(quota) / static_cast<double>(period);
}

// The smallest quota from `folder` up to `mount_point`, with the file it came from.
void smallestQuota(fs::path folder, const fs::path& mount_point, bool v2, CpuBudget& budget) {
  while (true) {
    fs::path source;
    const auto quota = quotaIn(folder, v2, &source);
    if (quota && (!budget.quota_cpus || *quota < *budget.quota_cpus)) {
      budget.quota_cpus = quota;
      budget.quota_source = source.string();
    }
    if (folder == mount_point || !folder.has_relative_path() || folder.parent_path() == folder) {
      return;
    }
    folder = folder.parent_path();
  }
}

void readCpuset(const fs::path& file, CpuBudget& budget) {
  const auto text = readSmallFile(file);
  if (!text) return;
  const auto count = countCpuList(*text);
  if (!count || (budget.cpuset_cpus && *budget.cpuset_cpus <= *count)) return;
  budget.cpuset_cpus = count;
  budget.cpuset_source = file.string();
}

uint32_t roundedQuota(double quota_cpus) {
  return static_cast<uint32_t>(std::min(std::ceil(quota_cpus), double{UINT32_MAX}));
}

}  // namespace

bool CpuBudget::quotaLimits() const {
  const uint32_t unquoted = std::min(affinity_cpus, cpuset_cpus.value_or(affinity_cpus));
  return quota_cpus && *quota_cpus < static_cast<double>(unquoted);
}

std::string CpuBudget::describe() const {
  std::ostringstream text;
  text << "CPU budget: " << cpus << " (affinity: " << affinity_cpus << " from sched_getaffinity";
  if (cpuset_cpus) text << ", cpuset: " << *cpuset_cpus << " from " << cpuset_source;
  if (quota_cpus) {
    text << ", quota: " << *quota_cpus << " CPUs (rounded up to " << roundedQuota(*quota_cpus)
         << ") from " << quota_source;
  } else {
    text << ", no CFS quota";
  }
  text << ")";
  return text.str();
}

CpuBudget computeCpuBudget(const fs::path& root, uint32_t affinity_cpus) {
  CpuBudget budget;
  budget.affinity_cpus = std::max(1u, affinity_cpus);
  const CgroupFolders folders = findFolders(root);
  if (folders.v1_cpuset) readCpuset(*folders.v1_cpuset / "cpuset.effective_cpus", budget);
  if (folders.v2) readCpuset(*folders.v2 / "cpuset.cpus.effective", budget);
  if (folders.v1_cpu) smallestQuota(*folders.v1_cpu, *folders.v1_cpu_mount, false, budget);
  if (folders.v2) smallestQuota(*folders.v2, *folders.v2_mount, true, budget);
  budget.cpus = std::min(budget.affinity_cpus, budget.cpuset_cpus.value_or(UINT32_MAX));
  if (budget.quota_cpus) budget.cpus = std::min(budget.cpus, roundedQuota(*budget.quota_cpus));
  budget.cpus = std::max(1u, budget.cpus);
  return budget;
}

CpuBudget processCpuBudget() {
  cpu_set_t set;
  CPU_ZERO(&set);
  uint32_t affinity = 0;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) affinity = CPU_COUNT(&set);
  if (affinity == 0) affinity = std::max(1u, std::thread::hardware_concurrency());
  return computeCpuBudget("/", affinity);
}

}  // namespace mserve::util

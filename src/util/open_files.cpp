#include "util/open_files.hpp"

#include <sys/resource.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>

namespace mserve::util {
namespace {

uint64_t asNumber(rlim_t value) {
  return value == RLIM_INFINITY ? std::numeric_limits<uint64_t>::max()
                                : static_cast<uint64_t>(value);
}

// The kernel refuses a soft limit above fs.nr_open even when the hard limit is unlimited.
rlim_t kernelMaximum() {
  std::ifstream file("/proc/sys/fs/nr_open");
  uint64_t value = 0;
  if (file >> value && value > 0) return static_cast<rlim_t>(value);
  return 1024 * 1024;  // the kernel's default nr_open
}

}  // namespace

OpenFilesLimit raiseOpenFilesLimit() {
  OpenFilesLimit result;
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    result.error = std::strerror(errno);
    return result;
  }
  result.soft_before = result.soft = asNumber(limit.rlim_cur);
  result.hard = asNumber(limit.rlim_max);
  const rlim_t target = limit.rlim_max == RLIM_INFINITY ? kernelMaximum() : limit.rlim_max;
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < target) {
    limit.rlim_cur = target;
    if (setrlimit(RLIMIT_NOFILE, &limit) == 0) {
      result.soft = asNumber(target);
    } else {
      result.error = std::strerror(errno);
    }
  }
  return result;
}

}  // namespace mserve::util

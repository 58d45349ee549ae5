// The process's open-files limit (RLIMIT_NOFILE). Distributions start services with a soft limit
// of 1024 while the hard limit is far higher; every connection costs a descriptor, so the server
// raises its soft limit to the hard one before anything opens files. Call once, from main.
#pragma once

#include <cstdint>
#include <string>

namespace mserve::util {

struct OpenFilesLimit {
  uint64_t soft_before = 0;  // the soft limit the process was started with
  uint64_t soft = 0;         // the soft limit now
  uint64_t hard = 0;
  std::string error;  // why raising failed; "" if it worked or was not needed
};

// Raises the soft limit to the hard one (to /proc/sys/fs/nr_open if the hard one is unlimited).
OpenFilesLimit raiseOpenFilesLimit();

}  // namespace mserve::util

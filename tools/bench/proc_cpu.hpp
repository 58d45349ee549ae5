// CPU time of a process (user + system, all threads) from /proc/<pid>/stat: how the bench
// charges a server's CPU to the requests of a run. Linux only; thread-safe.
#pragma once

#include <sys/types.h>

#include <optional>

namespace mserve::bench {

// Seconds of CPU the process has used; pid 0 = this process. nullopt if it cannot be read.
std::optional<double> processCpuSeconds(pid_t pid);

}  // namespace mserve::bench

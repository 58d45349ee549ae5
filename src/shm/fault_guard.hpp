// Survives a client shrinking (ftruncate) a registered shared memory object: an access to the
// lost pages raises SIGBUS, which would kill the server. A process-wide SIGBUS handler finds
// the faulting address among the watched mappings, maps anonymous zero pages over that mapping
// (the access then completes on private memory, as libwayland-server does for wl_shm) and marks
// it faulted, so the region's next use is refused. A SIGBUS elsewhere goes to the handler that
// was installed before (or the default: the process dies as it would have). Thread-safe.
#pragma once

#include <cstddef>

namespace mserve::shm {

// Watches `length` bytes at `mapping` (a whole mmap'ed range) until unwatch; returns the watch's
// slot, or -1 when every slot is taken (the mapping is then unprotected: callers refuse it).
int watchMapping(void* mapping, size_t length);
void unwatchMapping(int slot);
// Whether an access to the watched mapping faulted (its bytes are now private zeros).
bool mappingFaulted(int slot);

// Slots for watched mappings: the registry's region limit with room for regions still mapped
// by requests after they were unregistered.
inline constexpr size_t kMaxWatchedMappings = 4096;

}  // namespace mserve::shm

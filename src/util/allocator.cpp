#include "util/allocator.hpp"

#include <malloc.h>

namespace mserve::util {

void tuneAllocatorForRequestBuffers() {
  // Setting either limit also stops glibc's own adjustment of both, so both are set.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
}

}  // namespace mserve::util

// glibc malloc settings for a server whose requests allocate and free tensor-sized buffers.
#pragma once

namespace mserve::util {

// Tensors travel in request-sized buffers (the received message, its protobuf copy, the encoded
// response) that are allocated and freed on every request. glibc serves blocks above its mmap
// threshold (128 KiB at first, adjusted upwards as such blocks are freed) with mmap/munmap, and
// gives the heap top back above twice that threshold: either way each request faulted its
// buffers in afresh (page-fault handling was a fifth of the server's CPU with 602 KB tensors,
// docs/performance.md). Fixed limits keep buffers up to 32 MiB in the heap for reuse; at most
// 64 MiB of free memory at a heap's top stays resident, larger blocks are still mapped and
// unmapped, and retiring a model trims everything (serving/model_manager). Call once, before
// any thread starts.
void tuneAllocatorForRequestBuffers();

}  // namespace mserve::util

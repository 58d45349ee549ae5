// One POSIX shared memory object range mapped into the server for Triton's system shared memory
// extension. The only code in mserve that calls shm_open/fstat/mmap/munmap. Immutable once
// mapped; unmapped when the last owner lets go (a request still using a region that was
// unregistered keeps it mapped until it finishes). Thread-safe to read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "util/status.hpp"

namespace mserve::shm {

class MappedRegion {
 public:
  // Maps `byte_size` bytes at `offset` of the object `key` (POSIX shm name) read-write and
  // shared. The range must lie inside the object as it is now; the object's file descriptor is
  // closed again before this returns.
  static util::StatusOr<std::shared_ptr<MappedRegion>> map(const std::string& key, uint64_t offset,
                                                           uint64_t byte_size);
  ~MappedRegion();
  MappedRegion(const MappedRegion&) = delete;
  MappedRegion& operator=(const MappedRegion&) = delete;

  // The registered range (not the page-aligned mapping around it).
  std::span<std::byte> bytes() const { return {data_, size_}; }

 private:
  MappedRegion(void* mapping, size_t mapping_length, std::byte* data, size_t size)
      : mapping_(mapping), mapping_length_(mapping_length), data_(data), size_(size) {}

  void* const mapping_;
  const size_t mapping_length_;
  std::byte* const data_;
  const size_t size_;
};

}  // namespace mserve::shm

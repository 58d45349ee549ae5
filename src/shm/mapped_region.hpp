// One POSIX shared memory object range mapped into the server for Triton's system shared memory
// extension. The only code in mserve that opens and maps the objects (shm_open/fstat/mmap).
// Immutable once mapped; unmapped when the last owner lets go (a request still using a region that
// was unregistered keeps it mapped until it finishes). The object stays open, so every use can
// check that its owner did not shrink it, and the mapping is watched by the SIGBUS guard
// (fault_guard.hpp) for a shrink that races with a use. Thread-safe to read.
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
  // OK while the object still holds the whole registered range and no access faulted; an
  // error naming `key` otherwise (the region then stays unusable: its pages are zeros).
  util::Status intact(const std::string& key) const;

 private:
  MappedRegion(int fd, int watch, uint64_t end, void* mapping, size_t mapping_length,
               std::byte* data, size_t size)
      : fd_(fd),
        watch_(watch),
        end_(end),
        mapping_(mapping),
        mapping_length_(mapping_length),
        data_(data),
        size_(size) {}

  const int fd_;        // the object, open for fstat
  const int watch_;     // the SIGBUS guard's slot
  const uint64_t end_;  // offset + byte_size in the object
  void* const mapping_;
  const size_t mapping_length_;
  std::byte* const data_;
  const size_t size_;
};

}  // namespace mserve::shm

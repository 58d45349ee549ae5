// The server's registered system shared memory regions (Triton's system shared memory extension,
// REFERENCE-2.md §3): names → mapped ranges of POSIX shared memory objects. Off unless the
// server was started with --allow_system_shared_memory, because it lets a local client point
// the server at memory. Requests borrow slices that keep their region mapped until they let go,
// so unregistering (or shutting down) never pulls memory from under an inference. Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.hpp"

namespace mserve::shm {

class MappedRegion;

inline constexpr std::string_view kAllowFlag = "--allow_system_shared_memory";
// At most this many regions at once (perf_analyzer registers one per input × data step and one
// per output); each holds a mapping, not memory.
inline constexpr size_t kMaxRegions = 1024;
// Region names and keys are at most this long (a POSIX shm name is one path component).
inline constexpr size_t kMaxNameBytes = 255;

struct RegionInfo {
  std::string name;
  std::string key;
  uint64_t offset = 0;
  uint64_t byte_size = 0;
};

// `byte_size` bytes of a registered region lent to one request; `owner` keeps them mapped.
struct RegionSlice {
  std::shared_ptr<const MappedRegion> owner;
  std::span<std::byte> bytes;
  std::string key;  // the object's, for errors
};

// OK unless the object was shrunk below the registered range or an access to it faulted (see
// MappedRegion::intact): check after writing into a slice, since a shrink can race the write.
util::Status sliceIntact(const RegionSlice& slice);

class RegionRegistry {
 public:
  explicit RegionRegistry(bool enabled) : enabled_(enabled) {}
  ~RegionRegistry();

  bool enabled() const { return enabled_; }

  // Maps `byte_size` bytes at `offset` of the shm object `key` under `name`. Errors: the
  // extension is off, the name is taken, the name or key is not sane, the range is outside the
  // object, or kMaxRegions are registered.
  util::Status add(const std::string& name, const std::string& key, uint64_t offset,
                   uint64_t byte_size);
  // Unregisters `name` ("" = every region); an unknown name is fine (Triton). In-flight requests
  // keep their slices mapped until they finish.
  util::Status remove(std::string_view name);
  // The named region ("" = all, by name); an unknown name is NOT_FOUND.
  util::StatusOr<std::vector<RegionInfo>> list(std::string_view name) const;
  // `byte_size` bytes at `offset` inside region `name`, for tensor `tensor` (named in errors).
  // Refused when the region's object was shrunk since registration (sliceIntact).
  util::StatusOr<RegionSlice> slice(std::string_view name, uint64_t offset, uint64_t byte_size,
                                    std::string_view tensor) const;

 private:
  struct Entry {
    RegionInfo info;
    std::shared_ptr<MappedRegion> region;
  };

  // Refuses `name` if taken or if the registry is full. Caller holds mutex_.
  util::Status checkRoomFor(const std::string& name) const;

  const bool enabled_;
  mutable std::mutex mutex_;
  std::map<std::string, Entry, std::less<>> regions_;  // guarded by mutex_
};

}  // namespace mserve::shm

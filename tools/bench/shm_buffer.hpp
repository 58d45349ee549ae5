// A POSIX shared memory object the benchmark client creates for one client's tensors (the
// system shared memory protocols): created, sized and mapped on construction, unmapped and
// unlinked on destruction. Not thread-safe; one per client.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>

#include "util/status.hpp"

namespace mserve::bench {

class ShmBuffer {
 public:
  static util::StatusOr<std::unique_ptr<ShmBuffer>> create(std::string key, size_t size);
  ~ShmBuffer();
  ShmBuffer(const ShmBuffer&) = delete;
  ShmBuffer& operator=(const ShmBuffer&) = delete;

  const std::string& key() const { return key_; }
  std::span<std::byte> bytes() const { return {data_, size_}; }

 private:
  ShmBuffer(std::string key, std::byte* data, size_t size)
      : key_(std::move(key)), data_(data), size_(size) {}
  std::string key_;
  std::byte* data_;
  size_t size_;
};

}  // namespace mserve::bench

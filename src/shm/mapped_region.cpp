#include "shm/mapped_region.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>
#include <utility>

#include "shm/fault_guard.hpp"

namespace mserve::shm {
namespace {

util::Status invalid(const std::string& key, const std::string& why) {
  return util::Status(util::StatusCode::kShmInvalidRegion, "key '" + key + "': " + why);
}

// Closes the descriptor on every path out of map() but success.
struct FileDescriptor {
  int fd = -1;
  ~FileDescriptor() {
    if (fd >= 0) ::close(fd);
  }
  int release() { return std::exchange(fd, -1); }
};

}  // namespace

util::StatusOr<std::shared_ptr<MappedRegion>> MappedRegion::map(const std::string& key,
                                                                uint64_t offset,
                                                                uint64_t byte_size) {
  // glibc opens /dev/shm/<key> with O_NOFOLLOW | O_CLOEXEC: a symlink planted there cannot point
  // the server at another file.
  FileDescriptor file{::shm_open(key.c_str(), O_RDWR, 0)};
  if (file.fd < 0) return invalid(key, std::string("cannot open: ") + std::strerror(errno));
  struct stat info {};
  if (::fstat(file.fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    return invalid(key, "not a shared memory object");
  }
  const auto object_size = static_cast<uint64_t>(info.st_size);
  if (byte_size == 0 || offset > object_size || byte_size > object_size - offset) {
    return invalid(key, "offset " + std::to_string(offset) + " + byte_size " +
                            std::to_string(byte_size) + " is outside the object's " +
                            std::to_string(object_size) + " bytes");
  }
  // mmap wants a page-aligned offset: map from the page holding `offset`, and hand out only
  // the registered range inside that mapping.
  const auto page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  const uint64_t aligned = offset - offset % page;
  const uint64_t length = byte_size + (offset - aligned);
  if (length > std::numeric_limits<size_t>::max() ||
      aligned > static_cast<uint64_t>(std::numeric_limits<off_t>::max())) {
    return invalid(key, "range too large to map");
  }
  void* mapping = ::mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_SHARED, file.fd,
                         static_cast<off_t>(aligned));
  if (mapping == MAP_FAILED) return invalid(key, std::string("mmap: ") + std::strerror(errno));
  const int watch = watchMapping(mapping, length);
  if (watch < 0) {
    ::munmap(mapping, length);
    return invalid(key, "too many shared memory mappings are in use");
  }
  auto* data = static_cast<std::byte*>(mapping) + (offset - aligned);
  return std::shared_ptr<MappedRegion>(new MappedRegion(file.release(), watch, offset + byte_size,
                                                        mapping, length, data, byte_size));
}

MappedRegion::~MappedRegion() {
  unwatchMapping(watch_);  // before the range can be reused by another mapping
  ::munmap(mapping_, mapping_length_);
  ::close(fd_);
}

util::Status MappedRegion::intact(const std::string& key) const {
  if (mappingFaulted(watch_)) {
    return invalid(key,
                   "the object was shrunk while the server used it; its contents are "
                   "lost: unregister the region and register it again");
  }
  struct stat info {};
  if (::fstat(fd_, &info) != 0) return invalid(key, std::string("fstat: ") + std::strerror(errno));
  const auto object_size = static_cast<uint64_t>(info.st_size);
  if (object_size < end_) {
    return invalid(key, "the object was shrunk to " + std::to_string(object_size) +
                            " bytes after registration, below the registered offset + byte_size " +
                            std::to_string(end_) + ": unregister the region and register it again");
  }
  return util::Status::ok();
}

}  // namespace mserve::shm

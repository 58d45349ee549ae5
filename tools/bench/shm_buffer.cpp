#include "shm_buffer.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mserve::bench {

util::StatusOr<std::unique_ptr<ShmBuffer>> ShmBuffer::create(std::string key, size_t size) {
  const auto failed = [&](const char* call) {
    return util::Status(util::StatusCode::kInternalError,
                        std::string(call) + " " + key + ": " + std::strerror(errno));
  };
  const int fd = ::shm_open(key.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return failed("shm_open");
  if (::ftruncate(fd, static_cast<off_t>(size)) != 0) {
    ::close(fd);
    ::shm_unlink(key.c_str());
    return failed("ftruncate");
  }
  void* data = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  ::close(fd);
  if (data == MAP_FAILED) {
    ::shm_unlink(key.c_str());
    return failed("mmap");
  }
  return std::unique_ptr<ShmBuffer>(
      new ShmBuffer(std::move(key), static_cast<std::byte*>(data), size));
}

ShmBuffer::~ShmBuffer() {
  ::munmap(data_, size_);
  ::shm_unlink(key_.c_str());
}

}  // namespace mserve::bench

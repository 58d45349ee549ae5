// System shared memory regions: registration checks (names, keys, bounds against the object,
// count), slices inside registered ranges only, and regions kept mapped while a request holds a
// slice after they were unregistered.
#include "shm/region_registry.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <string>

namespace mserve::shm {
namespace {

using util::StatusCode;

// A POSIX shm object for one test, filled with 0, 1, 2, ... and unlinked at the end.
class ShmObject {
 public:
  explicit ShmObject(size_t size)
      : key_("/mserve_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++)) {
    const int fd = ::shm_open(key_.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600);
    EXPECT_GE(fd, 0);
    EXPECT_EQ(::ftruncate(fd, static_cast<off_t>(size)), 0);
    void* data = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    auto* bytes = static_cast<unsigned char*>(data);
    for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<unsigned char>(i);
    ::munmap(data, size);
    ::close(fd);
  }
  ~ShmObject() { ::shm_unlink(key_.c_str()); }
  const std::string& key() const { return key_; }
  // What a misbehaving client does after registering the object.
  void shrink(size_t size) const {
    const int fd = ::shm_open(key_.c_str(), O_RDWR, 0);
    ASSERT_GE(fd, 0);
    EXPECT_EQ(::ftruncate(fd, static_cast<off_t>(size)), 0);
    ::close(fd);
  }

 private:
  static inline int counter_ = 0;
  std::string key_;
};

TEST(RegionRegistry, DisabledRefusesWithTheFlagButListsNothing) {
  RegionRegistry registry(false);
  ShmObject object(4096);
  const util::Status added = registry.add("r", object.key(), 0, 4096);
  EXPECT_EQ(added.code(), StatusCode::kShmDisabled);
  EXPECT_EQ(added.httpStatus(), 501);
  EXPECT_EQ(added.grpcCode(), 12);
  EXPECT_NE(added.message().find("--allow_system_shared_memory"), std::string::npos);
  EXPECT_EQ(registry.remove("").code(), StatusCode::kShmDisabled);
  EXPECT_EQ(registry.slice("r", 0, 1, "x").status().code(), StatusCode::kShmDisabled);
  auto listed = registry.list("");
  ASSERT_TRUE(listed.isOk());
  EXPECT_TRUE(listed->empty());
}

TEST(RegionRegistry, RegisterListSliceUnregister) {
  RegionRegistry registry(true);
  ShmObject object(3 * 4096);
  // An offset that is not page-aligned works: the mapping starts at the page holding it.
  ASSERT_TRUE(registry.add("input", object.key(), 100, 5000).isOk());
  auto listed = registry.list("input");
  ASSERT_TRUE(listed.isOk());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].key, object.key());
  EXPECT_EQ((*listed)[0].offset, 100u);
  EXPECT_EQ((*listed)[0].byte_size, 5000u);
  auto slice = registry.slice("input", 10, 20, "x");
  ASSERT_TRUE(slice.isOk()) << slice.status().message();
  ASSERT_EQ(slice->bytes.size(), 20u);
  EXPECT_EQ(static_cast<unsigned char>(slice->bytes[0]), 110u);  // object byte 100 + 10
  EXPECT_EQ(registry.add("input", object.key(), 0, 1).code(), StatusCode::kShmRegionExists);
  ASSERT_TRUE(registry.remove("input").isOk());
  EXPECT_TRUE(registry.remove("never_registered").isOk());
  EXPECT_EQ(registry.list("input").status().code(), StatusCode::kShmRegionNotFound);
  EXPECT_EQ(registry.slice("input", 0, 1, "x").status().code(), StatusCode::kShmRegionNotFound);
  // The slice taken before unregistering still reads the region.
  EXPECT_EQ(static_cast<unsigned char>(slice->bytes[19]), 129u);
}

TEST(RegionRegistry, SlicesStayInsideTheRegisteredRange) {
  RegionRegistry registry(true);
  ShmObject object(4096);
  ASSERT_TRUE(registry.add("r", object.key(), 1000, 100).isOk());
  EXPECT_TRUE(registry.slice("r", 0, 100, "x").isOk());
  EXPECT_TRUE(registry.slice("r", 100, 0, "x").isOk());
  for (auto [offset, size] : {std::pair<uint64_t, uint64_t>{0, 101},
                              {1, 100},
                              {101, 0},
                              {UINT64_MAX, 2},
                              {2, UINT64_MAX},
                              {UINT64_MAX, UINT64_MAX}}) {
    auto slice = registry.slice("r", offset, size, "x");
    EXPECT_EQ(slice.status().code(), StatusCode::kShmInvalidTensor) << offset << "+" << size;
    EXPECT_EQ(slice.status().httpStatus(), 400);
  }
}

TEST(RegionRegistry, RegistrationChecksTheObjectAndTheNames) {
  RegionRegistry registry(true);
  ShmObject object(4096);
  struct Case {
    std::string name, key;
    uint64_t offset, size;
  };
  for (const Case& c : {
           Case{"r", object.key(), 0, 4097},           // past the object's end
           Case{"r", object.key(), 4096, 1},           // starts at the end
           Case{"r", object.key(), UINT64_MAX, 2},     // overflow
           Case{"r", object.key(), 0, 0},              // empty
           Case{"r", "/mserve_no_such_object", 0, 1},  // does not exist
           Case{"r", "/", 0, 1},                       // only slashes
           Case{"r", "/..", 0, 1},                     // would be /dev
           Case{"r", "/a/b", 0, 1},                    // two components
           Case{"r", "", 0, 1},
           Case{"", object.key(), 0, 1},
           Case{"a/b", object.key(), 0, 1},
           Case{"a b", object.key(), 0, 1},
           Case{std::string(256, 'a'), object.key(), 0, 1},
       }) {
    const util::Status status = registry.add(c.name, c.key, c.offset, c.size);
    EXPECT_EQ(status.code(), StatusCode::kShmInvalidRegion) << c.name << " " << c.key;
    EXPECT_EQ(status.httpStatus(), 400);
  }
  EXPECT_TRUE(registry.list("")->empty());
}

TEST(RegionRegistry, CountIsBounded) {
  RegionRegistry registry(true);
  ShmObject object(4096);
  for (size_t i = 0; i < kMaxRegions; ++i) {
    ASSERT_TRUE(registry.add("r" + std::to_string(i), object.key(), 0, 16).isOk());
  }
  EXPECT_EQ(registry.add("one_more", object.key(), 0, 16).code(), StatusCode::kShmTooManyRegions);
  ASSERT_TRUE(registry.remove("").isOk());
  EXPECT_TRUE(registry.list("")->empty());
  EXPECT_TRUE(registry.add("one_more", object.key(), 0, 16).isOk());
}

TEST(RegionRegistry, AnObjectShrunkAfterRegistrationIsRefusedOnUse) {
  RegionRegistry registry(true);
  ShmObject object(3 * 4096);
  ASSERT_TRUE(registry.add("r", object.key(), 0, 3 * 4096).isOk());
  object.shrink(4096);
  const auto slice = registry.slice("r", 0, 16, "x");
  ASSERT_FALSE(slice.isOk());
  EXPECT_EQ(slice.status().code(), StatusCode::kShmInvalidRegion);
  EXPECT_NE(slice.status().message().find("shrunk to 4096 bytes"), std::string::npos)
      << slice.status().message();
}

// The shrink races with a use (the slice was lent before it): the access to the lost pages
// raises SIGBUS, which the guard survives; the region is refused from then on.
TEST(RegionRegistry, AnAccessToPagesLostToAShrinkDoesNotKillTheProcess) {
  RegionRegistry registry(true);
  ShmObject object(3 * 4096);
  ASSERT_TRUE(registry.add("r", object.key(), 0, 3 * 4096).isOk());
  auto slice = registry.slice("r", 0, 3 * 4096, "x");
  ASSERT_TRUE(slice.isOk());
  EXPECT_TRUE(sliceIntact(*slice).isOk());
  object.shrink(0);
  volatile unsigned char* bytes = reinterpret_cast<unsigned char*>(slice->bytes.data());
  const unsigned char lost = bytes[5000];  // faults, then reads the zero pages put there
  EXPECT_EQ(lost, 0);
  bytes[6000] = 7;  // and they are writable
  const unsigned char written = bytes[6000];
  EXPECT_EQ(written, 7);
  const util::Status intact = sliceIntact(*slice);
  EXPECT_EQ(intact.code(), StatusCode::kShmInvalidRegion);
  EXPECT_NE(intact.message().find("shrunk while the server used it"), std::string::npos)
      << intact.message();
  EXPECT_FALSE(registry.slice("r", 0, 16, "x").isOk());
  EXPECT_TRUE(registry.remove("r").isOk());  // unmapped once the slice goes
}

}  // namespace
}  // namespace mserve::shm

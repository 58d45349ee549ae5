#include "shm/region_registry.hpp"

#include <algorithm>

#include "shm/mapped_region.hpp"

namespace mserve::shm {
namespace {

using util::Status;
using util::StatusCode;

Status disabled() { return Status(StatusCode::kShmDisabled); }

// Names travel in URLs, JSON and logs: printable ASCII without '/', bounded.
bool saneName(std::string_view name) {
  return !name.empty() && name.size() <= kMaxNameBytes &&
         std::all_of(name.begin(), name.end(),
                     [](char c) { return c > ' ' && c < 127 && c != '/'; });
}

// A POSIX shm name: leading slashes (glibc ignores them, Python's client adds one), then one
// sane path component that is not "." or "..".
bool saneKey(std::string_view key) {
  const size_t start = key.find_first_not_of('/');
  if (start == std::string_view::npos) return false;
  const std::string_view component = key.substr(start);
  return saneName(component) && component != "." && component != "..";
}

}  // namespace

RegionRegistry::~RegionRegistry() = default;

Status RegionRegistry::checkRoomFor(const std::string& name) const {
  if (regions_.contains(name)) return Status(StatusCode::kShmRegionExists, "'" + name + "'");
  if (regions_.size() >= kMaxRegions) {
    return Status(StatusCode::kShmTooManyRegions,
                  "limit " + std::to_string(kMaxRegions) + "; unregister some first");
  }
  return Status::ok();
}

Status RegionRegistry::add(const std::string& name, const std::string& key, uint64_t offset,
                           uint64_t byte_size) {
  if (!enabled_) return disabled();
  if (!saneName(name)) {
    return Status(StatusCode::kShmInvalidRegion,
                  "region names are 1 to 255 printable characters without '/' or spaces");
  }
  if (!saneKey(key)) {
    return Status(StatusCode::kShmInvalidRegion,
                  "key '" + key + "' is not a shared memory object name (\"/name\")");
  }
  {
    std::lock_guard lock(mutex_);
    MSERVE_RETURN_IF_ERROR(checkRoomFor(name));
  }
  // Mapped outside the lock: the system calls may take a while, and requests look up regions.
  auto region = MappedRegion::map(key, offset, byte_size);
  if (!region.isOk()) return region.status();
  std::lock_guard lock(mutex_);
  MSERVE_RETURN_IF_ERROR(checkRoomFor(name));  // again: another add may have won meanwhile
  regions_.emplace(name, Entry{{name, key, offset, byte_size}, std::move(*region)});
  return Status::ok();
}

Status RegionRegistry::remove(std::string_view name) {
  if (!enabled_) return disabled();
  std::map<std::string, Entry, std::less<>> removed;  // unmapped after the lock is released
  std::lock_guard lock(mutex_);
  if (name.empty()) {
    removed.swap(regions_);
  } else if (auto found = regions_.find(name); found != regions_.end()) {
    removed.insert(regions_.extract(found));
  }
  return Status::ok();
}

util::StatusOr<std::vector<RegionInfo>> RegionRegistry::list(std::string_view name) const {
  std::vector<RegionInfo> infos;
  std::lock_guard lock(mutex_);
  if (!name.empty()) {
    auto found = regions_.find(name);
    if (found == regions_.end()) {
      return Status(StatusCode::kShmRegionNotFound, "'" + std::string(name) + "'");
    }
    infos.push_back(found->second.info);
    return infos;
  }
  for (const auto& [key, entry] : regions_) infos.push_back(entry.info);
  return infos;
}

util::StatusOr<RegionSlice> RegionRegistry::slice(std::string_view name, uint64_t offset,
                                                  uint64_t byte_size,
                                                  std::string_view tensor) const {
  if (!enabled_) return disabled();
  std::shared_ptr<MappedRegion> region;
  std::string key;
  {
    std::lock_guard lock(mutex_);
    auto found = regions_.find(name);
    if (found == regions_.end()) {
      return Status(StatusCode::kShmRegionNotFound,
                    "'" + std::string(name) + "' for tensor '" + std::string(tensor) + "'");
    }
    region = found->second.region;
    key = found->second.info.key;
  }
  // A client may have shrunk the object since: reading or writing the lost pages would fault.
  MSERVE_RETURN_IF_ERROR(region->intact(key));
  const std::span<std::byte> bytes = region->bytes();
  // Written so that no sum can overflow: offset first, then what is left after it.
  if (offset > bytes.size() || byte_size > bytes.size() - offset) {
    return Status(StatusCode::kShmInvalidTensor,
                  "offset " + std::to_string(offset) + " + byte size " + std::to_string(byte_size) +
                      " is outside region '" + std::string(name) + "' of " +
                      std::to_string(bytes.size()) + " bytes, for tensor '" + std::string(tensor) +
                      "'");
  }
  return RegionSlice{std::move(region), bytes.subspan(offset, byte_size), std::move(key)};
}

util::Status sliceIntact(const RegionSlice& slice) {
  return slice.owner == nullptr ? Status::ok() : slice.owner->intact(slice.key);
}

}  // namespace mserve::shm

#include "repository/folder_signature.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <vector>

namespace mserve::repository {

namespace fs = std::filesystem;

std::string folderSignature(const std::string& folder) {
  std::error_code ec;
  fs::recursive_directory_iterator it(folder, fs::directory_options::skip_permission_denied, ec);
  if (ec) return {};
  // A max-heap of the smallest entries by name: directory order is not stable, so which
  // entries are kept must not depend on it.
  std::vector<std::string> entries;
  size_t count = 0;
  for (const fs::recursive_directory_iterator end; it != end && !ec; it.increment(ec)) {
    std::error_code entry_ec;
    const bool regular = it->is_regular_file(entry_ec);
    const uintmax_t size = regular ? it->file_size(entry_ec) : 0;
    const auto modified = it->last_write_time(entry_ec).time_since_epoch().count();
    entries.push_back(it->path().string() + "|" + std::to_string(size) + "|" +
                      std::to_string(modified));
    std::push_heap(entries.begin(), entries.end());
    if (entries.size() > kMaxSignatureEntries) {
      std::pop_heap(entries.begin(), entries.end());
      entries.pop_back();
    }
    ++count;
  }
  if (ec) return {};
  std::sort_heap(entries.begin(), entries.end());
  std::string signature = "folder " + std::to_string(count) + "\n";  // never "" (unreadable)
  for (const std::string& entry : entries) signature += entry + "\n";
  return signature;
}

}  // namespace mserve::repository

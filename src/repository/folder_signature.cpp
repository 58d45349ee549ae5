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
  std::vector<std::string> entries;
  for (const fs::recursive_directory_iterator end; it != end && !ec; it.increment(ec)) {
    if (entries.size() >= kMaxSignatureEntries) break;
    std::error_code entry_ec;
    const bool regular = it->is_regular_file(entry_ec);
    const uintmax_t size = regular ? it->file_size(entry_ec) : 0;
    const auto modified = it->last_write_time(entry_ec).time_since_epoch().count();
    entries.push_back(it->path().string() + "|" + std::to_string(size) + "|" +
                      std::to_string(modified));
  }
  if (ec) return {};
  std::sort(entries.begin(), entries.end());  // directory order is not stable
  std::string signature = "folder\n";         // never "", which means unreadable
  for (const std::string& entry : entries) signature += entry + "\n";
  return signature;
}

}  // namespace mserve::repository

// A cheap fingerprint of a version folder's contents (file names, sizes and modification
// times), so that a version which failed to load is retried once its files change — typically
// when a copy into the repository was caught half-way. Pure filesystem reads, no exceptions.
#pragma once

#include <string>

namespace mserve::repository {

// Equal for unchanged folders; "" if the folder cannot be read. Looks into sub-folders (a
// SavedModel's variables/); keeps the kMaxSignatureEntries first entries in name order plus
// the entry count, so a huge folder costs bounded memory and still signs the same way each time.
std::string folderSignature(const std::string& folder);

inline constexpr size_t kMaxSignatureEntries = 1000;

}  // namespace mserve::repository

// Model repository reads with std::filesystem's error_code overloads only: a vanished or
// unreadable folder is a Status, never an exception (the watcher calls this while users edit).
#include "repository/model_repository.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <optional>

namespace mserve::repository {
namespace fs = std::filesystem;
namespace {

// A version folder's name: decimal digits only (no sign, no spaces), value >= 1, fits int64.
std::optional<int64_t> versionNumber(const std::string& name) {
  if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), value);
  if (ec != std::errc() || end != name.data() + name.size() || value < 1) return std::nullopt;
  return value;
}

// Regular files directly in `folder`, sorted by name so that detection is deterministic.
util::StatusOr<std::vector<fs::path>> filesIn(const std::string& folder) {
  std::error_code ec;
  fs::directory_iterator it(folder, ec);
  if (ec) {
    return util::Status(util::StatusCode::kPathInvalid, folder + ": " + ec.message());
  }
  std::vector<fs::path> files;
  for (const fs::directory_iterator end; it != end; it.increment(ec)) {
    std::error_code type_ec;
    if (it->is_regular_file(type_ec)) files.push_back(it->path());
  }
  if (ec) return util::Status(util::StatusCode::kPathInvalid, folder + ": " + ec.message());
  std::sort(files.begin(), files.end());
  return files;
}

bool isFile(const fs::path& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec);
}

// The first file with `extension` whose same-stem `companion` extension also exists ("" = none).
std::optional<fs::path> findWithExtension(const std::vector<fs::path>& files,
                                          const std::string& extension,
                                          const std::string& companion = "") {
  for (const fs::path& file : files) {
    if (file.extension() != extension) continue;
    if (!companion.empty() && !isFile(fs::path(file).replace_extension(companion))) continue;
    return file;
  }
  return std::nullopt;
}

}  // namespace

util::StatusOr<std::vector<VersionEntry>> listVersions(const std::string& base_path,
                                                       std::vector<std::string>* skipped) {
  std::error_code ec;
  fs::directory_iterator it(base_path, ec);
  if (ec) {
    return util::Status(util::StatusCode::kPathInvalid, base_path + ": " + ec.message());
  }
  std::vector<VersionEntry> candidates;
  for (const fs::directory_iterator end; it != end; it.increment(ec)) {
    std::error_code type_ec;
    if (!it->is_directory(type_ec)) continue;  // files beside version folders are not candidates
    if (const auto version = versionNumber(it->path().filename().string())) {
      candidates.push_back({*version, it->path().string()});
    } else if (skipped != nullptr) {
      skipped->push_back(it->path().string());
    }
  }
  if (ec) return util::Status(util::StatusCode::kPathInvalid, base_path + ": " + ec.message());
  // "1" and "01" name the same version: keep the shorter name, skip the other.
  std::sort(candidates.begin(), candidates.end(), [](const VersionEntry& a, const VersionEntry& b) {
    return a.version != b.version ? a.version < b.version : a.path.size() < b.path.size();
  });
  std::vector<VersionEntry> versions;
  for (VersionEntry& entry : candidates) {
    if (!versions.empty() && versions.back().version == entry.version) {
      if (skipped != nullptr) skipped->push_back(entry.path);
      continue;
    }
    versions.push_back(std::move(entry));
  }
  return versions;
}

util::StatusOr<std::string> findModelFile(const std::string& version_path) {
  auto files = filesIn(version_path);
  if (!files.isOk()) return files.status();
  // OVMS's detection order (modelinstance.cpp fetchModelFilepaths).
  if (auto xml = findWithExtension(*files, ".xml", ".bin")) return xml->string();
  if (auto onnx = findWithExtension(*files, ".onnx")) return onnx->string();
  if (auto paddle = findWithExtension(*files, ".pdmodel", ".pdiparams")) return paddle->string();
  if (isFile(fs::path(version_path) / "saved_model.pb")) return version_path;
  if (auto tflite = findWithExtension(*files, ".tflite")) return tflite->string();
  return util::Status(util::StatusCode::kFileInvalid, "No model file found in " + version_path);
}

}  // namespace mserve::repository

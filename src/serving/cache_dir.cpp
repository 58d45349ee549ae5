#include "serving/cache_dir.hpp"

#include <unistd.h>

#include <filesystem>

#include "util/logging.hpp"

namespace mserve::serving {

bool setupCacheDir(engine::Core& core, const std::string& cache_dir) {
  constexpr char kDefaultCacheDir[] = "/opt/cache";
  std::error_code ec;
  std::string dir = cache_dir;
  if (dir.empty()) {
    if (!std::filesystem::is_directory(kDefaultCacheDir, ec)) return false;
    dir = kDefaultCacheDir;
  }
  std::filesystem::create_directories(dir, ec);
  if (ec || access(dir.c_str(), W_OK) != 0) {
    MSERVE_LOG(util::servingLog(), warn, "Cache directory {} is not writable: model caching is off",
               dir);
    return false;
  }
  if (util::Status status = core.setCacheDir(dir); !status.isOk()) {
    MSERVE_LOG(util::servingLog(), warn, "Cache directory not used: {}", status.message());
    return false;
  }
  MSERVE_LOG(util::servingLog(), info, "Model cache directory: {}", dir);
  return true;
}

}  // namespace mserve::serving

// The process's one OpenVINO core (thread-safe for compile and property reads). The engine/
// folder is the only code that includes OpenVINO headers; its headers forward-declare the C API
// handle types so callers stay free of them.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "util/status.hpp"

struct ov_core;

namespace mserve::engine {

class Core {
 public:
  static util::StatusOr<std::shared_ptr<Core>> create();
  ~Core();
  Core(const Core&) = delete;
  Core& operator=(const Core&) = delete;

  // OpenVINO's build number, e.g. "2026.4.1-20000-abcdef".
  std::string version() const;
  // Keys the device accepts in compile_model (SUPPORTED_PROPERTIES minus read-only ones).
  util::StatusOr<std::vector<std::string>> supportedProperties(const std::string& device) const;
  // Core-wide CACHE_DIR: compiled blobs are cached there (empty disables).
  util::Status setCacheDir(const std::string& dir);

  ov_core* raw() const { return core_; }

 private:
  explicit Core(ov_core* core) : core_(core) {}
  ov_core* core_;
};

}  // namespace mserve::engine

#include "engine/core.hpp"

#include "engine/ov_handles.hpp"
#include "engine/ov_status.hpp"
#include "engine/property_list.hpp"

namespace mserve::engine {

util::StatusOr<std::shared_ptr<Core>> Core::create() {
  ov_core_t* core = nullptr;
  const ov_status_e status = ov_core_create(&core);
  if (status != OK) {
    return ovStatus(status, util::StatusCode::kInternalError, "cannot create the OpenVINO core");
  }
  return std::shared_ptr<Core>(new Core(core));
}

Core::~Core() { ov_core_free(core_); }

std::string Core::version() const {
  ov_version_t version{nullptr, nullptr};
  if (ov_get_openvino_version(&version) != OK) return "unknown";
  std::string build = version.buildNumber != nullptr ? version.buildNumber : "unknown";
  ov_version_free(&version);
  return build;
}

util::StatusOr<std::vector<std::string>> Core::supportedProperties(
    const std::string& device) const {
  char* list = nullptr;
  const ov_status_e status =
      ov_core_get_property(core_, device.c_str(), "SUPPORTED_PROPERTIES", &list);
  if (status != OK) {
    // Typically an unknown device: the model cannot be compiled for it.
    return ovStatus(status, util::StatusCode::kCannotCompileModelIntoTargetDevice,
                    "cannot read the supported properties of device " + device);
  }
  std::vector<std::string> keys;
  for (PropertyName& name : parsePropertyList(takeOvString(list))) {
    if (name.writable) keys.push_back(std::move(name.key));
  }
  return keys;
}

util::Status Core::setCacheDir(const std::string& dir) {
  const ov_property_t property{"CACHE_DIR", dir.c_str()};
  // A null device sets the property on the core itself, where CACHE_DIR lives.
  const ov_status_e status = ov_core_set_properties(core_, nullptr, 1, &property);
  if (status != OK) {
    return ovStatus(status, util::StatusCode::kInternalError, "cannot set CACHE_DIR to " + dir);
  }
  return util::Status::ok();
}

}  // namespace mserve::engine

#include "config/config_json.hpp"

#include <string>

#include "util/json_document.hpp"

namespace mserve::config {

util::Status parseConfigJson(std::string_view text, rapidjson::Document& document,
                             std::string* reason) {
  util::Status status = util::parseJsonDocument(
      text, {.max_depth = kMaxConfigJsonDepth, .allow_nul = false}, document, reason);
  if (status.code() == util::StatusCode::kJsonNestingDepthExceeded) {
    if (reason) *reason += ", the limit for configuration JSON";
    return util::Status(status.code(), status.details() + " for configuration JSON");
  }
  return status;
}

}  // namespace mserve::config

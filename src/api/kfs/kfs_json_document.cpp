#include "api/kfs/kfs_json_document.hpp"

#include <string>

#include "util/json_document.hpp"

namespace mserve::api::kfs {

util::Status parseJson(std::string_view text, size_t max_depth, rapidjson::Document& document) {
  util::Status status = util::parseJsonDocument(
      text, {.max_depth = max_depth, .allow_nan_and_infinity = true}, document);
  if (status.code() == util::StatusCode::kJsonNestingDepthExceeded) {
    return util::Status(status.code(),
                        status.details() + ", set by " + std::string(kMaxJsonDepthFlag));
  }
  return status;
}

}  // namespace mserve::api::kfs

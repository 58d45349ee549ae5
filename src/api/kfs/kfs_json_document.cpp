#include "api/kfs/kfs_json_document.hpp"

#include <string>

#include "util/json_document.hpp"

namespace mserve::api::kfs {

util::Status parseJson(std::string_view text, size_t max_depth, RequestMemory& memory,
                       rapidjson::Document& document) {
  uint64_t bytes = 0;
  util::Status status = util::parseJsonDocument(
      text, {.max_depth = max_depth,
             .allow_nan_and_infinity = true,
             .max_document_bytes = memory.remaining()}, document, nullptr,
      &bytes);
  if (status.code() == util::StatusCode::kRequestMemoryExceeded) {
    return memory.exceeded("the JSON document");
  }
  if (status.code() == util::StatusCode::kJsonNestingDepthExceeded) {
    return util::Status(status.code(),
                        status.details() + ", set by " + std::string(kMaxJsonDepthFlag));
  }
  if (!status.isOk()) return status;
  return memory.charge(bytes, "the JSON document");
}

}  // namespace mserve::api::kfs

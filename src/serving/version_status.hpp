// The status of one model version as TF Serving's GetModelStatus and OVMS's /v1/config report it
// (REFERENCE.md §2.4): state, error code, and why a load failed. A failed load is LOADING +
// UNKNOWN; retired versions stay listed as END (UNLOADING while requests still hold them).
// Value types and constant tables.
#pragma once

#include <cstdint>
#include <string>

#include "api/kfs/kfs_backend.hpp"
#include "serving/model_version.hpp"

namespace mserve::serving {

// tensorflow.error.Code values OVMS uses in version statuses.
enum class VersionErrorCode { kOk = 0, kUnknown = 2, kFailedPrecondition = 9 };

struct VersionStatus {
  int64_t version = 0;
  VersionState state = VersionState::kStart;
  VersionErrorCode error_code = VersionErrorCode::kOk;
  std::string reason;  // why the last load failed, for logs and operators; "" otherwise

  bool operator==(const VersionStatus&) const = default;
};

// "START", "LOADING", "AVAILABLE", "UNLOADING", "END".
const char* stateName(VersionState state);
// "OK", "UNKNOWN", "FAILED_PRECONDITION" (OVMS prints it as error_message too).
const char* errorCodeName(VersionErrorCode code);
// The same status as the frontends' API reports it.
api::kfs::VersionStatus toApiStatus(const VersionStatus& status);

}  // namespace mserve::serving

#include "serving/version_status.hpp"

namespace mserve::serving {

const char* stateName(VersionState state) {
  switch (state) {
    case VersionState::kStart:
      return "START";
    case VersionState::kLoading:
      return "LOADING";
    case VersionState::kAvailable:
      return "AVAILABLE";
    case VersionState::kUnloading:
      return "UNLOADING";
    case VersionState::kEnd:
      return "END";
  }
  return "UNKNOWN";
}

const char* errorCodeName(VersionErrorCode code) {
  switch (code) {
    case VersionErrorCode::kOk:
      return "OK";
    case VersionErrorCode::kUnknown:
      return "UNKNOWN";
    case VersionErrorCode::kFailedPrecondition:
      return "FAILED_PRECONDITION";
  }
  return "UNKNOWN";
}

api::kfs::VersionStatus toApiStatus(const VersionStatus& status) {
  api::kfs::VersionStatus api_status;
  api_status.version = status.version;
  switch (status.state) {
    case VersionState::kStart:
      api_status.state = api::kfs::VersionState::kStart;
      break;
    case VersionState::kLoading:
      api_status.state = api::kfs::VersionState::kLoading;
      break;
    case VersionState::kAvailable:
      api_status.state = api::kfs::VersionState::kAvailable;
      break;
    case VersionState::kUnloading:
      api_status.state = api::kfs::VersionState::kUnloading;
      break;
    case VersionState::kEnd:
      api_status.state = api::kfs::VersionState::kEnd;
      break;
  }
  switch (status.error_code) {
    case VersionErrorCode::kOk:
      api_status.error = api::kfs::VersionError::kOk;
      break;
    case VersionErrorCode::kUnknown:
      api_status.error = api::kfs::VersionError::kUnknown;
      break;
    case VersionErrorCode::kFailedPrecondition:
      api_status.error = api::kfs::VersionError::kFailedPrecondition;
      break;
  }
  return api_status;
}

}  // namespace mserve::serving

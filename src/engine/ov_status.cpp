#include "engine/ov_status.hpp"

#include "engine/ov_handles.hpp"

namespace mserve::engine {
namespace {

// Statuses the C wrapper returns from its exception handlers, after recording ex.what() as the
// last message (CATCH_OV_EXCEPTIONS in src/bindings/c/src/common.h). Every other status is
// returned before OpenVINO ran and records nothing.
bool recordsMessage(ov_status_e status) {
  switch (status) {
    case GENERAL_ERROR:
    case NOT_IMPLEMENTED:
    case REQUEST_BUSY:
    case INFER_CANCELLED:
    case UNKNOW_EXCEPTION:
      return true;
    default:
      return false;
  }
}

// OpenVINO ends its messages with blank lines; keep everything else, including the
// "Exception from src/...:NNN" lines that tell where it failed.
std::string trimTrailingSpace(std::string text) {
  const size_t end = text.find_last_not_of(" \t\r\n");
  text.erase(end == std::string::npos ? 0 : end + 1);
  return text;
}

}  // namespace

std::string ovErrorMessage(ov_status_e status) {
  if (recordsMessage(status)) {
    std::string message = trimTrailingSpace(takeOvString(ov_get_last_err_msg()));
    if (!message.empty()) return message;
  }
  const char* generic = ov_get_error_info(status);  // static text, not to be freed
  return std::string(generic != nullptr ? generic : "unknown error") + " (OpenVINO status " +
         std::to_string(static_cast<int>(status)) + ")";
}

util::Status ovStatus(ov_status_e status, util::StatusCode code, std::string_view context) {
  std::string details(context);
  details += ": ";
  details += ovErrorMessage(status);
  return util::Status(code, std::move(details));
}

}  // namespace mserve::engine

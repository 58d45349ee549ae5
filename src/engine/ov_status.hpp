// Turns a failed OpenVINO C API call into a util::Status carrying OpenVINO's own message.
// Internal to engine/. Thread-safe, but see ovStatus() on the process-wide last message.
#pragma once

#include <openvino/c/openvino.h>

#include <string>
#include <string_view>

#include "util/status.hpp"

namespace mserve::engine {

// OpenVINO's text for a failed call: the exception message it recorded, or the generic text of
// `status` when the C wrapper rejected the call itself (it records no message then, and the
// last one would belong to an older failure).
//
// Call it right after the failing call, on the same thread: OpenVINO keeps one process-wide
// "last message" (behind a mutex), so a failure on another thread in between can replace it.
// The C API offers nothing better.
std::string ovErrorMessage(ov_status_e status);

// `code` with details "<context>: <OpenVINO's message>".
util::Status ovStatus(ov_status_e status, util::StatusCode code, std::string_view context);

}  // namespace mserve::engine

// Parsing untrusted JSON request bodies into a RapidJSON DOM safely: RapidJSON's iterative
// parser (no recursion on the input) with a nesting-depth limit checked while parsing, so no
// later walk over the DOM can recurse deeper than the limit (REFERENCE.md §9.1). Errors use
// OVMS's codes and texts (JSON_INVALID 412 with RapidJSON's message and offset). The document's
// memory is charged to the request while parsing, so a body of many small values stops at the
// request's memory limit instead of growing a DOM ~20 times its size. Pure function.
#pragma once

#include <rapidjson/document.h>

#include <cstddef>
#include <string_view>

#include "api/request_memory.hpp"
#include "util/json_document.hpp"
#include "util/status.hpp"

namespace mserve::api::kfs {

// The flag that sets the depth limit, for error messages.
inline constexpr std::string_view kMaxJsonDepthFlag = "--rest_max_json_depth";

// Parses `text` (need not be NUL-terminated) into `document`. An array or object nested deeper
// than `max_depth` levels (the outermost is level 1) is JSON_NESTING_DEPTH_EXCEEDED. Strings are
// copied into the document's allocator, so `document` does not point into `text`. The
// document's peak size (kDomBytesPerValue per value, plus string bytes) is charged to `memory`;
// past its limit the parse stops with REQUEST_MEMORY_EXCEEDED.
util::Status parseJson(std::string_view text, size_t max_depth, RequestMemory& memory,
                       rapidjson::Document& document);

// What one value of the document is charged (util/json_document.hpp says why).
using util::kDomBytesPerValue;

}  // namespace mserve::api::kfs

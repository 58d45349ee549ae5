// Parsing JSON into a RapidJSON DOM with a bound on nesting depth, for every JSON mserve reads
// (REST bodies, config.json, mapping_config.json, JSON-valued flags and config strings).
// RapidJSON's iterative parser costs no stack per level, and the depth is checked while parsing,
// so no later walk over the DOM (schema validation, Accept) can recurse deeper than the bound.
// Pure function; thread-safe.
#pragma once

#include <rapidjson/document.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "util/status.hpp"

namespace mserve::util {

struct JsonLimits {
  size_t max_depth = 100;
  // Configuration has no use for NUL ("\u0000") in a string, and its strings reach C APIs
  // (device names, OpenVINO property keys) that would cut them there: refuse them outright.
  bool allow_nul = true;
  // NaN, Infinity and -Infinity literals (not JSON, but mserve writes them for such float
  // outputs and perf_analyzer's random JSON data contains them): KServe REST bodies allow them.
  bool allow_nan_and_infinity = false;
  // Most bytes the document may take (kDomBytesPerValue per value plus string bytes), counted
  // while parsing: past it the parse stops with kRequestMemoryExceeded. REST bodies set it from
  // the request's memory budget (api/request_memory.hpp).
  uint64_t max_document_bytes = UINT64_MAX;
};

// Peak bytes one JSON value costs while RapidJSON builds a DOM: 16 in the parse stack, whose
// capacity grows by half (so up to 24), and 16 more in the document once its array closes,
// while the stack still holds its capacity. A two-byte value ("0,") thus costs ~20 bytes per
// body byte (measured in docs/resource_bounds.md).
inline constexpr uint64_t kDomBytesPerValue = 40;

// Parses `text` (need not be NUL-terminated) into `document`; strings are copied into the
// document's allocator. An array or object nested deeper than `limits.max_depth` levels (the
// outermost is level 1) is kJsonNestingDepthExceeded with details "limit N levels"; a syntax
// error, or a NUL in a string when refused, is kJsonInvalid ("Error: <message> Offset: N").
// `reason`, if given, receives the cause alone ("Invalid value.", "nested deeper than 32 levels")
// for messages that add their own context. `document_bytes`, if given, receives the document's
// estimated peak size (as limits.max_document_bytes counts it).
Status parseJsonDocument(std::string_view text, JsonLimits limits, rapidjson::Document& document,
                         std::string* reason = nullptr, uint64_t* document_bytes = nullptr);

// A JSON string's full text. RapidJSON strings may hold NUL ("INT32\u0000x"): reading
// GetString() as a C string would cut them there and accept the prefix.
inline std::string_view jsonString(const rapidjson::Value& value) {
  return {value.GetString(), value.GetStringLength()};
}

}  // namespace mserve::util

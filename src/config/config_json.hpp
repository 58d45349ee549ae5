// The one way configuration JSON is parsed: config.json, mapping_config.json, plugin config
// files and the JSON-valued flags and config strings (--shape, --layout, --plugin_config,
// --model_version_policy). Real configuration nests about 8 levels; a bound far above that, checked
// while parsing, keeps schema validation and every other walk over the DOM from recursing once
// per level of a hostile file (a 250,000-level config.json used to crash the server).
#pragma once

#include <rapidjson/document.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "util/status.hpp"

namespace mserve::config {

inline constexpr size_t kMaxConfigJsonDepth = 32;

// Parses `text` into `document`. Errors: kJsonInvalid ("Error: <RapidJSON's message> Offset: N",
// also for a string holding NUL: configuration strings reach C APIs that would cut them there)
// or kJsonNestingDepthExceeded ("limit 32 levels for configuration JSON").
// `reason`, if given, receives the cause alone, for messages that add their own context
// ("Missing a name for object member.", "nested deeper than 32 levels, the limit for
// configuration JSON").
util::Status parseConfigJson(std::string_view text, rapidjson::Document& document,
                             std::string* reason = nullptr);

}  // namespace mserve::config

// --layout (and config.json "layout") turned into per-input layout strings for the engine:
// "NHWC:NCHW" (clients send NHWC, the model takes NCHW; a conversion is added) or "NCHW" (the
// model's own layout, declared). Pure functions.
#pragma once

#include <map>
#include <string>

#include "util/status.hpp"

namespace mserve::config {

// Input name → layout; the key "" means every input.
using LayoutParam = std::map<std::string, std::string>;

// "NHWC:NCHW", "NCHW", "N?HW...", or JSON {"in":"NHWC:NCHW","in2":"NC"}. A layout is letters,
// '?' and at most one "..."; MODEL_CONFIG_INVALID "Couldn't parse layout parameter. ..."
// otherwise.
util::StatusOr<LayoutParam> parseLayoutParam(const std::string& text);

// One "TENSOR:MODEL" or "MODEL" value (the config.json per-input form).
util::Status checkLayout(const std::string& text);

}  // namespace mserve::config

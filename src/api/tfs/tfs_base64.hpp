// Standard base64 (RFC 4648, '+' '/' and '=' padding) for TF Serving REST's {"b64": ...}
// values. Pure functions, safe on any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mserve::api::tfs {

// nullopt unless `text` is canonical padded base64 (length a multiple of 4, no whitespace, zero
// bits after the last symbol), as TensorFlow's decoder and Python's base64.b64encode agree on.
std::optional<std::string> decodeBase64(std::string_view text);

std::string encodeBase64(std::string_view bytes);

}  // namespace mserve::api::tfs

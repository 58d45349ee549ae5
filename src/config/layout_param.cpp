#include "config/layout_param.hpp"

#include <rapidjson/document.h>

#include <cctype>
#include <string_view>

#include "config/config_json.hpp"

namespace mserve::config {
namespace {

util::Status layoutError(const std::string& why) {
  return util::Status(util::StatusCode::kModelConfigInvalid,
                      "Couldn't parse layout parameter. " + why);
}

bool validPart(std::string_view part) {
  if (part.empty()) return false;
  std::string letters(part);
  if (const size_t ellipsis = letters.find("..."); ellipsis != std::string::npos) {
    letters.erase(ellipsis, 3);
    if (letters.find("...") != std::string::npos) return false;
  }
  for (char c : letters) {
    if (!std::isupper(static_cast<unsigned char>(c)) && c != '?') return false;
  }
  return true;
}

}  // namespace

util::Status checkLayout(const std::string& text) {
  const size_t colon = text.find(':');
  const bool valid = colon == std::string::npos
                         ? validPart(text)
                         : validPart(std::string_view(text).substr(0, colon)) &&
                               validPart(std::string_view(text).substr(colon + 1));
  if (!valid) return layoutError("Expected e.g. NHWC:NCHW or NCHW, got \"" + text + "\"");
  return util::Status::ok();
}

util::StatusOr<LayoutParam> parseLayoutParam(const std::string& text) {
  if (text.empty() || text.front() != '{') {
    MSERVE_RETURN_IF_ERROR(checkLayout(text));
    return LayoutParam{{"", text}};
  }
  rapidjson::Document json;
  if (std::string reason; !parseConfigJson(text, json, &reason).isOk()) {
    return layoutError("Invalid JSON object: " + reason);
  }
  if (!json.IsObject()) return layoutError("Invalid JSON object");
  LayoutParam layouts;
  for (const auto& entry : json.GetObject()) {
    if (!entry.value.IsString()) return layoutError("Layouts must be strings");
    const std::string layout(entry.value.GetString(), entry.value.GetStringLength());
    MSERVE_RETURN_IF_ERROR(checkLayout(layout));
    layouts[std::string(entry.name.GetString(), entry.name.GetStringLength())] = layout;
  }
  return layouts;
}

}  // namespace mserve::config

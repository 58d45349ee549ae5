// --shape / --batch_size text to model dimensions. Grammar (spaces ignored):
//   shape := "auto" | "(" dims ")" | "[" dims "]"      dims := dim ("," dim)* | (empty)
//   dim   := "-1" (dynamic) | N (fixed, N >= 0) | a ":" b (bounded, 0 <= a <= b)
// plus a JSON object mapping input names to such strings.
#include "config/shape_param.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <charconv>
#include <string_view>

#include "config/config_json.hpp"

namespace mserve::config {
namespace {

constexpr const char* kShapeError = "Couldn't parse shape parameter";

util::Status shapeError(const std::string& why) {
  return util::Status(util::StatusCode::kModelConfigInvalid, std::string(kShapeError) + ". " + why);
}

std::optional<int64_t> parseInt(std::string_view text) {
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<tensor::Dimension> parseDimension(std::string_view text) {
  if (text == "-1") return tensor::Dimension::dynamic();
  if (text.empty() || text.front() == '-' || text.front() == '+') return std::nullopt;
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos) {
    const auto n = parseInt(text);
    if (!n) return std::nullopt;
    return tensor::Dimension::fixed(*n);
  }
  const std::string_view upper = text.substr(colon + 1);
  if (upper.empty() || upper.front() == '-' || upper.front() == '+') return std::nullopt;
  const auto low = parseInt(text.substr(0, colon));
  const auto high = parseInt(upper);
  if (!low || !high || *low > *high) return std::nullopt;
  return tensor::Dimension{*low, *high};
}

std::string withoutSpaces(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c != ' ' && c != '\t') out += c;
  }
  return out;
}

util::StatusOr<tensor::ModelShape> parseShape(std::string_view original) {
  const std::string text = withoutSpaces(original);
  const bool round = text.size() >= 2 && text.front() == '(' && text.back() == ')';
  const bool square = text.size() >= 2 && text.front() == '[' && text.back() == ']';
  if (!round && !square) {
    return shapeError("Expected (d1,d2,...) or [d1,d2,...], got \"" + std::string(original) + "\"");
  }
  tensor::ModelShape shape;
  const std::string_view dims = std::string_view(text).substr(1, text.size() - 2);
  if (dims.empty()) return shape;  // a scalar
  size_t start = 0;
  while (start <= dims.size()) {
    const size_t comma = std::min(dims.find(',', start), dims.size());
    const std::string_view token = dims.substr(start, comma - start);
    const auto dim = parseDimension(token);
    if (!dim) return shapeError("Invalid dimension \"" + std::string(token) + "\"");
    shape.push_back(*dim);
    start = comma + 1;
  }
  return shape;
}

// Adds one input's entry: "auto" or a shape.
util::Status addShape(ShapeParam& param, const std::string& input, std::string_view text) {
  if (withoutSpaces(text) == "auto") {
    param.shapes[input] = {};
    param.auto_inputs.push_back(input);
    return util::Status::ok();
  }
  auto shape = parseShape(text);
  if (!shape.isOk()) return shape.status();
  param.shapes[input] = std::move(shape).value();
  return util::Status::ok();
}

util::StatusOr<ShapeParam> parseJsonShapes(const std::string& text) {
  rapidjson::Document doc;
  if (std::string reason; !parseConfigJson(text, doc, &reason).isOk()) {
    return shapeError("Invalid JSON: " + reason);
  }
  if (!doc.IsObject()) return shapeError("Expected a shape or a JSON object of shapes");
  ShapeParam param;
  for (const auto& member : doc.GetObject()) {
    const std::string input(member.name.GetString(), member.name.GetStringLength());
    // "" would silently mean "every input"; OVMS forbids it as a name too.
    if (input.empty()) return shapeError("Input name must not be empty");
    if (!member.value.IsString()) return shapeError("Shape of " + input + " must be a string");
    MSERVE_RETURN_IF_ERROR(addShape(
        param, input, std::string_view(member.value.GetString(), member.value.GetStringLength())));
  }
  return param;
}

}  // namespace

util::StatusOr<ShapeParam> parseShapeParam(const std::string& text) {
  const std::string compact = withoutSpaces(text);
  if (compact.empty()) return ShapeParam{};
  if (compact.front() == '{') return parseJsonShapes(text);
  ShapeParam param;
  MSERVE_RETURN_IF_ERROR(addShape(param, "", text));
  return param;
}

util::StatusOr<tensor::Dimension> parseBatchSize(const std::string& text) {
  const std::string compact = withoutSpaces(text);
  if (compact == "auto") return tensor::Dimension::dynamic();
  const auto dim = parseDimension(compact);
  if (!dim || (dim->isStatic() && dim->min == 0)) {
    return util::Status(util::StatusCode::kModelConfigInvalid,
                        "Couldn't parse batch size parameter. Expected auto, N >= 1, -1 or a:b, "
                        "got \"" +
                            text + "\"");
  }
  return *dim;
}

}  // namespace mserve::config

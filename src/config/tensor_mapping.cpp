#include "config/tensor_mapping.hpp"

#include <rapidjson/document.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include "config/config_json.hpp"
#include "config/config_schema.hpp"

namespace mserve::config {
namespace {

util::Status mappingError(const std::string& why) {
  return util::Status(util::StatusCode::kJsonInvalid, std::string(kMappingFileName) + ": " + why);
}

util::StatusOr<std::map<std::string, std::string>> renames(const rapidjson::Value& document,
                                                           const char* key) {
  std::map<std::string, std::string> result;
  const auto member = document.FindMember(key);
  if (member == document.MemberEnd()) return result;
  std::set<std::string> targets;
  for (const auto& entry : member->value.GetObject()) {
    std::string from(entry.name.GetString(), entry.name.GetStringLength());
    std::string to(entry.value.GetString(), entry.value.GetStringLength());
    if (to.empty()) return mappingError(std::string(key) + " maps " + from + " to an empty name");
    if (!targets.insert(to).second) {
      return mappingError(std::string(key) + " give two tensors the name " + to);
    }
    result.emplace(std::move(from), std::move(to));
  }
  return result;
}

}  // namespace

util::StatusOr<TensorMapping> parseTensorMapping(std::string_view text) {
  rapidjson::Document document;
  if (std::string reason; !parseConfigJson(text, document, &reason).isOk()) {
    return mappingError("not valid JSON: " + reason);
  }
  MSERVE_RETURN_IF_ERROR(validateMappingSchema(document));
  TensorMapping mapping;
  auto inputs = renames(document, "inputs");
  if (!inputs.isOk()) return inputs.status();
  auto outputs = renames(document, "outputs");
  if (!outputs.isOk()) return outputs.status();
  mapping.inputs = std::move(inputs).value();
  mapping.outputs = std::move(outputs).value();
  return mapping;
}

util::StatusOr<TensorMapping> readTensorMapping(const std::string& version_path) {
  const std::filesystem::path path = std::filesystem::path(version_path) / kMappingFileName;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return TensorMapping{};
  std::ifstream file(path, std::ios::binary);
  if (!file) return util::Status(util::StatusCode::kFileInvalid, path.string());
  const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  return parseTensorMapping(text);
}

}  // namespace mserve::config

#include "config/model_config_override.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "config/config_file.hpp"
#include "config/config_json.hpp"
#include "util/json_document.hpp"

namespace mserve::config {

util::StatusOr<ModelConfig> modelConfigFromOverride(std::string_view name, std::string_view json,
                                                    const std::string& config_dir) {
  rapidjson::Document config;
  // Depth-bounded before the (recursive) writer and schema validation below walk it.
  MSERVE_RETURN_IF_ERROR(parseConfigJson(json, config));
  if (!config.IsObject()) {
    return util::Status(util::StatusCode::kModelConfigInvalid, "'config' must be a JSON object");
  }
  auto& allocator = config.GetAllocator();
  const auto given = config.FindMember("name");
  if (given == config.MemberEnd()) {
    config.AddMember("name", rapidjson::Value(name.data(), name.size(), allocator), allocator);
  } else if (!given->value.IsString() || util::jsonString(given->value) != name) {
    return util::Status(util::StatusCode::kModelConfigInvalid,
                        "the name in 'config' differs from the model named in the request");
  }
  // Wrapped as a one-model config.json, so the override gets exactly the file's validation.
  rapidjson::Document file(rapidjson::kObjectType);
  rapidjson::Value entry(rapidjson::kObjectType);
  entry.AddMember("config", rapidjson::Value(config, file.GetAllocator()), file.GetAllocator());
  rapidjson::Value list(rapidjson::kArrayType);
  list.PushBack(entry, file.GetAllocator());
  file.AddMember("model_config_list", list, file.GetAllocator());
  rapidjson::StringBuffer text;
  rapidjson::Writer<rapidjson::StringBuffer> writer(text);
  file.Accept(writer);
  auto parsed = parseServerConfig(std::string_view(text.GetString(), text.GetSize()), config_dir);
  if (!parsed.isOk()) return parsed.status();
  if (!parsed->rejected.empty()) return parsed->rejected.front().status;
  if (parsed->models.empty()) {
    return util::Status(util::StatusCode::kModelConfigInvalid, "'config' describes no model");
  }
  return std::move(parsed->models.front());
}

}  // namespace mserve::config

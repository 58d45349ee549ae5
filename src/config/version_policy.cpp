// Model version policy: parsing its JSON form strictly (the config.json schema's rules) and
// choosing versions. RapidJSON only; no exceptions.
#include "config/version_policy.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <functional>

#include "config/config_json.hpp"

namespace mserve::config {
namespace {

util::Status policyError(const std::string& why) {
  return util::Status(util::StatusCode::kModelConfigInvalid,
                      "Couldn't parse model version policy. " + why);
}

// The single member `key` of `node`, which must be an object with exactly that member.
const rapidjson::Value* onlyMember(const rapidjson::Value& node, const char* key) {
  if (!node.IsObject() || node.MemberCount() != 1 || !node.HasMember(key)) return nullptr;
  return &node[key];
}

util::StatusOr<VersionPolicy> parseLatest(const rapidjson::Value& body) {
  const rapidjson::Value* count = onlyMember(body, "num_versions");
  if (count == nullptr) return policyError("latest must be {\"num_versions\": N}");
  if (!count->IsUint() || count->GetUint() < 1) {
    return policyError("num_versions must be an integer >= 1");
  }
  return VersionPolicy::latest(count->GetUint());
}

util::StatusOr<VersionPolicy> parseSpecific(const rapidjson::Value& body) {
  const rapidjson::Value* list = onlyMember(body, "versions");
  if (list == nullptr || !list->IsArray()) {
    return policyError("specific must be {\"versions\": [...]}");
  }
  std::vector<int64_t> versions;
  for (const rapidjson::Value& item : list->GetArray()) {
    if (!item.IsInt64() || item.GetInt64() < 1) {
      return policyError("versions must be integers >= 1");
    }
    versions.push_back(item.GetInt64());
  }
  return VersionPolicy::specific(std::move(versions));
}

}  // namespace

util::StatusOr<VersionPolicy> VersionPolicy::parse(const std::string& json) {
  if (json.empty()) return latest(1);  // OVMS's default when no policy is given
  rapidjson::Document doc;
  if (std::string reason; !parseConfigJson(json, doc, &reason).isOk()) {
    return policyError("Invalid JSON: " + reason);
  }
  if (!doc.IsObject() || doc.MemberCount() != 1) {
    return policyError("Expected an object with exactly one of latest, specific, all");
  }
  const auto& member = *doc.MemberBegin();
  const std::string kind(member.name.GetString(), member.name.GetStringLength());
  if (!member.value.IsObject()) return policyError(kind + " must be an object");
  if (kind == "latest") return parseLatest(member.value);
  if (kind == "specific") return parseSpecific(member.value);
  if (kind == "all") {
    if (member.value.MemberCount() != 0) return policyError("all must be {}");
    return all();
  }
  return policyError("Unknown policy " + kind + "; expected latest, specific or all");
}

std::vector<int64_t> VersionPolicy::select(std::vector<int64_t> available) const {
  std::sort(available.begin(), available.end(), std::greater<>());
  available.erase(std::unique(available.begin(), available.end()), available.end());
  switch (kind_) {
    case Kind::kLatest:
      if (available.size() > count_) available.resize(count_);
      return available;
    case Kind::kSpecific:
      std::erase_if(available, [this](int64_t v) {
        return std::find(versions_.begin(), versions_.end(), v) == versions_.end();
      });
      return available;
    case Kind::kAll:
      return available;
  }
  return available;
}

std::string VersionPolicy::toString() const {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  switch (kind_) {
    case Kind::kLatest:
      writer.Key("latest");
      writer.StartObject();
      writer.Key("num_versions");
      writer.Uint(count_);
      writer.EndObject();
      break;
    case Kind::kSpecific:
      writer.Key("specific");
      writer.StartObject();
      writer.Key("versions");
      writer.StartArray();
      for (int64_t v : versions_) writer.Int64(v);
      writer.EndArray();
      writer.EndObject();
      break;
    case Kind::kAll:
      writer.Key("all");
      writer.StartObject();
      writer.EndObject();
      break;
  }
  writer.EndObject();
  return buffer.GetString();
}

}  // namespace mserve::config

#include "api/config/config_status_json.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <iterator>

namespace mserve::api::config {
namespace {

const char* stateName(kfs::VersionState state) {
  switch (state) {
    case kfs::VersionState::kStart:
      return "START";
    case kfs::VersionState::kLoading:
      return "LOADING";
    case kfs::VersionState::kAvailable:
      return "AVAILABLE";
    case kfs::VersionState::kUnloading:
      return "UNLOADING";
    case kfs::VersionState::kEnd:
      return "END";
  }
  return "UNKNOWN";
}

// OVMS prints the code's name as error_message too.
const char* errorName(kfs::VersionError error) {
  switch (error) {
    case kfs::VersionError::kOk:
      return "OK";
    case kfs::VersionError::kUnknown:
      return "UNKNOWN";
    case kfs::VersionError::kFailedPrecondition:
      return "FAILED_PRECONDITION";
  }
  return "UNKNOWN";
}

// A JSON string literal, quotes included.
std::string quoted(const std::string& text) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size()));
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

std::string modelStatusJson(const std::vector<kfs::VersionStatus>& statuses) {
  if (statuses.empty()) return "{\n \"model_version_status\": []\n}\n";
  std::string json = "{\n \"model_version_status\": [\n";
  for (size_t i = 0; i < statuses.size(); ++i) {
    const kfs::VersionStatus& status = statuses[i];
    const std::string error = errorName(status.error);
    json += "  {\n   \"version\": \"" + std::to_string(status.version) + "\",\n";
    json += "   \"state\": \"" + std::string(stateName(status.state)) + "\",\n";
    json += "   \"status\": {\n    \"error_code\": \"" + error + "\",\n";
    json += "    \"error_message\": \"" + error + "\"\n   }\n  }";
    json += i + 1 < statuses.size() ? ",\n" : "\n";
  }
  return json + " ]\n}\n";
}

std::string modelStatusesJson(const ModelStatusMap& statuses) {
  if (statuses.empty()) return "{}";
  std::string json = "{\n";
  for (auto it = statuses.begin(); it != statuses.end(); ++it) {
    std::string model = modelStatusJson(it->second);
    model.pop_back();  // OVMS drops the printer's trailing newline
    json += quoted(it->first) + " : \n" + model;
    if (std::next(it) != statuses.end()) json += ",\n";
  }
  return json + "\n}";
}

std::string configErrorJson(const std::string& message) {
  return "{\n\t\"error\": " + quoted(message) + "\n}";
}

ConfigAnswer configStatusAnswer(const ModelStatusMap& statuses) {
  return {200, modelStatusesJson(statuses)};
}

ConfigAnswer configReloadAnswer(ReloadOutcome outcome, const ModelStatusMap& statuses) {
  switch (outcome) {
    case ReloadOutcome::kFileUnreadable:
      return {500, configErrorJson("Config file not found or cannot open.")};
    case ReloadOutcome::kConfigInvalid:
      return {412,
              configErrorJson("Reloading config file failed. Check server logs for more info.")};
    case ReloadOutcome::kReloaded:
    case ReloadOutcome::kNotReloaded:
      break;
  }
  return {200, modelStatusesJson(statuses)};
}

}  // namespace mserve::api::config

#include "tune_server_measurer.hpp"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

#include "grpc_targets.hpp"
#include "http_client.hpp"
#include "rest_targets.hpp"
#include "served_facts.hpp"
#include "tune_measurer.hpp"
#include "util/json_document.hpp"

namespace mserve::bench {
namespace {

using util::Status;
using util::StatusCode;

Status configError(const std::string& message) {
  return Status(StatusCode::kInvalidArgument, "--config_path: " + message);
}

// The "config" object of `model`'s entry in model_config_list.
rapidjson::Value* modelEntry(rapidjson::Document& document, const std::string& model) {
  if (!document.IsObject() || !document.HasMember("model_config_list")) return nullptr;
  rapidjson::Value& list = document["model_config_list"];
  if (!list.IsArray()) return nullptr;
  for (rapidjson::Value& item : list.GetArray()) {
    if (!item.IsObject() || !item.HasMember("config") || !item["config"].IsObject()) continue;
    rapidjson::Value& config = item["config"];
    if (config.HasMember("name") && config["name"].IsString() &&
        util::jsonString(config["name"]) == model) {
      return &config;
    }
  }
  return nullptr;
}

void setMember(rapidjson::Value& object, const char* key, rapidjson::Value value,
               rapidjson::Document::AllocatorType& allocator) {
  object.RemoveMember(key);
  object.AddMember(rapidjson::Value(key, allocator), value, allocator);
}

void setBatching(rapidjson::Value& entry, uint32_t max_batch,
                 rapidjson::Document::AllocatorType& allocator) {
  if (!entry.HasMember("scheduling") || !entry["scheduling"].IsObject()) {
    if (max_batch == 0) return;
    setMember(entry, "scheduling", rapidjson::Value(rapidjson::kObjectType), allocator);
  }
  rapidjson::Value& scheduling = entry["scheduling"];
  scheduling.RemoveMember("dynamic_batching");
  if (max_batch == 0) return;
  rapidjson::Value batching(rapidjson::kObjectType);
  batching.AddMember("max_batch_size", max_batch, allocator);
  scheduling.AddMember("dynamic_batching", batching, allocator);
}

Status writeFileAtomically(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".tune.tmp";
  {
    std::ofstream file(temporary);
    file << text;
    if (!file) return configError("cannot write " + temporary);
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  return ec ? configError("cannot replace " + path + ": " + ec.message()) : Status::ok();
}

int64_t wallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The server's compiled facts from a status sample taken after `since_ms`; nullopt when the
// server has no status page (--status_page=false) or no fresh sample came within a few seconds.
std::optional<ServedFacts> awaitServedFacts(const ServerMeasureOptions& options,
                                            const Candidate& candidate, int64_t since_ms) {
  constexpr int kAttempts = 20;
  constexpr auto kPause = std::chrono::milliseconds(200);
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    auto status = httpGet(options.rest_address, "/status/data");
    if (!status.isOk()) return std::nullopt;
    auto facts = servedFacts(status.value(), options.model_name, candidate);
    if (facts && facts->sample_ms >= since_ms) return facts;
    std::this_thread::sleep_for(kPause);
  }
  return std::nullopt;
}

util::StatusOr<std::unique_ptr<BenchTarget>> makeTarget(const ServerMeasureOptions& options) {
  if (options.protocol == "rest") {
    return makeRestTarget({options.address, options.model_name, 0, RestFormat::kKfsBinary, 1});
  }
  return makeKfsGrpcTarget({options.address, options.model_name, 0, false, 0});
}

}  // namespace

util::StatusOr<std::string> configWithCandidate(const std::string& config_text,
                                                const std::string& model,
                                                const Candidate& candidate) {
  rapidjson::Document document;
  Status parsed = util::parseJsonDocument(config_text, {}, document);
  if (!parsed.isOk()) return configError(parsed.message());
  rapidjson::Value* entry = modelEntry(document, model);
  if (entry == nullptr) return configError("no model_config_list entry named " + model);
  auto& allocator = document.GetAllocator();
  rapidjson::Value plugin(rapidjson::kObjectType);
  for (const auto& [key, value] : candidateProperties(candidate)) {
    plugin.AddMember(rapidjson::Value(key.c_str(), allocator),
                     rapidjson::Value(value.c_str(), allocator), allocator);
  }
  setMember(*entry, "plugin_config", std::move(plugin), allocator);
  entry->RemoveMember("nireq");
  if (candidate.nireq > 0) entry->AddMember("nireq", candidate.nireq, allocator);
  setBatching(*entry, candidate.max_batch, allocator);
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> writer(buffer);
  document.Accept(writer);
  return std::string(buffer.GetString()) + "\n";
}

util::StatusOr<std::unique_ptr<ServerMeasurer>> ServerMeasurer::create(
    const ServerMeasureOptions& options) {
  std::unique_ptr<ServerMeasurer> measurer(new ServerMeasurer(options));
  std::ifstream file(options.config_path);
  std::stringstream text;
  text << file.rdbuf();
  if (!file) return configError("cannot read " + options.config_path);
  measurer->original_ = text.str();
  rapidjson::Document document;
  Status parsed = util::parseJsonDocument(measurer->original_, {}, document);
  if (!parsed.isOk()) return configError(parsed.message());
  const rapidjson::Value* entry = modelEntry(document, options.model_name);
  if (entry == nullptr)
    return configError("no model_config_list entry named " + options.model_name);
  if (entry->HasMember("base_path") && (*entry)["base_path"].IsString()) {
    measurer->base_path_ = util::jsonString((*entry)["base_path"]);
  }
  return measurer;
}

ServerMeasurer::~ServerMeasurer() {
  if (!changed_) return;
  Status status = apply(original_);
  if (!status.isOk()) {
    std::fprintf(stderr, "mserve-bench tune: restoring %s: %s\n", options_.config_path.c_str(),
                 status.message().c_str());
  }
}

Status ServerMeasurer::apply(const std::string& config_text) {
  changed_ = true;
  Status written = writeFileAtomically(options_.config_path, config_text);
  if (!written.isOk()) return written;
  auto reloaded = httpPost(options_.rest_address, "/v1/config/reload");
  if (!reloaded.isOk()) return reloaded.status();
  // The model's versions after the reload: a candidate the server could not load shows there.
  rapidjson::Document statuses;
  Status parsed = util::parseJsonDocument(reloaded.value(), {}, statuses);
  if (!parsed.isOk() || !statuses.IsObject() || !statuses.HasMember(options_.model_name.c_str())) {
    return Status(StatusCode::kInvalidArgument,
                  "reload answer without " + options_.model_name + ": " + reloaded.value());
  }
  if (reloaded.value().find("\"AVAILABLE\"") == std::string::npos) {
    return Status(StatusCode::kInvalidArgument, "not available after reload: " + reloaded.value());
  }
  return Status::ok();
}

util::StatusOr<Measurement> ServerMeasurer::measure(const Candidate& candidate) {
  auto config = configWithCandidate(original_, options_.model_name, candidate);
  if (!config.isOk()) return config.status();
  Status applied = apply(config.value());
  if (!applied.isOk()) return applied;
  const int64_t reloaded_ms = wallMs();
  auto target = makeTarget(options_);
  if (!target.isOk()) return target.status();
  auto signature = target.value()->signature();
  if (!signature.isOk()) return signature.status();
  auto inputs = buildInputs(signature.value(), options_.inputs);
  if (!inputs.isOk()) return inputs.status();
  Status set = target.value()->setInputs(inputs.value());
  if (!set.isOk()) return set;
  auto measured = driveTarget(*target.value(), options_.concurrency, options_.load);
  if (!measured.isOk()) return measured.status();
  Measurement& measurement = measured.value();
  // Count the point only if the server really runs it (a replacement that failed to load leaves
  // the previous setting serving).
  const auto facts = awaitServedFacts(options_, candidate, reloaded_ms);
  if (facts && !facts->mismatch.empty()) {
    return Status(StatusCode::kInvalidArgument, "the server runs " + facts->mismatch);
  }
  measurement.compiled = facts ? facts->text : "(not verified: no fresh /status/data)";
  measurement.precision = facts ? facts->precision : candidate.precision;
  return measured;
}

}  // namespace mserve::bench

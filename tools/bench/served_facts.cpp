#include "served_facts.hpp"

#include <strings.h>

#include "util/json_document.hpp"

namespace mserve::bench {
namespace {

int64_t intOf(const rapidjson::Value& object, const char* key) {
  return object.HasMember(key) && object[key].IsInt64() ? object[key].GetInt64() : 0;
}

std::string stringOf(const rapidjson::Value& object, const char* key) {
  if (!object.HasMember(key) || !object[key].IsString()) return {};
  return std::string(util::jsonString(object[key]));
}

// The highest loaded version of `model`, or nullptr.
const rapidjson::Value* compiledOf(const rapidjson::Document& document, const std::string& model) {
  if (!document.IsObject() || !document.HasMember("models") || !document["models"].IsArray()) {
    return nullptr;
  }
  const rapidjson::Value* best = nullptr;
  int64_t best_version = -1;
  for (const rapidjson::Value& version : document["models"].GetArray()) {
    if (!version.IsObject() || stringOf(version, "name") != model ||
        !version.HasMember("compiled") || !version["compiled"].IsObject()) {
      continue;
    }
    if (intOf(version, "version") > best_version) {
      best_version = intOf(version, "version");
      best = &version["compiled"];
    }
  }
  return best;
}

void expect(std::string& mismatch, const char* what, const std::string& wanted,
            const std::string& served) {
  if (strcasecmp(wanted.c_str(), served.c_str()) == 0) return;
  mismatch +=
      (mismatch.empty() ? "" : ", ") + std::string(what) + " " + served + " (asked " + wanted + ")";
}

}  // namespace

std::optional<ServedFacts> servedFacts(const std::string& status_json, const std::string& model,
                                       const Candidate& c) {
  rapidjson::Document document;
  if (!util::parseJsonDocument(status_json, {}, document).isOk()) return std::nullopt;
  const rapidjson::Value* compiled = compiledOf(document, model);
  if (compiled == nullptr) return std::nullopt;
  ServedFacts facts;
  if (document["server"].IsObject()) facts.sample_ms = intOf(document["server"], "t");
  const int64_t streams = intOf(*compiled, "streams");
  const int64_t threads = intOf(*compiled, "threads");
  const int64_t nireq = intOf(*compiled, "nireq");
  const int64_t batch = intOf(*compiled, "max_batch_size");
  facts.precision = stringOf(*compiled, "precision");
  const std::string pinning = stringOf(*compiled, "pinning");
  const std::string hint = stringOf(*compiled, "hint");
  facts.text = "hint " + hint + ", streams " + std::to_string(streams) + ", threads " +
               std::to_string(threads) + ", nireq " + std::to_string(nireq) + ", pin " + pinning +
               ", " + facts.precision + ", batch " + std::to_string(batch);
  std::string& m = facts.mismatch;
  if (c.streams > 0) expect(m, "streams", std::to_string(c.streams), std::to_string(streams));
  if (c.streams == 0) expect(m, "hint", c.hint, hint);
  if (c.threads > 0) expect(m, "threads", std::to_string(c.threads), std::to_string(threads));
  if (c.nireq > 0) expect(m, "nireq", std::to_string(c.nireq), std::to_string(nireq));
  if (c.pinning) expect(m, "pinning", *c.pinning ? "YES" : "NO", pinning);
  if (!c.precision.empty()) expect(m, "precision", c.precision, facts.precision);
  expect(m, "max_batch_size", std::to_string(c.max_batch), std::to_string(batch));
  return facts;
}

}  // namespace mserve::bench

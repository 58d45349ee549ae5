#include "status/status_json.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace mserve::status {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void field(JsonWriter& w, const char* key, const std::string& value) {
  w.Key(key);
  w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}
void field(JsonWriter& w, const char* key, int64_t value) {
  w.Key(key);
  w.Int64(value);
}
// Rounded to 3 decimals (microseconds for milliseconds); null for "no value" (negative).
void number(JsonWriter& w, const char* key, double value) {
  w.Key(key);
  if (value < 0) {
    w.Null();
  } else {
    w.Double(static_cast<double>(static_cast<int64_t>(value * 1000 + 0.5)) / 1000);
  }
}

void writeCompiled(JsonWriter& w, const CompiledFacts& compiled) {
  w.Key("compiled");
  w.StartObject();
  field(w, "device", compiled.device);
  field(w, "hint", compiled.hint);
  field(w, "streams", compiled.streams);
  field(w, "threads", compiled.threads);
  field(w, "precision", compiled.precision);
  field(w, "pinning", compiled.pinning);
  field(w, "nireq", compiled.nireq);
  field(w, "max_batch_size", compiled.max_batch_size);
  field(w, "max_queue_size", compiled.max_queue_size);
  w.EndObject();
}

void writePoint(JsonWriter& w, const StatusPoint& point) {
  w.StartObject();
  field(w, "t", point.wall_ms);
  field(w, "requests", static_cast<int64_t>(point.successes));
  number(w, "rps", point.seconds > 0 ? static_cast<double>(point.successes) / point.seconds : 0);
  number(w, "fail_rps",
         point.seconds > 0 ? static_cast<double>(point.failures) / point.seconds : 0);
  number(w, "p50_ms", point.p50_ms);
  number(w, "p90_ms", point.p90_ms);
  number(w, "p99_ms", point.p99_ms);
  number(w, "queue_ms", point.queue_ms);
  number(w, "infer_ms", point.infer_ms);
  number(w, "concurrency", point.concurrency);
  w.EndObject();
}

void writeVersion(JsonWriter& w, const VersionHistory& history) {
  const VersionFacts& facts = history.facts;
  w.StartObject();
  field(w, "name", facts.name);
  field(w, "version", facts.version);
  field(w, "state", facts.state);
  if (facts.loaded) {
    writeCompiled(w, facts.compiled);
    w.Key("now");
    w.StartObject();
    field(w, "busy", facts.busy);
    field(w, "waiting", facts.waiting);
    field(w, "requests", static_cast<int64_t>(facts.counters.successes));
    field(w, "failures", static_cast<int64_t>(facts.counters.failures));
    w.EndObject();
  }
  w.Key("history");
  w.StartArray();
  for (const StatusPoint& point : history.points) writePoint(w, point);
  w.EndArray();
  w.Key("advice");
  if (history.advice.empty()) {
    w.Null();
  } else {
    w.StartObject();
    field(w, "text", history.advice);
    field(w, "t", history.advice_wall_ms);
    w.EndObject();
  }
  w.EndObject();
}

}  // namespace

std::string statusJson(const ServerInfo& server, const StatusHistory& history) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("server");
  w.StartObject();
  field(w, "version", server.version);
  field(w, "openvino", server.openvino_version);
  field(w, "started", server.started_wall_ms);
  field(w, "t", history.latest().wall_ms);
  field(w, "period_ms", server.period_ms);
  field(w, "history_points", server.history_points);
  number(w, "cpu_budget", history.latest().cpu_budget);
  number(w, "cpu_used", history.cpuCores());
  field(w, "admission_limit", history.latest().admission_limit);
  field(w, "admission_running", history.latest().admission_running);
  field(w, "admission_peak", history.latest().admission_peak);
  w.EndObject();
  w.Key("models");
  w.StartArray();
  for (const auto& [key, version] : history.versions()) writeVersion(w, version);
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace mserve::status

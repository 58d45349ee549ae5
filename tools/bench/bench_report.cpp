#include "bench_report.hpp"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <cstdio>
#include <fstream>
#include <iostream>

namespace mserve::bench {
namespace {

using Writer = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

void writeString(Writer& writer, const char* key, const std::string& value) {
  writer.Key(key);
  writer.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

void writeNumber(Writer& writer, const char* key, double value) {
  writer.Key(key);
  writer.Double(value);
}

void writeLatency(Writer& writer, const char* key, const LatencySummary& latency) {
  writer.Key(key);
  writer.StartObject();
  writeNumber(writer, "mean", latency.mean_ms);
  writeNumber(writer, "p50", latency.p50_ms);
  writeNumber(writer, "p90", latency.p90_ms);
  writeNumber(writer, "p95", latency.p95_ms);
  writeNumber(writer, "p99", latency.p99_ms);
  writeNumber(writer, "max", latency.max_ms);
  writer.EndObject();
}

void writeRun(Writer& writer, const RunResult& run) {
  writer.StartObject();
  writer.Key("concurrency");
  writer.Uint64(run.concurrency);
  writeNumber(writer, "rate", run.rate);
  writer.Key("requests");
  writer.Uint64(run.requests);
  writer.Key("errors");
  writer.Uint64(run.errors);
  writeString(writer, "first_error", run.first_error);
  writeNumber(writer, "duration_s", run.elapsed_s);
  writeNumber(writer, "throughput_rps", run.throughput_rps);
  writeLatency(writer, "latency_ms", run.latency);
  writeLatency(writer, "error_latency_ms", run.error_latency);
  writer.Key("server_cpu_s_per_request");
  if (run.server_cpu_s_per_request) {
    writer.Double(*run.server_cpu_s_per_request);
  } else {
    writer.Null();
  }
  writer.Key("client_cpu_s_per_request");
  if (run.client_cpu_s_per_request) {
    writer.Double(*run.client_cpu_s_per_request);
  } else {
    writer.Null();
  }
  writer.EndObject();
}

std::string micros(const std::optional<double>& seconds) {
  if (!seconds) return "";
  char text[32];
  std::snprintf(text, sizeof(text), "%.2f", *seconds * 1e6);
  return text;
}

std::string csvField(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

}  // namespace

std::string toJson(const BenchReport& report) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  writeString(writer, "tool", "mserve-bench");
  writeString(writer, "label", report.label);
  writeString(writer, "target", report.target);
  writeString(writer, "protocol", report.protocol);
  writeString(writer, "model", report.model);
  writeNumber(writer, "warmup_s", report.warmup_s);
  writer.Key("properties");
  writer.StartObject();
  for (const auto& [key, value] : report.properties) writeString(writer, key.c_str(), value);
  writer.EndObject();
  writer.Key("runs");
  writer.StartArray();
  for (const RunResult& run : report.runs) writeRun(writer, run);
  writer.EndArray();
  writer.EndObject();
  return std::string(buffer.GetString()) + "\n";
}

std::string toCsv(const BenchReport& report) {
  std::string csv =
      "label,protocol,model,concurrency,rate,requests,errors,duration_s,throughput_rps,mean_ms,"
      "p50_ms,p90_ms,p95_ms,p99_ms,max_ms,server_cpu_us_per_request,client_cpu_us_per_request\n";
  for (const RunResult& run : report.runs) {
    char numbers[512];
    std::snprintf(numbers, sizeof(numbers),
                  "%zu,%g,%llu,%llu,%.3f,%.2f,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f", run.concurrency,
                  run.rate, static_cast<unsigned long long>(run.requests),
                  static_cast<unsigned long long>(run.errors), run.elapsed_s, run.throughput_rps,
                  run.latency.mean_ms, run.latency.p50_ms, run.latency.p90_ms, run.latency.p95_ms,
                  run.latency.p99_ms, run.latency.max_ms);
    csv += csvField(report.label) + "," + csvField(report.protocol) + "," + csvField(report.model) +
           "," + numbers + "," + micros(run.server_cpu_s_per_request) + "," +
           micros(run.client_cpu_s_per_request) + "\n";
  }
  return csv;
}

std::string toText(const BenchReport& report) {
  std::string text = report.target + (report.model.empty() ? "" : " model " + report.model) + "\n";
  for (const auto& [key, value] : report.properties) text += "  " + key + ": " + value + "\n";
  text +=
      " clients   rate   requests errors   req/s     p50 ms    p90 ms    p99 ms    max ms"
      "  srv us/req\n";
  for (const RunResult& run : report.runs) {
    char line[256];
    std::snprintf(line, sizeof(line), "%8zu %6g %10llu %6llu %9.1f %9.3f %9.3f %9.3f %9.3f %10s\n",
                  run.concurrency, run.rate, static_cast<unsigned long long>(run.requests),
                  static_cast<unsigned long long>(run.errors), run.throughput_rps,
                  run.latency.p50_ms, run.latency.p90_ms, run.latency.p99_ms, run.latency.max_ms,
                  micros(run.server_cpu_s_per_request).c_str());
    text += line;
    if (!run.first_error.empty()) text += "  first error: " + run.first_error + "\n";
  }
  return text;
}

bool writeOutput(const std::string& path, const std::string& text) {
  if (path.empty()) return true;
  if (path == "-") {
    std::cout << text << std::flush;
    return true;
  }
  std::ofstream file(path);
  file << text;
  return static_cast<bool>(file);
}

}  // namespace mserve::bench

#include "tune_report.hpp"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstdio>

namespace mserve::bench {
namespace {

template <typename... Args>
std::string format(const char* pattern, Args... args) {
  char buffer[512];
  std::snprintf(buffer, sizeof(buffer), pattern, args...);
  return buffer;
}

const char* goalName(TuneGoal goal) {
  return goal == TuneGoal::kThroughput ? "throughput" : "latency";
}

std::string precisionOf(const TriedPoint& point) {
  return point.runs.empty() ? std::string("-") : point.runs.front().precision;
}

std::string errorText(const TriedPoint& point) {
  if (point.runs.empty() || !point.runs.front().max_abs_error) return "n/a";
  const Measurement& run = point.runs.front();
  return format("%.3g / %.2g%%", *run.max_abs_error, *run.max_rel_error * 100);
}

std::string pointRow(const TriedPoint& point, size_t index, char mark, TuneGoal goal) {
  if (!point.ok()) {
    return format("  %3zu %-58s failed: %s\n", index, describeCandidate(point.candidate).c_str(),
                  point.error.c_str());
  }
  const double cpu = point.cpuMs();
  return format("%c %3zu %-58s %9.1f %8.2f %8.2f %8s %4zu %6.1f%% %-5s %s\n", mark, index,
                describeCandidate(point.candidate).c_str(), point.throughput(), point.p50(),
                point.p99(), cpu < 0 ? "-" : format("%.3f", cpu).c_str(), point.runs.size(),
                point.spread(goal) * 100, precisionOf(point).c_str(), errorText(point).c_str());
}

std::string modeWhy(const Candidate& c, const TuneContext& context) {
  const std::string clients =
      format("%u client%s on %u CPU%s", context.concurrency, context.concurrency == 1 ? "" : "s",
             context.cpus, context.cpus == 1 ? "" : "s");
  if (c.defaults) return "the defaults are best: " + clients;
  if (c.streams > 0) return format("NUM_STREAMS %u: ", c.streams) + clients;
  return c.hint + " hint: " + clients;
}

std::string metricWhy(const TriedPoint& best, const TriedPoint& defaults, TuneGoal goal) {
  if (goal == TuneGoal::kThroughput) {
    return format("%.1f req/s, %+.0f %% over the defaults (%.1f req/s); p99 %.2f ms",
                  best.throughput(), relativeGain(best, defaults, goal) * 100,
                  defaults.throughput(), best.p99());
  }
  return format("p99 %.2f ms vs %.2f ms with the defaults; %.1f req/s", best.p99(), defaults.p99(),
                best.throughput());
}

void writeCandidateConfig(rapidjson::Writer<rapidjson::StringBuffer>& writer, const Candidate& c,
                          const TuneContext& context) {
  writer.StartObject();
  writer.Key("name");
  writer.String(context.model_name.c_str());
  writer.Key("base_path");
  writer.String(context.base_path.c_str());
  writer.Key("target_device");
  writer.String(context.device.c_str());
  writer.Key("plugin_config");
  writer.StartObject();
  for (const auto& [key, value] : candidateProperties(c)) {
    writer.Key(key.c_str());
    writer.String(value.c_str());
  }
  writer.EndObject();
  if (c.nireq > 0) {
    writer.Key("nireq");
    writer.Uint(c.nireq);
  }
  if (c.max_batch > 0) {
    writer.Key("scheduling");
    writer.StartObject();
    writer.Key("dynamic_batching");
    writer.StartObject();
    writer.Key("max_batch_size");
    writer.Uint(c.max_batch);
    writer.EndObject();
    writer.EndObject();
  }
  writer.EndObject();
}

template <typename Writer>
void writePoint(Writer& writer, const TriedPoint& point, size_t index, bool pareto, TuneGoal goal) {
  writer.StartObject();
  writer.Key("index");
  writer.Uint64(index);
  writer.Key("setting");
  writer.String(describeCandidate(point.candidate).c_str());
  writer.Key("defaults");
  writer.Bool(point.candidate.defaults);
  writer.Key("plugin_config");
  writer.String(pluginConfigJson(point.candidate).c_str());
  writer.Key("nireq");
  writer.Uint(point.candidate.nireq);
  writer.Key("max_batch_size");
  writer.Uint(point.candidate.max_batch);
  writer.Key("error");
  writer.String(point.error.c_str());
  writer.Key("runs");
  writer.Uint64(point.runs.size());
  if (point.ok()) {
    for (const auto& [key, value] : {std::pair{"throughput_rps", point.throughput()},
                                     {"p50_ms", point.p50()},
                                     {"p99_ms", point.p99()},
                                     {"cpu_ms_per_request", point.cpuMs()},
                                     {"spread", point.spread(goal)}}) {
      writer.Key(key);
      writer.Double(value);
    }
    const Measurement& first = point.runs.front();
    writer.Key("precision");
    writer.String(first.precision.c_str());
    writer.Key("compiled");
    writer.String(first.compiled.c_str());
    writer.Key("max_abs_error");
    first.max_abs_error ? writer.Double(*first.max_abs_error) : writer.Null();
    writer.Key("max_rel_error");
    first.max_rel_error ? writer.Double(*first.max_rel_error) : writer.Null();
  }
  writer.Key("pareto");
  writer.Bool(pareto);
  writer.EndObject();
}

}  // namespace

std::string recommendedFlags(const Candidate& candidate) {
  std::string flags = "--plugin_config '" + pluginConfigJson(candidate) + "'";
  if (candidate.defaults) flags = "(no --plugin_config)";
  if (candidate.nireq > 0) flags += " --nireq " + std::to_string(candidate.nireq);
  if (candidate.max_batch > 0) {
    flags += " --dynamic_batching_max_batch_size " + std::to_string(candidate.max_batch);
  }
  return flags;
}

std::string configEntryJson(const Candidate& candidate, const TuneContext& context) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("config");
  writeCandidateConfig(writer, candidate, context);
  writer.EndObject();
  return buffer.GetString();
}

std::string configFileJson(const Candidate& candidate, const TuneContext& context) {
  return "{\"model_config_list\": [" + configEntryJson(candidate, context) + "]}\n";
}

std::string recommendationWhy(const TuneResult& result, const TuneContext& context) {
  if (!result.best) return "no point could be measured";
  const TriedPoint& best = result.points[*result.best];
  const TuneGoal goal = context.limits.goal;
  std::string why =
      modeWhy(best.candidate, context) + "; " + metricWhy(best, result.points.front(), goal);
  if (context.limits.p99_ms) {
    why +=
        format(best.p99() <= *context.limits.p99_ms ? " <= %.1f ms SLO" : " MISSES the %.1f ms SLO",
               *context.limits.p99_ms);
  }
  if (best.candidate.nireq > 0) why += format("; nireq %u", best.candidate.nireq);
  if (best.candidate.max_batch > 0) {
    why += format("; batches of up to %u requests", best.candidate.max_batch);
  }
  const std::string precision = precisionOf(best);
  if (precision != "f32" && !best.runs.empty() && best.runs.front().max_abs_error) {
    why += "; " + precision + " costs max abs error " + errorText(best) + " of the f32 outputs";
  }
  return why;
}

std::string tuneText(const TuneResult& result, const TuneContext& context) {
  const TuneGoal goal = context.limits.goal;
  std::string text = format("mserve-bench tune: %s, goal %s at %u client%s, %u CPU%s, %s search\n",
                            context.model_name.c_str(), goalName(goal), context.concurrency,
                            context.concurrency == 1 ? "" : "s", context.cpus,
                            context.cpus == 1 ? "" : "s", context.search.c_str());
  text += format("%c %3s %-58s %9s %8s %8s %8s %4s %7s %-5s %s\n", ' ', "#", "setting", "req/s",
                 "p50 ms", "p99 ms", "CPU ms", "runs", "spread", "prec", "error vs f32 (abs/rel)");
  const std::vector<size_t> front = paretoFront(result.points);
  for (size_t i = 0; i < result.points.size(); ++i) {
    char mark = std::find(front.begin(), front.end(), i) != front.end() ? '*' : ' ';
    if (result.best && *result.best == i) mark = '>';
    text += pointRow(result.points[i], i, mark, goal);
  }
  text += format(
      "> recommended, * Pareto front (throughput vs p99). %zu measurements of %zu "
      "points in %.1f s; stopped: %s; noise %.1f %%\n",
      result.measurements, result.points.size(), result.elapsed_s, result.stop_reason.c_str(),
      result.noise * 100);
  if (!result.best) return text + "No recommendation: no point could be measured.\n";
  const Candidate& best = result.points[*result.best].candidate;
  text += "\nRecommended: " + describeCandidate(best) + "\n";
  text += "  why:         " + recommendationWhy(result, context) + "\n";
  text += "  flags:       " + recommendedFlags(best) + "\n";
  text += "  config.json: " + configEntryJson(best, context) + "\n";
  return text;
}

std::string tuneJson(const TuneResult& result, const TuneContext& context) {
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("goal");
  writer.String(goalName(context.limits.goal));
  writer.Key("search");
  writer.String(context.search.c_str());
  writer.Key("concurrency");
  writer.Uint(context.concurrency);
  writer.Key("cpus");
  writer.Uint(context.cpus);
  writer.Key("elapsed_s");
  writer.Double(result.elapsed_s);
  writer.Key("measurements");
  writer.Uint64(result.measurements);
  writer.Key("noise");
  writer.Double(result.noise);
  writer.Key("stop_reason");
  writer.String(result.stop_reason.c_str());
  writer.Key("best");
  result.best ? writer.Uint64(*result.best) : writer.Null();
  if (result.best) {
    const Candidate& best = result.points[*result.best].candidate;
    writer.Key("flags");
    writer.String(recommendedFlags(best).c_str());
    writer.Key("why");
    writer.String(recommendationWhy(result, context).c_str());
  }
  const std::vector<size_t> front = paretoFront(result.points);
  writer.Key("points");
  writer.StartArray();
  for (size_t i = 0; i < result.points.size(); ++i) {
    const bool pareto = std::find(front.begin(), front.end(), i) != front.end();
    writePoint(writer, result.points[i], i, pareto, context.limits.goal);
  }
  writer.EndArray();
  writer.EndObject();
  return std::string(buffer.GetString()) + "\n";
}

std::string progressLine(const TuneResult& result, const TriedPoint& latest,
                         const TuneContext& context) {
  std::string line = format("[tune %6.1f s", result.elapsed_s);
  if (context.search == "guided") line += format(" of %.0f", context.limits.budget_s);
  line += format("] %zu measured: %s: ", result.measurements,
                 describeCandidate(latest.candidate).c_str());
  if (!latest.ok()) return line + "failed: " + latest.error + "\n";
  const Measurement& run = latest.runs.back();
  return line + format("%.1f req/s, p50 %.2f ms, p99 %.2f ms\n", run.throughput_rps, run.p50_ms,
                       run.p99_ms);
}

}  // namespace mserve::bench

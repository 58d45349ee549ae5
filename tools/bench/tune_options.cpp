// cxxopts configuration of `mserve-bench tune` and the conversion of its values.
#include "tune_options.hpp"

#include <cstdlib>
#include <cxxopts.hpp>
#include <sstream>

namespace mserve::bench {
namespace {

constexpr int kExitUsage = 64;

cxxopts::Options buildOptions() {
  cxxopts::Options options("mserve-bench tune",
                           "Measures a model under other settings (streams, threads, nireq, "
                           "pinning, precision) and recommends the flags and config.json entry "
                           "that meet a goal");
  // clang-format off
  options.add_options("Model")
    ("model_path", "inprocess: the model, a folder of numeric versions, a version folder or a "
     "model file", cxxopts::value<std::string>())
    ("model_name", "Name in the recommended flags and config.json (default: the folder's name)",
     cxxopts::value<std::string>())
    ("target_device", "Device", cxxopts::value<std::string>()->default_value("CPU"))
    ("protocol", "How points are measured: inprocess (mserve's engine in this process), grpc "
     "or rest (a running mserve started with --config_path, reloaded per point)",
     cxxopts::value<std::string>()->default_value("inprocess"))
    ("address", "grpc/rest: the server's inference endpoint (default localhost:9000 for grpc, "
     "localhost:8000 for rest)", cxxopts::value<std::string>())
    ("rest_address", "grpc/rest: the server's REST endpoint for /v1/config/reload",
     cxxopts::value<std::string>()->default_value("localhost:8000"))
    ("config_path", "grpc/rest: the config.json the server runs with (rewritten per point, "
     "restored at the end)", cxxopts::value<std::string>())
    ("server_pid", "grpc/rest: charge this process's CPU to the requests",
     cxxopts::value<pid_t>()->default_value("0"))
    ("batch_sizes", "grpc/rest: dynamic batching max_batch_size values to try, 0 = off "
     "(default 0 and the clients)", cxxopts::value<std::string>());
  options.add_options("Goal")
    ("goal", "throughput (most requests per second) or latency (lowest p99)",
     cxxopts::value<std::string>()->default_value("throughput"))
    ("concurrency", "Clients (requests in flight); 0 = 2 x the CPU budget for throughput, 1 for "
     "latency", cxxopts::value<uint32_t>()->default_value("0"))
    ("rate", "Open loop at this many requests per second (spread over the clients); 0 = closed "
     "loop", cxxopts::value<double>()->default_value("0"))
    ("p99_ms", "An SLO: the recommendation's p99 must not exceed it", cxxopts::value<double>());
  options.add_options("Search")
    ("budget_seconds", "Time for the guided search", cxxopts::value<double>()->default_value("60"))
    ("search", "guided, or grid (every point of the same space; ignores the budget)",
     cxxopts::value<std::string>()->default_value("guided"))
    ("point_seconds", "Seconds measured per point", cxxopts::value<double>()->default_value("2"))
    ("warmup", "Seconds of warm-up per point", cxxopts::value<double>()->default_value("0.5"))
    ("precisions", "INFERENCE_PRECISION_HINT values to try; 'default' = the device's own",
     cxxopts::value<std::string>()->default_value("default,f32"))
    ("no_pinning", "Leave ENABLE_CPU_PINNING to OpenVINO instead of trying YES and NO")
    ("input_data", "random or zeros", cxxopts::value<std::string>()->default_value("random"))
    ("seed", "Random seed of the inputs", cxxopts::value<uint32_t>()->default_value("1"));
  options.add_options("Output")
    ("write_config", "Write the recommendation as a config.json to PATH",
     cxxopts::value<std::string>())
    ("json", "Write every tried point as JSON to PATH (- = stdout)", cxxopts::value<std::string>())
    ("h,help", "Show this help and exit");
  // clang-format on
  return options;
}

std::vector<std::string> splitList(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) items.push_back(item == "default" ? "" : item);
  return items;
}

// --protocol and what a server needs; an error text on a malformed value.
std::string readServerOptions(const cxxopts::ParseResult& args, TuneOptions& out) {
  out.protocol = args["protocol"].as<std::string>();
  if (out.protocol == "inprocess") {
    return out.model_path.empty() ? "--model_path is required with --protocol inprocess" : "";
  }
  if (out.protocol != "grpc" && out.protocol != "rest") {
    return "--protocol must be inprocess, grpc or rest";
  }
  if (!args.count("config_path") || out.model_name.empty()) {
    return "--protocol " + out.protocol + " needs --config_path and --model_name";
  }
  out.config_path = args["config_path"].as<std::string>();
  out.rest_address = args["rest_address"].as<std::string>();
  out.address = args.count("address")
                    ? args["address"].as<std::string>()
                    : (out.protocol == "grpc" ? "localhost:9000" : out.rest_address);
  out.server_pid = args["server_pid"].as<pid_t>();
  if (args.count("batch_sizes")) {
    std::stringstream stream(args["batch_sizes"].as<std::string>());
    std::string item;
    while (std::getline(stream, item, ',')) {
      char* end = nullptr;
      const unsigned long value = std::strtoul(item.c_str(), &end, 10);
      if (item.empty() || *end != '\0' || value > 1u << 20) return "bad --batch_sizes " + item;
      out.batch_sizes.push_back(static_cast<uint32_t>(value));
    }
  }
  return {};
}

// Fills `out`; an error text on a malformed value.
std::string readOptions(const cxxopts::ParseResult& args, TuneOptions& out) {
  if (args.count("model_path")) out.model_path = args["model_path"].as<std::string>();
  if (args.count("model_name")) out.model_name = args["model_name"].as<std::string>();
  out.device = args["target_device"].as<std::string>();
  if (std::string error = readServerOptions(args, out); !error.empty()) return error;
  const std::string goal = args["goal"].as<std::string>();
  if (goal != "throughput" && goal != "latency") return "--goal must be throughput or latency";
  out.goal = goal == "latency" ? TuneGoal::kLatency : TuneGoal::kThroughput;
  out.concurrency = args["concurrency"].as<uint32_t>();
  out.rate = args["rate"].as<double>();
  if (args.count("p99_ms")) out.p99_ms = args["p99_ms"].as<double>();
  out.budget_s = args["budget_seconds"].as<double>();
  const std::string search = args["search"].as<std::string>();
  if (search != "guided" && search != "grid") return "--search must be guided or grid";
  out.grid = search == "grid";
  out.point_s = args["point_seconds"].as<double>();
  out.warmup_s = args["warmup"].as<double>();
  if (out.point_s <= 0 || out.warmup_s < 0 || out.budget_s <= 0 || out.rate < 0) {
    return "--point_seconds and --budget_seconds must be positive, --warmup and --rate not "
           "negative";
  }
  out.precisions = splitList(args["precisions"].as<std::string>());
  if (out.precisions.empty()) return "--precisions needs at least one value";
  out.vary_pinning = args.count("no_pinning") == 0;
  if (args.count("write_config")) out.write_config = args["write_config"].as<std::string>();
  if (args.count("json")) out.json_path = args["json"].as<std::string>();
  const std::string data = args["input_data"].as<std::string>();
  if (data != "random" && data != "zeros") return "--input_data must be random or zeros";
  out.inputs.zeros = data == "zeros";
  out.inputs.seed = args["seed"].as<uint32_t>();
  return {};
}

}  // namespace

ParsedTuneOptions parseTuneOptions(int argc, char** argv) {
  ParsedTuneOptions parsed;
  cxxopts::Options options = buildOptions();
  try {
    const cxxopts::ParseResult args = options.parse(argc, argv);
    if (args.count("help")) {
      parsed.output = options.help({"Model", "Goal", "Search", "Output"});
      return parsed;
    }
    if (!args.unmatched().empty()) {
      parsed.error = "mserve-bench tune: unexpected argument " + args.unmatched().front() + "\n";
      parsed.exit_code = kExitUsage;
      return parsed;
    }
    TuneOptions tune;
    if (std::string error = readOptions(args, tune); !error.empty()) {
      parsed.error = "mserve-bench tune: " + error + "\n";
      parsed.exit_code = kExitUsage;
      return parsed;
    }
    parsed.options = std::move(tune);
  } catch (const cxxopts::exceptions::exception& error) {
    parsed.error = std::string("mserve-bench tune: ") + error.what() + "\n";
    parsed.exit_code = kExitUsage;
  }
  return parsed;
}

}  // namespace mserve::bench

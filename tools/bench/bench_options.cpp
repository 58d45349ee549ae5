// cxxopts configuration of mserve-bench and the conversion of its values.
#include "bench_options.hpp"

#include <charconv>
#include <cxxopts.hpp>
#include <sstream>

namespace mserve::bench {
namespace {

constexpr int kExitUsage = 64;

cxxopts::Options buildOptions() {
  cxxopts::Options options("mserve-bench",
                           "Load generator for mserve / OVMS (KServe v2 and TF "
                           "Serving over gRPC and REST) with an in-process "
                           "reference mode");
  // clang-format off
  options.add_options("Target")
    ("protocol", "kfs-grpc, kfs-grpc-shm (tensors in system shared memory), kfs-rest-binary, "
     "kfs-rest-json, tfs-grpc or tfs-rest",
     cxxopts::value<std::string>()->default_value("kfs-grpc"))
    ("address", "Server host:port (default localhost:9000 for gRPC, localhost:8000 for REST)",
     cxxopts::value<std::string>())
    ("m,model", "Model name", cxxopts::value<std::string>())
    ("model_version", "Model version; 0 = default", cxxopts::value<int64_t>()->default_value("0"))
    ("in-process", "Run MODEL_PATH in this process through mserve's engine instead of a server",
     cxxopts::value<std::string>())
    ("plugin_config", "In-process: OpenVINO properties as JSON or a file (benchmark_app "
     "-dump_config format too)", cxxopts::value<std::string>()->default_value("{}"))
    ("target_device", "In-process: device", cxxopts::value<std::string>()->default_value("CPU"))
    ("nireq", "In-process: infer requests; 0 = the device's optimal number, as the server",
     cxxopts::value<uint32_t>()->default_value("0"))
    ("shm_output_bytes", "kfs-grpc-shm: slot size of outputs without a static shape; 0 = the "
     "inputs' total bytes", cxxopts::value<size_t>()->default_value("0"))
    ("rest_client_threads", "Client threads running the REST connections",
     cxxopts::value<size_t>()->default_value("1"));
  options.add_options("Load")
    ("c,concurrency", "Clients (requests in flight); a comma list runs a sweep",
     cxxopts::value<std::string>()->default_value("1"))
    ("rate", "Open loop: requests per second spread over the clients; 0 = closed loop",
     cxxopts::value<double>()->default_value("0"))
    ("warmup", "Seconds of warm-up, not measured", cxxopts::value<double>()->default_value("1"))
    ("t,duration", "Seconds measured", cxxopts::value<double>()->default_value("10"))
    ("n,requests", "Measure this many requests instead of a duration",
     cxxopts::value<uint64_t>()->default_value("0"))
    ("server_pid", "Charge this process's CPU time (/proc/PID/stat) to the measured requests",
     cxxopts::value<pid_t>()->default_value("0"))
    ("no_progress", "No progress line on stderr");
  options.add_options("Inputs")
    ("input_data", "random or zeros", cxxopts::value<std::string>()->default_value("random"))
    ("input_file", "[NAME=]PATH: raw tensor bytes, or a .jpg/.jpeg/.png sent as BYTES "
     "(repeatable; no NAME = the first input)", cxxopts::value<std::vector<std::string>>())
    ("shape", "NAME=1,224,224,3: shape of a dynamic input (repeatable; default 1 per dynamic "
     "dim)", cxxopts::value<std::vector<std::string>>())
    ("seed", "Random seed", cxxopts::value<uint32_t>()->default_value("1"));
  options.add_options("Output")
    ("json", "Write the results as JSON to PATH (- = stdout)", cxxopts::value<std::string>())
    ("csv", "Write the results as CSV to PATH (- = stdout)", cxxopts::value<std::string>())
    ("label", "A label copied into every result row", cxxopts::value<std::string>())
    ("h,help", "Show this help and exit");
  // clang-format on
  return options;
}

bool parseList(const std::string& text, std::vector<int64_t>& out) {
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    int64_t value = 0;
    const auto [end, error] = std::from_chars(item.data(), item.data() + item.size(), value);
    if (error != std::errc() || end != item.data() + item.size()) return false;
    out.push_back(value);
  }
  return !out.empty();
}

// Fills the input options; an error text on a malformed value.
std::string readInputs(const cxxopts::ParseResult& args, InputOptions& inputs) {
  const std::string data = args["input_data"].as<std::string>();
  if (data != "random" && data != "zeros") return "--input_data must be random or zeros";
  inputs.zeros = data == "zeros";
  inputs.seed = args["seed"].as<uint32_t>();
  if (args.count("input_file")) {
    for (const std::string& entry : args["input_file"].as<std::vector<std::string>>()) {
      const size_t eq = entry.find('=');
      if (eq == std::string::npos) {
        inputs.files[""] = entry;
      } else {
        inputs.files[entry.substr(0, eq)] = entry.substr(eq + 1);
      }
    }
  }
  if (args.count("shape")) {
    // cxxopts splits vector values at commas: "b=1,11" arrives as "b=1" and "11".
    std::vector<std::string> entries;
    for (const std::string& part : args["shape"].as<std::vector<std::string>>()) {
      if (part.find('=') == std::string::npos && !entries.empty()) {
        entries.back() += "," + part;
      } else {
        entries.push_back(part);
      }
    }
    for (const std::string& entry : entries) {
      const size_t eq = entry.rfind('=');
      std::vector<int64_t> dims;
      if (eq == std::string::npos || !parseList(entry.substr(eq + 1), dims)) {
        return "--shape expects NAME=d1,d2,...: " + entry;
      }
      inputs.shapes[entry.substr(0, eq)] = dims;
    }
  }
  return {};
}

// Fills target, load and output options; an error text on a malformed value.
std::string readOptions(const cxxopts::ParseResult& args, BenchOptions& out) {
  out.protocol = args["protocol"].as<std::string>();
  const bool grpc =
      out.protocol == "kfs-grpc" || out.protocol == "kfs-grpc-shm" || out.protocol == "tfs-grpc";
  const bool rest = out.protocol == "kfs-rest-binary" || out.protocol == "kfs-rest-json" ||
                    out.protocol == "tfs-rest";
  if (!grpc && !rest) return "unknown --protocol " + out.protocol;
  out.address = args.count("address") ? args["address"].as<std::string>()
                                      : (grpc ? "localhost:9000" : "localhost:8000");
  if (args.count("model")) out.model = args["model"].as<std::string>();
  out.model_version = args["model_version"].as<int64_t>();
  if (args.count("in-process")) {
    out.in_process = InProcessOptions{
        args["in-process"].as<std::string>(), args["target_device"].as<std::string>(),
        args["plugin_config"].as<std::string>(), args["nireq"].as<uint32_t>()};
  } else if (out.model.empty()) {
    return "--model is required (or --in-process MODEL_PATH)";
  }
  out.rest_client_threads = args["rest_client_threads"].as<size_t>();
  out.shm_output_bytes = args["shm_output_bytes"].as<size_t>();
  std::vector<int64_t> levels;
  if (!parseList(args["concurrency"].as<std::string>(), levels)) return "bad --concurrency";
  out.concurrency.clear();
  for (int64_t level : levels) {
    if (level < 1) return "--concurrency values must be at least 1";
    out.concurrency.push_back(static_cast<size_t>(level));
  }
  out.load.rate = args["rate"].as<double>();
  out.load.warmup_s = args["warmup"].as<double>();
  out.load.duration_s = args["duration"].as<double>();
  out.load.requests = args["requests"].as<uint64_t>();
  out.load.server_pid = args["server_pid"].as<pid_t>();
  out.load.progress = args.count("no_progress") == 0;
  if (out.load.duration_s <= 0 && out.load.requests == 0) return "--duration must be positive";
  if (args.count("json")) out.json_path = args["json"].as<std::string>();
  if (args.count("csv")) out.csv_path = args["csv"].as<std::string>();
  if (args.count("label")) out.label = args["label"].as<std::string>();
  return readInputs(args, out.inputs);
}

}  // namespace

ParsedOptions parseBenchOptions(int argc, char** argv) {
  ParsedOptions parsed;
  cxxopts::Options options = buildOptions();
  try {
    const cxxopts::ParseResult args = options.parse(argc, argv);
    if (args.count("help")) {
      parsed.output = options.help({"Target", "Load", "Inputs", "Output"});
      return parsed;
    }
    if (!args.unmatched().empty()) {
      parsed.error = "mserve-bench: unexpected argument " + args.unmatched().front() + "\n";
      parsed.exit_code = kExitUsage;
      return parsed;
    }
    BenchOptions bench;
    if (std::string error = readOptions(args, bench); !error.empty()) {
      parsed.error = "mserve-bench: " + error + "\n";
      parsed.exit_code = kExitUsage;
      return parsed;
    }
    parsed.options = std::move(bench);
  } catch (const cxxopts::exceptions::exception& error) {
    parsed.error = std::string("mserve-bench: ") + error.what() + "\n";
    parsed.exit_code = kExitUsage;
  }
  return parsed;
}

}  // namespace mserve::bench

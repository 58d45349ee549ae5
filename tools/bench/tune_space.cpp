// The axes of the search space and the moves between its points. The mode axis is ordered from
// the fewest to the most streams: LATENCY hint, NUM_STREAMS 1 .. cap, THROUGHPUT hint.
#include "tune_space.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstdlib>

namespace mserve::bench {
namespace {

constexpr uint32_t kAllValuesUpTo = 8;  // beyond this many, an axis keeps powers of two

struct Mode {
  std::string hint;
  uint32_t streams = 0;
  bool operator==(const Mode&) const = default;
};

// `low` .. `high`: every value while few, else powers of two plus both ends.
std::vector<uint32_t> steps(uint32_t low, uint32_t high) {
  std::vector<uint32_t> values;
  for (uint32_t v = low; v <= high; ++v) {
    const bool power_of_two = (v & (v - 1)) == 0;
    if (high - low < kAllValuesUpTo || power_of_two || v == low || v == high) values.push_back(v);
  }
  return values;
}

uint32_t streamCap(const SearchSpace& space) {
  return std::max<uint32_t>(1, std::min(space.cpus, space.concurrency));
}

std::vector<Mode> modes(const SearchSpace& space) {
  std::vector<Mode> result{{"LATENCY", 0}};
  for (uint32_t s : steps(1, streamCap(space))) result.push_back({"", s});
  result.push_back({"THROUGHPUT", 0});
  return result;
}

// INFERENCE_NUM_THREADS choices: the hints size threads themselves; explicit streams need at
// least one thread each.
std::vector<uint32_t> threadChoices(const Mode& mode, const SearchSpace& space) {
  std::vector<uint32_t> result{0};
  if (mode.streams == 0) return result;
  for (uint32_t t : steps(mode.streams, std::max(mode.streams, space.cpus))) result.push_back(t);
  return result;
}

// nireq choices: at least the streams (the guide), more than the clients never helps.
std::vector<uint32_t> nireqChoices(const Mode& mode, const SearchSpace& space) {
  const uint32_t clients = std::max<uint32_t>(1, space.concurrency);
  if (mode.streams == 0) return {0, clients};
  std::vector<uint32_t> result;
  for (uint32_t n : {mode.streams, 2 * mode.streams, clients}) {
    if (n >= mode.streams && n <= std::max(mode.streams, clients)) result.push_back(n);
  }
  std::sort(result.begin(), result.end());
  result.erase(std::unique(result.begin(), result.end()), result.end());
  return result;
}

std::vector<std::optional<bool>> pinningChoices(const SearchSpace& space) {
  if (!space.vary_pinning) return {std::nullopt};
  return {true, false};
}

Mode modeOf(const Candidate& c) { return {c.streams == 0 ? c.hint : "", c.streams}; }

// The choice nearest to `value` (the first of equals).
uint32_t nearest(const std::vector<uint32_t>& choices, uint32_t value) {
  uint32_t best = choices.front();
  for (uint32_t c : choices) {
    if (std::labs(long(c) - long(value)) < std::labs(long(best) - long(value))) best = c;
  }
  return best;
}

Candidate withMode(const Candidate& from, const Mode& mode, const SearchSpace& space) {
  Candidate result = from;
  result.hint = mode.hint;
  result.streams = mode.streams;
  result.threads = nearest(threadChoices(mode, space), from.threads);
  result.nireq = nearest(nireqChoices(mode, space), from.nireq);
  return result;
}

// Candidates whose value on one ordered axis is next to `value` in `choices`.
template <typename Apply>
void addAdjacent(const std::vector<uint32_t>& choices, uint32_t value, Apply apply) {
  const auto at = std::find(choices.begin(), choices.end(), value);
  if (at == choices.end()) return;
  if (at != choices.begin()) apply(*(at - 1));
  if (at + 1 != choices.end()) apply(*(at + 1));
}

}  // namespace

Candidate defaultCandidate() {
  Candidate candidate;
  candidate.hint = "LATENCY";
  candidate.defaults = true;
  return candidate;
}

config::PluginConfig candidateProperties(const Candidate& c) {
  config::PluginConfig properties;
  if (c.defaults) return properties;
  if (c.streams > 0) {
    properties.emplace_back("NUM_STREAMS", std::to_string(c.streams));
  } else {
    properties.emplace_back("PERFORMANCE_HINT", c.hint);
  }
  if (c.threads > 0) properties.emplace_back("INFERENCE_NUM_THREADS", std::to_string(c.threads));
  if (c.pinning) properties.emplace_back("ENABLE_CPU_PINNING", *c.pinning ? "YES" : "NO");
  if (!c.precision.empty()) properties.emplace_back("INFERENCE_PRECISION_HINT", c.precision);
  return properties;
}

std::string pluginConfigJson(const Candidate& candidate) {
  return propertiesJson(candidateProperties(candidate));
}

std::string propertiesJson(const config::PluginConfig& properties) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  for (const auto& [key, value] : properties) {
    writer.Key(key.c_str());
    writer.String(value.c_str());
  }
  writer.EndObject();
  return buffer.GetString();
}

std::string describeCandidate(const Candidate& c) {
  if (c.defaults) return "defaults (LATENCY hint, nireq auto)";
  std::string text = c.streams > 0 ? "streams " + std::to_string(c.streams) : c.hint + " hint";
  if (c.threads > 0) text += ", threads " + std::to_string(c.threads);
  text += ", nireq " + (c.nireq > 0 ? std::to_string(c.nireq) : std::string("auto"));
  if (c.pinning) text += *c.pinning ? ", pin YES" : ", pin NO";
  text += ", " + (c.precision.empty() ? std::string("default precision") : c.precision);
  if (c.max_batch > 0) text += ", batch " + std::to_string(c.max_batch);
  return text;
}

std::vector<Candidate> gridCandidates(const SearchSpace& space) {
  std::vector<Candidate> grid;
  for (const Mode& mode : modes(space)) {
    for (uint32_t threads : threadChoices(mode, space)) {
      for (uint32_t nireq : nireqChoices(mode, space)) {
        for (std::optional<bool> pinning : pinningChoices(space)) {
          for (const std::string& precision : space.precisions) {
            for (uint32_t batch : space.batch_sizes) {
              grid.push_back(
                  {mode.hint, mode.streams, threads, nireq, pinning, precision, false, batch});
            }
          }
        }
      }
    }
  }
  return grid;
}

std::vector<Candidate> seedCandidates(const SearchSpace& space, TuneGoal goal) {
  const uint32_t cap = streamCap(space);
  const uint32_t clients = std::max<uint32_t>(1, space.concurrency);
  Candidate base;
  base.pinning = space.vary_pinning ? std::optional<bool>(true) : std::nullopt;
  base.precision = space.precisions.front();
  base.max_batch = space.batch_sizes.front();
  std::vector<Candidate> seeds;
  auto add = [&](const Mode& mode, uint32_t nireq) {
    Candidate seed = withMode(base, mode, space);
    seed.threads = 0;
    seed.nireq = nearest(nireqChoices(mode, space), nireq);
    if (std::find(seeds.begin(), seeds.end(), seed) == seeds.end()) seeds.push_back(seed);
  };
  if (goal == TuneGoal::kThroughput) {
    add({"", cap}, std::min(clients, 2 * cap));  // streams = min(cores, clients), nireq ≥ streams
    add({"THROUGHPUT", 0}, 0);
    add({"LATENCY", 0}, clients);
  } else {
    add({"LATENCY", 0}, 0);
    add({"", 1}, clients);
    add({"", cap}, clients);  // with several clients, a stream each stops them queueing
  }
  return seeds;
}

std::vector<Candidate> neighbourCandidates(const Candidate& start, const SearchSpace& space) {
  Candidate from = start;
  from.defaults = false;  // the defaults' neighbours set their properties explicitly
  std::vector<Candidate> result;
  auto add = [&](const Candidate& c) {
    if (c != start && std::find(result.begin(), result.end(), c) == result.end()) {
      result.push_back(c);
    }
  };
  const std::vector<Mode> all_modes = modes(space);
  const auto at = std::find(all_modes.begin(), all_modes.end(), modeOf(from));
  if (at != all_modes.end()) {
    if (at != all_modes.begin()) add(withMode(from, *(at - 1), space));
    if (at + 1 != all_modes.end()) add(withMode(from, *(at + 1), space));
  }
  // Batching next: through a server it moves a small model most.
  addAdjacent(space.batch_sizes, from.max_batch, [&](uint32_t batch) {
    Candidate c = from;
    c.max_batch = batch;
    add(c);
  });
  const Mode mode = modeOf(from);
  addAdjacent(threadChoices(mode, space), from.threads, [&](uint32_t threads) {
    Candidate c = from;
    c.threads = threads;
    add(c);
  });
  addAdjacent(nireqChoices(mode, space), from.nireq, [&](uint32_t nireq) {
    Candidate c = from;
    c.nireq = nireq;
    add(c);
  });
  for (std::optional<bool> pinning : pinningChoices(space)) {
    Candidate c = from;
    c.pinning = pinning;
    add(c);
  }
  for (const std::string& precision : space.precisions) {
    Candidate c = from;
    c.precision = precision;
    add(c);
  }
  return result;
}

}  // namespace mserve::bench

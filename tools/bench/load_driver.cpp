// The load loop: slots (one per client) issue requests, completions record latencies inside
// the measured window and issue the next request; the calling thread keeps time and prints
// progress; an open-loop pacer thread schedules requests at the fixed rate.
#include "load_driver.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <climits>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <thread>

#include "proc_cpu.hpp"
#include "util/thread_pool.hpp"

namespace mserve::bench {
namespace {

using Clock = std::chrono::steady_clock;

int64_t nowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

void sleepUntilNs(int64_t ns) {
  std::this_thread::sleep_until(Clock::time_point(std::chrono::nanoseconds(ns)));
}

constexpr size_t kMaxBacklog = 100000;  // open loop: requests waiting for one busy client
constexpr int kMaxInlineDepth = 16;     // completions inside send() nest at most this deep
thread_local int tl_depth = 0;

struct Slot {
  BenchClient* client = nullptr;
  std::mutex mutex;
  std::deque<int64_t> backlog;  // open loop: scheduled times waiting; guarded by mutex
  bool busy = false;            // open loop: a request in flight; guarded by mutex
  // Written only by this slot's completions, one at a time; read once the run is idle.
  std::vector<int64_t> latencies;
  uint64_t errors = 0;
  std::vector<int64_t> error_latencies;  // how fast failures (e.g. load shedding) were answered
  std::string first_error;
};

class LoadRun {
 public:
  LoadRun(const std::vector<std::unique_ptr<BenchClient>>& clients, const LoadOptions& options)
      : options_(options), slots_(clients.size()) {
    for (size_t i = 0; i < clients.size(); ++i) slots_[i].client = clients[i].get();
  }
  RunResult run();

 private:
  bool closedLoop() const { return options_.rate <= 0; }
  void issue(Slot& slot, int64_t scheduled_ns);
  void onDone(Slot& slot, int64_t scheduled_ns, CallResult result);
  void record(Slot& slot, int64_t scheduled_ns, int64_t end_ns, CallResult& result);
  void continueWith(Slot& slot, int64_t scheduled_ns);
  void schedule(Slot& slot, int64_t scheduled_ns);
  void pace(int64_t start_ns);
  void stop(int64_t at_ns);
  void timeWindow(double* server_cpu, double* client_cpu);
  void printProgress(bool final);
  RunResult collect(double server_cpu, double client_cpu);

  const LoadOptions options_;
  std::deque<Slot> slots_;  // deque: Slot holds a mutex and never moves
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> window_begin_{0};
  std::atomic<int64_t> window_end_{LLONG_MAX};  // known up front unless counting requests
  std::atomic<uint64_t> measured_{0};
  std::atomic<int64_t> in_flight_{0};
  std::mutex wake_mutex_;
  std::condition_variable wake_;  // in_flight_ reached 0, or the request count was reached
  util::ThreadPool deferred_{1, "bench-defer"};
};

void LoadRun::issue(Slot& slot, int64_t scheduled_ns) {
  slot.client->send([this, &slot, scheduled_ns](CallResult result) {
    onDone(slot, scheduled_ns, std::move(result));
  });
}

void LoadRun::record(Slot& slot, int64_t scheduled_ns, int64_t end_ns, CallResult& result) {
  if (end_ns < window_begin_.load() || end_ns >= window_end_.load()) return;
  if (result.ok) {
    slot.latencies.push_back(end_ns - scheduled_ns);
  } else {
    ++slot.errors;
    slot.error_latencies.push_back(end_ns - scheduled_ns);
    if (slot.first_error.empty()) slot.first_error = std::move(result.error);
  }
  const uint64_t measured = measured_.fetch_add(1) + 1;
  if (options_.requests > 0 && measured == options_.requests) stop(end_ns + 1);
}

void LoadRun::onDone(Slot& slot, int64_t scheduled_ns, CallResult result) {
  record(slot, scheduled_ns, nowNs(), result);
  if (!stop_.load()) {
    if (closedLoop()) return continueWith(slot, 0);
    std::unique_lock lock(slot.mutex);
    if (!slot.backlog.empty()) {
      const int64_t next = slot.backlog.front();
      slot.backlog.pop_front();
      lock.unlock();
      return continueWith(slot, next);
    }
    slot.busy = false;
  }
  if (in_flight_.fetch_sub(1) == 1) {
    std::lock_guard lock(wake_mutex_);
    wake_.notify_all();
  }
}

// A completion that ran inside send() (an error found at once) must not recurse without end.
void LoadRun::continueWith(Slot& slot, int64_t scheduled_ns) {
  if (tl_depth >= kMaxInlineDepth) {
    deferred_.post(
        [this, &slot, scheduled_ns] { issue(slot, closedLoop() ? nowNs() : scheduled_ns); });
    return;
  }
  ++tl_depth;
  issue(slot, closedLoop() ? nowNs() : scheduled_ns);
  --tl_depth;
}

void LoadRun::schedule(Slot& slot, int64_t scheduled_ns) {
  {
    std::lock_guard lock(slot.mutex);
    if (slot.busy) {
      if (slot.backlog.size() < kMaxBacklog) slot.backlog.push_back(scheduled_ns);
      return;
    }
    slot.busy = true;
  }
  in_flight_.fetch_add(1);
  issue(slot, scheduled_ns);
}

void LoadRun::pace(int64_t start_ns) {
  const double interval_ns = 1e9 / options_.rate;
  for (uint64_t k = 0;; ++k) {
    const auto at = start_ns + static_cast<int64_t>(static_cast<double>(k) * interval_ns);
    sleepUntilNs(at);
    if (stop_.load()) return;
    schedule(slots_[k % slots_.size()], at);
  }
}

void LoadRun::stop(int64_t at_ns) {
  int64_t open = LLONG_MAX;
  window_end_.compare_exchange_strong(open, at_ns);
  stop_.store(true);
  std::lock_guard lock(wake_mutex_);
  wake_.notify_all();
}

void LoadRun::printProgress(bool final) {
  if (!options_.progress) return;
  // On a terminal the line is rewritten in place; in a log, one line per call.
  static const bool tty = isatty(STDERR_FILENO) != 0;
  const char* end = final || !tty ? "\n" : "   ";
  const double elapsed = (nowNs() - window_begin_.load()) / 1e9;
  const uint64_t measured = measured_.load();
  if (elapsed <= 0) {
    std::fprintf(stderr, "%swarming up...%s", tty ? "\r" : "", end);
  } else {
    std::fprintf(stderr, "%s[%6.1f s] %llu requests, %.1f req/s, %lld in flight%s", tty ? "\r" : "",
                 elapsed, static_cast<unsigned long long>(measured), measured / elapsed,
                 static_cast<long long>(in_flight_.load()), end);
  }
  std::fflush(stderr);
}

// Waits for the measured window, taking CPU readings at its edges.
void LoadRun::timeWindow(double* server_cpu, double* client_cpu) {
  constexpr int64_t kTick = 1'000'000'000;
  for (int64_t t = nowNs(); t < window_begin_.load(); t = nowNs()) {
    printProgress(false);
    sleepUntilNs(std::min(window_begin_.load(), t + kTick));
  }
  const auto server_begin =
      options_.server_pid > 0 ? processCpuSeconds(options_.server_pid) : std::nullopt;
  const auto client_begin = processCpuSeconds(0);
  {
    std::unique_lock lock(wake_mutex_);
    int64_t next_print = nowNs() + kTick;
    while (!stop_.load()) {
      const int64_t t = nowNs();
      if (t >= window_end_.load()) break;
      if (t >= next_print) {
        printProgress(false);
        next_print += kTick;
      }
      const int64_t wake = std::min(window_end_.load(), next_print);
      wake_.wait_for(lock, std::chrono::nanoseconds(wake - t));
    }
  }
  stop(nowNs());
  const auto server_end =
      options_.server_pid > 0 ? processCpuSeconds(options_.server_pid) : std::nullopt;
  const auto client_end = processCpuSeconds(0);
  *server_cpu = server_begin && server_end ? *server_end - *server_begin : -1;
  *client_cpu = client_begin && client_end ? *client_end - *client_begin : -1;
  printProgress(true);
}

RunResult LoadRun::collect(double server_cpu, double client_cpu) {
  RunResult result;
  result.concurrency = slots_.size();
  result.rate = options_.rate;
  std::vector<int64_t> latencies;
  std::vector<int64_t> error_latencies;
  for (Slot& slot : slots_) {
    latencies.insert(latencies.end(), slot.latencies.begin(), slot.latencies.end());
    error_latencies.insert(error_latencies.end(), slot.error_latencies.begin(),
                           slot.error_latencies.end());
    result.errors += slot.errors;
    if (result.first_error.empty()) result.first_error = slot.first_error;
  }
  result.requests = latencies.size();
  result.elapsed_s = (window_end_.load() - window_begin_.load()) / 1e9;
  result.throughput_rps = result.elapsed_s > 0 ? result.requests / result.elapsed_s : 0;
  result.latency = summarise(latencies);
  result.error_latency = summarise(error_latencies);
  const uint64_t all = result.requests + result.errors;
  if (all > 0 && server_cpu >= 0) result.server_cpu_s_per_request = server_cpu / all;
  if (all > 0 && client_cpu >= 0) result.client_cpu_s_per_request = client_cpu / all;
  return result;
}

RunResult LoadRun::run() {
  const int64_t start = nowNs();
  window_begin_ = start + static_cast<int64_t>(options_.warmup_s * 1e9);
  if (options_.requests == 0) {
    window_end_ = window_begin_ + static_cast<int64_t>(options_.duration_s * 1e9);
  }
  std::thread pacer;
  if (closedLoop()) {
    in_flight_.fetch_add(static_cast<int64_t>(slots_.size()));
    for (Slot& slot : slots_) issue(slot, nowNs());
  } else {
    pacer = std::thread([this, start] { pace(start); });
  }
  double server_cpu = -1;
  double client_cpu = -1;
  timeWindow(&server_cpu, &client_cpu);
  if (pacer.joinable()) pacer.join();
  std::unique_lock lock(wake_mutex_);
  wake_.wait(lock, [this] { return in_flight_.load() == 0; });
  lock.unlock();
  return collect(server_cpu, client_cpu);
}

}  // namespace

RunResult runLoad(const std::vector<std::unique_ptr<BenchClient>>& clients,
                  const LoadOptions& options) {
  LoadRun run(clients, options);
  return run.run();
}

}  // namespace mserve::bench

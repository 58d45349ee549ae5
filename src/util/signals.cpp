#include "util/signals.hpp"

#include <pthread.h>
#include <signal.h>

#include <cstdlib>
#include <thread>

#include "util/logging.hpp"

namespace mserve::util {
namespace {

sigset_t shutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  return set;
}

}  // namespace

void blockShutdownSignals() {
  const sigset_t set = shutdownSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int waitForShutdownSignal(const std::function<void()>& on_hangup) {
  const sigset_t set = shutdownSignals();
  while (true) {
    int signal = 0;
    if (sigwait(&set, &signal) != 0) continue;
    if (signal != SIGHUP) return signal;
    if (on_hangup) on_hangup();
  }
}

void exitOnNextShutdownSignal() {
  std::thread([] {
    const int signal = waitForShutdownSignal();
    MSERVE_LOG(servingLog(), warn, "Received signal {} again: exiting without draining", signal);
    std::_Exit(128 + signal);
  }).detach();
}

}  // namespace mserve::util

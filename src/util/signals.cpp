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
  return set;
}

}  // namespace

void blockShutdownSignals() {
  const sigset_t set = shutdownSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int waitForShutdownSignal() {
  const sigset_t set = shutdownSignals();
  int signal = 0;
  while (sigwait(&set, &signal) != 0) {
  }
  return signal;
}

void exitOnNextShutdownSignal() {
  std::thread([] {
    const int signal = waitForShutdownSignal();
    MSERVE_LOG(servingLog(), warn, "Received signal {} again: exiting without draining", signal);
    std::_Exit(128 + signal);
  }).detach();
}

}  // namespace mserve::util

// Process signals: SIGINT, SIGTERM and SIGHUP are blocked in every thread (call
// blockShutdownSignals() before starting any) and collected by waitForShutdownSignal() on the
// main thread, so no handler runs in a random thread and their work is ordinary code.
#pragma once

#include <functional>

namespace mserve::util {

void blockShutdownSignals();
// Blocks until SIGINT or SIGTERM arrives; returns the signal number. Each SIGHUP meanwhile calls
// `on_hangup` on this thread (the daemon convention: reload the configuration) and waits on;
// without it SIGHUP is ignored. (SIGHUP's default action would kill the process at once.)
int waitForShutdownSignal(const std::function<void()>& on_hangup = {});
// After the first shutdown signal: a thread that ends the process at once, with 128 + signal,
// when another SIGINT or SIGTERM arrives (an impatient operator or a kubelet's second try).
void exitOnNextShutdownSignal();

}  // namespace mserve::util

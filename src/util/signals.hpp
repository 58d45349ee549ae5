// Shutdown signals: SIGINT and SIGTERM are blocked in every thread (call blockShutdownSignals()
// before starting any) and collected by waitForShutdownSignal() on the main thread, so no
// handler runs in a random thread and shutdown work is ordinary code.
#pragma once

namespace mserve::util {

void blockShutdownSignals();
// Blocks until SIGINT or SIGTERM arrives; returns the signal number.
int waitForShutdownSignal();
// After the first shutdown signal: a thread that ends the process at once, with 128 + signal,
// when another SIGINT or SIGTERM arrives (an impatient operator or a kubelet's second try).
void exitOnNextShutdownSignal();

}  // namespace mserve::util

#include "shm/fault_guard.hpp"

#include <signal.h>
#include <sys/mman.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>

namespace mserve::shm {
namespace {

// Read by the signal handler: lock-free atomics only. A slot is published by storing `start`
// (release) after `length`, and retired by clearing `start` before the mapping goes away.
struct Watch {
  std::atomic<uintptr_t> start{0};
  std::atomic<size_t> length{0};
  std::atomic<bool> faulted{false};
};

std::array<Watch, kMaxWatchedMappings> watches;
std::mutex slots_mutex;                            // serialises watch/unwatch, never the handler
std::array<bool, kMaxWatchedMappings> slot_taken;  // guarded by slots_mutex
struct sigaction previous_action;                  // written once, before the handler is live

void forward(int signal, siginfo_t* info, void* context) {
  if ((previous_action.sa_flags & SA_SIGINFO) != 0 && previous_action.sa_sigaction != nullptr) {
    return previous_action.sa_sigaction(signal, info, context);
  }
  if (previous_action.sa_handler != SIG_DFL && previous_action.sa_handler != SIG_IGN) {
    return previous_action.sa_handler(signal);
  }
  // Default disposition: returning re-runs the faulting access, which now kills the process.
  struct sigaction fallback {};
  fallback.sa_handler = SIG_DFL;
  sigemptyset(&fallback.sa_mask);
  sigaction(SIGBUS, &fallback, nullptr);
}

void onSigbus(int signal, siginfo_t* info, void* context) {
  const auto address = reinterpret_cast<uintptr_t>(info->si_addr);
  for (Watch& watch : watches) {
    const uintptr_t start = watch.start.load(std::memory_order_acquire);
    if (start == 0 || address < start) continue;
    const size_t length = watch.length.load(std::memory_order_relaxed);
    if (address - start >= length) continue;
    // mmap is a plain system call here (async-signal-safe in practice, as Wayland relies on).
    void* replaced = mmap(reinterpret_cast<void*>(start), length, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (replaced == MAP_FAILED) break;
    watch.faulted.store(true, std::memory_order_relaxed);
    return;
  }
  forward(signal, info, context);
}

void installHandler() {
  struct sigaction action {};
  action.sa_sigaction = onSigbus;
  action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
  sigemptyset(&action.sa_mask);
  sigaction(SIGBUS, &action, &previous_action);
}

}  // namespace

int watchMapping(void* mapping, size_t length) {
  static std::once_flag installed;
  std::call_once(installed, installHandler);
  std::lock_guard lock(slots_mutex);
  for (size_t slot = 0; slot < watches.size(); ++slot) {
    if (slot_taken[slot]) continue;
    slot_taken[slot] = true;
    watches[slot].faulted.store(false, std::memory_order_relaxed);
    watches[slot].length.store(length, std::memory_order_relaxed);
    watches[slot].start.store(reinterpret_cast<uintptr_t>(mapping), std::memory_order_release);
    return static_cast<int>(slot);
  }
  return -1;
}

void unwatchMapping(int slot) {
  if (slot < 0) return;
  std::lock_guard lock(slots_mutex);
  watches[static_cast<size_t>(slot)].start.store(0, std::memory_order_release);
  slot_taken[static_cast<size_t>(slot)] = false;
}

bool mappingFaulted(int slot) {
  return slot >= 0 && watches[static_cast<size_t>(slot)].faulted.load(std::memory_order_relaxed);
}

}  // namespace mserve::shm

#include "app/signals.h"

#include <signal.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <system_error>

namespace entrepot {

namespace {

// Written by the handler, read by the run loop. A lock-free atomic is async-signal-safe
// (C++17 [support.signal]) and, unlike a plain volatile sig_atomic_t, is also well defined
// when the kernel delivers the signal to one of the OpenMP worker threads.
std::atomic<int> g_stop_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "signal flag must be lock-free");

void on_stop_signal(int sig) {
  int expected = 0;
  if (!g_stop_signal.compare_exchange_strong(expected, sig)) {
    // Asked twice: stop now, the way the signal would have without a handler.
    std::signal(sig, SIG_DFL);
    std::raise(sig);
  }
}

void install(int sig) {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  // Block the other stop signal while one is handled; restart interrupted system calls
  // (file writes in progress finish normally).
  sigaddset(&action.sa_mask, SIGINT);
  sigaddset(&action.sa_mask, SIGTERM);
  action.sa_flags = SA_RESTART;
  if (sigaction(sig, &action, nullptr) != 0) {
    throw std::system_error(errno, std::generic_category(), "cannot install signal handler");
  }
}

}  // namespace

void install_stop_handlers() {
  install(SIGINT);
  install(SIGTERM);
}

bool stop_requested() {
  return g_stop_signal.load() != 0;
}

int stop_signal() {
  return g_stop_signal.load();
}

int stop_exit_code() {
  const int sig = stop_signal();
  return sig != 0 ? 128 + sig : 1;
}

void clear_stop_request() {
  g_stop_signal.store(0);
}

}  // namespace entrepot

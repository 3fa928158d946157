// Graceful stop on SIGINT / SIGTERM: the handler only records the signal; the run loop
// checks stop_requested() once per step, flushes and closes its file, and exits non-zero
// (stop_exit_code(), the shell's 128 + signal convention). A second signal while the
// first is pending terminates the process at once with the signal's default action.
#pragma once

namespace entrepot {

// Installs the handlers for SIGINT and SIGTERM. Call once, before the step loop.
void install_stop_handlers();

// True once SIGINT or SIGTERM has arrived.
bool stop_requested();

// The signal that asked to stop (SIGINT or SIGTERM), 0 if none.
int stop_signal();

// 128 + stop_signal() (130 for SIGINT, 143 for SIGTERM); 1 if no signal arrived.
int stop_exit_code();

// Forgets a pending stop request (tests; a driver that starts another run).
void clear_stop_request();

}  // namespace entrepot

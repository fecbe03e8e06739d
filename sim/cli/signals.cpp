#include "cli/signals.hpp"

#include <csignal>

namespace incubsim::cli {
namespace {

// A signal handler can only reach static storage; the flag is lock-free,
// so setting it from the handler is async-signal-safe. It belongs to the
// command-line process, never to the library.
std::atomic<bool> stop_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void request_stop(int) {
  stop_requested.store(true);
}

}  // namespace

const std::atomic<bool>& install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = request_stop;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  return stop_requested;
}

}  // namespace incubsim::cli

#include "cli/checkpoint_options.hpp"

namespace incubsim::cli {

void add_checkpoint_options(CLI::App& app, int& every, std::string& path) {
  app.add_option("--checkpoint-every", every,
                 "Write a checkpoint every Q simulated quarters, so a killed job loses at most "
                 "Q quarters (`incubsim resume` continues it); SIGINT/SIGTERM always write one")
      ->type_name("Q")
      ->check(CLI::Range(1, 100000));
  app.add_option("--checkpoint", path, "Checkpoint file (default: <output>.ckpt.h5)")
      ->type_name("PATH");
}

}  // namespace incubsim::cli

#pragma once
// The checkpoint options `run` and `resume` share.
#include <CLI/CLI.hpp>
#include <string>

namespace incubsim::cli {

/// --checkpoint-every Q and --checkpoint PATH.
void add_checkpoint_options(CLI::App& app, int& every, std::string& path);

}  // namespace incubsim::cli

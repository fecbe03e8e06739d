// incubsim: the thin command-line front end over the simulation library.
#include <hdf5.h>

#include <iostream>
#include <memory>
#include <vector>

#include "cli/commands.hpp"
#include "core/errors.hpp"
#include "core/huge_pages.hpp"
#include "core/version.hpp"

int main(int argc, char** argv) {
  using namespace incubsim;
  // HDF5 1.10 crashes in its exit-time cleanup if closing a file failed
  // earlier (disk full); every file is closed explicitly, so skip it.
  H5dont_atexit();
  // Page faults on the heap cost a tenth of a small run (core/huge_pages.hpp).
  use_huge_page_heap(std::size_t{64} << 20);
  cli::Context ctx;
  for (int i = 0; i < argc; ++i) ctx.command_line += (i ? " " : "") + std::string(argv[i]);

  CLI::App app{
      "incubsim: agent-based simulator of innovation ecosystems (firms, researchers, "
      "incubators, funds) with policy what-ifs.\nExit status: 0 success, 1 verify found "
      "differences, 2 invalid input, 3 file error, 4 internal error, 5 interrupted by "
      "SIGINT/SIGTERM (run and resume leave a checkpoint to resume, no output), 6 sweep incomplete "
      "(runs failed or missing)."};
  app.set_version_flag("--version", std::string("incubsim ") + std::string(version()) + " (git " +
                                        std::string(git_sha()) + ")");
  app.require_subcommand(1);
  app.fallthrough(false);
  const std::vector<cli::Registered> commands = {
      cli::add_run(app, ctx),    cli::add_resume(app, ctx), cli::add_check(app, ctx),
      cli::add_info(app, ctx),   cli::add_verify(app, ctx), cli::add_params(app, ctx),
      cli::add_schema(app, ctx), cli::add_sweep(app, ctx),  cli::add_compare(app, ctx)};
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : static_cast<int>(ExitCode::invalid_input);
  }
  try {
    for (const auto& c : commands)
      if (c.app->parsed()) return c.run();
  } catch (const Error& e) {
    std::cerr << "incubsim: error: " << e.what() << "\n";
    return static_cast<int>(e.exit_code());
  } catch (const std::exception& e) {
    std::cerr << "incubsim: internal error: " << e.what()
              << "\nPlease report this with the command line.\n";
    return static_cast<int>(ExitCode::internal_error);
  }
  return static_cast<int>(ExitCode::internal_error);
}

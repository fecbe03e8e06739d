#pragma once
// Shared by the fuzz targets: what counts as a finding besides a crash, a
// hang or a leak (which the sanitizers and libFuzzer catch themselves).
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <string>
#include <system_error>

#include "core/errors.hpp"

namespace incubsim::fuzz {

[[noreturn]] inline void fail(const std::string& what) {
  std::fprintf(stderr, "FUZZ FINDING: %s\n", what.c_str());
  std::abort();  // libFuzzer saves the input as a crash
}

/// Runs f. A typed error the CLI reports to users with an exit status is
/// expected; anything else (std::exception, a plain Error, which means
/// "internal error, please report") is a finding.
template <class F>
void expect_typed_errors(const char* what, F&& f) {
  try {
    f();
  } catch (const Error& e) {
    if (e.exit_code() == ExitCode::internal_error)
      fail(std::string(what) + " threw an internal error: " + e.what());
  } catch (const std::exception& e) {
    fail(std::string(what) + " threw an untyped exception: " + e.what());
  } catch (...) {
    fail(std::string(what) + " threw something that is not an exception");
  }
}

/// A fresh, empty directory under the system temp dir, unique to this process.
inline std::filesystem::path empty_directory(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("incubsim-fuzz-" + name + "-" + std::to_string(::getpid()));
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace incubsim::fuzz

#pragma once
// Typed exceptions. Each message says what went wrong and how to fix it; the
// CLI maps each type to a documented exit status.
#include <stdexcept>
#include <string>

namespace incubsim {

/// Exit statuses of the `incubsim` command (documented in README and docs).
enum class ExitCode : int {
  ok = 0,
  verify_mismatch = 1,  // `verify` found a dataset that differs
  invalid_input = 2,    // bad command line, scenario or value
  io_error = 3,         // a file could not be read or written
  internal_error = 4,   // a bug: please report it
  interrupted = 5,      // stopped by SIGINT or SIGTERM; no output (run/resume: a checkpoint)
  incomplete = 6,       // a sweep has runs that failed or are missing
};

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
  virtual ExitCode exit_code() const { return ExitCode::internal_error; }
};

/// Wrong command-line usage or option value.
class UsageError : public Error {
 public:
  using Error::Error;
  ExitCode exit_code() const override { return ExitCode::invalid_input; }
};

/// A scenario that cannot be parsed or fails validation. Carries where.
class ScenarioError : public Error {
 public:
  ScenarioError(std::string file, int line, std::string key, const std::string& what);
  ExitCode exit_code() const override { return ExitCode::invalid_input; }
  const std::string& file() const { return file_; }
  int line() const { return line_; }
  const std::string& key() const { return key_; }

 private:
  std::string file_;
  int line_;
  std::string key_;
};

/// A file that cannot be opened, read, written or renamed.
class IoError : public Error {
 public:
  IoError(std::string path, const std::string& what);
  ExitCode exit_code() const override { return ExitCode::io_error; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

/// A run stopped at a quarter boundary because it was asked to.
class Interrupted : public Error {
 public:
  using Error::Error;
  ExitCode exit_code() const override { return ExitCode::interrupted; }
};

/// A file that opens but is not what was expected (wrong format or version).
class FormatError : public Error {
 public:
  FormatError(std::string path, const std::string& what);
  ExitCode exit_code() const override { return ExitCode::invalid_input; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

/// A sweep with runs that failed or have not run: `sweep run` finished the
/// others, `sweep merge` refuses to merge without --allow-missing.
class IncompleteError : public Error {
 public:
  using Error::Error;
  ExitCode exit_code() const override { return ExitCode::incomplete; }
};

}  // namespace incubsim

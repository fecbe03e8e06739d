#pragma once
// What a result file says about how it was made (root attributes).
#include <cstdint>
#include <string>

namespace incubsim::output {

/// Format identifiers. Bump the minor version for additions readers may
/// ignore, the major version for changes that break readers.
inline constexpr const char* kRunFormat = "incubsim-run";
inline constexpr int kRunFormatMajor = 1;
inline constexpr int kRunFormatMinor = 1;

struct Provenance {
  std::string format = kRunFormat;
  std::string format_version;  // "1.0"
  std::string incubsim_version;
  std::string git_sha;
  std::int64_t seed = 0;
  int threads = 1;
  std::string scenario;  // full resolved scenario TOML
  std::string scenario_name;
  std::string start_time;  // ISO 8601 UTC
  std::string end_time;    // written by finish()
  std::int32_t quarters = 0;
  std::int32_t burn_in = 0;
  std::string command_line;
  std::string hostname;
};

/// "1.0" for the current version.
std::string current_format_version();

/// The machine's host name ("unknown" if it cannot be read).
std::string host_name();

/// Current UTC time as ISO 8601 ("2026-11-22T10:15:00Z").
std::string utc_now_iso8601();

}  // namespace incubsim::output

#include "output/provenance.hpp"

#include <unistd.h>

#include <chrono>
#include <ctime>

namespace incubsim::output {

std::string current_format_version() {
  return std::to_string(kRunFormatMajor) + "." + std::to_string(kRunFormatMinor);
}

std::string utc_now_iso8601() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);  // reentrant: no shared static buffer
  char text[sizeof "2026-11-22T10:15:00Z"];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

std::string host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

}  // namespace incubsim::output

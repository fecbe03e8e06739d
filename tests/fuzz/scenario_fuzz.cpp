// Fuzzes scenario parsing and validation: the input is TOML text as if read
// from a file, optionally followed by a line "#--set" and one `--set`
// override per line. Any input must either load or throw one of the
// project's typed errors; a loaded scenario must print and parse back to
// the same text.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.hpp"
#include "scenario/loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  constexpr std::string_view kSetMarker = "\n#--set\n";
  const std::size_t marker = input.find(kSetMarker);
  const std::string_view text = input.substr(0, marker);
  std::vector<std::string> overrides;
  if (marker != std::string_view::npos) {
    std::string_view rest = input.substr(marker + kSetMarker.size());
    while (!rest.empty()) {
      const std::size_t eol = rest.find('\n');
      overrides.emplace_back(rest.substr(0, eol));
      rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 1);
    }
  }
  // A relative `base` resolves under a directory that holds nothing.
  static const std::filesystem::path base_dir = incubsim::fuzz::empty_directory("scenario");

  incubsim::fuzz::expect_typed_errors("parse_scenario", [&] {
    const incubsim::Scenario s = incubsim::parse_scenario(text, "fuzz.toml", base_dir, overrides);
    const std::string printed = incubsim::format_scenario(s);
    const incubsim::Scenario again =
        incubsim::parse_scenario(printed, "printed.toml", base_dir, {});
    if (incubsim::format_scenario(again) != printed)
      incubsim::fuzz::fail("a loaded scenario does not print and parse back to itself");
  });
  return 0;
}

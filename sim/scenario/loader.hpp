#pragma once
// Loading a scenario: built-in defaults, then the file's `base` chain from
// the root-most base down, then the file, then `--set` overrides in order,
// each validated against the parameter registry (scenario/params.hpp). Every
// error is a ScenarioError naming the file, line and key, with a fix.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/scenario.hpp"

namespace incubsim {

/// The text of scenarios/baseline.toml, compiled in by CMake.
std::string_view embedded_baseline_text();

/// Source name of the compiled-in baseline in messages, and the value of
/// `base` that refers to it.
inline constexpr std::string_view kBaselineSourceName = "<built-in baseline>";
inline constexpr std::string_view kBaselineBaseName = "baseline";

/// Reads and resolves a scenario file. `overrides` are "section.key=value".
/// Throws IoError if a file cannot be read, ScenarioError if it is invalid
/// or fails the resource check (too big for this machine's memory, too much
/// work, too many agents), UsageError if INCUBSIM_MEMORY_LIMIT is not a size.
Scenario load_scenario(const std::filesystem::path& file,
                       const std::vector<std::string>& overrides);

/// The compiled-in baseline with `overrides` applied.
Scenario load_default_scenario(const std::vector<std::string>& overrides);

/// Whether resolving ends with the resource check (scenario/resources.hpp).
/// Off only where a scenario is parsed and never run, e.g. round-trip tests
/// of the printer over random values from the whole of every range.
enum class ResourceCheck { on, off };

/// Resolves scenario text. `source_name` names it in messages; a relative
/// `base` in it is looked up under `base_dir`.
Scenario parse_scenario(std::string_view text, const std::string& source_name,
                        const std::filesystem::path& base_dir,
                        const std::vector<std::string>& overrides,
                        ResourceCheck resources = ResourceCheck::on);

/// The resolved scenario as TOML: every key, in registry order, after a
/// comment giving its meaning, unit and range. Parsing it back reproduces
/// `s` exactly. `header_comment_lines` go first, as `# ` comments.
std::string format_scenario(const Scenario& s,
                            const std::vector<std::string>& header_comment_lines = {});

/// The comment lines at the top of scenarios/baseline.toml, which is exactly
/// format_scenario(Scenario{}, baseline_header_lines()).
std::vector<std::string> baseline_header_lines();

/// A markdown table of every parameter: key, default, range, unit, meaning
/// and the source of the default.
std::string format_params_markdown();

}  // namespace incubsim

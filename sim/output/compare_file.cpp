#include "output/compare_file.hpp"

#include "core/errors.hpp"
#include "output/h5.hpp"
#include "output/provenance.hpp"

namespace incubsim::output {

std::string current_compare_format_version() {
  return std::to_string(kCompareFormatMajor) + "." + std::to_string(kCompareFormatMinor);
}

void write_compare_provenance(TableFileWriter& w, const CompareProvenance& p) {
  w.attribute("format", std::string_view(kCompareFormat));
  w.attribute("format_version", current_compare_format_version());
  w.attribute("incubsim_version", p.incubsim_version);
  w.attribute("git_sha", p.git_sha);
  w.attribute("seed", p.seed);
  w.attribute("replicates", p.replicates);
  w.attribute("common_random_numbers", static_cast<std::int32_t>(p.common_random_numbers ? 1 : 0));
  w.attribute("bootstrap_resamples", p.bootstrap_resamples);
  w.attribute("threads", p.threads);
  w.attribute("base_scenario", p.base_scenario);
  w.attribute("base_scenario_name", p.base_scenario_name);
  w.attribute("policy_scenario", p.policy_scenario);
  w.attribute("policy_scenario_name", p.policy_scenario_name);
  w.attribute("differing_keys", p.differing_keys);
  w.attribute("quarters", p.quarters);
  w.attribute("burn_in", p.burn_in);
  w.attribute("start_time", p.start_time.empty() ? utc_now_iso8601() : p.start_time);
  w.attribute("command_line", p.command_line);
  w.attribute("hostname", p.hostname);
}

// --- Reading --------------------------------------------------------------

CompareProvenance read_compare_provenance(const std::filesystem::path& path) {
  const h5::ErrorSilencer quiet;
  const std::string name = path.string();
  const h5::File file = h5::open_file_read_only(name);
  const hid_t root = file.get();
  const auto text = [root](const char* attr) {
    return h5::read_string_attribute(root, attr).value_or("");
  };
  const auto integer = [root](const char* attr) {
    return h5::read_int_attribute(root, attr).value_or(0);
  };
  const std::string format = text("format");
  if (format != kCompareFormat) {
    throw FormatError(name, format.empty() ? std::string("not an incubsim comparison file: it has "
                                                         "no 'format' attribute")
                                           : "not an incubsim comparison file: its format is '" +
                                                 format + "', expected '" + kCompareFormat + "'");
  }
  CompareProvenance p;
  p.format_version = text("format_version");
  const std::optional<int> major = major_version(p.format_version);
  if (!major) {
    throw FormatError(name,
                      "unreadable format_version '" + p.format_version + "', expected MAJOR.MINOR");
  }
  if (*major > kCompareFormatMajor) {
    throw FormatError(name, "written by a newer incubsim (format " + p.format_version +
                                "); this build reads format " +
                                std::to_string(kCompareFormatMajor) + ".x; upgrade incubsim");
  }
  p.incubsim_version = text("incubsim_version");
  p.git_sha = text("git_sha");
  p.threads = static_cast<std::int32_t>(integer("threads"));
  p.replicates = static_cast<std::int32_t>(integer("replicates"));
  p.seed = integer("seed");
  p.common_random_numbers = integer("common_random_numbers") != 0;
  p.bootstrap_resamples = static_cast<std::int32_t>(integer("bootstrap_resamples"));
  p.base_scenario = text("base_scenario");
  p.policy_scenario = text("policy_scenario");
  p.base_scenario_name = text("base_scenario_name");
  p.policy_scenario_name = text("policy_scenario_name");
  p.differing_keys = text("differing_keys");
  p.quarters = static_cast<std::int32_t>(integer("quarters"));
  p.burn_in = static_cast<std::int32_t>(integer("burn_in"));
  p.start_time = text("start_time");
  p.end_time = text("end_time");
  p.command_line = text("command_line");
  p.hostname = text("hostname");
  return p;
}

}  // namespace incubsim::output

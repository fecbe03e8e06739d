#include "output/provenance_attrs.hpp"

#include "output/h5.hpp"

namespace incubsim::output {

void write_provenance_attributes(hid_t r, const Provenance& p) {
  h5::write_attribute(r, "incubsim_version", p.incubsim_version);
  h5::write_attribute(r, "git_sha", p.git_sha);
  h5::write_attribute(r, "seed", p.seed);
  h5::write_attribute(r, "threads", static_cast<std::int32_t>(p.threads));
  h5::write_attribute(r, "scenario", p.scenario);
  h5::write_attribute(r, "scenario_name", p.scenario_name);
  h5::write_attribute(r, "start_time", p.start_time.empty() ? utc_now_iso8601() : p.start_time);
  h5::write_attribute(r, "quarters", p.quarters);
  h5::write_attribute(r, "burn_in", p.burn_in);
  h5::write_attribute(r, "command_line", p.command_line);
  h5::write_attribute(r, "hostname", p.hostname);
}

Provenance read_provenance_attributes(hid_t root) {
  const auto text = [root](const char* name) {
    return h5::read_string_attribute(root, name).value_or("");
  };
  const auto integer = [root](const char* name) {
    return h5::read_int_attribute(root, name).value_or(0);
  };
  Provenance p;
  p.format = text("format");
  p.format_version = text("format_version");
  p.incubsim_version = text("incubsim_version");
  p.git_sha = text("git_sha");
  p.seed = integer("seed");
  p.threads = static_cast<int>(integer("threads"));
  p.scenario = text("scenario");
  p.scenario_name = text("scenario_name");
  p.start_time = text("start_time");
  p.end_time = text("end_time");
  p.quarters = static_cast<std::int32_t>(integer("quarters"));
  p.burn_in = static_cast<std::int32_t>(integer("burn_in"));
  p.command_line = text("command_line");
  p.hostname = text("hostname");
  return p;
}

}  // namespace incubsim::output

// `incubsim info`: what a result file holds: provenance, datasets and sizes,
// and a few key metrics.
#include <cstdio>
#include <iostream>
#include <numeric>

#include "cli/commands.hpp"
#include "cli/compare_table.hpp"
#include "output/compare_file.hpp"
#include "output/run_reader.hpp"

namespace incubsim::cli {
namespace {

std::string bytes_text(std::uint64_t b) {
  char buf[32];
  if (b >= (1u << 20))
    std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(b) / (1 << 20));
  else if (b >= 1024)
    std::snprintf(buf, sizeof buf, "%.1f KiB", static_cast<double>(b) / 1024);
  else
    std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(b));
  return buf;
}

std::string shape_text(const std::vector<std::uint64_t>& shape) {
  if (shape.empty()) return "scalar";
  std::string s;
  for (const auto d : shape) s += (s.empty() ? "" : " x ") + std::to_string(d);
  return s;
}

int info(const std::string& file) {
  if (output::read_file_format(file) == output::kCompareFormat)
    return print_compare_info(std::cout, file);
  const output::RunFileInfo f = output::read_run_info(file);
  const auto& p = f.provenance;
  std::cout << file << ": " << p.format << " format " << f.format_version << ", "
            << bytes_text(f.file_bytes) << "\n"
            << "  written by   incubsim " << p.incubsim_version << " (git " << p.git_sha << ") on "
            << p.hostname << "\n"
            << "  scenario     " << p.scenario_name << " (" << p.scenario.size()
            << " bytes resolved TOML)\n"
            << "  seed         " << p.seed << "\n"
            << "  threads      " << p.threads << "\n"
            << "  quarters     " << p.quarters << " recorded after " << p.burn_in << " burn-in\n"
            << "  started      " << p.start_time << "\n"
            << "  finished     " << p.end_time << "\n"
            << "  command      " << p.command_line << "\n\n";

  std::cout << "datasets:\n";
  std::string group;
  for (const auto& d : f.datasets) {
    const std::string g = d.path.substr(0, d.path.rfind('/'));
    if (g != group) {
      std::size_t n = 0;
      std::uint64_t bytes = 0;
      for (const auto& e : f.datasets)
        if (e.path.substr(0, e.path.rfind('/')) == g) {
          ++n;
          bytes += e.storage_bytes;
        }
      const std::string rows = d.shape.empty() ? "scalars" : shape_text(d.shape) + " rows";
      std::printf("  %-28s %4zu datasets, %-12s %s\n", (g.empty() ? "/" : g).c_str(), n,
                  bytes_text(bytes).c_str(), rows.c_str());
      group = g;
    }
  }

  const auto sum = [&](const char* name) {
    const auto v = output::read_column(file, std::string("/timeseries/") + name);
    return std::accumulate(v.begin(), v.end(), 0.0);
  };
  const auto last = [&](const char* name) {
    const auto v = output::read_column(file, std::string("/timeseries/") + name);
    return v.empty() ? 0.0 : v.back();
  };
  std::printf("\nkey metrics:\n");
  std::printf("  firms alive at the end      %12.0f\n", last("firms_alive"));
  std::printf("  births / deaths             %12.0f / %.0f\n", sum("births"), sum("deaths"));
  std::printf("  acquisitions / listings     %12.0f / %.0f\n", sum("exits_acquisition"),
              sum("exits_listing"));
  std::printf("  rounds closed               %12.0f\n", sum("rounds_closed"));
  std::printf("  invested (M yuan)           %12.1f\n", sum("amount_invested"));
  std::printf("  inventions                  %12.0f\n", sum("inventions"));
  std::printf("  licences / spin-offs        %12.0f / %.0f\n", sum("transfers_licence"),
              sum("transfers_spinoff"));
  std::printf("  transfers failed            %12.0f\n", sum("transfers_failed"));
  std::printf("  liability borne (M yuan)    %12.1f\n", sum("liability_incurred"));
  return 0;
}

}  // namespace

Registered add_info(CLI::App& app, const Context&) {
  auto file = std::make_shared<std::string>();
  CLI::App* sub =
      app.add_subcommand("info", "Summarise a result file: provenance, datasets, key metrics");
  sub->add_option("file", *file, "Result file written by incubsim run or incubsim compare")
      ->required()
      ->type_name("OUT.h5");
  return {sub, [file] { return info(*file); }};
}

}  // namespace incubsim::cli

// HDF5 output benchmarks: what run_to_file (engine/run.cpp) writes per
// recorded quarter, and the final tables, through the real RunWriter into
// a file under the temporary directory (removed afterwards).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "bench.hpp"
#include "core/version.hpp"
#include "engine/tables.hpp"
#include "output/run_writer.hpp"
#include "scenario/loader.hpp"
#include "world.hpp"

namespace incubsim::bench {
namespace {

std::filesystem::path temp_file(const char* what) {
  return std::filesystem::temp_directory_path() /
         ("incubsim-bench-" + std::string(what) + "-" + std::to_string(::getpid()) + ".h5");
}

output::Provenance provenance(const Scenario& sc) {
  output::Provenance p;
  p.format_version = output::current_format_version();
  p.incubsim_version = std::string(version());
  p.git_sha = std::string(git_sha());
  p.seed = sc.simulation.seed;
  p.scenario = format_scenario(sc);
  p.scenario_name = "incubsim_micro_bench";
  p.start_time = output::utc_now_iso8601();
  p.quarters = sc.simulation.quarters;
  p.burn_in = sc.simulation.burn_in;
  p.hostname = output::host_name();
  return p;
}

/// (d) One recorded quarter as run_to_file appends it: the /timeseries row,
/// every policy ledger row and the quarter's events. The writer buffers rows
/// and flushes whole chunks (output/run_writer.cpp), so the time per
/// iteration is the amortised cost of a quarter over many of them. Items:
/// events appended.
void BM_hdf5_append_quarter(benchmark::State& bs) {
  World& w = world(bs.range(0));
  const WorldState& st = w.end();
  const auto path = temp_file("append");
  {
    // Destroyed without finish(): the writer removes its temporary file.
    output::RunWriter writer(path, provenance(w.scenario()), metric_defs(),
                             output::core_event_schema());
    std::vector<std::size_t> ledgers;
    for (auto& series : w.policies().ledger_schema())
      ledgers.push_back(writer.add_series(series.group, std::move(series.columns)));
    std::vector<std::vector<double>> ledger_rows;
    w.policies().ledger_rows(ledger_rows);
    Quarter q = 0;
    for (auto _ : bs) {
      writer.append_quarter(q, w.metrics());
      for (std::size_t k = 0; k < ledgers.size(); ++k)
        writer.append_series(ledgers[k], q, ledger_rows[k]);
      writer.append_events(st.events);
      ++q;
    }
  }
  bs.SetItemsProcessed(bs.iterations() * static_cast<std::int64_t>(st.events.size()));
  bs.SetBytesProcessed(bs.iterations() * static_cast<std::int64_t>(st.events.size()) *
                       static_cast<std::int64_t>(sizeof(Event)));
  bs.counters["events"] = static_cast<double>(st.events.size());
}

/// The final agent and network tables (engine/tables.cpp), written and the
/// file closed and renamed (finish), once per run. Items: graph vertices.
void BM_hdf5_final_tables(benchmark::State& bs) {
  World& w = world(bs.range(0));
  const WorldState& st = w.end();
  const auto path = temp_file("tables");
  for (auto _ : bs) {
    bs.PauseTiming();
    auto writer = std::make_unique<output::RunWriter>(path, provenance(w.scenario()), metric_defs(),
                                                      output::core_event_schema());
    bs.ResumeTiming();
    write_final_tables(*writer, st, w.scenario());
    writer->finish();
    bs.PauseTiming();
    writer.reset();
    std::filesystem::remove(path);
    bs.ResumeTiming();
  }
  bs.SetItemsProcessed(bs.iterations() * static_cast<std::int64_t>(st.graph.vertex_count()));
  bs.counters["vertices"] = static_cast<double>(st.graph.vertex_count());
  bs.counters["ties"] = static_cast<double>(st.graph.tie_count());
}

}  // namespace

void register_output_benchmarks() {
  register_sized("hdf5_append_quarter", BM_hdf5_append_quarter, false);
  register_sized("hdf5_final_tables", BM_hdf5_final_tables, false);
}

}  // namespace incubsim::bench

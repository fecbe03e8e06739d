#pragma once
// Final-state tables (/agents/*, /network/*) built from a run's state as
// behaviour-free column views for the output layer.
#include "engine/state.hpp"
#include "output/run_writer.hpp"

namespace incubsim {

/// Receives the final tables as they are built.
class TableSink {
 public:
  virtual ~TableSink() = default;
  virtual void table(const std::string& group, const output::TableView& table) = 0;
  virtual void values(const std::string& group, const std::vector<output::NamedValue>& values) = 0;
};

/// Builds /agents/{firms,researchers,institutions,incubators,funds},
/// /network/ties and /network/measures; the views are valid only during
/// each sink call.
void build_final_tables(TableSink& sink, const WorldState& state, const Scenario& scenario);

/// build_final_tables into a result file.
void write_final_tables(output::RunWriter& writer, const WorldState& state,
                        const Scenario& scenario);

}  // namespace incubsim

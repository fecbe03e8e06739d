#pragma once
// Final-state tables (/agents/*, /network/*) built from a run's state as
// behaviour-free column views for the output layer.
#include "engine/state.hpp"
#include "output/run_writer.hpp"

namespace incubsim {

/// Writes /agents/{firms,researchers,institutions,incubators,funds},
/// /network/ties and /network/measures.
void write_final_tables(output::RunWriter& writer, const WorldState& state,
                        const Scenario& scenario);

}  // namespace incubsim

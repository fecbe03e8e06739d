#pragma once
// The phases of a quarter, in schedule order (see core/schedule.hpp). Each
// reads what earlier phases left in the state; parallel work writes only
// per-agent slots, and everything shared (births, ties, money moving between
// agents, events) is committed afterwards in agent-id order.
#include <cstddef>
#include <vector>

#include "phases/context.hpp"

namespace incubsim {

/// Builds the initial population (quarter -1, Phase::setup).
void run_setup(WorldState& state, const PhaseContext& ctx);

void run_research(WorldState& state, const PhaseContext& ctx);
void run_transfer(WorldState& state, const PhaseContext& ctx);
void run_entry(WorldState& state, const PhaseContext& ctx);
void run_admission(WorldState& state, const PhaseContext& ctx);
void run_financing(WorldState& state, const PhaseContext& ctx);
void run_operations(WorldState& state, const PhaseContext& ctx);
void run_outcomes(WorldState& state, const PhaseContext& ctx);
void run_institutions(WorldState& state, const PhaseContext& ctx);
void run_network(WorldState& state, const PhaseContext& ctx);

/// The order in which incubators admit (the best pick first): higher tier,
/// then better service, then lower id.
std::vector<std::size_t> admission_order(const IncubatorStore& incubators);

/// Whether the network phase of `quarter` measures the network: every
/// `every` quarters, and each quarter until a measurement exists
/// (`measured_before`), except during burn-in where the next scheduled
/// measurement comes no later than the first recorded quarter (`burn_in`).
/// Recorded quarters show the same measures as if every one were taken.
bool measures_network(Quarter quarter, int every, int burn_in, bool measured_before);

/// Runs the phase named by ctx.phase().
void run_phase(WorldState& state, const PhaseContext& ctx);

}  // namespace incubsim

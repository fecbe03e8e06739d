#include "phases/phases.hpp"

namespace incubsim {

void run_phase(WorldState& state, const PhaseContext& ctx) {
  switch (ctx.phase()) {
    case Phase::setup: run_setup(state, ctx); break;
    case Phase::research: run_research(state, ctx); break;
    case Phase::transfer: run_transfer(state, ctx); break;
    case Phase::entry: run_entry(state, ctx); break;
    case Phase::admission: run_admission(state, ctx); break;
    case Phase::financing: run_financing(state, ctx); break;
    case Phase::operations: run_operations(state, ctx); break;
    case Phase::outcomes: run_outcomes(state, ctx); break;
    case Phase::institutions: run_institutions(state, ctx); break;
    case Phase::network: run_network(state, ctx); break;
  }
}

}  // namespace incubsim

#pragma once
// What of a WorldState a checkpoint keeps: everything a later phase or
// quarter reads.
#include "core/state_archive.hpp"
#include "engine/state.hpp"

namespace incubsim {

/// Saves or restores `state` between phases.
void archive_world(StateArchive& ar, WorldState& state);

}  // namespace incubsim

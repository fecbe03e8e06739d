#pragma once
// What of a WorldState a checkpoint keeps: everything that carries from one
// quarter into the next. Per-quarter scratch buffers are rebuilt instead.
#include "core/state_archive.hpp"
#include "engine/state.hpp"

namespace incubsim {

/// Saves or restores `state` between quarters.
void archive_world(StateArchive& ar, WorldState& state);

}  // namespace incubsim

#include "checkpoint/world_archive.hpp"

#include <type_traits>

namespace incubsim {

static_assert(std::is_trivially_copyable_v<QuarterFlows>);
static_assert(std::is_trivially_copyable_v<NetworkMeasures>);
static_assert(std::is_trivially_copyable_v<OpenTransfer>);
static_assert(std::is_trivially_copyable_v<Event>);

void archive_world(StateArchive& ar, WorldState& st) {
  ar.columns("firms", st.firms);
  st.firms.archive_layout(ar);
  ar.columns("researchers", st.researchers);
  ar.columns("institutions", st.institutions);
  ar.columns("incubators", st.incubators);
  ar.columns("funds", st.funds);
  ar.columns("inventions", st.inventions);
  st.graph.archive(ar);
  ar.field("transfers", st.transfers);
  ar.field("events", st.events);
  ar.field("flows", st.flows);
  ar.field("network", st.network);
  // Scratch buffers too: a checkpoint may fall between two phases of a
  // quarter, and a later phase may read what an earlier one left there (who
  // is alive as of the last refresh, decision flags). The network measures'
  // index and the admission buffers (applications, leavers) are built and
  // used within one phase, so they are left out.
  const StateArchive::Scope scratch(ar, "scratch");
  ar.field("alive_firms", st.scratch.alive_firms);
  ar.field("firms_by_sector", st.scratch.firms_by_sector);
  ar.field("flags", st.scratch.flags);
  ar.field("values", st.scratch.values);
  ar.field("active_vertices", st.scratch.active_vertices);
  ar.field("tie_ends", st.scratch.tie_ends);
  ar.field("vertex_counts", st.scratch.vertex_counts);
}

}  // namespace incubsim

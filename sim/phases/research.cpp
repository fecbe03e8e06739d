// Research: academic researchers produce inventions. Counts are drawn in
// parallel, offsets come from an exclusive scan in researcher order, and
// each researcher then fills its own slice of the invention buffer, so the
// buffer's order is the same for any thread count.
#include <algorithm>
#include <cmath>

#include "core/parallel.hpp"
#include "phases/phases.hpp"
#include "phases/population.hpp"

namespace incubsim {
namespace {

/// Invention count of researcher r this quarter; the stream is left
/// positioned for the inventions' attributes. `collaborators` counts
/// collaboration ties per graph vertex.
int draw_count(const WorldState& st, const PhaseContext& ctx, std::size_t r,
               const std::vector<std::int32_t>& collaborators, Stream& s) {
  const auto& R = st.researchers;
  // A researcher seconded to a firm (science vice-president) keeps
  // inventing at a reduced rate.
  double share = 1.0;
  if (R.career[r] == Career::seconded)
    share = ctx.scenario().policy.science_vp.researcher_output;
  else if (R.career[r] != Career::academic)
    return 0;
  const double spill = ctx.scenario().researchers.collaboration_spillover *
                       std::log1p(static_cast<double>(collaborators[R.vertex[r]]));
  return s.poisson(share * R.productivity[r] * (1.0 + spill));
}

}  // namespace

void run_research(WorldState& st, const PhaseContext& ctx) {
  const auto& sc = ctx.scenario();
  auto& R = st.researchers;
  const std::size_t n = R.size();
  auto& collaborators = st.scratch.vertex_counts;
  st.graph.count_decaying_ties(TieType::collaboration, collaborators);
  std::vector<std::int32_t> counts(n);
  parallel_for_each_index(n, [&](std::size_t r) {
    Stream s = ctx.stream(AgentKind::researcher, R.key[r], Purpose::invention);
    counts[r] = draw_count(st, ctx, r, collaborators, s);
  });
  std::vector<std::size_t> offsets;
  exclusive_scan_counts(counts, offsets);
  auto& inv = st.inventions;
  inv.resize(offsets[n]);
  const auto& ip = sc.inventions;
  parallel_for_each_index(n, [&](std::size_t r) {
    if (counts[r] == 0) return;
    Stream s = ctx.stream(AgentKind::researcher, R.key[r], Purpose::invention);
    const int c = draw_count(st, ctx, r, collaborators, s);  // same draw: repositions the stream
    for (int j = 0; j < c; ++j) {
      const std::size_t k = offsets[r] + static_cast<std::size_t>(j);
      inv.researcher[k] = static_cast<AgentId>(r);
      inv.key[k] = hash_combine(R.key[r], static_cast<std::uint64_t>(j));
      const double z = s.normal(0.0, 1.0);
      inv.quality[k] = ip.quality_mean + ip.quality_sd * z;
      const bool institute = st.institutions.kind[static_cast<std::size_t>(R.institution[r])] ==
                             InstitutionKind::institute;
      inv.maturity[k] = std::min(1.0, s.beta(ip.maturity_a, ip.maturity_b) +
                                          (institute ? ip.institute_maturity_shift : 0.0));
      // Value is lognormal and correlated (0.6) with quality: better
      // inventions are worth more, but not only they.
      const double e = 0.6 * z + 0.8 * s.normal(0.0, 1.0);
      inv.value[k] =
          ip.value_mean * std::exp(ip.value_sigma * e - 0.5 * ip.value_sigma * ip.value_sigma);
      inv.choice[k] = TransferChoice::shelve;
      inv.coverage[k] = 0.0;
      inv.premium[k] = 0.0;
      inv.licensee[k] = kNoAgent;
    }
    R.inventions[r] += c;
  });
  st.flows.inventions = static_cast<std::int64_t>(inv.size());
}

}  // namespace incubsim

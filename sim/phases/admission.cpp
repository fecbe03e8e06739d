// Admission: tenants graduate or leave at the maximum stay; then young
// firms apply to a few incubators, each incubator sees a noisy signal of an
// applicant's quality (sharper for professional operators) and admits the
// best applicants above its threshold while it has room. Incubators choose
// in order of tier and service quality, so the best ones pick first. No
// pairwise scan: applications are grouped by incubator with a counting sort.
#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <string>

#include "core/buffers.hpp"
#include "core/cumulative_sampler.hpp"
#include "core/parallel.hpp"
#include "network/graph.hpp"
#include "phases/phases.hpp"
#include "phases/population.hpp"

namespace incubsim {
namespace {

void departures(WorldState& st, const PhaseContext& ctx) {
  const auto& p = ctx.scenario().incubators;
  const auto& F = st.firms;
  const auto& alive = st.scratch.alive_firms;
  const auto graduates = [&](std::size_t f) {
    return annual_revenue(F, f) >= p.graduation_revenue ||
           F.last_round[f] >= static_cast<std::int8_t>(Round::series_a);
  };
  // Who leaves depends only on the firm's own state, so the leavers are
  // found in parallel, and so are their tenancy ties and whether each
  // graduates. Their tenancies then end in id order (counters and events),
  // and the ties go at once.
  auto& leaving = st.scratch.positions;
  parallel_select(
      alive.size(),
      [&](std::size_t a) {
        const auto f = static_cast<std::size_t>(alive[a]);
        return F.incubator[f] != kNoAgent &&
               (graduates(f) || ctx.quarter() - F.incubated_since[f] >= p.max_stay);
      },
      leaving);
  const std::size_t n = leaving.size();
  auto& ties = st.scratch.ended_ties;
  auto& graduated = st.scratch.flags;
  resize_reusing(ties, n);  // each slot written below
  resize_reusing(graduated, n);
  parallel_for_each_index(n, [&](std::size_t k) {
    const auto f = static_cast<std::size_t>(alive[leaving[k]]);
    const auto i = static_cast<std::size_t>(F.incubator[f]);
    graduated[k] = graduates(f) ? 1 : 0;
    // A tenant always has its tenancy tie (admission and setup add it).
    const auto tie = st.graph.find_tie(F.vertex[f], st.incubators.vertex[i], TieType::tenancy);
    if (!tie)
      throw std::logic_error("admission: tenant firm " + std::to_string(f) +
                             " has no tenancy tie to incubator " + std::to_string(i));
    ties[k] = *tie;
  });
  const std::span<Event> events = ctx.append_events(n);
  for (std::size_t k = 0; k < n; ++k) {
    const AgentId firm = alive[leaving[k]];
    events[k] = tenancy_end_event(ctx, F.incubator[static_cast<std::size_t>(firm)], firm,
                                  graduated[k] != 0);
    leave_incubator(st, firm, graduated[k] != 0);
  }
  st.graph.remove_ties(ties);
}

/// Incubators a firm is drawn to: larger and higher-tier ones attract more.
std::vector<double> attraction(const IncubatorStore& I) {
  std::vector<double> w(I.size());
  for (std::size_t i = 0; i < I.size(); ++i)
    w[i] = static_cast<double>(I.capacity[i]) * (1.0 + static_cast<double>(I.tier[i]));
  return w;
}

}  // namespace

std::vector<std::size_t> admission_order(const IncubatorStore& I) {
  std::vector<std::size_t> order(I.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (I.tier[a] != I.tier[b]) return I.tier[a] > I.tier[b];
    if (I.service_quality[a] != I.service_quality[b])
      return I.service_quality[a] > I.service_quality[b];
    return a < b;
  });
  return order;
}

void run_admission(WorldState& st, const PhaseContext& ctx) {
  departures(st, ctx);
  auto& I = st.incubators;
  if (I.size() == 0) return;
  const auto& p = ctx.scenario().incubators;
  auto& F = st.firms;
  const auto& alive = st.scratch.alive_firms;
  const std::size_t per = static_cast<std::size_t>(p.applications_per_firm);
  // Fixed while firms draw: the O(1) sampler (the weights are integers, so
  // it draws what a Fenwick tree would).
  const CumulativeSampler weights(attraction(I));

  // Each eligible firm draws where it applies and the signal each incubator
  // gets, into its own slots.
  auto& target = st.scratch.application_targets;
  auto& signal = st.scratch.application_signals;
  // Each target slot is written below; a signal only where its target is.
  resize_reusing(target, alive.size() * per);
  resize_reusing(signal, alive.size() * per);
  parallel_for_each_index(alive.size(), [&](std::size_t a) {
    std::fill_n(target.begin() + static_cast<std::ptrdiff_t>(a * per), per, kNoAgent);
    const auto f = static_cast<std::size_t>(alive[a]);
    if (F.ever_incubated[f] || ctx.quarter() - F.founded[f] > p.application_max_age) return;
    Stream s = ctx.stream(AgentKind::firm, F.key[f], Purpose::application);
    if (!s.bernoulli(p.application_rate)) return;
    for (std::size_t j = 0; j < per && j < I.size(); ++j) {
      std::size_t i = weights.find(s.uniform() * weights.total());
      bool dup = false;
      for (std::size_t k = 0; k < j; ++k)
        dup = dup || target[a * per + k] == static_cast<AgentId>(i);
      if (dup) continue;
      target[a * per + j] = static_cast<AgentId>(i);
      Stream sig =
          ctx.stream(AgentKind::firm, hash_combine(F.key[f], I.key[i]), Purpose::screening);
      const double noise = I.op[i] == Operator::professional ? p.signal_noise_professional
                                                             : p.signal_noise_government;
      signal[a * per + j] = F.quality[f] + sig.normal(0.0, noise);
    }
  });

  // Group applications by incubator (a stable counting sort keeps firm
  // order); count[i] is where incubator i's start.
  auto& apps = st.scratch.applications;
  auto& count = st.scratch.group_offset;
  parallel_group(
      target.size(), I.size(),
      [&](std::size_t k) {
        return target[k] == kNoAgent ? I.size() : static_cast<std::size_t>(target[k]);
      },
      [&](std::size_t k) {
        return Application{alive[k / per], signal[k]};
      },
      apps, count);
  st.flows.applications += static_cast<std::int64_t>(apps.size());

  const std::vector<std::size_t> order = admission_order(I);
  // Each incubator ranks its own applicants (a total order: the same for
  // any thread count); admissions then go in incubator order. An incubator
  // reads its ranking only until its free places are filled, so it ranks
  // only the best few (the places, twice over for applicants a better
  // incubator takes first, and some); the rest is ranked if ever reached.
  // Either way the order read is that of ranking them all.
  const auto better = [](const Application& a, const Application& b) {
    return a.signal > b.signal || (a.signal == b.signal && a.firm < b.firm);
  };
  const auto at = [&](std::size_t k) { return apps.begin() + static_cast<std::ptrdiff_t>(k); };
  auto& ranked = st.scratch.ranked_end;
  resize_reusing(ranked, I.size());  // each slot written below
  parallel_for_each_index(
      I.size(),
      [&](std::size_t i) {
        const std::size_t free = I.tenants[i] < I.capacity[i]
                                     ? static_cast<std::size_t>(I.capacity[i] - I.tenants[i])
                                     : 0;
        const std::size_t wanted = free == 0 ? 0 : 2 * free + 16;
        ranked[i] = std::min(count[i + 1], count[i] + wanted);
        if (ranked[i] < count[i + 1])
          std::nth_element(at(count[i]), at(ranked[i]), at(count[i + 1]), better);
        std::sort(at(count[i]), at(ranked[i]), better);
      },
      8);
  // Who is admitted is decided in turn (a firm takes the first place it
  // gets); the admitted firms' columns, events and ties are then written in
  // parallel, in that order.
  auto& admitted = st.scratch.admitted;
  admitted.clear();
  for (const std::size_t i : order) {
    const std::size_t first = count[i];
    const std::size_t last = count[i + 1];
    for (std::size_t k = first; k != last && I.tenants[i] < I.capacity[i]; ++k) {
      if (k == ranked[i]) {  // more were passed over than expected
        std::sort(at(k), at(last), better);
        ranked[i] = last;
      }
      if (k + 8 < ranked[i])
        __builtin_prefetch(&F.incubator[static_cast<std::size_t>(apps[k + 8].firm)]);
      const Application& app = apps[k];
      if (app.signal < p.admission_threshold) break;
      const auto f = static_cast<std::size_t>(app.firm);
      if (F.incubator[f] != kNoAgent) continue;  // admitted by a better incubator
      F.incubator[f] = static_cast<AgentId>(i);
      ++I.tenants[i];
      ++I.admitted_total[i];
      admitted.push_back(k);
    }
  }
  const std::size_t n = admitted.size();
  st.flows.admissions += static_cast<std::int64_t>(n);
  const std::span<Event> events = ctx.append_events(n);
  auto& ties = st.scratch.new_ties;
  resize_reusing(ties, n);  // each slot written below
  parallel_for_each_index(n, [&](std::size_t k) {
    const Application& app = apps[admitted[k]];
    const auto f = static_cast<std::size_t>(app.firm);
    const auto i = static_cast<std::size_t>(F.incubator[f]);
    F.incubated_since[f] = ctx.quarter();
    F.ever_incubated[f] = 1;
    events[k] = ctx.event(EventKind::admission, incubator_ref(F.incubator[f]), firm_ref(app.firm),
                          app.signal);
    ties[k] = new_tie(F.vertex[f], I.vertex[i], TieType::tenancy, ctx.quarter());
  });
  st.graph.add_ties(ties);
}

}  // namespace incubsim

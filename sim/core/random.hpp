#pragma once
// Keyed random streams. Every draw in a run comes from a Stream keyed by
// (seed, quarter, phase, agent kind, agent lineage key, purpose), never by
// thread or array slot, so results are identical for any thread count and a
// change to one agent's draws leaves every other agent's draws untouched
// (common random numbers across policy arms).
//
// The engine is counter based: output n of a stream is a double 64-bit
// finaliser hash of (key, n). Creating a stream costs a few multiplications,
// so phases make one per agent and purpose instead of sharing engines.
// Distributions are Boost.Random's, whose algorithms are fixed across
// platforms and standard libraries (unlike std:: distributions).
#include <cstdint>
#include <limits>

#include "core/ids.hpp"
#include "core/schedule.hpp"

namespace incubsim {

/// Why a stream is drawn; part of the key so two uses never share numbers.
enum class Purpose : std::uint16_t {
  attributes = 1,        // initial or birth attributes of an agent
  invention = 2,         // number and kind of inventions
  transfer_choice = 3,   // shelve / licence / spin-off
  partner_search = 4,    // choosing a licensee
  entry_count = 5,       // how many founders enter
  application = 6,       // where a firm applies to incubate
  screening = 7,         // incubator admission signal
  deal_flow = 8,         // which firms a fund looks at
  due_diligence = 9,     // noisy signal of quality
  valuation = 10,        // pricing of a round
  development = 11,      // product development progress
  revenue = 12,          // revenue shocks
  survival = 13,         // exogenous exit hazard
  exit = 14,             // acquisition / listing
  fund_entry = 15,       // new funds
  fund_attributes = 16,  // a new fund's size and focus
  tie_formation = 17,    // new ties in the graph
  tie_decay = 18,        // ties ending
  ip = 19,               // patents and other IP
  career = 20,           // researcher career moves
  tier_review = 21,      // incubator tier review
  syndication = 22,      // co-investor invitations
  transfer_offer = 23,   // a policy's offer on a transfer (e.g. insurance take-up)
  policy = 100,          // reserved for policy instruments (offset by instrument)
};

/// SplitMix64 finaliser: a bijective 64-bit mixer with full avalanche.
constexpr std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// Combines a running hash with one more key component.
constexpr std::uint64_t hash_combine(std::uint64_t h, std::uint64_t v) {
  return mix64(h ^ mix64(v + 0x9e3779b97f4a7c15ULL));
}

/// Persistent identity of an agent for random-number purposes, derived from
/// how it came to exist (kind, birth quarter, parent key, ordinal among the
/// parent's offspring that quarter).
using LineageKey = std::uint64_t;
constexpr LineageKey lineage_key(AgentKind kind, Quarter born, LineageKey parent,
                                 std::uint64_t ordinal) {
  std::uint64_t h = hash_combine(0x6c696e656167650aULL, static_cast<std::uint64_t>(kind));
  h = hash_combine(h, static_cast<std::uint64_t>(static_cast<std::int64_t>(born)));
  h = hash_combine(h, parent);
  return hash_combine(h, ordinal);
}

/// A counter-based 64-bit generator satisfying UniformRandomBitGenerator, so
/// every Boost.Random distribution accepts it.
class Stream {
 public:
  using result_type = std::uint64_t;

  explicit Stream(std::uint64_t key) : key_(key), key2_(mix64(key ^ 0x5851f42d4c957f2dULL)) {}

  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }

  result_type operator()() {
    ++counter_;
    return mix64(mix64(key_ + counter_ * 0x9e3779b97f4a7c15ULL) ^ key2_);
  }

  /// Uniform on [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>((*this)() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  bool bernoulli(double p) { return uniform() < p; }
  double normal(double mean = 0.0, double sd = 1.0);
  /// Lognormal with the given parameters of the underlying normal.
  double lognormal(double mu, double sigma);
  /// Lognormal with the given arithmetic mean and log-sd.
  double lognormal_with_mean(double mean, double sigma);
  int poisson(double mean);
  double exponential(double rate);
  double beta(double a, double b);
  double gumbel();
  /// Uniform integer in [0, n). n must be > 0.
  std::uint64_t below(std::uint64_t n);

  std::uint64_t draws() const { return counter_; }

 private:
  std::uint64_t key_;
  std::uint64_t key2_;
  std::uint64_t counter_ = 0;
};

/// Makes streams for one run; holds only the seed (and its hash).
class StreamFactory {
 public:
  explicit StreamFactory(std::uint64_t seed)
      : seed_(seed), seed_hash_(mix64(seed ^ 0x696e637562736d31ULL)) {}

  /// The hash of (seed, quarter, phase, kind): the part of a stream's key
  /// that all agents of a kind share within a phase. Phases reuse it for
  /// their agents' streams (PhaseContext), so a stream costs two
  /// combinations instead of four.
  std::uint64_t prefix(Quarter quarter, Phase phase, AgentKind kind) const {
    const std::uint64_t h =
        hash_combine(seed_hash_, static_cast<std::uint64_t>(static_cast<std::int64_t>(quarter)));
    return hash_combine(
        h, (static_cast<std::uint64_t>(phase) << 8) | static_cast<std::uint64_t>(kind));
  }

  /// The stream with a precomputed prefix(quarter, phase, kind).
  static Stream make(std::uint64_t prefix, LineageKey agent, Purpose purpose) {
    return Stream(hash_combine(hash_combine(prefix, agent), static_cast<std::uint64_t>(purpose)));
  }

  Stream make(Quarter quarter, Phase phase, AgentKind kind, LineageKey agent,
              Purpose purpose) const {
    return make(prefix(quarter, phase, kind), agent, purpose);
  }

  std::uint64_t seed() const { return seed_; }

 private:
  std::uint64_t seed_;
  std::uint64_t seed_hash_;
};

}  // namespace incubsim

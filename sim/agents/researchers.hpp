#pragma once
// Researchers and the institutions that employ them (universities and
// research institutes; an institution can be a pilot of a policy scheme).
#include <cstdint>
#include <vector>

#include "core/ids.hpp"
#include "core/random.hpp"
#include "core/schedule.hpp"

namespace incubsim {

enum class Career : std::uint8_t {
  academic = 0,  // produces inventions
  seconded = 1,  // working in a firm (science vice-president), policy issue
  founder = 2,   // left to run a spin-off
  retired = 3,   // left research
};
inline constexpr int kCareerCount = 4;

enum class InstitutionKind : std::uint8_t { university = 0, institute = 1 };

struct NewResearcher {
  LineageKey key = 0;
  std::int32_t institution = 0;
  std::uint8_t sector = 0;
  double productivity = 0.0;
  double risk_aversion = 0.0;
  Quarter entered = 0;
};

struct ResearcherStore {
  std::vector<LineageKey> key;
  std::vector<std::int32_t> institution;
  std::vector<std::uint8_t> sector;
  std::vector<std::uint32_t> vertex;
  std::vector<double> productivity;   // expected inventions per quarter
  std::vector<double> risk_aversion;  // weight on expected liability
  std::vector<Career> career;
  std::vector<Quarter> entered;
  std::vector<Quarter> left;  // -1 while in research
  std::vector<std::int32_t> inventions;
  std::vector<std::int32_t> licences;
  std::vector<std::int32_t> spinoffs;
  std::vector<std::int32_t> failures;
  std::vector<double> liability;   // total liability incurred
  std::vector<AgentId> host_firm;  // firm hosting a secondment (kNoAgent: none)
  std::vector<Quarter> secondment_end;

  std::size_t size() const { return key.size(); }
  AgentId add(const NewResearcher& r);
  /// Appends n rows for set() to fill (bulk births; distinct rows may be
  /// set concurrently); returns the first id.
  AgentId grow(std::size_t n);
  /// Gives row id the values of a researcher just added.
  void set(AgentId id, const NewResearcher& r);
  template <class F>
  void for_each_column(F&& f) {
    f(key), f(institution), f(sector), f(vertex), f(productivity), f(risk_aversion), f(career);
    f(entered), f(left), f(inventions), f(licences), f(spinoffs), f(failures), f(liability);
    f(host_firm), f(secondment_end);
  }
};

struct InstitutionStore {
  std::vector<LineageKey> key;
  std::vector<InstitutionKind> kind;
  std::vector<std::uint8_t> pilot;      // in a policy pilot (set by policies)
  std::vector<std::int32_t> transfers;  // licences and spin-offs
  std::vector<std::int32_t> failures;
  std::vector<double> liability;  // total liability borne

  std::size_t size() const { return key.size(); }
  AgentId add(LineageKey k, InstitutionKind kd);
  template <class F>
  void for_each_column(F&& f) {
    f(key), f(kind), f(pilot), f(transfers), f(failures), f(liability);
  }
};

std::string_view to_string(Career c);
std::string_view to_string(InstitutionKind k);

}  // namespace incubsim

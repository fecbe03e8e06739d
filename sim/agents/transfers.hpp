#pragma once
// Inventions of the current quarter and transfers awaiting their outcome.
// A transfer (licence or spin-off) stays open for transfer.failure_window
// quarters; if it fails in that window the researcher and institution incur
// the liability term, the hook the insurance policy acts on.
#include <cstdint>
#include <vector>

#include "core/ids.hpp"
#include "core/random.hpp"
#include "core/schedule.hpp"

namespace incubsim {

enum class TransferChoice : std::uint8_t { shelve = 0, licence = 1, spinoff = 2 };
enum class TransferKind : std::uint8_t { licence = 0, spinoff = 1 };

/// This quarter's inventions, column-wise; cleared (not freed) each quarter.
struct InventionBuffer {
  std::vector<AgentId> researcher;
  std::vector<LineageKey> key;  // stream key of the invention
  std::vector<double> quality;
  std::vector<double> maturity;
  std::vector<double> value;
  std::vector<TransferChoice> choice;
  std::vector<double> coverage;   // share of liability insured
  std::vector<double> premium;    // premium paid by the researcher's side
  std::vector<AgentId> licensee;  // chosen licensee (licence) or kNoAgent

  std::size_t size() const { return researcher.size(); }
  void resize(std::size_t n) {
    for_each_column([n](auto& c) { c.resize(n); });
  }
  template <class F>
  void for_each_column(F&& f) {
    f(researcher), f(key), f(quality), f(maturity), f(value), f(choice), f(coverage), f(premium);
    f(licensee);
  }
};

struct OpenTransfer {
  Quarter quarter = 0;
  TransferKind kind = TransferKind::licence;
  AgentId researcher = kNoAgent;
  AgentId institution = kNoAgent;
  AgentId firm = kNoAgent;
  double value = 0.0;     // invention value
  double exposure = 0.0;  // liability if it fails, before insurance
  double coverage = 0.0;  // insured share of the exposure
  double quality = 0.0;   // latent quality (for moral-hazard measures)
};

std::string_view to_string(TransferChoice c);
std::string_view to_string(TransferKind k);

}  // namespace incubsim

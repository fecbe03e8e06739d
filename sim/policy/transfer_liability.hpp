#pragma once
// The seam through which policy acts on technology transfer. A researcher
// weighing a licence or spin-off asks for the terms on offer (insurance
// coverage of the liability, premium); when a covered transfer fails, the
// policy settles its share. The core model ships only NoTransferCover; the
// tech-transfer insurance instrument implements this interface.
#include "agents/transfers.hpp"
#include "core/ids.hpp"
#include "core/schedule.hpp"

namespace incubsim {

struct TransferQuery {
  Quarter quarter = 0;
  AgentId researcher = kNoAgent;
  AgentId institution = kNoAgent;
  TransferKind kind = TransferKind::licence;
  double value = 0.0;     // invention value
  double exposure = 0.0;  // liability if the transfer fails
  double draw = 0.0;      // uniform [0, 1) from the invention's own policy stream
};

struct TransferTerms {
  double coverage = 0.0;  // share of the exposure the policy pays on failure
  double premium = 0.0;   // paid by the researcher's side when the transfer is made
};

class TransferLiabilityPolicy {
 public:
  virtual ~TransferLiabilityPolicy() = default;
  /// Terms on offer; called concurrently from the transfer phase, so it
  /// must not modify state.
  virtual TransferTerms terms(const TransferQuery& query) const = 0;
  /// A transfer was made (called in commit order).
  virtual void on_transfer(const OpenTransfer& transfer, double premium) = 0;
  /// A transfer failed within its window; returns what the policy pays.
  virtual double on_failure(const OpenTransfer& transfer) = 0;
};

/// No insurance: researchers bear the whole liability.
class NoTransferCover final : public TransferLiabilityPolicy {
 public:
  TransferTerms terms(const TransferQuery&) const override { return {}; }
  void on_transfer(const OpenTransfer&, double) override {}
  double on_failure(const OpenTransfer&) override { return 0.0; }
};

}  // namespace incubsim

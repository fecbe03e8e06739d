#pragma once
// An instrument whose mechanism is not built yet: its scenario keys are
// accepted, but enabling it is an error rather than a silent no-op.
#include <memory>
#include <string>

#include "core/errors.hpp"
#include "policy/instrument.hpp"

namespace incubsim {

inline std::unique_ptr<Instrument> make_pending(const std::string& name,
                                                const PolicyCommon& common) {
  struct Pending final : Instrument {
    using Instrument::Instrument;
  };
  if (common.enabled)
    throw ScenarioError("<scenario>", 0, "policy." + name + ".enabled",
                        "this instrument is not available in this version of incubsim yet; set "
                        "enabled = false");
  return std::make_unique<Pending>(name, common);
}

}  // namespace incubsim

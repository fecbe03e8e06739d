#include "agents/transfers.hpp"

namespace incubsim {

std::string_view to_string(TransferChoice c) {
  switch (c) {
    case TransferChoice::shelve: return "shelve";
    case TransferChoice::licence: return "licence";
    case TransferChoice::spinoff: return "spinoff";
  }
  return "unknown";
}

std::string_view to_string(TransferKind k) {
  return k == TransferKind::licence ? "licence" : "spinoff";
}

}  // namespace incubsim

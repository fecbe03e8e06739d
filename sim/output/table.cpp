#include "output/table.hpp"

namespace incubsim::output {

std::size_t TableView::rows() const {
  if (columns.empty()) return 0;
  return std::visit([](const auto& span) { return span.size(); }, columns.front().data);
}

}  // namespace incubsim::output

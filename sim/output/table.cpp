#include "output/table.hpp"

namespace incubsim::output {

std::size_t ColumnView::rows() const {
  if (load) return lazy_rows;
  return std::visit([](const auto& span) { return span.size(); }, data);
}

std::size_t TableView::rows() const {
  return columns.empty() ? 0 : columns.front().rows();
}

}  // namespace incubsim::output

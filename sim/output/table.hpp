#pragma once
// Behaviour-free views of what a run writes: named, typed columns over
// memory the caller owns. The engine builds these from agent state; the
// HDF5 layer writes them without knowing what they mean.
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace incubsim::output {

/// A named enumeration stored as an HDF5 enum type over uint8, so h5dump
/// prints names and h5py can recover the mapping (h5py.check_enum_dtype).
struct EnumType {
  std::string name;
  std::vector<std::pair<std::string, int>> members;
};

/// EnumType of a dense enum (values 0 .. count-1) named by its to_string.
template <class Enum>
EnumType make_enum_type(std::string name, int count) {
  EnumType type{std::move(name), {}};
  for (int value = 0; value < count; ++value) {
    // to_string is found by argument-dependent lookup in Enum's namespace.
    type.members.emplace_back(std::string(to_string(static_cast<Enum>(value))), value);
  }
  return type;
}

using ColumnData = std::variant<std::span<const double>, std::span<const std::int64_t>,
                                std::span<const std::int32_t>, std::span<const std::uint8_t>>;

struct ColumnView {
  std::string name;
  std::string unit;  // written as the dataset attribute "unit"
  std::string doc;   // written as the dataset attribute "description"
  ColumnData data;
  const EnumType* enum_type = nullptr;  // only for uint8 columns
  /// Set for a column built only when it is written, so that a large
  /// table holds one built column at a time: returns the data, valid until
  /// the table's next load. `data` (empty) then gives only the type, and
  /// `lazy_rows` the length.
  std::function<ColumnData()> load = nullptr;
  std::size_t lazy_rows = 0;

  std::size_t rows() const;
};

/// A table written as an HDF5 group with one 1-D dataset per column, all of
/// the same length.
struct TableView {
  std::vector<ColumnView> columns;
  std::size_t rows() const;
};

/// How a time-series metric is stored: counts as int64, the rest as float64.
enum class MetricKind : std::uint8_t { count, amount, ratio };

/// Whether a metric is a level at the end of the quarter or a quantity over
/// it (written as the dataset attribute "temporal").
enum class Temporal : std::uint8_t { stock, flow };

struct MetricDef {
  std::string name;
  MetricKind kind = MetricKind::count;
  std::string unit;
  std::string doc;
  Temporal temporal = Temporal::stock;
};

/// A scalar with its meaning, written as a dataset in a measures group.
struct NamedValue {
  std::string name;
  double value = 0.0;
  std::string doc;
};

}  // namespace incubsim::output

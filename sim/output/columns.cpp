#include "output/columns.hpp"

#include <algorithm>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "core/errors.hpp"
#include "core/parallel.hpp"

namespace incubsim::output {

void check_name(const std::string& name, const std::string& what) {
  if (name.empty() || name == "." || name.find('/') != std::string::npos) {
    throw Error("invalid " + what + " name '" + name + "': must be non-empty and without '/'");
  }
}

const char* kind_name(MetricKind kind) {
  switch (kind) {
    case MetricKind::count: return "count";
    case MetricKind::amount: return "amount";
    case MetricKind::ratio: return "ratio";
  }
  return "unknown";
}

void write_metric_attributes(hid_t dataset, const MetricDef& metric) {
  h5::write_attribute(dataset, "unit", metric.unit);
  h5::write_attribute(dataset, "description", metric.doc);
  h5::write_attribute(dataset, "kind", std::string_view(kind_name(metric.kind)));
  h5::write_attribute(dataset, "temporal",
                      std::string_view(metric.temporal == Temporal::stock ? "stock" : "flow"));
}

const EnumStore::Stored& EnumStore::get(const EnumType& type) {
  check_name(type.name, "enum type");
  h5::Type candidate = h5::enum_type(type);
  if (const auto found = enums_.find(type.name); found != enums_.end()) {
    if (H5Tequal(found->second.stored.get(), candidate.get()) <= 0) {
      throw Error("enum type '" + type.name + "' is used with two different member lists");
    }
    return found->second;
  }
  if (!types_) types_ = h5::open_or_create_group(root_, "/types");
  h5::commit_type(types_.get(), type.name, candidate.get());
  Stored stored{std::move(candidate), h5::Type()};
  stored.memory = h5::copy_type(stored.stored.get());
  return enums_.emplace(type.name, std::move(stored)).first->second;
}

void check_table(const std::string& group_path, const TableView& table, std::size_t rows) {
  for (const ColumnView& column : table.columns) {
    check_name(column.name, "column");
    const std::size_t size = column.rows();
    if (size != rows) {
      throw Error("table " + group_path + ": column '" + column.name + "' has " +
                  std::to_string(size) + " rows, expected " + std::to_string(rows));
    }
    if (column.enum_type != nullptr &&
        !std::holds_alternative<std::span<const std::uint8_t>>(column.data)) {
      throw Error("table " + group_path + ": column '" + column.name +
                  "' has an enum type but is not a uint8 column");
    }
  }
}

void write_table_columns(hid_t group, const TableView& table, std::size_t rows, EnumStore& enums,
                         std::size_t max_chunk_rows, h5::ChunkWriter& writer) {
  const hsize_t chunk = std::clamp<std::size_t>(rows, 1, max_chunk_rows);
  // Chunks of every column are queued together, so that small tables too
  // give each thread work; the datasets stay open until they are written.
  writer.flush();
  std::vector<h5::Dataset> datasets;
  datasets.reserve(table.columns.size());
  for (const ColumnView& column : table.columns) {
    ColumnData data = column.data;
    if (column.load) {
      // The previous built column's buffer may be reused by this load.
      writer.flush();
      // A load may gather in parallel: on the writer's threads, as many as
      // the run was given.
      if (Executor* executor = writer.executor())
        data = executor->run([&] { return column.load(); });
      else
        data = column.load();
      const std::size_t size = std::visit([](const auto& span) { return span.size(); }, data);
      if (size != rows || data.index() != column.data.index()) {
        throw Error("column '" + column.name + "' was built with " + std::to_string(size) +
                    " rows or another type, expected " + std::to_string(rows));
      }
    }
    std::visit(
        [&](const auto& span) {
          using T = std::remove_const_t<typename std::decay_t<decltype(span)>::element_type>;
          hid_t file_type = h5::TypeOf<T>::file();
          hid_t memory_type = h5::TypeOf<T>::memory();
          if (column.enum_type != nullptr) {
            const EnumStore::Stored& stored = enums.get(*column.enum_type);
            file_type = stored.stored.get();
            memory_type = stored.memory.get();
          }
          h5::Dataset dataset = h5::create_column(group, column.name, file_type, chunk, rows);
          h5::write_attribute(dataset.get(), "unit", column.unit);
          h5::write_attribute(dataset.get(), "description", column.doc);
          writer.write(dataset.get(), memory_type, span.data(), 0, rows);
          datasets.push_back(std::move(dataset));
        },
        data);
  }
  writer.flush();
}

}  // namespace incubsim::output

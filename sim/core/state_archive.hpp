#pragma once
// Saving and restoring a run's state field by field (checkpoints). Each
// part of the state describes itself once, in a function that takes an
// archive: the same function saves and restores, so a field cannot be saved
// and then forgotten on restore. The file format lives in sim/checkpoint/;
// this interface knows nothing of HDF5.
#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

namespace incubsim {

class StateArchive {
 public:
  /// How an element is stored: a fixed-size number, or raw bytes for a
  /// plain struct (checkpoints are read back only by the same build).
  enum class Kind : std::uint8_t { i8, u8, i16, u16, i32, u32, i64, u64, f64, bytes };

  virtual ~StateArchive() = default;
  virtual bool loading() const = 0;

  /// Fields archived while a Scope lives go into the named group.
  class Scope {
   public:
    Scope(StateArchive& archive, const std::string& name) : archive_(archive) {
      archive_.enter(name);
    }
    ~Scope() { archive_.leave(); }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    StateArchive& archive_;
  };

  /// One value of a trivially copyable type.
  template <class T>
  void field(const std::string& name, T& value) {
    static_assert(std::is_trivially_copyable_v<T>, "archive plain values only");
    if (loading()) {
      expect(name, sizeof(T), kind_of<T>(), 1);
      read(name, &value, sizeof(T), 1);
    } else {
      write(name, &value, sizeof(T), 1, kind_of<T>());
    }
  }

  /// A vector of trivially copyable elements (resized on restore).
  template <class T>
  void field(const std::string& name, std::vector<T>& values) {
    static_assert(std::is_trivially_copyable_v<T>, "archive plain values only");
    if (loading()) {
      values.resize(count(name, sizeof(T), kind_of<T>()));
      read(name, values.data(), sizeof(T), values.size());
    } else {
      write(name, values.data(), sizeof(T), values.size(), kind_of<T>());
    }
  }

  /// A vector of vectors, stored flat with row offsets.
  template <class T>
  void field(const std::string& name, std::vector<std::vector<T>>& rows) {
    const Scope scope(*this, name);
    std::vector<std::uint64_t> offsets;
    std::vector<T> flat;
    if (!loading()) {
      offsets.push_back(0);
      for (const auto& row : rows) {
        flat.insert(flat.end(), row.begin(), row.end());
        offsets.push_back(flat.size());
      }
    }
    field("offsets", offsets);
    field("values", flat);
    if (loading()) {
      rows.assign(offsets.empty() ? 0 : offsets.size() - 1, {});
      for (std::size_t r = 0; r < rows.size(); ++r) {
        if (offsets[r] > offsets[r + 1] || offsets[r + 1] > flat.size())
          corrupt(name, "row offsets out of order");
        rows[r].assign(flat.begin() + static_cast<std::ptrdiff_t>(offsets[r]),
                       flat.begin() + static_cast<std::ptrdiff_t>(offsets[r + 1]));
      }
    }
  }

  /// Every column of a structure-of-arrays store (its for_each_column),
  /// named by position: the column order is part of the build.
  template <class Store>
  void columns(const std::string& name, Store& store) {
    const Scope scope(*this, name);
    int k = 0;
    store.for_each_column([&](auto& column) { field(std::to_string(k++), column); });
  }

  /// Throws FormatError: the archive's `name` is not what this build wrote.
  [[noreturn]] virtual void corrupt(const std::string& name, const std::string& what) = 0;

 protected:
  virtual void enter(const std::string& group) = 0;
  virtual void leave() = 0;
  virtual void write(const std::string& name, const void* data, std::size_t element_size,
                     std::size_t count, Kind kind) = 0;
  /// Number of elements stored under `name`; throws if its element size or
  /// kind differs.
  virtual std::size_t count(const std::string& name, std::size_t element_size, Kind kind) = 0;
  virtual void read(const std::string& name, void* data, std::size_t element_size,
                    std::size_t count) = 0;

 private:
  void expect(const std::string& name, std::size_t element_size, Kind kind, std::size_t n) {
    if (count(name, element_size, kind) != n) corrupt(name, "expected one value");
  }

  template <class T>
  static constexpr Kind kind_of() {
    if constexpr (std::is_enum_v<T>) {
      return kind_of<std::underlying_type_t<T>>();
    } else if constexpr (std::is_same_v<T, bool>) {
      return Kind::u8;
    } else if constexpr (std::is_floating_point_v<T> && sizeof(T) == 8) {
      return Kind::f64;
    } else if constexpr (std::is_integral_v<T>) {
      constexpr bool s = std::is_signed_v<T>;
      if constexpr (sizeof(T) == 1) return s ? Kind::i8 : Kind::u8;
      if constexpr (sizeof(T) == 2) return s ? Kind::i16 : Kind::u16;
      if constexpr (sizeof(T) == 4) return s ? Kind::i32 : Kind::u32;
      if constexpr (sizeof(T) == 8) return s ? Kind::i64 : Kind::u64;
      return Kind::bytes;
    } else {
      return Kind::bytes;
    }
  }
};

}  // namespace incubsim

#pragma once
// StateArchive over an HDF5 group: each field a 1-D dataset (nested scopes
// are subgroups) with its element kind and size as attributes, so a restore
// refuses a field this build lays out differently. Numbers keep their HDF5
// types (h5dump shows them); plain structs are stored as raw bytes, which
// only the same build reads back. Written uncompressed: a checkpoint is
// written against the clock (a job's time limit), not kept.
#include <string>
#include <vector>

#include "core/state_archive.hpp"
#include "output/h5.hpp"

namespace incubsim::checkpoint {

class H5StateWriter final : public StateArchive {
 public:
  explicit H5StateWriter(hid_t group);
  bool loading() const override { return false; }
  [[noreturn]] void corrupt(const std::string& name, const std::string& what) override;

 protected:
  void enter(const std::string& group) override;
  void leave() override;
  void write(const std::string& name, const void* data, std::size_t element_size, std::size_t count,
             Kind kind) override;
  std::size_t count(const std::string& name, std::size_t element_size, Kind kind) override;
  void read(const std::string& name, void* data, std::size_t element_size,
            std::size_t count) override;

 private:
  hid_t current() const { return groups_.empty() ? root_ : groups_.back().get(); }
  hid_t root_;
  std::vector<output::h5::Group> groups_;
};

class H5StateReader final : public StateArchive {
 public:
  /// `file` names the checkpoint in error messages.
  H5StateReader(hid_t group, std::string file);
  bool loading() const override { return true; }
  [[noreturn]] void corrupt(const std::string& name, const std::string& what) override;

 protected:
  void enter(const std::string& group) override;
  void leave() override;
  void write(const std::string& name, const void* data, std::size_t element_size, std::size_t count,
             Kind kind) override;
  std::size_t count(const std::string& name, std::size_t element_size, Kind kind) override;
  void read(const std::string& name, void* data, std::size_t element_size,
            std::size_t count) override;

 private:
  hid_t current() const { return groups_.empty() ? root_ : groups_.back().get(); }
  std::string where(const std::string& name) const;
  hid_t root_;
  std::string file_;
  std::vector<output::h5::Group> groups_;
  std::vector<std::string> names_;
};

}  // namespace incubsim::checkpoint

#include "core/huge_pages.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "core/parallel.hpp"

namespace incubsim {
namespace {

TEST(HugePages, PopulatingChangesNoContents) {
  // Several 2 MiB blocks, a range that starts and ends inside pages.
  std::vector<std::uint32_t> v(3'000'000);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<std::uint32_t>(i * 2654435761u);
  v.reserve(5'000'000);
  Executor(2).run([&] {
    populate_pages(reinterpret_cast<const char*>(v.data()) + 10, v.size() * sizeof(v[0]) - 20);
    populate_pages(v.data() + v.size(), (v.capacity() - v.size()) * sizeof(v[0]));
  });
  populate_pages(nullptr, 4096);  // nothing to do
  populate_pages(v.data(), 0);
  for (std::size_t i = 0; i < v.size(); ++i)
    ASSERT_EQ(v[i], static_cast<std::uint32_t>(i * 2654435761u)) << i;
  v.resize(5'000'000);  // the populated room is ordinary memory
  EXPECT_EQ(v.back(), 0u);
}

TEST(HugePages, AdvisingChangesNoContents) {
  std::vector<std::uint64_t> v(1'000'000, 42);
  advise_huge_pages(v);
  advise_huge_pages(v.data(), 0);
  EXPECT_EQ(v, std::vector<std::uint64_t>(1'000'000, 42));
}

}  // namespace
}  // namespace incubsim

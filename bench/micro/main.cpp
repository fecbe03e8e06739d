// incubsim_micro_bench: Google Benchmark micro-benchmarks of the hot phases
// and the HDF5 output at several sizes. Besides Google Benchmark's own flags
// (--benchmark_filter, --benchmark_min_time, --benchmark_format, ...):
//
//   --firms=10000,100000     initial firms of each size (Ouhai scaled)
//   --threads=1,N            thread counts of the parallel benchmarks
//                            (default 1 and the hardware's)
//   --scenario=PATH          scenario to scale (default scenarios/ouhai/baseline.toml)
//   --warmup=Q               quarters run before the benchmarked one
//                            (default: the scenario's burn-in)
//   --check-mirror           also run a real Simulation and stop if the
//                            benchmark's world differs from it
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "bench.hpp"
#include "world.hpp"

#ifndef INCUBSIM_BENCH_SCENARIO
#define INCUBSIM_BENCH_SCENARIO "scenarios/ouhai/baseline.toml"
#endif

namespace incubsim::bench {

void register_sized(const char* name, BenchFn fn, bool threaded) {
  auto* b = benchmark::RegisterBenchmark(name, fn);
  b->UseRealTime()->Unit(benchmark::kMillisecond);
  if (threaded)
    b->ArgNames({"firms", "threads"});
  else
    b->ArgNames({"firms"});
  for (const auto firms : options().firms) {
    if (!threaded) b->Args({firms});
    if (threaded)
      for (const int t : options().threads) b->Args({firms, t});
  }
}

namespace {

constexpr const char* kUsage =
    "incubsim_micro_bench options (besides Google Benchmark's --benchmark_*):\n"
    "  --firms=N[,N...]    initial firms of each size (default 10000,100000)\n"
    "  --threads=N[,N...]  thread counts of the phase benchmarks (default 1 and all)\n"
    "  --scenario=PATH     scenario to scale (default scenarios/ouhai/baseline.toml)\n"
    "  --warmup=Q          quarters run first (default: the scenario's burn-in)\n"
    "  --check-mirror      stop if the benchmarked world differs from a Simulation's\n";

void print_help() {
  benchmark::PrintDefaultHelp();
  std::fprintf(stdout, "\n%s", kUsage);
}

template <class T>
std::vector<T> parse_list(std::string_view text) {
  std::vector<T> out;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const std::string item(text.substr(0, comma));
    const long long v = std::stoll(item);
    if (v < 1) throw std::invalid_argument("list items must be positive: " + item);
    out.push_back(static_cast<T>(v));
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
  }
  if (out.empty()) throw std::invalid_argument("empty list");
  return out;
}

/// Reads our flags from what benchmark::Initialize left in argv; returns
/// false on anything else.
bool parse_options(int& argc, char** argv) {
  Options& o = options();
  o.firms = {10000, 100000};
  const int hw = static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  o.threads = hw > 1 ? std::vector<int>{1, hw} : std::vector<int>{1};
  o.scenario = INCUBSIM_BENCH_SCENARIO;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    const auto value = [&](std::string_view flag) -> std::string_view {
      return a.substr(flag.size());
    };
    if (a.starts_with("--firms=")) {
      o.firms = parse_list<std::int64_t>(value("--firms="));
    } else if (a.starts_with("--threads=")) {
      o.threads = parse_list<int>(value("--threads="));
    } else if (a.starts_with("--scenario=")) {
      o.scenario = std::string(value("--scenario="));
    } else if (a.starts_with("--warmup=")) {
      o.warmup = std::stoi(std::string(value("--warmup=")));
    } else if (a == "--check-mirror") {
      o.check_mirror = true;
    } else {
      std::fprintf(stderr, "incubsim_micro_bench: unknown argument %s\n%s", argv[i], kUsage);
      return false;
    }
  }
  argc = 1;
  return true;
}

}  // namespace
}  // namespace incubsim::bench

int main(int argc, char** argv) {
  using namespace incubsim::bench;
  try {
    benchmark::Initialize(&argc, argv, print_help);
    if (!parse_options(argc, argv)) return 2;
    register_phase_benchmarks();
    register_output_benchmarks();
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "incubsim_micro_bench: %s\n", e.what());
    return 4;
  }
  return 0;
}

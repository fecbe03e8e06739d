#pragma once
// Registration shared by the benchmark files: every benchmark runs at each
// size of Options::firms and, if it is parallel, at each thread count of
// Options::threads. Arguments are (firms) or (firms, threads).
#include <benchmark/benchmark.h>

namespace incubsim::bench {

using BenchFn = void (*)(benchmark::State&);

/// Registers `name` over the sizes (and thread counts if `threaded`), timed
/// in wall-clock milliseconds.
void register_sized(const char* name, BenchFn fn, bool threaded);

void register_phase_benchmarks();
void register_output_benchmarks();

}  // namespace incubsim::bench

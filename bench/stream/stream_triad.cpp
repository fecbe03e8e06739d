// stream_triad: sustainable memory bandwidth, the way STREAM's triad
// measures it: a[i] = b[i] + s * c[i] over three arrays much larger than the
// caches, 24 bytes counted per element (two loads and one store; the
// write-allocate read is not counted, as in STREAM). Runs on 1 thread and on
// N threads (std::thread, a static block of the arrays per thread, first
// touched by the thread that uses it), one untimed pass then REPS timed
// ones, and prints the best and the median GB/s (1 GB = 1e9 bytes).
//
//   stream_triad [--mb MB] [--threads N[,N...]] [--reps R]
//
// MB is the size of each array in MiB (default 80: 240 MiB in all); the
// thread counts default to 1 and the hardware's.
#include <algorithm>
#include <barrier>
#include <chrono>
#include <cstdio>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

struct Config {
  std::size_t mib = 80;
  std::vector<int> threads;
  int reps = 10;
};

constexpr double kScalar = 3.0;

/// The arrays, allocated but not touched: pages are placed by the thread
/// that first writes them (init), as STREAM's OpenMP build does.
struct Arrays {
  std::size_t n;
  std::unique_ptr<double[]> a, b, c;
  explicit Arrays(std::size_t n) : n(n), a(new double[n]), b(new double[n]), c(new double[n]) {}
};

/// [begin, end) of thread t's block out of `threads`.
std::pair<std::size_t, std::size_t> block(std::size_t n, int t, int threads) {
  const std::size_t per = n / static_cast<std::size_t>(threads);
  const std::size_t rest = n % static_cast<std::size_t>(threads);
  const auto u = static_cast<std::size_t>(t);
  const std::size_t begin = u * per + std::min(u, rest);
  return {begin, begin + per + (u < rest ? 1 : 0)};
}

void triad(double* __restrict a, const double* __restrict b, const double* __restrict c,
           std::size_t begin, std::size_t end) {
  for (std::size_t i = begin; i < end; ++i) a[i] = b[i] + kScalar * c[i];
}

/// Seconds of each timed repetition on `threads` threads.
std::vector<double> run(Arrays& x, int threads, int reps) {
  std::vector<double> seconds;
  std::barrier sync(threads);
  std::chrono::steady_clock::time_point start;
  const auto worker = [&](int t) {
    const auto [begin, end] = block(x.n, t, threads);
    for (std::size_t i = begin; i < end; ++i) {
      x.a[i] = 1.0;
      x.b[i] = 2.0;
      x.c[i] = 0.5;
    }
    for (int r = 0; r <= reps; ++r) {  // r == 0: untimed warm-up pass
      sync.arrive_and_wait();
      if (t == 0) start = std::chrono::steady_clock::now();
      sync.arrive_and_wait();
      triad(x.a.get(), x.b.get(), x.c.get(), begin, end);
      sync.arrive_and_wait();
      if (t == 0 && r > 0)
        seconds.push_back(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(worker, t);
  worker(0);
  for (auto& th : pool) th.join();
  return seconds;
}

/// Every a[i] must be 2 + 3 * 0.5 = 3.5 (and b, c untouched).
bool check(const Arrays& x) {
  for (std::size_t i = 0; i < x.n; ++i)
    if (x.a[i] != 2.0 + kScalar * 0.5 || x.b[i] != 2.0 || x.c[i] != 0.5) return false;
  return true;
}

bool parse(int argc, char** argv, Config& cfg) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (i + 1 >= argc) return false;
    const std::string value = argv[++i];
    if (arg == "--mb") {
      cfg.mib = std::stoul(value);
    } else if (arg == "--reps") {
      cfg.reps = std::stoi(value);
    } else if (arg == "--threads") {
      cfg.threads.clear();
      std::size_t pos = 0;
      while (pos <= value.size()) {
        const std::size_t comma = std::min(value.find(',', pos), value.size());
        cfg.threads.push_back(std::stoi(value.substr(pos, comma - pos)));
        pos = comma + 1;
      }
    } else {
      return false;
    }
  }
  if (cfg.mib == 0 || cfg.reps < 1 || cfg.threads.empty()) return false;
  return std::all_of(cfg.threads.begin(), cfg.threads.end(), [](int t) { return t >= 1; });
}

}  // namespace

int main(int argc, char** argv) {
  Config cfg;
  const int hw = static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  cfg.threads = hw > 1 ? std::vector<int>{1, hw} : std::vector<int>{1};
  try {
    if (!parse(argc, argv, cfg)) {
      std::fprintf(stderr, "usage: stream_triad [--mb MB] [--threads N[,N...]] [--reps R]\n");
      return 2;
    }
  } catch (const std::exception&) {
    std::fprintf(stderr, "stream_triad: not a number in the arguments\n");
    return 2;
  }
  const std::size_t n = cfg.mib * 1024 * 1024 / sizeof(double);
  const double bytes = 3.0 * sizeof(double) * static_cast<double>(n);
  std::printf(
      "STREAM-like triad a[i] = b[i] + %.1f * c[i]: 3 arrays x %zu MiB (%zu doubles), "
      "%.0f MB moved per pass, %d timed passes\n",
      kScalar, cfg.mib, n, bytes / 1e6, cfg.reps);
  std::printf("%8s %12s %12s %12s\n", "threads", "best GB/s", "median GB/s", "best ms");
  int status = 0;
  for (const int threads : cfg.threads) {
    Arrays x(n);  // fresh arrays: first touch by this thread count's blocks
    std::vector<double> s = run(x, threads, cfg.reps);
    std::sort(s.begin(), s.end());
    const double median =
        s.size() % 2 ? s[s.size() / 2] : 0.5 * (s[s.size() / 2 - 1] + s[s.size() / 2]);
    std::printf("%8d %12.2f %12.2f %12.2f\n", threads, bytes / s.front() / 1e9,
                bytes / median / 1e9, s.front() * 1e3);
    if (!check(x)) {
      std::fprintf(stderr, "stream_triad: wrong result with %d threads\n", threads);
      status = 1;
    }
  }
  return status;
}

#include "app/machine.h"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#define ENTREPOT_PARALLEL_FOR _Pragma("omp parallel for schedule(static)")
#else
#define ENTREPOT_PARALLEL_FOR
#endif

namespace entrepot {

double upper_median(std::vector<double>& values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

double measure_stream_gbps(std::size_t bytes_per_array, int repeats) {
  const std::int64_t n =
      static_cast<std::int64_t>(std::max<std::size_t>(bytes_per_array / sizeof(double), 1));
  repeats = std::max(repeats, 1);
  // new double[n] leaves the pages untouched, so the parallel initialisation below places
  // each page on the memory node of the thread that will stream it.
  std::unique_ptr<double[]> a(new double[n]), b(new double[n]), c(new double[n]);
  const double scalar = 3.0;

  ENTREPOT_PARALLEL_FOR
  for (std::int64_t i = 0; i < n; ++i) {
    a[i] = 0.0;
    b[i] = 1.0;
    c[i] = 2.0;
  }

  std::vector<double> times;
  times.reserve(repeats);
  for (int r = 0; r <= repeats; ++r) {  // pass 0 warms up and is not timed
    const auto start = std::chrono::steady_clock::now();
    ENTREPOT_PARALLEL_FOR
    for (std::int64_t i = 0; i < n; ++i) a[i] = b[i] + scalar * c[i];
    const double t = seconds_since(start);
    if (r > 0) times.push_back(std::max(t, 1e-9));  // below the clock's resolution
  }

  // Read the result so the passes cannot be optimised away; 1 + 3*2 = 7 everywhere.
  if (a[0] != 7.0 || a[n - 1] != 7.0) return 0.0;

  std::sort(times.begin(), times.end());
  const std::size_t mid = times.size() / 2;
  const double median = times.size() % 2 == 1 ? times[mid] : 0.5 * (times[mid - 1] + times[mid]);
  const double bytes = 3.0 * sizeof(double) * static_cast<double>(n);
  return bytes / median / 1e9;
}

long peak_rss_mb() {
  struct rusage usage {};
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  return usage.ru_maxrss / 1024;  // KiB on Linux
}

namespace {

// The first number in `path` (a cgroup file); 0 when absent or "max" (no limit).
std::uint64_t read_bytes(const char* path) {
  std::ifstream in(path);
  std::uint64_t value = 0;
  return (in >> value) ? value : 0;
}

}  // namespace

std::uint64_t available_host_bytes() {
  std::uint64_t available = 0;
  std::ifstream meminfo("/proc/meminfo");
  for (std::string key; meminfo >> key;) {
    std::uint64_t kib = 0;
    if (key == "MemAvailable:" && (meminfo >> kib)) {
      available = kib * 1024;
      break;
    }
    meminfo.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
  }
  // A batch job's cgroup may allow less than the machine has free (cgroup v2, then v1).
  for (const auto& [limit_file, usage_file] :
       {std::pair{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"},
        std::pair{"/sys/fs/cgroup/memory/memory.limit_in_bytes",
                  "/sys/fs/cgroup/memory/memory.usage_in_bytes"}}) {
    const std::uint64_t limit = read_bytes(limit_file), used = read_bytes(usage_file);
    if (limit == 0 || limit >= (std::uint64_t{1} << 60)) continue;
    const std::uint64_t left = limit > used ? limit - used : 0;
    if (available == 0 || left < available) available = left;
  }
  return available;
}

int openmp_threads() {
#ifdef _OPENMP
  return omp_get_max_threads();
#else
  return 1;
#endif
}

}  // namespace entrepot

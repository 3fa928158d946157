// What the machine gives a run: memory bandwidth, peak memory, OpenMP threads. Used by
// `entrepot bench` and for the provenance of timings.
#pragma once

#include <cstddef>

namespace entrepot {

// Memory bandwidth in GB/s (1e9 bytes/s) of a STREAM-triad pass a[i] = b[i] + s*c[i] over
// three double arrays of `bytes_per_array` bytes each, run with the current OpenMP
// threads (static schedule, arrays first touched by the threads that use them). Each pass
// counts 24 bytes per element (two reads, one write); the result is the MEDIAN over
// `repeats` timed passes, after one untimed warm-up pass. Arrays much larger than the
// last-level cache (the default, 256 MiB each) measure main memory.
double measure_stream_gbps(std::size_t bytes_per_array = std::size_t{256} << 20, int repeats = 5);

// Peak resident set size of this process so far, in MiB (getrusage ru_maxrss).
long peak_rss_mb();

// Threads an OpenMP parallel region would use now (omp_get_max_threads); 1 without OpenMP.
int openmp_threads();

}  // namespace entrepot

// What the machine gives a run: memory bandwidth, peak memory, OpenMP threads, and the
// device the kernels run on. Used by `entrepot bench`, `entrepot device` and for the
// provenance of timings. The device functions are the one place where the program asks
// the CUDA runtime directly (app/machine_device.cpp); with the omp backend the device is
// the host.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace entrepot {

// Memory bandwidth in GB/s (1e9 bytes/s) of a STREAM-triad pass a[i] = b[i] + s*c[i] over
// three double arrays of `bytes_per_array` bytes each, run with the current OpenMP
// threads (static schedule, arrays first touched by the threads that use them). Each pass
// counts 24 bytes per element (two reads, one write); the result is the MEDIAN over
// `repeats` timed passes, after one untimed warm-up pass. Arrays much larger than the
// last-level cache (the default, 256 MiB each) measure main memory.
// Sorts timings (or any figures) and returns the upper of their middle two: the median of an
// odd count, which the benchmarks run. `values` must not be empty.
double upper_median(std::vector<double>& values);

double measure_stream_gbps(std::size_t bytes_per_array = std::size_t{256} << 20, int repeats = 5);

// The backend the kernels were built for, as result files record it: "omp" or "cuda".
const char* backend_name();

// Whether the kernels' device can be used; when not, `reason` says why (a CUDA build on a
// machine without a GPU or driver). Always true with omp.
bool device_available(std::string& reason);

// Throws std::runtime_error("no CUDA device: REASON") when device_available() is false, so
// a command stops with one clear line before any work.
void require_device();

// One GPU per rank: the rank with place `local_rank` among its node's ranks drives device
// local_rank mod (devices on the node). A no-op on CPU threads.
void select_device(int local_rank);

// One line naming the device, e.g. "cuda: NVIDIA H100 80GB HBM3, compute capability 9.0,
// 79.2 GiB, 132 multiprocessors" or "omp: 16 OpenMP threads on the host".
std::string describe_device();

// Memory bandwidth of the device the kernels run on, in GB/s. With omp, measure_stream_gbps
// itself; with cuda, the same triad a[i] = b[i] + s*c[i] on the GPU over three arrays of
// `bytes_per_array` bytes in device memory, each pass timed with CUDA events and counted as
// 24 bytes per element (two reads, one write), the median over `repeats` passes after one
// untimed warm-up.
double measure_device_stream_gbps(std::size_t bytes_per_array = std::size_t{256} << 20,
                                  int repeats = 5);

// Peak resident set size of this process so far, in MiB (getrusage ru_maxrss).
long peak_rss_mb();

// The most device memory in use so far, in MiB: the device's total less its free memory
// (so the CUDA context, local memory and allocator pools count, and so would another
// process on the same GPU), read after each device allocation of 1 MiB or more that this
// program made, and now. −1 with omp, where device memory is host memory (peak_rss_mb).
// Throws std::runtime_error if the device could not be asked once.
long peak_device_mb();

// The free and total memory of this rank's GPU (cudaMemGetInfo); false with omp, where
// the kernels' memory is the host's (available_host_bytes).
bool device_memory(std::size_t& free_bytes, std::size_t& total_bytes);

// Host memory this process may still take, in bytes: MemAvailable of /proc/meminfo, or
// less where a cgroup limit (a batch job's allocation) leaves less; 0 when unknown.
std::uint64_t available_host_bytes();

// Threads an OpenMP parallel region would use now (omp_get_max_threads); 1 without OpenMP.
int openmp_threads();

}  // namespace entrepot

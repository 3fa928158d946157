// The backend-dependent half of app/machine.h: the device the kernels run on and its
// memory bandwidth. In the CUDA build nvcc compiles this file (it uses Thrust); besides the
// Thrust calls in kernels/, it is the only code that talks to the CUDA runtime.
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "app/machine.h"

#if defined(ENTREPOT_BACKEND_CUDA)
#include <cuda_runtime.h>
#include <thrust/copy.h>
#include <thrust/device_vector.h>
#include <thrust/execution_policy.h>
#include <thrust/transform.h>

#include <cstdio>
#endif

namespace entrepot {

void require_device() {
  std::string reason;
  if (!device_available(reason)) throw std::runtime_error("no CUDA device: " + reason);
}

#if defined(ENTREPOT_BACKEND_CUDA)

namespace {

void check_cuda(cudaError_t status, const std::string& what) {
  if (status != cudaSuccess) {
    throw std::runtime_error(what + ": " + cudaGetErrorString(status));
  }
}

// Owns a CUDA object and releases it with the matching call.
template <class T, cudaError_t (*Release)(T)>
class Owned {
 public:
  explicit Owned(cudaError_t (*create)(T*), const char* what) { check_cuda(create(&value_), what); }
  ~Owned() { Release(value_); }
  Owned(const Owned&) = delete;
  Owned& operator=(const Owned&) = delete;
  T get() const { return value_; }

 private:
  T value_{};
};

using Event = Owned<cudaEvent_t, cudaEventDestroy>;
using Stream = Owned<cudaStream_t, cudaStreamDestroy>;

// The device memory in use at its highest reading, and the first failed reading.
std::atomic<std::size_t> device_bytes_peak{0};
std::atomic<int> device_reading_failed{cudaSuccess};

void read_device_memory() {
  std::size_t free = 0, total = 0;
  const cudaError_t status = cudaMemGetInfo(&free, &total);
  if (status != cudaSuccess) {
    int none = cudaSuccess;
    device_reading_failed.compare_exchange_strong(none, status);
    return;
  }
  const std::size_t used = total - free;
  std::size_t seen = device_bytes_peak.load();
  while (used > seen && !device_bytes_peak.compare_exchange_weak(seen, used)) {
  }
}

// An allocation's status, with the memory in use read after it succeeded. Smaller
// allocations cannot move a peak of gigabytes; the reading costs microseconds.
cudaError_t read_after(cudaError_t status, std::size_t bytes) {
  if (status == cudaSuccess && bytes >= (std::size_t{1} << 20)) read_device_memory();
  return status;
}

struct Triad {
  double scalar;
  __host__ __device__ double operator()(double b, double c) const { return b + scalar * c; }
};

}  // namespace

const char* backend_name() {
  return "cuda";
}

bool device_available(std::string& reason) {
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) {
    reason = std::string(cudaGetErrorName(status)) + ", " + cudaGetErrorString(status);
    if (status == cudaErrorInsufficientDriver) {
      reason += " (no NVIDIA driver here, or one too old for this CUDA runtime)";
    }
    cudaGetLastError();  // clear it, so that it does not resurface in a later call
    return false;
  }
  if (count == 0) {
    reason = "the CUDA runtime sees no GPU";
    return false;
  }
  return true;
}

void select_device(int local_rank) {
  require_device();
  int count = 0;
  check_cuda(cudaGetDeviceCount(&count), "cannot count the CUDA devices");
  check_cuda(cudaSetDevice(local_rank % count), "cannot select the CUDA device of this rank");
}

std::string describe_device() {
  require_device();
  int device = 0, driver = 0, runtime = 0;
  check_cuda(cudaGetDevice(&device), "cannot select a CUDA device");
  cudaDeviceProp p{};
  check_cuda(cudaGetDeviceProperties(&p, device), "cannot read the CUDA device's properties");
  check_cuda(cudaDriverGetVersion(&driver), "cannot read the CUDA driver version");
  check_cuda(cudaRuntimeGetVersion(&runtime), "cannot read the CUDA runtime version");
  char text[512];
  std::snprintf(text, sizeof text,
                "cuda: device %d %s, compute capability %d.%d, %.1f GiB, %d multiprocessors, "
                "driver %d.%d, runtime %d.%d",
                device, p.name, p.major, p.minor,
                static_cast<double>(p.totalGlobalMem) / (1024.0 * 1024.0 * 1024.0),
                p.multiProcessorCount, driver / 1000, driver % 1000 / 10, runtime / 1000,
                runtime % 1000 / 10);
  return text;
}

double measure_device_stream_gbps(std::size_t bytes_per_array, int repeats) {
  require_device();
  const std::size_t n = std::max<std::size_t>(bytes_per_array / sizeof(double), 1);
  repeats = std::max(repeats, 1);
  thrust::device_vector<double> a(n, 0.0), b(n, 1.0), c(n, 2.0);
  const Stream stream(cudaStreamCreate, "cannot create a CUDA stream");
  const Event start(cudaEventCreate, "cannot create a CUDA event");
  const Event stop(cudaEventCreate, "cannot create a CUDA event");
  std::vector<double> times;
  for (int r = 0; r <= repeats; ++r) {  // pass 0 warms up and is not timed
    check_cuda(cudaEventRecord(start.get(), stream.get()), "cannot record a CUDA event");
    thrust::transform(thrust::cuda::par.on(stream.get()), b.begin(), b.end(), c.begin(), a.begin(),
                      Triad{3.0});
    check_cuda(cudaEventRecord(stop.get(), stream.get()), "cannot record a CUDA event");
    check_cuda(cudaEventSynchronize(stop.get()), "the triad kernel failed");
    float ms = 0.0f;
    check_cuda(cudaEventElapsedTime(&ms, start.get(), stop.get()), "cannot time the triad");
    if (r > 0) times.push_back(std::max(static_cast<double>(ms) * 1e-3, 1e-9));
  }

  // Read the result so the passes are known to have run; 1 + 3*2 = 7 everywhere.
  double ends[2] = {0.0, 0.0};
  thrust::copy(a.begin(), a.begin() + 1, ends);
  thrust::copy(a.end() - 1, a.end(), ends + 1);
  if (ends[0] != 7.0 || ends[1] != 7.0) return 0.0;

  std::sort(times.begin(), times.end());
  const std::size_t mid = times.size() / 2;
  const double median = times.size() % 2 == 1 ? times[mid] : 0.5 * (times[mid - 1] + times[mid]);
  const double bytes = 3.0 * sizeof(double) * static_cast<double>(n);
  return bytes / median / 1e9;
}

long peak_device_mb() {
  read_device_memory();
  const int failed = device_reading_failed.load();
  if (failed != cudaSuccess) {
    throw std::runtime_error(std::string("cannot read the device memory in use: ") +
                             cudaGetErrorString(static_cast<cudaError_t>(failed)));
  }
  return static_cast<long>(device_bytes_peak.load() >> 20);
}

bool device_memory(std::size_t& free_bytes, std::size_t& total_bytes) {
  check_cuda(cudaMemGetInfo(&free_bytes, &total_bytes), "cannot read the device's free memory");
  return true;
}

#else  // the omp backend: the device is the host

const char* backend_name() {
  return "omp";
}

bool device_available(std::string& reason) {
  reason.clear();
  return true;
}

void select_device(int) {}

std::string describe_device() {
  return "omp: " + std::to_string(openmp_threads()) + " OpenMP threads on the host";
}

double measure_device_stream_gbps(std::size_t bytes_per_array, int repeats) {
  return measure_stream_gbps(bytes_per_array, repeats);
}

long peak_device_mb() {
  return -1;
}

bool device_memory(std::size_t& free_bytes, std::size_t& total_bytes) {
  free_bytes = total_bytes = 0;
  return false;
}

#endif

}  // namespace entrepot

#if defined(ENTREPOT_BACKEND_CUDA)
// Every device allocation of the program comes through here: the link redirects the calls
// to cudaMalloc (device vectors, Thrust's temporary storage) and cudaMallocAsync (which
// Thrust's temporary buffers can use) to these wrappers (`--wrap`, cmake/cuda.cmake),
// which read the memory in use after each one.
extern "C" {
cudaError_t __real_cudaMalloc(void** pointer, std::size_t bytes);
cudaError_t __real_cudaMallocAsync(void** pointer, std::size_t bytes, cudaStream_t stream);

cudaError_t __wrap_cudaMalloc(void** pointer, std::size_t bytes) {
  return entrepot::read_after(__real_cudaMalloc(pointer, bytes), bytes);
}

cudaError_t __wrap_cudaMallocAsync(void** pointer, std::size_t bytes, cudaStream_t stream) {
  return entrepot::read_after(__real_cudaMallocAsync(pointer, bytes, stream), bytes);
}
}
#endif

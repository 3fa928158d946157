// Backend macros: the same rule source compiles for the host (g++) and the device (nvcc).
#pragma once

#include <cstdint>

#if defined(__CUDACC__)
#define ENTREPOT_HD __host__ __device__ __forceinline__
#else
#define ENTREPOT_HD inline
#endif

namespace entrepot {

// Integer addition is associative, so concurrent int64 accumulation gives the same
// bytes whatever the order or thread count (DESIGN §3). Never used on floats.
ENTREPOT_HD void atomic_add(std::int64_t* target, std::int64_t amount) {
#if defined(__CUDA_ARCH__)
  atomicAdd(reinterpret_cast<unsigned long long*>(target), static_cast<unsigned long long>(amount));
#else
  __atomic_fetch_add(target, amount, __ATOMIC_RELAXED);
#endif
}

// Adds and returns the value before: a slot in a shared output list.
ENTREPOT_HD std::int64_t atomic_fetch_add(std::int64_t* target, std::int64_t amount) {
#if defined(__CUDA_ARCH__)
  return static_cast<std::int64_t>(atomicAdd(reinterpret_cast<unsigned long long*>(target),
                                             static_cast<unsigned long long>(amount)));
#else
  return __atomic_fetch_add(target, amount, __ATOMIC_RELAXED);
#endif
}

// Sets bits of a word: marks in a bitmap that many threads write.
ENTREPOT_HD void atomic_or(std::uint32_t* target, std::uint32_t bits) {
#if defined(__CUDA_ARCH__)
  atomicOr(reinterpret_cast<unsigned int*>(target), static_cast<unsigned int>(bits));
#else
  __atomic_fetch_or(target, bits, __ATOMIC_RELAXED);
#endif
}

ENTREPOT_HD void atomic_add(std::int32_t* target, std::int32_t amount) {
#if defined(__CUDA_ARCH__)
  atomicAdd(target, amount);
#else
  __atomic_fetch_add(target, amount, __ATOMIC_RELAXED);
#endif
}

// Asks the CPU to start loading a cache line the loop will need soon: random reads of
// seller records are latency-bound, and overlapping them is most of the speed on a CPU.
// A no-op on the device, where many resident threads hide latency instead.
ENTREPOT_HD void prefetch(const void* address) {
#if !defined(__CUDA_ARCH__)
  __builtin_prefetch(address, 1, 1);
#else
  (void)address;
#endif
}

}  // namespace entrepot

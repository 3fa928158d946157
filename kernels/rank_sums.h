// A device vector of int64 totals that each rank filled for its own agents, summed over the
// ranks in place (through the host; nothing to do on one rank).
#pragma once

#include <thrust/copy.h>
#include <thrust/device_vector.h>

#include <cstdint>
#include <vector>

#include "kernels/ranks.h"

namespace entrepot {

inline void sum_over_ranks(const Ranks& ranks, thrust::device_vector<std::int64_t>& totals) {
  if (!ranks.distributed()) return;
  std::vector<std::int64_t> all(totals.size());
  thrust::copy(totals.begin(), totals.end(), all.begin());
  ranks.sum_over_ranks(all.data(), all.size());
  thrust::copy(all.begin(), all.end(), totals.begin());
}

}  // namespace entrepot

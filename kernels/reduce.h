// Exact int64 totals per region or block: fixed-width tuples summed with reduce_by_key
// over agents already sorted by region (DESIGN §3.2).
#pragma once

#include <thrust/device_vector.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/iterator/discard_iterator.h>
#include <thrust/iterator/transform_iterator.h>
#include <thrust/reduce.h>

#include <cstdint>
#include <vector>

#include "base/backend.h"

namespace entrepot {

template <int N>
struct Totals {
  std::int64_t v[N];
};

template <int N>
struct AddTotals {
  ENTREPOT_HD Totals<N> operator()(const Totals<N>& a, const Totals<N>& b) const {
    Totals<N> c;
    for (int i = 0; i < N; ++i) c.v[i] = a.v[i] + b.v[i];
    return c;
  }
};

// Sums `values(i)` (a functor returning Totals<N>) over agents [0, n) grouped by the
// consecutive keys `key(i)`; returns `groups` rows (rows with no agents stay zero).
template <int N, class KeyFn, class ValueFn>
std::vector<Totals<N>> totals_by_key(std::size_t n, int groups, KeyFn key, ValueFn values) {
  std::vector<Totals<N>> out(groups);
  for (auto& row : out) {
    for (int i = 0; i < N; ++i) row.v[i] = 0;
  }
  if (n == 0) return out;
  thrust::device_vector<std::int32_t> keys(groups);
  thrust::device_vector<Totals<N>> sums(groups);
  auto first = thrust::counting_iterator<std::size_t>(0);
  auto end = thrust::reduce_by_key(thrust::make_transform_iterator(first, key),
                                   thrust::make_transform_iterator(first + n, key),
                                   thrust::make_transform_iterator(first, values), keys.begin(),
                                   sums.begin(), thrust::equal_to<std::int32_t>(), AddTotals<N>());
  const std::size_t used = static_cast<std::size_t>(end.first - keys.begin());
  std::vector<std::int32_t> host_keys(used);
  std::vector<Totals<N>> host_sums(used);
  thrust::copy(keys.begin(), keys.begin() + used, host_keys.begin());
  thrust::copy(sums.begin(), sums.begin() + used, host_sums.begin());
  for (std::size_t i = 0; i < used; ++i) out[host_keys[i]] = host_sums[i];
  return out;
}

// Grouping keys: agents are stored sorted by (region, sector), so these are consecutive.
struct FirmRegion {
  std::int32_t sectors;
  const std::int32_t* block;
  ENTREPOT_HD std::int32_t operator()(std::size_t j) const { return block[j] / sectors; }
};

struct FirmBlock {
  const std::int32_t* block;
  ENTREPOT_HD std::int32_t operator()(std::size_t j) const { return block[j]; }
};

struct HouseholdRegion {
  const std::uint16_t* region;
  ENTREPOT_HD std::int32_t operator()(std::size_t n) const { return region[n]; }
};

// A firm's loan: summed per region, what the region's firms owe.
struct FirmLoan {
  const std::int64_t* loan;
  ENTREPOT_HD Totals<1> operator()(std::size_t j) const { return Totals<1>{{loan[j]}}; }
};

// 1 for a household without a job: summed per region, the unemployed.
struct Unemployed {
  const std::int32_t* employer;
  ENTREPOT_HD Totals<1> operator()(std::size_t n) const {
    return Totals<1>{{employer[n] < 0 ? 1 : 0}};
  }
};

}  // namespace entrepot

// Device vectors copied to the host, for tests that inspect agent state.
#pragma once

#include <thrust/copy.h>
#include <thrust/device_vector.h>

#include <vector>

namespace entrepot::testing {

template <class T>
std::vector<T> to_host(const thrust::device_vector<T>& v) {
  std::vector<T> out(v.size());
  thrust::copy(v.begin(), v.end(), out.begin());
  return out;
}

}  // namespace entrepot::testing

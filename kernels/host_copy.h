// Device vectors copied to the host: for code that inspects agent state outside the kernels
// (tests, the exchange estimate).
#pragma once

#include <thrust/copy.h>
#include <thrust/device_vector.h>

#include <vector>

namespace entrepot {

template <class T>
std::vector<T> to_host(const thrust::device_vector<T>& v) {
  std::vector<T> out(v.size());
  thrust::copy(v.begin(), v.end(), out.begin());
  return out;
}

}  // namespace entrepot

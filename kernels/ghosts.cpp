#include "kernels/ghosts.h"

#include <thrust/functional.h>
#include <thrust/scan.h>

#include <stdexcept>
#include <string>
#include <utility>

namespace entrepot {

namespace {

// The last ghost of each bucket writes, one past its bucket, where the bucket ends; a running
// maximum then carries each end over the empty buckets after it. Sorted ids make both passes
// linear and free of atomics, whatever the gaps between ids (a rank's own range is one).
struct BucketEnd {
  const std::int64_t* ids;
  std::int32_t* bucket;
  std::size_t size;
  int shift;
  ENTREPOT_HD void operator()(std::size_t g) const {
    const std::int64_t b = ids[g] >> shift;
    if (g + 1 == size || (ids[g + 1] >> shift) != b)
      bucket[b + 1] = static_cast<std::int32_t>(g + 1);
  }
};

}  // namespace

void Ghosts::assign(std::vector<std::int64_t> sorted) {
  thrust::device_vector<std::int64_t> copy(sorted.begin(), sorted.end());
  assign(std::move(sorted), std::move(copy));
}

void Ghosts::assign(std::vector<std::int64_t> sorted,
                    thrust::device_vector<std::int64_t> on_device) {
  if (on_device.size() != sorted.size()) {
    throw std::logic_error("Ghosts::assign: " + std::to_string(on_device.size()) +
                           " ids in device memory for " + std::to_string(sorted.size()));
  }
  ids = std::move(sorted);
  device_ids = std::move(on_device);
  shift = 0;
  if (ids.empty()) {
    bucket.clear();
    return;
  }
  // Buckets over [0, last ghost], at most two per ghost: 8 bytes per ghost at most.
  const std::int64_t last = ids.back();
  while ((last >> shift) + 1 > 2 * static_cast<std::int64_t>(ids.size())) ++shift;
  const std::int64_t buckets = (last >> shift) + 1;
  bucket.assign(static_cast<std::size_t>(buckets) + 1, 0);
  auto first = thrust::counting_iterator<std::size_t>(0);
  thrust::for_each(first, first + ids.size(),
                   BucketEnd{thrust::raw_pointer_cast(device_ids.data()),
                             thrust::raw_pointer_cast(bucket.data()), ids.size(), shift});
  thrust::inclusive_scan(bucket.begin(), bucket.end(), bucket.begin(),
                         thrust::maximum<std::int32_t>());
}

SellerIndex Ghosts::index(const OwnedSellers& owned) const {
  SellerIndex index;
  index.sellers = owned;
  index.owned = owned.total();
  if (!ids.empty()) {
    index.ghost_ids = thrust::raw_pointer_cast(device_ids.data());
    index.bucket = thrust::raw_pointer_cast(bucket.data());
    index.buckets = static_cast<std::int64_t>(bucket.size()) - 1;
    index.shift = shift;
  }
  return index;
}

std::vector<std::int64_t> SellerSet::ids() const {
  const std::vector<std::uint32_t> words = to_host(bits_);
  std::vector<std::int64_t> out;
  for (std::size_t w = 0; w < words.size(); ++w) {
    for (std::uint32_t bits = words[w]; bits != 0; bits &= bits - 1) {
      out.push_back(static_cast<std::int64_t>(w) * 32 + __builtin_ctz(bits));
    }
  }
  return out;
}

std::vector<std::int64_t> linked_sellers(const Ranks& ranks, const Economy& economy,
                                         int consumer_slots) {
  const SellerIndex owned = ranks.owned_index();
  const FirmStore::ConstView f = economy.firms.view();
  const ConsumerStore::ConstView h = economy.consumers.view();
  const RetailerStore::ConstView r = economy.retailers.view();
  const TraderStore::ConstView w = economy.traders.view();
  return merge_ids(
      merge_ids(
          collect_ids(ranks, f.size, LinkedSellers{f.supplier, f.size, kInputSlots, owned}),
          collect_ids(ranks, h.size, LinkedSellers{h.retailer, h.size, consumer_slots, owned})),
      merge_ids(
          collect_ids(ranks, r.size, LinkedSellers{r.supplier, r.size, kRetailSlots, owned}),
          collect_ids(ranks, w.size, LinkedSellers{w.supplier, w.size, kRetailSlots, owned})));
}

}  // namespace entrepot

#include "kernels/ghosts.h"

#include <utility>

namespace entrepot {

void Ghosts::assign(std::vector<std::int64_t> sorted) {
  ids = std::move(sorted);
  bits = 1;
  while ((std::size_t{1} << bits) < 2 * ids.size()) ++bits;  // at most half full
  const std::size_t size = std::size_t{1} << bits;
  std::vector<std::int64_t> table(size, -1);
  std::vector<std::int32_t> place(size, -1);
  for (std::size_t g = 0; g < ids.size(); ++g) {
    std::uint64_t slot =
        (static_cast<std::uint64_t>(ids[g]) * 0x9E3779B97F4A7C15ULL) >> (64 - bits);
    while (table[slot] >= 0) slot = (slot + 1) & (size - 1);
    table[slot] = ids[g];
    place[slot] = static_cast<std::int32_t>(g);
  }
  keys.assign(table.begin(), table.end());
  places.assign(place.begin(), place.end());
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

std::vector<std::int64_t> linked_sellers(Model& m) {
  const SellerIndex owned = m.owned_index();
  FirmStore::View f = m.firms.view();
  ConsumerStore::View h = m.consumers.view();
  return merge_ids(
      collect_ids(m, f.size, LinkedSellers{f.supplier, f.size, kInputSlots, owned}),
      collect_ids(m, h.size, LinkedSellers{h.retailer, h.size, m.tables.consumer_slots, owned}));
}

}  // namespace entrepot

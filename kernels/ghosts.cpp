#include "kernels/ghosts.h"

namespace entrepot {

std::vector<std::int64_t> linked_sellers(Model& m, const SellerIndex& held) {
  FirmStore::View f = m.firms.view();
  ConsumerStore::View h = m.consumers.view();
  return merge_ids(
      collect_ids(f.size, LinkedSellers{f.supplier, f.size, kInputSlots, held}),
      collect_ids(h.size, LinkedSellers{h.retailer, h.size, m.tables.consumer_slots, held}));
}

}  // namespace entrepot

// Entity lists (export controls on named firms): the lists a firm is on, and whether a ban
// on one of them keeps it from buying a sector from a seller (World::entity_share and
// entity_ban; docs/model.md §2).
#pragma once

#include <cstdint>

#include "agents/trade.h"
#include "base/rng.h"
#include "kernels/tables.h"
#include "world/world.h"

namespace entrepot {

// A bit per entity list firm `firm` (a global firm id) of `block` is on: the firm's fixed
// draw against its block's share, or its id.
ENTREPOT_HD std::uint8_t entity_lists_of(const TablesView& t, const Philox& rng, std::uint64_t firm,
                                         int block) {
  std::uint32_t lists = 0;
  const std::size_t blocks = static_cast<std::size_t>(t.regions) * t.sectors;
  for (int l = 0; l < t.entity_lists; ++l) {
    const double share = t.entity_share[static_cast<std::size_t>(l) * blocks + block];
    if (share > 0.0 &&
        on_entity_list(rng.uniform(firm, 0, Draw::entity_list, static_cast<std::uint32_t>(l)),
                       share)) {
      lists |= 1u << l;
    }
  }
  std::int64_t lo = 0, hi = t.entity_named;  // the first named id at or after `firm`
  while (lo < hi) {
    const std::int64_t mid = (lo + hi) / 2;
    if (t.entity_id[mid] < static_cast<std::int64_t>(firm)) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  if (lo < t.entity_named && t.entity_id[lo] == static_cast<std::int64_t>(firm)) {
    lists |= t.entity_id_lists[lo];
  }
  return static_cast<std::uint8_t>(lists);
}

// The lists of firm `firm` that some ban covers now, as buyers' searches and orders read
// them: no draw at all in the runs (and steps) without such a ban.
ENTREPOT_HD std::uint8_t barred_lists(const TablesView& t, const Philox& rng, std::uint64_t firm,
                                      int block) {
  return t.any_entity_ban ? entity_lists_of(t, rng, firm, block) : std::uint8_t{0};
}

// Whether a buyer on `lists` in region `dest` may not buy `sector` from a seller in region
// `origin`: a ban of the origin's country covers one of its lists (sales within a country are
// no exports).
ENTREPOT_HD bool entity_banned(const TablesView& t, std::uint8_t lists, int origin, int dest,
                               int sector) {
  if (lists == 0) return false;
  const int exporter = t.region_country[origin];
  return exporter != t.region_country[dest] &&
         (t.entity_ban[static_cast<std::size_t>(exporter) * t.sectors + sector] & lists) != 0;
}

// The entity tables of `tables` from the lists and bans now in force.
void build_entity_tables(const World& world, Tables& tables);

}  // namespace entrepot

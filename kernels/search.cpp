// Phase 2: supplier search. Each buyer slot, with probability ψ, draws m candidate sellers
// (origin region from the gravity table of its destination and sector, then a seller of
// that block) and switches to the cheapest if it beats the current landed cost by more
// than the sector's switching cost. Banned or missing suppliers are always replaced.
#include <thrust/iterator/counting_iterator.h>
#include <thrust/transform_reduce.h>

#include "agents/rules.h"
#include "kernels/phases.h"

namespace entrepot {
namespace {

struct SupplierSearch {
  TablesView t;
  const std::int32_t* seller_block;
  const double* seller_price;
  const std::int64_t* seller_demand;   // last step's orders …
  const std::int64_t* seller_shipped;  // … and what was shipped: less means rationed
  Philox rng;
  int step;
  double probability;  // 1 at set-up: every slot searches
  int candidates;

  ENTREPOT_HD double cost(std::int32_t seller, int dest, int sector) const {
    const int origin = seller_block[seller] / t.sectors;
    return landed_cost(seller_price[seller], t.trade_factor[t.rrs(origin, dest, sector)]);
  }

  // Returns the slot's supplier after search; `switched` tells whether it changed.
  ENTREPOT_HD std::int32_t operator()(std::uint64_t buyer, std::uint32_t slot, int dest, int sector,
                                      std::int32_t current, bool& switched) const {
    switched = false;
    const std::uint32_t base = slot * 16;
    // A buyer its supplier rationed last step always looks elsewhere.
    const bool rationed = current >= 0 && seller_shipped[current] < seller_demand[current];
    if (current >= 0 && !rationed && probability < 1.0 &&
        rng.uniform(buyer, step, Draw::search, base) >= probability) {
      return current;
    }
    const double current_cost = current >= 0 ? cost(current, dest, sector) : 0.0;
    const bool must_replace = current < 0 || is_banned(current_cost / seller_price[current]);
    std::int32_t best = -1;
    double best_cost = 0.0;
    const std::uint64_t* cdf =
        t.origin_cdf + (static_cast<std::size_t>(dest) * t.sectors + sector) * t.regions;
    if (cdf[t.regions - 1] == 0) return current;  // nothing reachable
    for (int c = 0; c < candidates; ++c) {
      const auto w = rng.words(buyer, step, Draw::search, base + 1 + static_cast<std::uint32_t>(c));
      int origin = 0;
      while (static_cast<std::uint64_t>(w[0]) >= cdf[origin]) ++origin;
      const std::int64_t first = t.block_start[origin * t.sectors + sector];
      const std::int64_t count = t.block_start[origin * t.sectors + sector + 1] - first;
      const auto seller = static_cast<std::int32_t>(
          first + static_cast<std::int64_t>((static_cast<std::uint64_t>(w[1]) * count) >> 32));
      // A seller that rationed its buyers last step has no goods to spare for new ones.
      if (seller_shipped[seller] < seller_demand[seller]) continue;
      const double candidate_cost = cost(seller, dest, sector);
      if (is_banned(candidate_cost / seller_price[seller])) continue;
      if (best < 0 || candidate_cost < best_cost ||
          (candidate_cost == best_cost && seller < best)) {
        best = seller;
        best_cost = candidate_cost;
      }
    }
    if (best < 0 || best == current) return current;
    const double switching = t.switching_cost[sector];
    // A rationed buyer takes a seller with goods to spare, even at a higher price.
    if (must_replace || rationed || should_switch(current_cost, best_cost, switching)) {
      switched = true;
      return best;
    }
    return current;
  }
};

// One firm input slot per index i = k·F + j.
struct FirmSlotSearch {
  SupplierSearch search;
  FirmStore::View f;
  ENTREPOT_HD std::int64_t operator()(std::size_t i) const {
    const std::size_t j = i % f.size;
    const int k = static_cast<int>(i / f.size);
    const int sector = f.block[j] % search.t.sectors;
    const int input = search.t.input_sector[sector * kInputSlots + k];
    if (input < 0) return 0;
    bool switched = false;
    const int dest = f.block[j] / search.t.sectors;
    f.supplier[i] = search(j, static_cast<std::uint32_t>(k), dest, input, f.supplier[i], switched);
    return switched ? 1 : 0;
  }
};

// One household slot per index i = c·N + h.
struct HouseholdSlotSearch {
  SupplierSearch search;
  ConsumerStore::View h;
  std::size_t firms;
  ENTREPOT_HD std::int64_t operator()(std::size_t i) const {
    const std::size_t n = i % h.size;
    const int c = static_cast<int>(i / h.size);
    bool switched = false;
    const int sector = search.t.consumer_sector[c];
    h.retailer[i] = search(firms + n, static_cast<std::uint32_t>(kInputSlots + c), h.region[n],
                           sector, h.retailer[i], switched);
    return switched ? 1 : 0;
  }
};

std::int64_t run_search(Model& m, int step, double probability) {
  const Behaviour& b = m.scenario.behaviour;
  FirmStore::View f = m.firms.view();
  SupplierSearch search{m.tables.view(),
                        f.block,
                        f.price,
                        f.demand,
                        f.shipped,
                        m.rng,
                        step,
                        probability,
                        b.candidates < 15 ? b.candidates : 15};
  auto first = thrust::counting_iterator<std::size_t>(0);
  const std::int64_t by_firms =
      thrust::transform_reduce(first, first + f.size * kInputSlots, FirmSlotSearch{search, f},
                               std::int64_t{0}, thrust::plus<std::int64_t>());
  const std::size_t households =
      m.consumers.size * static_cast<std::size_t>(m.tables.consumer_slots);
  const std::int64_t by_households = thrust::transform_reduce(
      first, first + households, HouseholdSlotSearch{search, m.consumers.view(), f.size},
      std::int64_t{0}, thrust::plus<std::int64_t>());
  return by_firms + by_households;
}

}  // namespace

std::int64_t search_suppliers(Model& m, int step, double probability) {
  return run_search(m, step, probability);
}

}  // namespace entrepot

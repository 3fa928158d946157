// Phase 2: supplier search. Each buyer slot, at staggered reviews a share ψ of the steps
// (and whenever it was rationed or has no seller), draws m candidate sellers
// (origin region from the gravity table of its destination and sector, then a seller of
// that block) and switches to the cheapest if it beats the current landed cost by more
// than the sector's switching cost. Banned or missing suppliers are always replaced.
#include <thrust/iterator/counting_iterator.h>
#include <thrust/transform.h>
#include <thrust/transform_reduce.h>

#include "agents/rules.h"
#include "kernels/phases.h"

namespace entrepot {
namespace {

struct SupplierSearch {
  TablesView t;
  const Quote* quotes;
  Philox rng;
  int step;
  bool every_step;            // ψ ≥ 1 (and at set-up): every slot searches
  std::uint32_t review_rate;  // ⌊ψ·2^32⌋, the phase step of the staggered reviews
  int candidates;

  // τ(1+t) from the seller's region to `dest`; infinite-like when the flow is banned.
  ENTREPOT_HD double factor(std::int32_t seller, int dest, int sector) const {
    return t.trade_factor[t.rrs(quotes[seller].origin, dest, sector)];
  }

  // Whether slot `slot` of `buyer` reviews its supplier this step: staggered reviews
  // (agents/rules.h), so no Philox draw is spent on the many slots that do not search.
  ENTREPOT_HD bool reviews(std::uint64_t buyer, std::uint32_t slot) const {
    return every_step || reviews_supplier(buyer, slot, step, review_rate);
  }

  // `rationed`: the slot was left short last step, so the buyer looks for a seller with
  // goods to spare and takes one even at a higher price.
  ENTREPOT_HD std::int32_t operator()(std::uint64_t buyer, std::uint32_t slot, int dest, int sector,
                                      std::int32_t current, bool searching, bool rationed,
                                      bool& switched) const {
    switched = false;
    const std::uint32_t base = (slot + 1) * 16;
    // A banned supplier (export ban) is replaced at once, not at the next routine search.
    const bool banned = t.any_ban && current >= 0 && is_banned(factor(current, dest, sector));
    if (current >= 0 && !banned && !searching && !rationed) return current;
    const double current_cost =
        current >= 0 ? landed_cost(quotes[current].price, factor(current, dest, sector)) : 0.0;
    const bool must_replace = current < 0 || banned;
    std::int32_t best = -1;
    double best_cost = 0.0;
    for (int c = 0; c < candidates; ++c) {
      // Two 32-bit words per candidate (origin, seller): one Philox draw serves two.
      const auto w =
          rng.words(buyer, step, Draw::search, base + 1 + static_cast<std::uint32_t>(c / 2));
      const std::uint32_t origin_word = w[2 * (c % 2)], seller_word = w[2 * (c % 2) + 1];
      const std::int32_t seller = t.find_seller(dest, sector, origin_word, seller_word);
      if (seller < 0) return current;  // nothing reachable
      // A seller that rationed its buyers last step has no goods to spare for new ones.
      if (quotes[seller].rationing != 0) continue;
      const double trade_factor = factor(seller, dest, sector);
      if (is_banned(trade_factor)) continue;
      const double candidate_cost = landed_cost(quotes[seller].price, trade_factor);
      if (best < 0 || candidate_cost < best_cost ||
          (candidate_cost == best_cost && seller < best)) {
        best = seller;
        best_cost = candidate_cost;
      }
    }
    if (best < 0 || best == current) return current;
    const double switching = t.switching_cost[sector];
    if (must_replace || rationed || should_switch(current_cost, best_cost, switching)) {
      switched = true;
      return best;
    }
    return current;
  }
};

// A seller's quote: price, region and whether it rationed its buyers last step.
struct QuoteOf {
  TablesView t;
  FirmStore::View f;
  ENTREPOT_HD Quote operator()(std::size_t j) const {
    return Quote{f.price[j], f.block[j] / t.sectors, f.shipped[j] < f.demand[j] ? 1 : 0};
  }
};

// The input slots of firm j.
struct FirmSearch {
  SupplierSearch search;
  FirmStore::View f;
  ENTREPOT_HD std::int64_t operator()(std::size_t j) const {
    const int sector = f.block[j] % search.t.sectors;
    const int dest = f.block[j] / search.t.sectors;
    std::int64_t switches = 0;
    for (int k = 0; k < kInputSlots; ++k) {
      const int input = search.t.input_sector[sector * kInputSlots + k];
      if (input < 0) continue;
      const std::size_t i = k * f.size + j;
      bool switched = false;
      const std::int32_t current = f.supplier[i];
      // A firm knows only that its supplier rationed its buyers.
      const bool rationed = current >= 0 && search.quotes[current].rationing != 0;
      const auto slot = static_cast<std::uint32_t>(k);
      f.supplier[i] =
          search(j, slot, dest, input, current, search.reviews(j, slot), rationed, switched);
      switches += switched ? 1 : 0;
    }
    return switches;
  }
};

// The retailer slots of household n.
struct HouseholdSearch {
  SupplierSearch search;
  ConsumerStore::View h;
  std::size_t firms;
  ENTREPOT_HD std::int64_t operator()(std::size_t n) const {
    std::int64_t switches = 0;
    for (int c = 0; c < search.t.consumer_slots; ++c) {
      const std::size_t i = c * h.size + n;
      bool switched = false;
      const auto slot = static_cast<std::uint32_t>(c);
      h.retailer[i] =
          search(firms + n, slot, h.region[n], search.t.consumer_sector[c], h.retailer[i],
                 search.reviews(firms + n, slot), ((h.spill[n] >> c) & 1u) != 0, switched);
      switches += switched ? 1 : 0;
    }
    return switches;
  }
};

}  // namespace

std::int64_t search_suppliers(Model& m, int step, double probability) {
  const Behaviour& b = m.scenario.behaviour;
  FirmStore::View f = m.firms.view();
  const TablesView t = m.tables.view();
  // One 16-byte quote per seller, so each candidate costs a single random read.
  m.quotes.resize(f.size);
  auto first = thrust::counting_iterator<std::size_t>(0);
  thrust::transform(first, first + f.size, m.quotes.begin(), QuoteOf{t, f});
  const bool every_step = probability >= 1.0;
  const auto rate = every_step ? 0u : static_cast<std::uint32_t>(probability * 4294967296.0);
  SupplierSearch search{t,    thrust::raw_pointer_cast(m.quotes.data()), m.rng, step, every_step,
                        rate, b.candidates < 15 ? b.candidates : 15};
  const std::int64_t by_firms = thrust::transform_reduce(
      first, first + f.size, FirmSearch{search, f}, std::int64_t{0}, thrust::plus<std::int64_t>());
  const std::int64_t by_households = thrust::transform_reduce(
      first, first + m.consumers.size, HouseholdSearch{search, m.consumers.view(), f.size},
      std::int64_t{0}, thrust::plus<std::int64_t>());
  return by_firms + by_households;
}

}  // namespace entrepot

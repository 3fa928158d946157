// Household purchases, as buyers of the generic market passes (kernels/market.h). Round
// one: each household orders its budget shares at its retailers, and every seller shares
// its stock out over all orders (firms' included). Round two: what a rationed household
// could not buy it tries at another seller of the same sector, drawn from the gravity table
// among those with stock left; a household served there keeps that seller. Both rounds are
// recomputed from stored seller totals, so no per-household order is stored and the bytes
// do not depend on the order of work.
#include <thrust/for_each.h>
#include <thrust/iterator/counting_iterator.h>

#include "kernels/ghosts.h"
#include "kernels/market.h"
#include "kernels/phases.h"

namespace entrepot {
namespace {

// How many households ahead the passes start loading seller records.
constexpr std::size_t kPrefetchAhead = 8;

// Where households' purchases are tallied: the bilateral flow cells, their value once more
// as final use, and per region and slot what was spent (value and duty) and delivered. At
// a local retailer only the last: the goods crossed no border here, and the retailer's own
// purchases carry them in the flow cells.
struct ConsumptionFlows {
  TablesView t;
  std::int64_t* flows;
  std::int64_t* household;  // [region][slot][spent, delivered]
  ENTREPOT_HD void operator()(int dest, int origin, int c, const std::int64_t* v) const {
    const std::size_t cell = t.rrs(origin, dest, t.consumer_sector[c]);
    if (!t.at_retailer(c)) {
      add_flows(flows, cell, v);
      if (v[kFlowValue] != 0) atomic_add(&flows[cell * kFlows + kFlowFinalValue], v[kFlowValue]);
    }
    const std::int64_t spent = v[kFlowValue] + v[kFlowDuty];
    const std::size_t slot = (static_cast<std::size_t>(dest) * t.consumer_slots + c) * 2;
    if (spent != 0) atomic_add(&household[slot], spent);
    if (v[kFlowDelivered] != 0) atomic_add(&household[slot + 1], v[kFlowDelivered]);
  }
};

// Households' consumption slots as buyers: slot s buys the sector of the s-th budget share.
struct ConsumerSlots {
  using Sink = ConsumptionFlows;
  static constexpr int kKinds = kConsumerSlots;  // flows are tallied per household slot
  TablesView t;
  ConsumerStore::View h;
  Book<Offer> offers;   // round one
  std::uint64_t first;  // Philox id of household 0
  double consume_income, consume_wealth;
  // With retail markets: the seller id of retailer 0. Households then buy goods only at
  // their market's retailers, and round two tries another of them.
  std::int64_t retail_first;

  ENTREPOT_HD std::size_t size() const { return h.size; }
  ENTREPOT_HD int slots() const { return t.consumer_slots; }
  ENTREPOT_HD int kinds() const { return t.consumer_slots; }
  ENTREPOT_HD int region(std::size_t n) const { return h.region[n]; }
  ENTREPOT_HD int flow_key(std::size_t n) const { return region(n); }
  ENTREPOT_HD std::uint64_t id(std::size_t n) const { return first + n; }
  // Households live outside bonded zones: what they buy from one has left it.
  ENTREPOT_HD bool bonded(std::size_t) const { return false; }
  // Starts loading the offers of household n's retailers (if n exists).
  ENTREPOT_HD void prefetch_retailers(std::size_t n) const {
    if (n >= h.size) return;
    for (int s = 0; s < t.consumer_slots; ++s) {
      const std::int32_t r = h.retailer[s * h.size + n];
      if (r >= 0) prefetch(&offers[r]);
    }
  }
  // Before round one's orders: the step's budget.
  ENTREPOT_HD void plan(std::size_t n) const {
    prefetch_retailers(n + kPrefetchAhead);
    h.budget[n] = household_budget(h.income[n], h.cash[n], consume_income, consume_wealth);
  }
  ENTREPOT_HD void prepare(std::size_t n, bool second) const {
    if (!second) prefetch_retailers(n + kPrefetchAhead);
  }
  // Round two visits only the slots round one marked as rationed.
  ENTREPOT_HD bool in_round_two(std::size_t n) const { return h.spill[n] != 0; }
  ENTREPOT_HD bool short_slot(std::size_t n, int s) const { return (h.spill[n] >> s) & 1u; }
  ENTREPOT_HD bool may_spill(std::size_t n, int s) const { return short_slot(n, s); }
  ENTREPOT_HD int sector(std::size_t, int s) const { return t.consumer_sector[s]; }
  ENTREPOT_HD std::int32_t seller(std::size_t n, int s) const { return h.retailer[s * h.size + n]; }
  // A slot bought at a retailer tries another of the market's, all on this rank.
  ENTREPOT_HD bool spills_to_producers(int s) const { return !t.at_retailer(s); }
  ENTREPOT_HD std::int32_t second_seller(const SpillSeller& spill, std::size_t n, int s) const {
    const std::int32_t current = seller(n, s);
    if (!t.at_retailer(s)) return spill(id(n), s, h.region[n], sector(n, s), current);
    const int k = t.retailers_per_sector;
    if (current < 0 || k < 2) return -1;
    // The market's other retailers of the slot, from a drawn one on, the first with stock
    // to spare (Lengnick 2013: a household turned away tries another shop).
    const auto w = spill.rng.words(id(n), spill.step, Draw::shop,
                                   static_cast<std::uint32_t>(kConsumerSlots + s));
    const int from = static_cast<int>(w[0] % static_cast<std::uint32_t>(k - 1));
    for (int i = 0; i < k - 1; ++i) {
      const auto id = static_cast<std::int32_t>(
          t.retailer_after(retail_first, current, 1 + (from + i) % (k - 1)));
      if (spill.offers[id].orders < spill.offers[id].stock) return id;
    }
    return -1;
  }
  // Trade cell of the slot at `seller`, or −1 when there is none or the flow is banned.
  ENTREPOT_HD long long cell(std::int32_t seller, int region, int s) const {
    if (seller < 0) return -1;
    const std::size_t c = t.rrs(offers[seller].origin, region, t.consumer_sector[s]);
    return is_banned(t.trade_factor[c]) ? -1 : static_cast<long long>(c);
  }
  ENTREPOT_HD SlotOrder first_order(std::size_t n, int s) const {
    const std::int32_t r = seller(n, s);
    const long long c = cell(r, h.region[n], s);
    if (c < 0) return SlotOrder{};
    return SlotOrder{
        r,
        household_order(h.budget[n], t.consumer_share[h.region[n] * t.consumer_slots + s],
                        t.buyer_price(offers[r].price, static_cast<std::size_t>(c)),
                        purchase_duty_rate(t, static_cast<std::size_t>(c), offers[r], false)),
        static_cast<std::size_t>(c), s};
  }
  // What round one left unbought at a rationed slot, as money the household still means
  // to spend.
  ENTREPOT_HD double unserved(std::size_t n, int s) const {
    if (!short_slot(n, s)) return 0.0;
    const SlotOrder o = first_order(n, s);
    if (o.quantity <= 0) return 0.0;
    const Offer& offer = offers[o.seller];
    return unserved_value(o.quantity, filled_quantity(o.quantity, offer.stock, offer.orders),
                          t.buyer_price(offer.price, o.cell),
                          purchase_duty_rate(t, o.cell, offer, false));
  }
  ENTREPOT_HD SlotOrder second_order(std::size_t n, int s, std::int32_t other, double value,
                                     const Book<Offer>& book) const {
    const long long c = cell(other, h.region[n], s);
    if (c < 0) return SlotOrder{};
    return SlotOrder{
        other,
        order_for_value(value, t.buyer_price(book[other].price, static_cast<std::size_t>(c)),
                        purchase_duty_rate(t, static_cast<std::size_t>(c), book[other], false)),
        static_cast<std::size_t>(c), s};
  }
  ENTREPOT_HD std::int64_t cash(std::size_t n) const { return h.cash[n]; }
  // Rationed by the seller in round one: remembered (the slot reviews its retailer next
  // step, and orders the rest at another seller in round two).
  ENTREPOT_HD void bought(std::size_t, int s, const SlotOrder& o, const Purchase& p, bool second,
                          std::uint8_t& marks) const {
    if (!second && p.allotted < o.quantity) marks = static_cast<std::uint8_t>(marks | (1u << s));
  }
  ENTREPOT_HD void close(std::size_t n, std::int64_t cash, std::int64_t, std::uint8_t marks,
                         bool second) const {
    h.cash[n] = cash;
    if (!second) h.spill[n] = marks;
  }
};

ConsumerSlots consumer_slots(const Market& m) {
  const Behaviour& b = m.setting.behaviour;
  return ConsumerSlots{m.setting.tables.view(),        m.economy.consumers.view(), m.book(false),
                       m.ranks.domain.household_id(0), b.consume_income,           b.consume_wealth,
                       m.ranks.domain.firm_total};
}

// Households' second sellers of services, drawn by their own table (TablesView::household_cdf).
SpillSeller household_spill(SpillSeller spill) {
  spill.table = OriginTable::household;
  return spill;
}

}  // namespace

void order_consumption(Market& m) {
  place_orders(consumer_slots(m), m.book(false));
}

void settle_consumption(Market& m, bool second) {
  const TablesView t = m.setting.tables.view();
  settle_round(consumer_slots(m), Settle{t, m.book(second), m.ranks.domain.firm_total}, second,
               ConsumptionFlows{t, thrust::raw_pointer_cast(m.scratch.flows.data()),
                                thrust::raw_pointer_cast(m.scratch.household_flows.data())},
               m.chunk, m.scratch.households_second);
}

void spill_consumption(Market& m, const SpillSeller& spill) {
  place_spill_orders(consumer_slots(m), household_spill(spill), m.book(true),
                     m.scratch.households_second);
}

std::vector<std::int64_t> spill_candidates_of_households(Market& m, const SpillSeller& spill) {
  return collect_ids(m.ranks, m.economy.consumers.size,
                     ShortSlotSellers<ConsumerSlots>{consumer_slots(m), household_spill(spill),
                                                     m.ranks.owned_index()});
}

}  // namespace entrepot

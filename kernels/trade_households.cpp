// Household purchases. Round one: each household orders its budget shares at its
// retailers, and every seller shares its stock out over all orders (firms' included).
// Round two: what a rationed household could not buy it tries at another seller of the
// same sector, drawn from the gravity table among those with stock left; a household
// served there keeps that seller. Both rounds are recomputed from stored seller totals,
// so no per-household order is stored and the bytes do not depend on the order of work.
#include <thrust/for_each.h>
#include <thrust/iterator/counting_iterator.h>

#include "kernels/ghosts.h"
#include "kernels/phases.h"
#include "kernels/trade.h"

namespace entrepot {
namespace {

// A household slot's first-round order and fill, recomputed identically in every pass.
struct FirstRound {
  HouseholdCosts costs;
  ConsumerStore::View h;
  double consume_income, consume_wealth;

  ENTREPOT_HD std::int64_t budget(std::size_t n) const { return h.budget[n]; }
  // Starts loading the offers of household n's retailers (if n exists).
  ENTREPOT_HD void prefetch_retailers(std::size_t n) const {
    if (n >= h.size) return;
    for (int s = 0; s < costs.t.consumer_slots; ++s) {
      const std::int32_t seller = h.retailer[s * h.size + n];
      if (seller >= 0) prefetch(&costs.offers[seller]);
    }
  }
  // Order at the retailer of slot `s`; 0 when there is none.
  ENTREPOT_HD std::int64_t order(std::size_t n, int s, std::int64_t budget, long long& cell) const {
    const std::int32_t seller = h.retailer[s * h.size + n];
    cell = costs.cell(seller, h.region[n], s);
    if (cell < 0) return 0;
    return household_order(budget, costs.t.consumer_share[s], costs.offers[seller].price,
                           costs.t.duty_rate[cell]);
  }
  // What the first round left unbought, as money the household still means to spend.
  ENTREPOT_HD double unserved_value(std::size_t n, int s, std::int64_t budget) const {
    long long cell = -1;
    const std::int64_t q = order(n, s, budget, cell);
    if (q <= 0) return 0.0;
    const Offer& offer = costs.offers[h.retailer[s * h.size + n]];
    return entrepot::unserved_value(q, filled_quantity(q, offer.stock, offer.orders), offer.price,
                                    costs.t.duty_rate[cell]);
  }
};

// How many households ahead the passes start loading seller records.
constexpr std::size_t kPrefetchAhead = 8;

struct OrderConsumption {
  FirstRound round;
  ENTREPOT_HD void prefetch_retailers(std::size_t n) const { round.prefetch_retailers(n); }
  ENTREPOT_HD void operator()(std::size_t n) const {
    const ConsumerStore::View& h = round.h;
    prefetch_retailers(n + kPrefetchAhead);
    const std::int64_t budget =
        household_budget(h.income[n], h.cash[n], round.consume_income, round.consume_wealth);
    h.budget[n] = budget;
    for (int s = 0; s < round.costs.t.consumer_slots; ++s) {
      long long cell = -1;
      const std::int64_t q = round.order(n, s, budget, cell);
      if (q > 0) atomic_add(&round.costs.offers[h.retailer[s * h.size + n]].orders, q);
    }
  }
};

// Where households' purchases are tallied: the bilateral flow cells, and per region and
// slot what was spent (value and duty) and delivered.
struct ConsumptionFlows {
  TablesView t;
  std::int64_t* flows;
  std::int64_t* household;  // [region][slot][spent, delivered]
  ENTREPOT_HD void operator()(int dest, int origin, int c, const std::int64_t* v) const {
    const std::size_t cell = t.rrs(origin, dest, t.consumer_sector[c]) * kFlows;
    for (int x = 0; x < kFlows; ++x) {
      if (v[x] != 0) atomic_add(&flows[cell + x], v[x]);
    }
    const std::int64_t spent = v[kFlowValue] + v[kFlowDuty];
    const std::size_t slot = (static_cast<std::size_t>(dest) * t.consumer_slots + c) * 2;
    if (spent != 0) atomic_add(&household[slot], spent);
    if (v[kFlowDelivered] != 0) atomic_add(&household[slot + 1], v[kFlowDelivered]);
  }
};

// Settles one round for a chunk of households, tallying flows per origin and slot.
template <bool Local>
struct BuyConsumption {
  FirstRound round;
  SpillSeller spill;
  Settle settle;
  bool second;  // false: the retailers' round; true: the spill round
  ConsumptionFlows sink;
  std::uint64_t first;  // Philox id of household 0
  std::size_t chunk;

  ENTREPOT_HD void operator()(std::size_t c) const {
    const TablesView& t = settle.t;
    const ConsumerStore::View& h = round.h;
    const std::size_t end = (c + 1) * chunk < h.size ? (c + 1) * chunk : h.size;
    FlowTally<Local, kConsumerSlots, ConsumptionFlows> tally(sink, t.regions, t.consumer_slots,
                                                             h.region[c * chunk]);
    for (std::size_t n = c * chunk; n < end; ++n) {
      if (!second) round.prefetch_retailers(n + kPrefetchAhead);
      const int region = h.region[n];
      tally.region(region);
      // Round two visits only the slots round one marked as left short.
      const std::uint8_t short_slots = second ? h.spill[n] : 0;
      if (second && short_slots == 0) continue;
      std::int64_t cash = h.cash[n];
      const std::int64_t budget = round.budget(n);
      std::uint8_t marked = 0;
      for (int s = 0; s < t.consumer_slots; ++s) {
        std::int32_t seller = h.retailer[s * h.size + n];
        long long cell = -1;
        std::int64_t q = 0;
        if (!second) {
          q = round.order(n, s, budget, cell);
        } else {
          if (!((short_slots >> s) & 1u)) continue;
          const double value = round.unserved_value(n, s, budget);
          if (value <= 0.0) continue;
          seller = spill(first + n, s, region, t.consumer_sector[s], seller);
          if (seller < 0) continue;
          cell = round.costs.cell(seller, region, s);
          q = order_for_value(value, settle.book[seller].price, t.duty_rate[cell]);
        }
        if (q <= 0) continue;
        const int origin = round.costs.offers[seller].origin;
        std::int64_t flow[kFlows] = {0, 0, 0, 0};
        const Purchase bought =
            settle(seller, q, static_cast<std::size_t>(cell),
                   t.region_country[origin] != t.region_country[region], cash, flow);
        tally.add(origin, s, flow);
        // Rationed: remembered (the slot reviews its retailer next step, and orders the
        // rest at another seller in round two).
        if (!second && bought.allotted < q) marked = static_cast<std::uint8_t>(marked | (1u << s));
      }
      h.cash[n] = cash;
      if (!second) h.spill[n] = marked;
    }
    tally.flush();
  }
};

// Between the rounds: each slot round one left short orders what it could not buy from
// another seller with stock to spare, in round two's book. Only round-one totals decide
// it, so it runs after round one has settled everywhere.
struct SpillConsumption {
  FirstRound round;
  SpillSeller spill;
  Book<Offer> spill_book;
  std::uint64_t first;  // Philox id of household 0
  ENTREPOT_HD void operator()(std::size_t n) const {
    const ConsumerStore::View& h = round.h;
    const std::uint8_t short_slots = h.spill[n];
    if (short_slots == 0) return;
    const TablesView& t = round.costs.t;
    const int region = h.region[n];
    const std::int64_t budget = round.budget(n);
    for (int s = 0; s < t.consumer_slots; ++s) {
      if (!((short_slots >> s) & 1u)) continue;
      const double value = round.unserved_value(n, s, budget);
      const std::int32_t other =
          spill(first + n, s, region, t.consumer_sector[s], h.retailer[s * h.size + n]);
      if (value <= 0.0 || other < 0) continue;
      const long long cell = round.costs.cell(other, region, s);
      const std::int64_t more =
          order_for_value(value, round.costs.offers[other].price, t.duty_rate[cell]);
      if (more > 0) atomic_add(&spill_book[other].orders, more);
    }
  }
};

// The sellers those slots will try, for fetching their round-one totals from other ranks.
struct ShortHouseholdSlots {
  ConsumerStore::View h;
  SpillSeller spill;
  std::uint64_t first;
  SellerIndex owned;
  template <class Emit>
  ENTREPOT_HD void operator()(std::size_t n, Emit& emit) const {
    const std::uint8_t short_slots = h.spill[n];
    for (int s = 0; s < spill.t.consumer_slots; ++s) {
      if ((short_slots >> s) & 1u) {
        spill.draw_all(first + n, s, h.region[n], spill.t.consumer_sector[s], owned, emit);
      }
    }
  }
};

}  // namespace

std::vector<std::int64_t> spill_candidates_of_households(Model& m, const SpillSeller& spill) {
  return collect_ids(m, m.economy.consumers.size,
                     ShortHouseholdSlots{m.economy.consumers.view(), spill,
                                         m.ranks.domain.household_id(0), m.ranks.owned_index()});
}

void spill_consumption(Model& m, const SpillSeller& spill) {
  const Behaviour& b = m.scenario.behaviour;
  HouseholdCosts costs{m.tables.view(), round_book(m, false)};
  FirstRound round{costs, m.economy.consumers.view(), b.consume_income, b.consume_wealth};
  auto first = thrust::counting_iterator<std::size_t>(0);
  thrust::for_each(
      first, first + m.economy.consumers.size,
      SpillConsumption{round, spill, round_book(m, true), m.ranks.domain.household_id(0)});
}

void order_consumption(Model& m) {
  const Behaviour& b = m.scenario.behaviour;
  HouseholdCosts costs{m.tables.view(), round_book(m, false)};
  FirstRound round{costs, m.economy.consumers.view(), b.consume_income, b.consume_wealth};
  auto first = thrust::counting_iterator<std::size_t>(0);
  thrust::for_each(first, first + m.economy.consumers.size, OrderConsumption{round});
}

void settle_consumption(Model& m, const SpillSeller& spill, bool second) {
  const Behaviour& b = m.scenario.behaviour;
  const TablesView t = m.tables.view();
  ConsumerStore::View h = m.economy.consumers.view();
  if (h.size == 0) return;
  HouseholdCosts costs{t, round_book(m, false)};
  FirstRound round{costs, h, b.consume_income, b.consume_wealth};
  settle_buyers<BuyConsumption>(
      h.size, m.trade_chunk, round, spill, Settle{t, round_book(m, second)}, second,
      ConsumptionFlows{t, thrust::raw_pointer_cast(m.scratch.trade.flows.data()),
                       thrust::raw_pointer_cast(m.scratch.trade.household_flows.data())},
      std::uint64_t{m.ranks.domain.household_id(0)});
}

}  // namespace entrepot

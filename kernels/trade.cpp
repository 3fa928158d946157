// Phase 6: trade. Orders are summed per seller (int64, so order does not matter); each
// order is filled at the seller's ratio min(1, I/D); goods arrive after iceberg melt; the
// buyer pays the seller and the duty to the importer's government. Bilateral flows are
// int64 sums, tallied per chunk of buyers or per purchase (kernels/trade.h).
#include <thrust/copy.h>
#include <thrust/fill.h>
#include <thrust/for_each.h>
#include <thrust/iterator/counting_iterator.h>

#include <utility>

#include "kernels/ghosts.h"
#include "kernels/market.h"
#include "kernels/phases.h"
#include "kernels/reduce.h"

namespace entrepot {
namespace {

// Where firms' input purchases are tallied: the bilateral flow cells, and their value by
// the buyers' sector (TradeFlows::input_use). Tallied per buyer block (flow_key).
struct InputFlows {
  TablesView t;
  std::int64_t* flows;
  std::int64_t* input_use;
  ENTREPOT_HD void operator()(int block, int origin, int input, const std::int64_t* v) const {
    const int dest = block / t.sectors, sector = block % t.sectors;
    add_flows(flows, t.rrs(origin, dest, input), v);
    if (v[kFlowValue] != 0) {
      const std::size_t cell =
          ((static_cast<std::size_t>(origin) * t.sectors + input) * t.regions + dest) * t.sectors +
          sector;
      atomic_add(&input_use[cell], v[kFlowValue]);
    }
  }
};

// Firms' input slots as buyers (kernels/market.h): slot k of firm j orders its planned
// input from its supplier; a slot the supplier rationed spends what it could not buy at a
// second seller in round two.
struct InputSlots : SupplierRounds<InputSlots> {
  using Sink = InputFlows;
  static constexpr int kKinds = kMaxSectors;  // flows are tallied per input sector
  TablesView t;
  FirmStore::View f;
  Book<Offer> offers;   // round one
  std::uint64_t first;  // global id of firm 0

  ENTREPOT_HD std::size_t size() const { return f.size; }
  ENTREPOT_HD int slots() const { return kInputSlots; }
  ENTREPOT_HD int kinds() const { return t.sectors; }
  ENTREPOT_HD int region(std::size_t j) const { return f.block[j] / t.sectors; }
  ENTREPOT_HD int flow_key(std::size_t j) const { return f.block[j]; }
  ENTREPOT_HD std::uint64_t id(std::size_t j) const { return first + j; }
  ENTREPOT_HD bool bonded(std::size_t j) const { return f.in_zone[j] != 0; }
  ENTREPOT_HD void plan(std::size_t) const {}
  ENTREPOT_HD void prepare(std::size_t, bool) const {}
  ENTREPOT_HD bool in_round_two(std::size_t) const { return true; }
  ENTREPOT_HD std::size_t slot(std::size_t j, int k) const {
    return static_cast<std::size_t>(k) * f.size + j;
  }
  ENTREPOT_HD int sector(std::size_t j, int k) const {
    return t.input_sector[(f.block[j] % t.sectors) * kInputSlots + k];
  }
  ENTREPOT_HD std::int32_t seller(std::size_t j, int k) const { return f.supplier[slot(j, k)]; }
  ENTREPOT_HD SlotOrder order_at(std::int32_t seller, std::int64_t q, std::size_t j, int k) const {
    const int input = sector(j, k);
    return SlotOrder{seller, q, t.rrs(offers[seller].origin, region(j), input), input};
  }
  ENTREPOT_HD SlotOrder first_order(std::size_t j, int k) const {
    const std::int32_t s = seller(j, k);
    const std::int64_t q = f.input_order[slot(j, k)];
    if (s < 0 || q <= 0) return SlotOrder{};
    return order_at(s, q, j, k);
  }
  // Round two's seller, one the firm's entity lists do not bar it from.
  ENTREPOT_HD std::int32_t second_seller(const SpillSeller& spill, std::size_t j, int k) const {
    return spill(id(j), k, region(j), sector(j, k), seller(j, k),
                 barred_lists(t, spill.rng, id(j), f.block[j]));
  }
  ENTREPOT_HD std::int64_t cash(std::size_t j) const { return f.cash[j]; }
  ENTREPOT_HD void bought(std::size_t j, int k, const SlotOrder&, const Purchase& p, bool,
                          std::uint8_t&) const {
    f.input_stock[slot(j, k)] += p.delivered;
  }
  ENTREPOT_HD void close(std::size_t j, std::int64_t cash, std::int64_t spent, std::uint8_t,
                         bool) const {
    f.cash[j] = cash;
    f.input_cost[j] += spent;
  }
};

// Firms as sellers (kernels/market.h): they offer their inventory at their price, round
// one shares it out and round two what is left; both rounds' sales go to their accounts.
struct FirmSellers {
  TablesView t;
  FirmStore::View f;
  ENTREPOT_HD std::size_t size() const { return f.size; }
  ENTREPOT_HD Offer opening(std::size_t j) const {
    return Offer{f.price[j],       f.inventory[j], 0, 0, 0, 0, f.block[j] / t.sectors,
                 f.preferences[j], f.zone_rate[j]};
  }
  ENTREPOT_HD void sold(std::size_t j, const Offer& one, const Offer& two) const {
    // Demand: round one's orders and what round two sold. The part of a round-two order the
    // seller could not fill is already counted by the seller the buyer ordered from first.
    f.demand[j] = one.orders + two.shipped;
    f.shipped[j] = one.shipped + two.shipped;
    f.sales_value[j] = one.sales + two.sales;
    f.export_value[j] = one.exports + two.exports;
    f.inventory[j] -= f.shipped[j];
    f.cash[j] += f.sales_value[j];
  }
};

// What a firm sold to buyers in other countries this step, in its currency.
struct FirmExports {
  FirmStore::ConstView f;
  ENTREPOT_HD Totals<1> operator()(std::size_t j) const { return Totals<1>{{f.export_value[j]}}; }
};

// What a trader sold to buyers in other countries this step, in its currency.
struct TraderExports {
  TraderStore::ConstView w;
  ENTREPOT_HD Totals<1> operator()(std::size_t i) const { return Totals<1>{{w.export_value[i]}}; }
};

// Offshore trade's payments across borders, which the bilateral flows (where the goods went)
// do not show: the merchants paid producers abroad, and their buyers paid the hub, not the
// goods' origin.
void pay_offshore(const Setting& setting, TradeFlows& flows) {
  const TablesView t = setting.tables.view();  // for the layout of the tables only
  const int nr = t.regions, ns = t.sectors;
  const std::vector<int>& country = setting.world.region_country;
  const std::vector<int>& hub_of = setting.world.region_hub;
  for (int region = 0; region < nr; ++region) {
    const int hub = hub_of[region];
    if (hub < 0) continue;
    for (int o = 0; o < nr; ++o) {
      for (int s = 0; s < ns; ++s) {
        const std::int64_t paid = flows.offshore_bought[t.hub_origin(hub, o, s)];
        if (country[o] != country[region]) flows.imports[country[region]] += paid;
        for (int d = 0; d < nr; ++d) {
          const std::int64_t sold = flows.offshore[t.hub_route(hub, o, d, s)];
          const int to_hub = country[region] != country[d] ? 1 : 0;
          const int to_origin = country[o] != country[d] ? 1 : 0;
          flows.imports[country[d]] += sold * (to_hub - to_origin);
        }
      }
    }
  }
}

}  // namespace

TradeFlows trade(const Setting& setting, Economy& economy, Ranks& ranks, TradeScratch& scratch,
                 std::size_t chunk, int step) {
  Market market{setting, economy, ranks, scratch, chunk, step};
  FirmStore& firms = economy.firms;
  thrust::fill(firms.input_cost.begin(), firms.input_cost.end(), 0);
  thrust::fill(scratch.flows.begin(), scratch.flows.end(), 0);
  thrust::fill(scratch.household_flows.begin(), scratch.household_flows.end(), 0);
  thrust::fill(scratch.input_use.begin(), scratch.input_use.end(), 0);
  thrust::fill(scratch.handled.begin(), scratch.handled.end(), 0);
  thrust::fill(scratch.offshore.begin(), scratch.offshore.end(), 0);
  thrust::fill(scratch.offshore_bought.begin(), scratch.offshore_bought.end(), 0);
  const TablesView t = setting.tables.view();
  // The books: every kind of seller at its places (kernels/ranks.h, OwnedSellers).
  const OwnedSellers& owned = ranks.domain.sellers;
  const auto sellers = static_cast<std::size_t>(owned.total());
  const FirmSellers firm_sellers{t, firms.view()};
  const auto firm_place = static_cast<std::size_t>(owned.start(kFirmSellers));
  ranks.offer_ghosts.clear();
  scratch.offers.resize(sellers);
  scratch.spill_offers.resize(sellers);
  Offer* offers = thrust::raw_pointer_cast(scratch.offers.data());
  Offer* spill_offers = thrust::raw_pointer_cast(scratch.spill_offers.data());
  open_offers(firm_sellers, offers, spill_offers, firm_place);
  open_stockist_offers(market);
  if (ranks.distributed()) open_ghost_books(market);

  // Orders first, so firms', retailers' and households' purchases compete for one stock.
  order_inputs(market);
  order_consumption(market);
  order_stockists(market);
  if (ranks.distributed()) total_orders(market);
  // Round one, then the orders round two places with other sellers. Over several ranks,
  // those sellers' round-one totals are fetched in between (the book grows: the spill
  // seller reads it afresh).
  settle_inputs(market, false);
  settle_consumption(market, false);
  settle_stockists(market, false);
  if (ranks.distributed()) fetch_spill_sellers(market);
  const SpillSeller spill = market.spill_seller();
  spill_inputs(market, spill);
  spill_consumption(market, spill);
  spill_stockists(market, spill);
  if (ranks.distributed()) return_sales(market, false);
  // The ghost books grew since: the owned places stay where they were.
  offers = thrust::raw_pointer_cast(scratch.offers.data());
  spill_offers = thrust::raw_pointer_cast(scratch.spill_offers.data());
  auto first = thrust::counting_iterator<std::size_t>(0);
  thrust::for_each(first, first + sellers, CloseFirstRound{offers, spill_offers});
  if (ranks.distributed()) open_ghost_spill_round(market);
  settle_consumption(market, true);
  settle_inputs(market, true);
  settle_stockists(market, true);
  if (ranks.distributed()) return_sales(market, true);
  close_offers(firm_sellers, thrust::raw_pointer_cast(scratch.offers.data()),
               thrust::raw_pointer_cast(scratch.spill_offers.data()), firm_place);
  close_stockist_offers(market);

  // Flows of all ranks' buyers; duty belongs to the importer's government.
  TradeFlows flows{to_host(scratch.flows),
                   to_host(scratch.household_flows),
                   to_host(scratch.input_use),
                   {},
                   {},
                   to_host(scratch.handled),
                   to_host(scratch.offshore),
                   to_host(scratch.offshore_bought)};
  for (std::vector<std::int64_t>* table :
       {&flows.bilateral, &flows.household, &flows.input_use, &flows.handled, &flows.offshore,
        &flows.offshore_bought}) {
    ranks.sum_over_ranks(table->data(), table->size());
  }
  const int nr = t.regions, ns = t.sectors, nc = t.countries;
  const std::vector<int>& country = setting.world.region_country;
  flows.imports.assign(nc, 0);
  flows.exports.assign(nc, 0);
  for (int d = 0; d < nr; ++d) {
    for (int o = 0; o < nr; ++o) {
      for (int s = 0; s < ns; ++s) {
        const std::int64_t* cell = &flows.bilateral[t.rrs(o, d, s) * kFlows];
        economy.government[country[d]] += cell[kFlowDuty];
        if (country[o] != country[d]) flows.imports[country[d]] += cell[kFlowValue];
      }
    }
  }
  pay_offshore(setting, flows);
  // Payments across borders: the currency market holds what buyers paid in their currency
  // and paid sellers out of its holdings of theirs (agents/currency.h).
  const FirmStore::ConstView f = std::as_const(firms).view();
  auto sold_abroad = totals_by_key<1>(f.size, nr, FirmRegion{ns, f.block}, FirmExports{f});
  ranks.sum_over_ranks(sold_abroad);
  if (t.traders > 0) {
    const TraderStore::ConstView w = std::as_const(economy.traders).view();
    auto by_traders = totals_by_key<1>(w.size, nr, HouseholdRegion{w.region}, TraderExports{w});
    ranks.sum_over_ranks(by_traders);
    for (int r = 0; r < nr; ++r) sold_abroad[r].v[0] += by_traders[r].v[0];
  }
  for (int r = 0; r < nr; ++r) flows.exports[country[r]] += sold_abroad[r].v[0];
  for (int c = 0; c < nc; ++c) economy.foreign_held[c] += flows.imports[c] - flows.exports[c];
  return flows;
}

namespace {

InputSlots input_slots(const Market& m) {
  return InputSlots{{},
                    m.setting.tables.view(),
                    m.economy.firms.view(),
                    m.book(false),
                    m.ranks.domain.firm_id(0)};
}

}  // namespace

void order_inputs(Market& m) {
  place_orders(input_slots(m), m.book(false));
}

void settle_inputs(Market& m, bool second) {
  const TablesView t = m.setting.tables.view();
  settle_round(input_slots(m),
               Settle{t, m.book(second), Settle{}.local_from,
                      thrust::raw_pointer_cast(m.scratch.handled.data()),
                      thrust::raw_pointer_cast(m.scratch.offshore.data())},
               second,
               InputFlows{t, thrust::raw_pointer_cast(m.scratch.flows.data()),
                          thrust::raw_pointer_cast(m.scratch.input_use.data())},
               m.chunk, m.scratch.firms_second);
}

void spill_inputs(Market& m, const SpillSeller& spill) {
  place_spill_orders(input_slots(m), spill, m.book(true), m.scratch.firms_second);
}

std::vector<std::int64_t> spill_candidates_of_firms(Market& m, const SpillSeller& spill) {
  return collect_ids(m.ranks, m.economy.firms.size,
                     ShortSlotSellers<InputSlots>{input_slots(m), spill, m.ranks.owned_index()});
}

}  // namespace entrepot

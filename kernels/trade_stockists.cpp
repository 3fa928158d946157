// Retailers and traders in the goods market (docs/model.md §4.12, §4.13): as buyers,
// through the generic passes of kernels/market.h, each of their supplier slots orders from a
// producer what the plan set; as sellers, retailers offer their stock to their market's
// households and traders theirs to firms and retailers anywhere, at their price. Their
// purchases are trade like any other (iceberg melt, duty, bilateral flows); retailers' are
// final use, as the goods go on to households without further processing.
#include <thrust/fill.h>

#include "kernels/ghosts.h"
#include "kernels/market.h"
#include "kernels/phases.h"
#include "kernels/stockist.h"

namespace entrepot {
namespace {

// Where retailers' purchases are tallied: the bilateral flow cells, and their value once
// more as final use.
struct RetailPurchaseFlows {
  TablesView t;
  std::int64_t* flows;
  ENTREPOT_HD void operator()(int dest, int origin, int sector, const std::int64_t* v) const {
    const std::size_t cell = t.rrs(origin, dest, sector);
    add_flows(flows, cell, v);
    if (v[kFlowValue] != 0) atomic_add(&flows[cell * kFlows + kFlowFinalValue], v[kFlowValue]);
  }
};

// Where traders' purchases are tallied: the bilateral flow cells (neither input nor final
// use until they sell the goods on).
struct TraderPurchaseFlows {
  TablesView t;
  std::int64_t* flows;
  ENTREPOT_HD void operator()(int dest, int origin, int sector, const std::int64_t* v) const {
    add_flows(flows, t.rrs(origin, dest, sector), v);
  }
};

// Where merchants' purchases are tallied: not in the bilateral flows, since the goods stay
// where they were bought until a buyer takes them, but what each hub's merchants paid
// producers of each origin (TradeFlows::offshore_bought), for the currency market.
struct MerchantPurchaseFlows {
  TablesView t;
  std::int64_t* bought;
  ENTREPOT_HD void operator()(int dest, int origin, int sector, const std::int64_t* v) const {
    const std::int32_t hub = t.region_hub[dest];
    if (hub < 0 || v[kFlowValue] == 0) return;
    atomic_add(&bought[t.hub_origin(hub, origin, sector)], v[kFlowValue]);
  }
};

// What a delivery adds besides stock and its cost: a trader keeps the share of its stock's
// cost bought abroad, whose sales abroad are re-exports.
ENTREPOT_HD void note_delivery(const TablesView&, const RetailerStore::View&, std::size_t,
                               std::size_t, double, double) {}
ENTREPOT_HD void note_delivery(const TablesView& t, const TraderStore::View& r, std::size_t i,
                               std::size_t cell, double held_value, double paid) {
  // Its goods' origin: that of its largest delivery of the step.
  const auto value = static_cast<std::int64_t>(paid);
  if (value > r.largest_delivery[i]) {
    r.largest_delivery[i] = value;
    r.goods_origin[i] = static_cast<std::uint16_t>(cell / static_cast<std::size_t>(t.sectors) /
                                                   static_cast<std::size_t>(t.regions));
  }
  r.foreign_share[i] =
      share_bought_abroad(held_value, r.foreign_share[i], paid, t.crosses_border(cell));
}
// Where a stockist's goods come from, for the duty: a retailer's are bought at home (−1);
// a trader's from the origin of its largest delivery.
ENTREPOT_HD std::int16_t goods_origin_of(const RetailerStore::View&, std::size_t) {
  return -1;
}
ENTREPOT_HD std::int16_t goods_origin_of(const TraderStore::View& r, std::size_t i) {
  return static_cast<std::int16_t>(r.goods_origin[i]);
}
// What a sale adds: a trader's sales abroad, and a merchant's cost of settling them in
// foreign currency (its hub's settlement cost on them).
ENTREPOT_HD void note_exports(const TablesView&, const RetailerStore::View&, std::size_t,
                              std::int64_t) {}
ENTREPOT_HD void note_exports(const TablesView& t, const TraderStore::View& r, std::size_t i,
                              std::int64_t exports) {
  r.export_value[i] = exports;
  r.settlement_fee[i] =
      r.offshore[i] != 0
          ? static_cast<std::int64_t>(static_cast<double>(exports) * t.settlement_cost[r.region[i]])
          : 0;
}

// The blocs whose rule of origin a stockist's goods meet (a bit per bloc): retailers sell
// only at home, where no rule applies. A trader's goods meet the rule of each bloc of its
// country whose regional value content its stock leaves room for, counting all it bought
// abroad as non-originating and its margin as value added at home (build-down, as
// firms' goods are judged: agents/trade.h).
ENTREPOT_HD std::uint32_t stock_preferences(const TablesView&, const RetailerStore::View&,
                                            std::size_t) {
  return 0u;
}
ENTREPOT_HD std::uint32_t stock_preferences(const TablesView& t, const TraderStore::View& r,
                                            std::size_t i) {
  // A merchant's goods reach customs as goods of where it bought them, which that
  // country's blocs take as originating.
  if (r.offshore[i] != 0) return t.country_blocs[t.region_country[r.goods_origin[i]]];
  const std::uint32_t blocs = t.country_blocs[t.region_country[r.region[i]]];
  const double content = r.price[i] > 0.0 ? r.foreign_share[i] * r.unit_cost[i] / r.price[i] : 0.0;
  std::uint32_t met = 0u;
  for (int b = 0; b < kMaxBlocs; ++b) {
    if (((blocs >> b) & 1u) != 0 && content <= 1.0 - t.bloc_content[b]) met |= 1u << b;
  }
  return met;
}

// A stockist's supplier slots as buyers: slot k of stockist i orders its share of the
// stockist's purchases from its producer; a slot the producer rationed spends what it could
// not buy at a second producer in round two.
template <class Stockists, class Flows>
struct StockistSlots : SupplierRounds<StockistSlots<Stockists, Flows>> {
  using Sink = Flows;
  static constexpr int kKinds = kMaxSectors;  // flows are tallied per sector
  TablesView t;
  Stockists r;
  Book<Offer> offers;   // round one
  std::uint64_t first;  // Philox id of retailer 0
  // Which stockists buy in this pass: −1 all; 0 all but merchants, 1 merchants only (their
  // purchases go elsewhere: MerchantPurchaseFlows).
  int only = -1;
  ENTREPOT_HD bool buys(std::size_t i) const {
    return only < 0 || static_cast<int>(is_merchant(r, i)) == only;
  }

  ENTREPOT_HD std::size_t size() const { return r.size; }
  ENTREPOT_HD int slots() const { return kRetailSlots; }
  ENTREPOT_HD int kinds() const { return t.sectors; }
  ENTREPOT_HD int region(std::size_t i) const { return r.region[i]; }
  ENTREPOT_HD int flow_key(std::size_t i) const { return region(i); }
  ENTREPOT_HD std::uint64_t id(std::size_t i) const { return first + i; }
  // A merchant's goods stay where it bought them, entering no customs territory: no duty.
  ENTREPOT_HD bool bonded(std::size_t i) const { return is_merchant(r, i); }
  ENTREPOT_HD void plan(std::size_t) const {}
  ENTREPOT_HD void prepare(std::size_t, bool) const {}
  ENTREPOT_HD bool in_round_two(std::size_t i) const { return buys(i); }
  ENTREPOT_HD std::size_t slot(std::size_t i, int k) const {
    return static_cast<std::size_t>(k) * r.size + i;
  }
  ENTREPOT_HD int sector(std::size_t i, int) const { return sold_sector(t, r, i); }
  ENTREPOT_HD std::int32_t seller(std::size_t i, int k) const { return r.supplier[slot(i, k)]; }
  ENTREPOT_HD SlotOrder order_at(std::int32_t seller, std::int64_t q, std::size_t i, int k) const {
    const int s = sector(i, k);
    return SlotOrder{seller, q, t.rrs(offers[seller].origin, region(i), s), s};
  }
  ENTREPOT_HD SlotOrder first_order(std::size_t i, int k) const {
    const std::int32_t s = seller(i, k);
    const std::int64_t q = r.order[slot(i, k)];
    if (s < 0 || q <= 0 || !buys(i)) return SlotOrder{};
    return order_at(s, q, i, k);
  }
  ENTREPOT_HD std::int64_t cash(std::size_t i) const { return r.cash[i]; }
  // What arrived joins the stock at what it cost landed, duty included; a merchant's goods
  // are not shipped yet, so none melt.
  ENTREPOT_HD void bought(std::size_t i, int, const SlotOrder& o, const Purchase& p, bool,
                          std::uint8_t&) const {
    const double goods = static_cast<double>(kGoodsScale);
    const std::int64_t delivered = is_merchant(r, i) ? p.shipped : p.delivered;
    note_delivery(t, r, i, o.cell,
                  static_cast<double>(r.inventory[i]) / goods * r.unit_cost[i] *
                      static_cast<double>(kMoneyScale),
                  static_cast<double>(p.paid + p.duty));
    r.unit_cost[i] =
        stock_unit_cost(static_cast<double>(r.inventory[i]) / goods, r.unit_cost[i],
                        static_cast<double>(delivered) / goods,
                        static_cast<double>(p.paid + p.duty) / static_cast<double>(kMoneyScale));
    r.inventory[i] += delivered;
  }
  ENTREPOT_HD void close(std::size_t i, std::int64_t cash, std::int64_t spent, std::uint8_t,
                         bool) const {
    r.cash[i] = cash;
    r.purchases[i] += spent;
  }
};

// Stockists as sellers: they offer the stock they opened the step with at their price;
// what they sell leaves the stock at its average unit cost. `preferences`: the blocs whose
// rule of origin their goods meet (stock_preferences).
template <class Stockists>
struct StockistSellers {
  TablesView t;
  Stockists r;
  ENTREPOT_HD std::size_t size() const { return r.size; }
  ENTREPOT_HD Offer opening(std::size_t i) const {
    return Offer{r.price[i],
                 r.inventory[i],
                 0,
                 0,
                 0,
                 0,
                 r.region[i],
                 preferences(i),
                 0.0f,
                 goods_origin_of(r, i),
                 static_cast<std::uint16_t>(is_merchant(r, i))};
  }
  ENTREPOT_HD void sold(std::size_t i, const Offer& one, const Offer& two) const {
    r.demand[i] = one.orders + two.shipped;
    r.shipped[i] = one.shipped + two.shipped;
    r.sales_value[i] = one.sales + two.sales;
    r.cost_of_sales[i] = stock_cost(r.shipped[i], r.unit_cost[i]);
    note_exports(t, r, i, one.exports + two.exports);
    r.inventory[i] -= r.shipped[i];
    r.cash[i] += r.sales_value[i];
  }
  ENTREPOT_HD std::uint32_t preferences(std::size_t i) const { return stock_preferences(t, r, i); }
};

using RetailerSlots = StockistSlots<RetailerStore::View, RetailPurchaseFlows>;
using TraderSlots = StockistSlots<TraderStore::View, TraderPurchaseFlows>;
using MerchantSlots = StockistSlots<TraderStore::View, MerchantPurchaseFlows>;

RetailerSlots retailer_slots(const Market& m) {
  return RetailerSlots{{},
                       m.setting.tables.view(),
                       m.economy.retailers.view(),
                       m.book(false),
                       m.ranks.domain.retailer_id(0)};
}

// All traders, or (`only` 0) all but merchants.
TraderSlots trader_slots(const Market& m, int only = -1) {
  return TraderSlots{{},
                     m.setting.tables.view(),
                     m.economy.traders.view(),
                     m.book(false),
                     m.ranks.domain.trader_id(0),
                     only};
}

MerchantSlots merchant_slots(const Market& m) {
  return MerchantSlots{{},
                       m.setting.tables.view(),
                       m.economy.traders.view(),
                       m.book(false),
                       m.ranks.domain.trader_id(0),
                       1};
}

// Whether the scenario has merchants: then they settle in a pass of their own.
bool has_merchants(const Market& m) {
  if (m.economy.traders.size == 0) return false;
  const Scenario& scenario = m.setting.world.scenario();
  for (const Region& r : scenario.regions) {
    if (scenario.traders.merchant_share(r) > 0.0) return true;
  }
  return false;
}

template <class Stockists>
StockistSellers<Stockists> stockist_sellers(const Market& m, Stockists view) {
  return StockistSellers<Stockists>{m.setting.tables.view(), view};
}

Offer* book_of(const Market& m, bool second) {
  return thrust::raw_pointer_cast(second ? m.scratch.spill_offers.data() : m.scratch.offers.data());
}

std::size_t place_of(const Market& m, int kind) {
  return static_cast<std::size_t>(m.ranks.domain.sellers.start(kind));
}

// Calls visit(sellers, place) for each kind of stockist this rank holds: its sellers and
// where they start in the books.
template <class Visit>
void for_each_stockist_kind(const Market& m, const Visit& visit) {
  if (m.economy.retailers.size > 0) {
    visit(stockist_sellers(m, m.economy.retailers.view()), place_of(m, kRetailSellers));
  }
  if (m.economy.traders.size > 0) {
    visit(stockist_sellers(m, m.economy.traders.view()), place_of(m, kTraderSellers));
  }
}

}  // namespace

void order_stockists(Market& m) {
  if (m.economy.retailers.size > 0) {
    thrust::fill(m.economy.retailers.purchases.begin(), m.economy.retailers.purchases.end(), 0);
    place_orders(retailer_slots(m), m.book(false));
  }
  if (m.economy.traders.size > 0) {
    thrust::fill(m.economy.traders.purchases.begin(), m.economy.traders.purchases.end(), 0);
    thrust::fill(m.economy.traders.largest_delivery.begin(),
                 m.economy.traders.largest_delivery.end(), 0);
    place_orders(trader_slots(m), m.book(false));
  }
}

void settle_stockists(Market& m, bool second) {
  const TablesView t = m.setting.tables.view();
  std::int64_t* flows = thrust::raw_pointer_cast(m.scratch.flows.data());
  std::int64_t* handled = thrust::raw_pointer_cast(m.scratch.handled.data());
  std::int64_t* offshore = thrust::raw_pointer_cast(m.scratch.offshore.data());
  settle_round(retailer_slots(m), Settle{t, m.book(second), Settle{}.local_from, handled, offshore},
               second, RetailPurchaseFlows{t, flows}, m.chunk, m.scratch.retailers_second);
  const bool merchants = has_merchants(m);
  settle_round(trader_slots(m, merchants ? 0 : -1), Settle{t, m.book(second)}, second,
               TraderPurchaseFlows{t, flows}, m.chunk, m.scratch.traders_second);
  if (merchants) {
    settle_round(
        merchant_slots(m), Settle{t, m.book(second)}, second,
        MerchantPurchaseFlows{t, thrust::raw_pointer_cast(m.scratch.offshore_bought.data())},
        m.chunk, m.scratch.traders_second);
  }
}

void spill_stockists(Market& m, const SpillSeller& spill) {
  place_spill_orders(retailer_slots(m), spill, m.book(true), m.scratch.retailers_second);
  place_spill_orders(trader_slots(m), spill, m.book(true), m.scratch.traders_second);
}

std::vector<std::int64_t> spill_candidates_of_stockists(Market& m, const SpillSeller& spill) {
  return merge_ids(
      collect_ids(m.ranks, m.economy.retailers.size,
                  ShortSlotSellers<RetailerSlots>{retailer_slots(m), spill, m.ranks.owned_index()}),
      collect_ids(m.ranks, m.economy.traders.size,
                  ShortSlotSellers<TraderSlots>{trader_slots(m), spill, m.ranks.owned_index()}));
}

void open_stockist_offers(Market& m) {
  for_each_stockist_kind(m, [&m](const auto& sellers, std::size_t place) {
    open_offers(sellers, book_of(m, false), book_of(m, true), place);
  });
}

void close_stockist_offers(Market& m) {
  for_each_stockist_kind(m, [&m](const auto& sellers, std::size_t place) {
    close_offers(sellers, book_of(m, false), book_of(m, true), place);
  });
}

}  // namespace entrepot

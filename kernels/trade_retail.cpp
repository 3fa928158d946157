// Retailers in the goods market (docs/model.md §retail): as buyers, through the generic
// passes of kernels/market.h, each of their supplier slots orders from a producer what the
// plan set; as sellers, they offer their stock to their market's households at their price.
// Their purchases are trade like any other (iceberg melt, duty, bilateral flows) and are
// final use: the goods go on to households without further processing.
#include <thrust/fill.h>

#include "agents/retail.h"
#include "kernels/ghosts.h"
#include "kernels/market.h"
#include "kernels/phases.h"

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

// Retailers' supplier slots as buyers: slot k of retailer i orders its share of the
// retailer's purchases from its producer; a slot the producer rationed spends what it could
// not buy at a second producer in round two.
struct RetailerSlots : SupplierRounds<RetailerSlots> {
  using Sink = RetailPurchaseFlows;
  static constexpr int kKinds = kMaxSectors;  // flows are tallied per sector
  TablesView t;
  RetailerStore::View r;
  Book<Offer> offers;   // round one
  std::uint64_t first;  // Philox id of retailer 0

  ENTREPOT_HD std::size_t size() const { return r.size; }
  ENTREPOT_HD int slots() const { return kRetailSlots; }
  ENTREPOT_HD int kinds() const { return t.sectors; }
  ENTREPOT_HD int region(std::size_t i) const { return r.region[i]; }
  ENTREPOT_HD std::uint64_t id(std::size_t i) const { return first + i; }
  ENTREPOT_HD bool bonded(std::size_t) const { return false; }
  ENTREPOT_HD void plan(std::size_t) const {}
  ENTREPOT_HD void prepare(std::size_t, bool) const {}
  ENTREPOT_HD bool in_round_two(std::size_t) const { return true; }
  ENTREPOT_HD std::size_t slot(std::size_t i, int k) const {
    return static_cast<std::size_t>(k) * r.size + i;
  }
  ENTREPOT_HD int sector(std::size_t i, int) const { return t.consumer_sector[r.slot[i]]; }
  ENTREPOT_HD std::int32_t seller(std::size_t i, int k) const { return r.supplier[slot(i, k)]; }
  ENTREPOT_HD SlotOrder order_at(std::int32_t seller, std::int64_t q, std::size_t i, int k) const {
    const int s = sector(i, k);
    return SlotOrder{seller, q, t.rrs(offers[seller].origin, region(i), s), s};
  }
  ENTREPOT_HD SlotOrder first_order(std::size_t i, int k) const {
    const std::int32_t s = seller(i, k);
    const std::int64_t q = r.order[slot(i, k)];
    if (s < 0 || q <= 0) return SlotOrder{};
    return order_at(s, q, i, k);
  }
  ENTREPOT_HD std::int64_t cash(std::size_t i) const { return r.cash[i]; }
  // What arrived joins the stock at what it cost landed, duty included.
  ENTREPOT_HD void bought(std::size_t i, int, const SlotOrder&, const Purchase& p, bool,
                          std::uint8_t&) const {
    const double goods = static_cast<double>(kGoodsScale);
    r.unit_cost[i] =
        stock_unit_cost(static_cast<double>(r.inventory[i]) / goods, r.unit_cost[i],
                        static_cast<double>(p.delivered) / goods,
                        static_cast<double>(p.paid + p.duty) / static_cast<double>(kMoneyScale));
    r.inventory[i] += p.delivered;
  }
  ENTREPOT_HD void close(std::size_t i, std::int64_t cash, std::int64_t spent, std::uint8_t,
                         bool) const {
    r.cash[i] = cash;
    r.purchases[i] += spent;
  }
};

// Retailers as sellers: they offer the stock they opened the step with at their price;
// what they sell leaves the stock at its average unit cost.
struct RetailSellers {
  RetailerStore::View r;
  ENTREPOT_HD std::size_t size() const { return r.size; }
  ENTREPOT_HD Offer opening(std::size_t i) const {
    return Offer{r.price[i], r.inventory[i], 0, 0, 0, 0, r.region[i], 0u, 0.0f};
  }
  ENTREPOT_HD void sold(std::size_t i, const Offer& one, const Offer& two) const {
    r.demand[i] = one.orders + two.shipped;
    r.shipped[i] = one.shipped + two.shipped;
    r.sales_value[i] = one.sales + two.sales;
    r.cost_of_sales[i] = static_cast<std::int64_t>(
        static_cast<double>(r.shipped[i]) / static_cast<double>(kGoodsScale) * r.unit_cost[i] *
        static_cast<double>(kMoneyScale));
    r.inventory[i] -= r.shipped[i];
    r.cash[i] += r.sales_value[i];
  }
};

RetailerSlots retailer_slots(const Market& m) {
  return RetailerSlots{{},
                       m.setting.tables.view(),
                       m.economy.retailers.view(),
                       m.book(false),
                       m.ranks.domain.retailer_id(0)};
}

std::size_t retail_place(const Market& m) {
  return static_cast<std::size_t>(m.ranks.domain.sellers.start(kRetailSellers));
}

}  // namespace

void order_retail(Market& m) {
  if (m.economy.retailers.size == 0) return;
  thrust::fill(m.economy.retailers.purchases.begin(), m.economy.retailers.purchases.end(), 0);
  place_orders(retailer_slots(m), m.book(false));
}

void settle_retail(Market& m, const SpillSeller& spill, bool second) {
  const TablesView t = m.setting.tables.view();
  settle_round(retailer_slots(m), spill, Settle{t, m.book(second)}, second,
               RetailPurchaseFlows{t, thrust::raw_pointer_cast(m.scratch.flows.data())}, m.chunk);
}

void spill_retail(Market& m, const SpillSeller& spill) {
  place_spill_orders(retailer_slots(m), spill, m.book(true));
}

std::vector<std::int64_t> spill_candidates_of_retailers(Market& m, const SpillSeller& spill) {
  return collect_ids(
      m.ranks, m.economy.retailers.size,
      ShortSlotSellers<RetailerSlots>{retailer_slots(m), spill, m.ranks.owned_index()});
}

void open_retail_offers(Market& m) {
  if (m.economy.retailers.size == 0) return;
  open_offers(RetailSellers{m.economy.retailers.view()},
              thrust::raw_pointer_cast(m.scratch.offers.data()),
              thrust::raw_pointer_cast(m.scratch.spill_offers.data()), retail_place(m));
}

void close_retail_offers(Market& m) {
  if (m.economy.retailers.size == 0) return;
  close_offers(RetailSellers{m.economy.retailers.view()},
               thrust::raw_pointer_cast(m.scratch.offers.data()),
               thrust::raw_pointer_cast(m.scratch.spill_offers.data()), retail_place(m));
}

}  // namespace entrepot

// Pieces the trade passes share (kernels/trade.cpp, kernels/trade_households.cpp).
#pragma once

#include <thrust/for_each.h>
#include <thrust/iterator/counting_iterator.h>

#include <type_traits>
#include <vector>

#include "agents/rules.h"
#include "kernels/entities.h"
#include "kernels/phases.h"

namespace entrepot {

// Adds one purchase's flows (kPurchaseFlows values) to trade cell `cell` of a flow table
// (kFlows values a cell): int64 atomics, zeros skipped.
ENTREPOT_HD void add_flows(std::int64_t* flows, std::size_t cell, const std::int64_t* v) {
  for (int x = 0; x < kPurchaseFlows; ++x) {
    if (v[x] != 0) atomic_add(&flows[cell * kFlows + x], v[x]);
  }
}

// The flows of one settling thread, kept per (origin region, kind) for the buyers' key
// (their region, or a firm's block: Slots::flow_key) and handed to `sink(key, origin, kind,
// values)` when the key changes and at the end: few atomic additions, but a table of up to 32 KB
// per thread.
template <int Kinds, class Sink>
struct LocalFlows {
  const Sink& sink;
  int regions, kinds, dest;
  std::int64_t table[kMaxRegions][Kinds][kPurchaseFlows];  // only [regions][kinds] is used
  ENTREPOT_HD LocalFlows(const Sink& s, int r, int k, int d)
      : sink(s), regions(r), kinds(k), dest(d) {
    // Zeroing the part in use only: the world's regions and kinds, often a tenth of the
    // table, which on a GPU is local memory.
    for (int o = 0; o < regions; ++o) {
      for (int c = 0; c < kinds; ++c) {
        for (int x = 0; x < kPurchaseFlows; ++x) table[o][c][x] = 0;
      }
    }
  }
  ENTREPOT_HD void region(int r) {
    if (r == dest) return;
    flush();
    dest = r;
  }
  ENTREPOT_HD void add(int origin, int kind, const std::int64_t* flow) {
    for (int x = 0; x < kPurchaseFlows; ++x) table[origin][kind][x] += flow[x];
  }
  ENTREPOT_HD void flush() {
    for (int o = 0; o < regions; ++o) {
      for (int k = 0; k < kinds; ++k) {
        sink(dest, o, k, table[o][k]);
        for (int x = 0; x < kPurchaseFlows; ++x) table[o][k][x] = 0;
      }
    }
  }
};

// The same interface with no table: each purchase's flows go to the sink at once.
template <class Sink>
struct DirectFlows {
  const Sink& sink;
  int dest;
  ENTREPOT_HD DirectFlows(const Sink& s, int, int, int d) : sink(s), dest(d) {}
  ENTREPOT_HD void region(int r) { dest = r; }
  ENTREPOT_HD void add(int origin, int kind, const std::int64_t* flow) {
    sink(dest, origin, kind, flow);
  }
  ENTREPOT_HD void flush() {}
};

template <bool Local, int Kinds, class Sink>
using FlowTally = std::conditional_t<Local, LocalFlows<Kinds, Sink>, DirectFlows<Sink>>;

// Runs a settling pass over `buyers`: Buy<true> per chunk of `chunk` buyers, or Buy<false>
// per buyer when `chunk` is 0. `parts` are Buy's members before its last, the chunk size.
template <template <bool> class Buy, class... Parts>
void settle_buyers(std::size_t buyers, std::size_t chunk, const Parts&... parts) {
  auto first = thrust::counting_iterator<std::size_t>(0);
  if (chunk == 0) {
    thrust::for_each(first, first + buyers, Buy<false>{parts..., std::size_t{1}});
  } else {
    thrust::for_each(first, first + (buyers + chunk - 1) / chunk, Buy<true>{parts..., chunk});
  }
}

// The region a seller's goods are shipped from: its own, or a merchant's where it bought them.
ENTREPOT_HD int shipped_from(const Offer& offer) {
  return offer.offshore != 0 ? offer.goods_origin : offer.origin;
}

// The trade cell the goods of a purchase in trade cell `cell` (the seller's region to the
// buyer's) travel through: a merchant's go from where it bought them straight to the buyer.
ENTREPOT_HD std::size_t goods_cell(const TablesView& t, std::size_t cell, const Offer& offer) {
  if (offer.offshore == 0) return cell;
  return t.rrs(shipped_from(offer), t.cell_dest(cell), t.cell_sector(cell));
}

// The duty rate a buyer pays on a purchase from `offer` in trade cell `cell`, `foreign` when
// it crosses a border: the import duty by the seller's origin status, or the duty on a
// bonded zone's imported content (agents/trade.h, bonded_duty_rate).
ENTREPOT_HD double purchase_duty_rate(const TablesView& t, std::size_t cell, const Offer& offer,
                                      bool foreign, bool buyer_in_zone) {
  if (offer.offshore != 0) {
    // A merchant's goods reach customs straight from where they were made, as that
    // origin's goods: no hub to ship them through.
    const std::size_t goods = goods_cell(t, cell, offer);
    const bool crosses = t.crosses_border(goods);
    return bonded_duty_rate(crosses, buyer_in_zone,
                            crosses ? t.duty(goods, offer.preferences) : 0.0, 0.0);
  }
  double import_rate = foreign ? t.duty(cell, offer.preferences) : 0.0;
  if (foreign && offer.goods_origin >= 0 && !buyer_in_zone) {
    // Goods a trader ships from a third country: customs enforce their origin on a share of
    // them, charging the origin's duty and the penalty; the rest pass as the trader's
    // (agents/trade.h, transshipped_duty_rate).
    const int dest = t.cell_dest(cell);
    const int importer = t.region_country[dest];
    const int made_in = t.region_country[offer.goods_origin];
    if (made_in != t.region_country[offer.origin]) {
      // The importer's own goods coming back pay nothing where their origin is enforced.
      const bool home = made_in == importer;
      const std::size_t at_origin = t.rrs(offer.goods_origin, dest, t.cell_sector(cell));
      import_rate = transshipped_duty_rate(import_rate, home ? 0.0 : t.duty_rate[at_origin],
                                           t.enforcement[importer],
                                           home ? 0.0 : t.transshipment_penalty[importer]);
    }
  }
  return bonded_duty_rate(foreign, buyer_in_zone, import_rate, offer.zone_rate);
}
// The same where the caller does not know whether the cell crosses a border.
ENTREPOT_HD double purchase_duty_rate(const TablesView& t, std::size_t cell, const Offer& offer,
                                      bool buyer_in_zone) {
  return purchase_duty_rate(t, cell, offer, t.crosses_border(cell), buyer_in_zone);
}

// Settles one order against the round's book (agents/trade.h, settle_purchase): the seller
// records what it shipped and was paid; the buyer's cash pays the bill and the duty; the
// flow is added to `flow`. Returns the purchase. The buyer pays in its currency at the
// seller's price converted at the step's rate and the seller is paid its price in its own:
// the currency market takes the one and gives the other (kernels/currency.cpp). At one rate
// (a domestic sale) the two are the same sum.
struct Settle {
  TablesView t;
  Book<Offer> book;  // the round's offers
  // Sellers from this id on sell at a shop's counter: nothing melts on the way (retailers).
  std::int64_t local_from = 0x7fffffffffffffff;
  // Where buyers that may buy from traders tally what they paid a followed hub's traders
  // (TradeFlows::handled), and of it its merchants (TradeFlows::offshore); null for the
  // others.
  std::int64_t* handled = nullptr;
  std::int64_t* offshore = nullptr;
  ENTREPOT_HD Purchase operator()(std::int32_t seller, std::int64_t order, std::size_t cell,
                                  bool foreign, bool buyer_in_zone, std::int64_t& cash,
                                  std::int64_t* flow) const {
    Offer& offer = book[seller];
    const Purchase p =
        settle_purchase(order, offer.stock, offer.orders, t.buyer_price(offer.price, cell),
                        purchase_duty_rate(t, cell, offer, foreign, buyer_in_zone),
                        seller >= local_from ? 1.0 : t.iceberg[goods_cell(t, cell, offer)], cash);
    const std::int64_t received = payment_for(offer.price, p.shipped);
    cash -= p.paid + p.duty;
    atomic_add(&offer.shipped, p.shipped);
    atomic_add(&offer.sales, received);
    if (foreign) atomic_add(&offer.exports, received);
    flow[kFlowValue] += p.paid;
    flow[kFlowDuty] += p.duty;
    flow[kFlowShipped] += p.shipped;
    flow[kFlowDelivered] += p.delivered;
    // A trader's goods (the only offers with an origin of their own) sold by a followed hub:
    // the route they took, from where they were made through the hub to the buyer.
    if (handled != nullptr && offer.goods_origin >= 0 && p.paid != 0) {
      const std::int32_t hub = t.region_hub[offer.origin];
      if (hub >= 0) {
        const std::size_t route =
            t.hub_route(hub, offer.goods_origin, t.cell_dest(cell), t.cell_sector(cell));
        atomic_add(&handled[route], p.paid);
        if (offer.offshore != 0 && offshore != nullptr) atomic_add(&offshore[route], p.paid);
      }
    }
    return p;
  }
};

// The second-round seller for a buyer its supplier rationed: the first of two gravity
// draws (origin region, then a seller of that block) with stock to spare. It depends only
// on round one's totals, so it is drawn once between the rounds, where the order is placed,
// and kept for round two's settling (kernels/market.h, SecondOrders).
struct SpillSeller {
  TablesView t;
  Book<Offer> offers;  // round one
  Philox rng;
  int step;
  OriginTable table = OriginTable::common;  // whose producers' table the draws read
  // Both gravity draws of a buyer's slot that other ranks own, whether or not the second is
  // needed: the sellers whose round-one totals a rank must fetch before round two.
  template <class Emit>
  ENTREPOT_HD void draw_all(std::uint64_t buyer, int slot, int dest, int sector,
                            const SellerIndex& owned, Emit& emit) const {
    const auto w = rng.words(buyer, step, Draw::spillover, static_cast<std::uint32_t>(slot));
    for (int k = 0; k < 2; ++k) {
      const std::int32_t seller = t.find_seller(dest, sector, w[2 * k], w[2 * k + 1], table);
      if (seller < 0) return;
      if (!owned.owns(seller)) emit(seller);
    }
  }
  // `lists`: the entity lists the buyer is on (kernels/entities.h), 0 for none.
  ENTREPOT_HD std::int32_t operator()(std::uint64_t buyer, int slot, int dest, int sector,
                                      std::int32_t current, std::uint8_t lists = 0) const {
    const auto w = rng.words(buyer, step, Draw::spillover, static_cast<std::uint32_t>(slot));
    for (int k = 0; k < 2; ++k) {
      const std::int32_t seller = t.find_seller(dest, sector, w[2 * k], w[2 * k + 1], table);
      if (seller < 0) return -1;  // nothing reachable
      // Stock to spare: its first-round orders were below its opening stock.
      if (seller != current && offers[seller].orders < offers[seller].stock &&
          !is_banned(t.trade_factor[t.rrs(offers[seller].origin, dest, sector)]) &&
          !entity_banned(t, lists, offers[seller].origin, dest, sector)) {
        return seller;
      }
    }
    return -1;
  }
};

// One step's goods market as its passes see it: what they read (the setting), the stores
// of buyers and sellers, the books and flows of the trade (scratch) and the exchange with
// other ranks.
struct Market {
  const Setting& setting;
  Economy& economy;
  Ranks& ranks;
  TradeScratch& scratch;
  std::size_t chunk;  // buyers per settling thread (Model::trade_chunk)
  int step;
  // The book of a round: owned sellers, then the ghosts of other ranks.
  Book<Offer> book(bool second) const {
    return Book<Offer>{
        thrust::raw_pointer_cast(second ? scratch.spill_offers.data() : scratch.offers.data()),
        ranks.seller_index(ranks.offer_ghosts)};
  }
  // The seller of round two for a slot round one left short (reads round one's book).
  SpillSeller spill_seller() const {
    return SpillSeller{setting.tables.view(), book(false), setting.rng, step};
  }
};

// The passes of phase 6 for each kind of buyer (kernels/trade.cpp orders them), each the
// generic pass of kernels/market.h over its slots: firms order their planned inputs from
// their suppliers, households their budget shares at their retailers, and retailers and
// traders (stockists) their planned purchases from their suppliers; each round
// settles against its book of offers, and between the rounds every slot round one left
// short places an order with a second seller.
void order_inputs(Market& market);
void order_consumption(Market& market);
void order_stockists(Market& market);
void settle_stockists(Market& market, bool second);
void spill_stockists(Market& market, const SpillSeller& spill);
// Retailers and traders as sellers: their offers opened in both books, and both rounds into
// their accounts (kernels/trade_stockists.cpp).
void open_stockist_offers(Market& market);
void close_stockist_offers(Market& market);
void settle_consumption(Market& market, bool second);
void settle_inputs(Market& market, bool second);
// Between the rounds: the slots round one left short order the rest in round two's book.
void spill_consumption(Market& market, const SpillSeller& spill);
void spill_inputs(Market& market, const SpillSeller& spill);

// Other ranks' sellers that the slots left short in round one will try in round two.
std::vector<std::int64_t> spill_candidates_of_firms(Market& market, const SpillSeller& spill);
std::vector<std::int64_t> spill_candidates_of_households(Market& market, const SpillSeller& spill);
std::vector<std::int64_t> spill_candidates_of_stockists(Market& market, const SpillSeller& spill);

// Over several ranks (kernels/trade_ghosts.cpp): the ghost sellers of the current links
// with their opening offers; the orders summed at the owners and the totals back; the
// ghosts round two needs, with their round-one totals; what a round sold to the owners;
// round two's stock and orders.
void open_ghost_books(Market& market);
void total_orders(Market& market);
void fetch_spill_sellers(Market& market);
void return_sales(Market& market, bool second);
void open_ghost_spill_round(Market& market);

}  // namespace entrepot

// Phase 6: trade. Orders are summed per seller (int64, so order does not matter); each
// order is filled at the seller's ratio min(1, I/D); goods arrive after iceberg melt; the
// buyer pays the seller and the duty to the importer's government. Bilateral flows are
// int64 sums, tallied per chunk of buyers or per purchase (kernels/trade.h).
#include "kernels/trade.h"

#include <thrust/copy.h>
#include <thrust/fill.h>
#include <thrust/for_each.h>
#include <thrust/iterator/counting_iterator.h>

#include "kernels/ghosts.h"
#include "kernels/phases.h"

namespace entrepot {
namespace {

struct OrderInputs {
  FirmStore::View f;
  Book<Offer> offers;
  ENTREPOT_HD void operator()(std::size_t i) const {
    const std::int32_t seller = f.supplier[i];
    if (seller >= 0 && f.input_order[i] > 0) atomic_add(&offers[seller].orders, f.input_order[i]);
  }
};

// The first-round order of a firm's input slot i, and what it left unserved as money.
struct InputRound {
  TablesView t;
  FirmStore::View f;
  Book<Offer> offers;  // round one
  ENTREPOT_HD double unserved_value(std::size_t i, std::size_t j) const {
    const std::int32_t seller = f.supplier[i];
    const std::int64_t q = f.input_order[i];
    if (seller < 0 || q <= 0) return 0.0;
    const Offer& offer = offers[seller];
    const std::int64_t filled = filled_quantity(q, offer.stock, offer.orders);
    if (filled >= q) return 0.0;
    const std::size_t cell = t.rrs(offer.origin, f.block[j] / t.sectors, input_of(i, j));
    return entrepot::unserved_value(q, filled, offer.price, t.duty_rate[cell]);
  }
  ENTREPOT_HD int input_of(std::size_t i, std::size_t j) const {
    return t.input_sector[(f.block[j] % t.sectors) * kInputSlots + static_cast<int>(i / f.size)];
  }
  // Quantity at origin that `value` buys from `seller`.
  ENTREPOT_HD std::int64_t spill_order(double value, std::int32_t seller, std::size_t j,
                                       int input) const {
    const std::size_t cell = t.rrs(offers[seller].origin, f.block[j] / t.sectors, input);
    return order_for_value(value, offers[seller].price, t.duty_rate[cell]);
  }
};

// Where firms' input purchases are tallied: the bilateral flow cells.
struct InputFlows {
  TablesView t;
  std::int64_t* flows;
  ENTREPOT_HD void operator()(int dest, int origin, int input, const std::int64_t* v) const {
    for (int x = 0; x < kFlows; ++x) {
      if (v[x] != 0) atomic_add(&flows[t.rrs(origin, dest, input) * kFlows + x], v[x]);
    }
  }
};

// Settles one round of input purchases for a chunk of firms, tallying flows per origin.
template <bool Local>
struct BuyInputs {
  Settle settle;
  InputRound round;
  SpillSeller spill;
  bool second;
  InputFlows sink;
  std::uint64_t first;  // global id of firm 0
  std::size_t chunk;
  ENTREPOT_HD void operator()(std::size_t c) const {
    const TablesView& t = settle.t;
    const FirmStore::View& f = round.f;
    const std::size_t end = (c + 1) * chunk < f.size ? (c + 1) * chunk : f.size;
    FlowTally<Local, kMaxSectors, InputFlows> tally(sink, t.regions, t.sectors,
                                                    f.block[c * chunk] / t.sectors);
    for (std::size_t j = c * chunk; j < end; ++j) {
      const int region = f.block[j] / t.sectors;
      tally.region(region);
      for (int k = 0; k < kInputSlots; ++k) {
        const std::size_t i = k * f.size + j;
        std::int32_t seller = f.supplier[i];
        std::int64_t q = f.input_order[i];
        const int input = round.input_of(i, j);
        if (second) {
          const double value = round.unserved_value(i, j);
          if (value <= 0.0) continue;
          seller = spill(first + j, k, region, input, seller);
          if (seller < 0) continue;
          q = round.spill_order(value, seller, j, input);
        }
        if (seller < 0 || q <= 0) continue;
        const int origin = round.offers[seller].origin;
        const std::size_t cell = t.rrs(origin, region, input);
        std::int64_t flow[kFlows] = {0, 0, 0, 0};
        const std::int64_t before = f.cash[j];
        settle(seller, q, cell, t.region_country[origin] != t.region_country[region], f.cash[j],
               flow);
        f.input_cost[j] += before - f.cash[j];
        f.input_stock[i] += flow[kFlowDelivered];
        tally.add(origin, input, flow);
      }
    }
    tally.flush();
  }
};

// The input slots round one left short, `visit(k, i, region, input)` for each: the order
// was not filled in full, which the round's totals alone decide.
struct ShortInputs {
  InputRound round;
  template <class Visit>
  ENTREPOT_HD void each(std::size_t j, Visit&& visit) const {
    const FirmStore::View& f = round.f;
    const int region = f.block[j] / round.t.sectors;
    for (int k = 0; k < kInputSlots; ++k) {
      const std::size_t i = k * f.size + j;
      const std::int32_t seller = f.supplier[i];
      const std::int64_t q = f.input_order[i];
      if (seller < 0 || q <= 0) continue;
      const Offer& offer = round.offers[seller];
      if (filled_quantity(q, offer.stock, offer.orders) >= q) continue;
      visit(k, i, region, round.input_of(i, j));
    }
  }
};

// Between the rounds: each short slot orders the rest from another seller with stock to
// spare, in round two's book.
struct SpillInputs {
  ShortInputs inputs;
  SpillSeller spill;
  Book<Offer> spill_book;
  std::uint64_t first;  // global id of firm 0
  ENTREPOT_HD void operator()(std::size_t j) const {
    const InputRound& round = inputs.round;
    inputs.each(j, [&](int k, std::size_t i, int region, int input) {
      const double value = round.unserved_value(i, j);
      const std::int32_t other = spill(first + j, k, region, input, round.f.supplier[i]);
      if (value <= 0.0 || other < 0) return;
      const std::int64_t more = round.spill_order(value, other, j, input);
      if (more > 0) atomic_add(&spill_book[other].orders, more);
    });
  }
};

// The sellers those slots will try, for fetching their round-one totals from other ranks.
struct ShortInputSlots {
  ShortInputs inputs;
  SpillSeller spill;
  std::uint64_t first;
  SellerIndex owned;
  template <class Emit>
  ENTREPOT_HD void operator()(std::size_t j, Emit& emit) const {
    inputs.each(j, [&](int k, std::size_t, int region, int input) {
      spill.draw_all(first + j, k, region, input, owned, emit);
    });
  }
};

// Books of offers: round one shares out the opening inventory, round two what is left.
struct OpenBooks {
  TablesView t;
  FirmStore::View f;
  Offer* offers;
  Offer* spill_offers;
  ENTREPOT_HD void operator()(std::size_t j) const {
    const int origin = f.block[j] / t.sectors;
    const Offer open{f.price[j], f.inventory[j], 0, 0, 0, 0, origin};
    offers[j] = open;
    spill_offers[j] = open;
  }
};

struct CloseFirstRound {
  Offer* offers;
  Offer* spill_offers;
  ENTREPOT_HD void operator()(std::size_t j) const {
    spill_offers[j].stock = offers[j].stock - offers[j].shipped;
  }
};

// Both rounds into the firm's accounts: orders seen, goods shipped, money received.
struct CloseBooks {
  FirmStore::View f;
  const Offer* offers;
  const Offer* spill_offers;
  ENTREPOT_HD void operator()(std::size_t j) const {
    const Offer& one = offers[j];
    const Offer& two = spill_offers[j];
    f.demand[j] = one.orders + two.orders;
    f.shipped[j] = one.shipped + two.shipped;
    f.sales_value[j] = one.sales + two.sales;
    f.export_value[j] = one.exports + two.exports;
    f.inventory[j] -= f.shipped[j];
    f.cash[j] += f.sales_value[j];
  }
};

}  // namespace

Book<Offer> round_book(Model& m, bool second) {
  return Book<Offer>{thrust::raw_pointer_cast(second ? m.scratch.trade.spill_offers.data()
                                                     : m.scratch.trade.offers.data()),
                     m.ranks.seller_index(m.ranks.offer_ghosts)};
}

TradeFlows trade(Model& m, int step) {
  FirmStore& firms = m.economy.firms;
  TradeScratch& scratch = m.scratch.trade;
  thrust::fill(firms.input_cost.begin(), firms.input_cost.end(), 0);
  thrust::fill(scratch.flows.begin(), scratch.flows.end(), 0);
  thrust::fill(scratch.household_flows.begin(), scratch.household_flows.end(), 0);
  const TablesView t = m.tables.view();
  FirmStore::View f = firms.view();
  m.ranks.offer_ghosts.clear();
  scratch.offers.resize(f.size);
  scratch.spill_offers.resize(f.size);
  auto first = thrust::counting_iterator<std::size_t>(0);
  thrust::for_each(first, first + f.size,
                   OpenBooks{t, f, thrust::raw_pointer_cast(scratch.offers.data()),
                             thrust::raw_pointer_cast(scratch.spill_offers.data())});
  if (m.ranks.distributed()) open_ghost_books(m);

  // Orders first, so firms' and households' purchases compete for one stock.
  thrust::for_each(first, first + f.size * kInputSlots, OrderInputs{f, round_book(m, false)});
  order_consumption(m);
  if (m.ranks.distributed()) total_orders(m);
  // Round one, then the orders round two places with other sellers. Over several ranks,
  // those sellers' round-one totals are fetched in between (the book grows: the spill
  // seller reads it afresh).
  auto spill_seller = [&]() { return SpillSeller{t, round_book(m, false), m.rng, step}; };
  settle_inputs(m, spill_seller(), false);
  settle_consumption(m, spill_seller(), false);
  if (m.ranks.distributed()) fetch_spill_sellers(m, step);
  const SpillSeller spill = spill_seller();
  spill_inputs(m, spill);
  spill_consumption(m, spill);
  if (m.ranks.distributed()) return_sales(m, false);
  Offer* offers = thrust::raw_pointer_cast(scratch.offers.data());
  Offer* spill_offers = thrust::raw_pointer_cast(scratch.spill_offers.data());
  thrust::for_each(first, first + f.size, CloseFirstRound{offers, spill_offers});
  if (m.ranks.distributed()) open_ghost_spill_round(m);
  settle_consumption(m, spill, true);
  settle_inputs(m, spill, true);
  if (m.ranks.distributed()) return_sales(m, true);
  thrust::for_each(first, first + f.size, CloseBooks{f, offers, spill_offers});

  // Flows of all ranks' buyers; duty belongs to the importer's government.
  TradeFlows flows{to_host(scratch.flows), to_host(scratch.household_flows)};
  m.ranks.sum_over_ranks(flows.bilateral.data(), flows.bilateral.size());
  m.ranks.sum_over_ranks(flows.household.data(), flows.household.size());
  const int nr = t.regions, ns = t.sectors;
  for (int d = 0; d < nr; ++d) {
    for (int o = 0; o < nr; ++o) {
      for (int s = 0; s < ns; ++s) {
        m.economy.government[m.world.region_country[d]] +=
            flows.bilateral[t.rrs(o, d, s) * kFlows + kFlowDuty];
      }
    }
  }
  return flows;
}

void settle_inputs(Model& m, const SpillSeller& spill, bool second) {
  FirmStore::View f = m.economy.firms.view();
  if (f.size == 0) return;
  const TablesView t = m.tables.view();
  settle_buyers<BuyInputs>(f.size, m.trade_chunk, Settle{t, round_book(m, second)},
                           InputRound{t, f, round_book(m, false)}, spill, second,
                           InputFlows{t, thrust::raw_pointer_cast(m.scratch.trade.flows.data())},
                           std::uint64_t{m.ranks.domain.firm_id(0)});
}

void spill_inputs(Model& m, const SpillSeller& spill) {
  auto first = thrust::counting_iterator<std::size_t>(0);
  thrust::for_each(first, first + m.economy.firms.size,
                   SpillInputs{ShortInputs{InputRound{m.tables.view(), m.economy.firms.view(),
                                                      round_book(m, false)}},
                               spill, round_book(m, true), m.ranks.domain.firm_id(0)});
}

std::vector<std::int64_t> spill_candidates_of_firms(Model& m, const SpillSeller& spill) {
  FirmStore::View f = m.economy.firms.view();
  return collect_ids(
      m, f.size,
      ShortInputSlots{ShortInputs{InputRound{m.tables.view(), f, round_book(m, false)}}, spill,
                      m.ranks.domain.firm_id(0), m.ranks.owned_index()});
}

}  // namespace entrepot

// Commodity exchanges: the member traders' orders, the venues' call auctions and their
// settlement (kernels/venues.h; the rules are agents/venues.h's).
#include "kernels/venues.h"

#include <thrust/for_each.h>
#include <thrust/iterator/counting_iterator.h>

#include <algorithm>
#include <cmath>

#include "agents/auction.h"
#include "agents/retail.h"
#include "agents/trade.h"
#include "agents/venues.h"
#include "kernels/auction.h"
#include "kernels/host_copy.h"
#include "kernels/stockist.h"

namespace entrepot {
namespace {

// The venues as the traders' rules read them, for one step.
struct VenueView {
  int venues = 0, sectors = 0, countries = 0;
  const std::int32_t* region;  // per venue
  const double* fee;           // per venue
  const double* impact;        // per venue: what a thin book costs an order (depth_cost)
  const std::uint8_t* trades;  // per book: 1 where the venue lists the sector
  const std::uint8_t* member;  // per venue × country: 1 where its traders may join
  const double* price;         // per book: last clearing price, venue currency per unit
  const double* depth;         // per book: what it traded last step, goods
};

struct VenueTables {
  thrust::device_vector<std::int32_t> region;
  thrust::device_vector<double> fee, impact, price, depth;
  thrust::device_vector<std::uint8_t> trades, member;
  VenueView view(int sectors, int countries) const {
    return VenueView{static_cast<int>(region.size()),
                     sectors,
                     countries,
                     thrust::raw_pointer_cast(region.data()),
                     thrust::raw_pointer_cast(fee.data()),
                     thrust::raw_pointer_cast(impact.data()),
                     thrust::raw_pointer_cast(trades.data()),
                     thrust::raw_pointer_cast(member.data()),
                     thrust::raw_pointer_cast(price.data()),
                     thrust::raw_pointer_cast(depth.data())};
  }
};

VenueTables venue_tables(const Scenario& sc, const World& world, const Economy& economy) {
  const int nv = static_cast<int>(sc.venues.size()), ns = world.sectors();
  std::vector<std::int32_t> region;
  std::vector<double> fee, impact, price(economy.venue_price.size()),
      depth(economy.venue_volume.size());
  std::vector<std::uint8_t> trades(static_cast<std::size_t>(nv) * ns, 0);
  for (int v = 0; v < nv; ++v) {
    region.push_back(sc.venues[v].region);
    fee.push_back(sc.venues[v].fee);
    impact.push_back(sc.venues[v].impact);
    for (int s : sc.venues[v].sectors) trades[static_cast<std::size_t>(v) * ns + s] = 1;
  }
  for (std::size_t b = 0; b < price.size(); ++b) {
    price[b] = static_cast<double>(economy.venue_price[b]) / kVenuePriceScale;
    depth[b] = static_cast<double>(economy.venue_volume[b]);
  }
  VenueTables t;
  t.region.assign(region.begin(), region.end());
  t.fee.assign(fee.begin(), fee.end());
  t.impact.assign(impact.begin(), impact.end());
  t.depth.assign(depth.begin(), depth.end());
  t.price.assign(price.begin(), price.end());
  t.trades.assign(trades.begin(), trades.end());
  t.member.assign(world.venue_member.begin(), world.venue_member.end());
  return t;
}

// The costs between trader region h and venue v for sector s (agents/venues.h VenueLeg).
ENTREPOT_HD VenueLeg leg_of(const TablesView& t, const VenueView& w, int h, int v, int s) {
  const int at = w.region[v];
  const std::size_t out = t.rrs(h, at, s), in = t.rrs(at, h, s);
  VenueLeg leg;
  leg.ship_out = t.iceberg[out];
  leg.ship_in = t.iceberg[in];
  leg.to_venue = t.exchange[out];
  leg.to_member = t.exchange[in];
  leg.duty = t.duty_rate[in];
  leg.fee = w.fee[v];
  leg.cross = t.region_country[h] != t.region_country[at];
  return leg;
}

// A member trader's two orders: where it sells and buys (−1: nowhere) and what.
struct Position {
  int ask_venue = -1, bid_venue = -1;
  std::int64_t ask_quantity = 0, ask_price = 0, bid_quantity = 0, bid_price = 0;
  std::int64_t offered = 0;  // the stock the ask was sized within, goods
};

// The stock trader i offers: what it holds beyond a step of expected sales, goods at home.
ENTREPOT_HD std::int64_t offered_stock(const TraderStore::View& r, std::size_t i) {
  const auto keep =
      static_cast<std::int64_t>(r.expected_sales[i] * static_cast<double>(kGoodsScale));
  return r.inventory[i] > keep ? r.inventory[i] - keep : 0;
}

struct TraderPosition {
  TablesView t;
  VenueView w;
  TraderStore::View r;
  double inventory_target, adjust_steps;

  ENTREPOT_HD Position operator()(std::size_t i) const {
    Position p;
    // Merchants hold their goods where they bought them, not in a warehouse a venue lists.
    if (r.offshore[i] != 0 || !(r.expected_sales[i] > 0.0) || !(r.unit_cost[i] > 0.0)) return p;
    const int h = r.region[i], s = r.sector[i], c = t.region_country[h];
    const double goods = static_cast<double>(kGoodsScale);
    // What it means to sell and to buy, goods at home: the stock it holds beyond a step of
    // expected sales, and its next purchases (agents/retail.h: towards its stock target).
    p.offered = offered_stock(r, i);
    const double wanted =
        retail_purchases(r.expected_sales[i], static_cast<double>(r.inventory[i]) / goods,
                         inventory_target, adjust_steps);
    // Routing: the venue where its stock sells for most and the one where buying costs
    // least, landed and after what the book's depth is expected to cost the order, among
    // those it may join that list its goods (export bans hold).
    double best_worth = 0.0, best_cost = 0.0;
    for (int v = 0; v < w.venues; ++v) {
      const std::size_t book = static_cast<std::size_t>(v) * w.sectors + s;
      if (w.trades[book] == 0 || w.member[static_cast<std::size_t>(v) * w.countries + c] == 0) {
        continue;
      }
      const double price = w.price[book];
      if (!(price > 0.0)) continue;
      const VenueLeg leg = leg_of(t, w, h, v, s);
      const double depth = w.depth[book];
      if (!is_banned(t.trade_factor[t.rrs(h, w.region[v], s)])) {
        const double worth =
            ask_worth(price, leg) *
            (1.0 - depth_cost(static_cast<double>(p.offered) / leg.ship_out, depth, w.impact[v]));
        if (p.ask_venue < 0 || worth > best_worth) {
          p.ask_venue = v;
          best_worth = worth;
        }
      }
      if (!is_banned(t.trade_factor[t.rrs(w.region[v], h, s)])) {
        const double cost = bid_cost(price, leg) *
                            (1.0 + depth_cost(wanted * leg.ship_in * goods, depth, w.impact[v]));
        if (p.bid_venue < 0 || cost < best_cost) {
          p.bid_venue = v;
          best_cost = cost;
        }
      }
    }
    // It offers that stock at no less than it cost.
    if (p.ask_venue >= 0) {
      const VenueLeg leg = leg_of(t, w, h, p.ask_venue, s);
      p.ask_quantity = ask_quantity(p.offered, leg.ship_out);
      p.ask_price = ask_price(ask_limit(r.unit_cost[i], leg));
    }
    // It bids for its next purchases at no more than its stock costs it landed, within its
    // cash.
    if (p.bid_venue >= 0) {
      const VenueLeg leg = leg_of(t, w, h, p.bid_venue, s);
      p.bid_price = bid_price(bid_limit(r.unit_cost[i], leg));
      p.bid_quantity = affordable_bid(static_cast<std::int64_t>(wanted * leg.ship_in * goods),
                                      p.bid_price, r.cash[i], leg);
      // A venue where its own ask would meet its bid is no market for it.
      if (p.ask_venue == p.bid_venue && p.bid_price >= p.ask_price) p.bid_quantity = 0;
    }
    return p;
  }
};

struct WritePositions {
  TraderPosition position;
  std::int64_t first_id;
  AuctionOrder* orders;  // two per trader: its ask, then its bid
  ENTREPOT_HD void operator()(std::size_t i) const {
    const Position p = position(i);
    const int ns = position.w.sectors, s = position.r.sector[i];
    const auto id = first_id + static_cast<std::int64_t>(i);
    orders[2 * i] = AuctionOrder{p.ask_price, p.ask_quantity, id,
                                 p.ask_venue < 0 ? 0 : p.ask_venue * ns + s, kAsk};
    if (p.ask_venue < 0) orders[2 * i].quantity = 0;
    orders[2 * i + 1] = AuctionOrder{p.bid_price, p.bid_quantity, id,
                                     p.bid_venue < 0 ? 0 : p.bid_venue * ns + s, kBid};
    if (p.bid_venue < 0) orders[2 * i + 1].quantity = 0;
  }
};

// What one trader's fills moved, for the tallies across ranks.
struct VenueFill {
  std::int32_t ask_book = -1, bid_book = -1;
  std::int64_t sold = 0, shipped = 0, sale_value = 0, sale_at_venue = 0, sale_paid = 0;
  std::int64_t bought = 0, buy_at_venue = 0, buy_value = 0, buy_paid = 0, duty = 0, received = 0;
};

// Its fills settle: a sale ships its goods and pays it, a purchase charges it and adds the
// goods to its stock at what they cost landed (as a delivery from its suppliers does).
struct SettleFills {
  TraderPosition position;
  const AuctionOrder* orders;
  const std::int64_t* fills;     // this rank's, two per trader
  const std::int64_t* clearing;  // per book
  VenueFill* out;
  ENTREPOT_HD void operator()(std::size_t i) const {
    const TablesView& t = position.t;
    const TraderStore::View& r = position.r;
    const int h = r.region[i], s = r.sector[i];
    VenueFill f;
    const double goods = static_cast<double>(kGoodsScale);
    const double money = static_cast<double>(kMoneyScale);
    const std::int64_t sold = fills[2 * i], bought = fills[2 * i + 1];
    if (sold > 0) {
      const AuctionOrder& o = orders[2 * i];
      const int v = o.book / position.w.sectors;
      const VenueLeg leg = leg_of(t, position.w, h, v, s);
      const VenueSale sale = venue_sale(clearing[o.book], sold, leg);
      f.ask_book = o.book;
      f.sold = sold;
      f.shipped = shipped_for(sold, leg.ship_out, offered_stock(r, i));
      f.sale_value = sale.value;
      f.sale_at_venue = sale.at_venue;
      f.sale_paid = sale.paid;
      r.inventory[i] -= f.shipped;
      r.cost_of_sales[i] += stock_cost(f.shipped, r.unit_cost[i]);
      r.sales_value[i] += sale.paid;
      r.cash[i] += sale.paid;
      // What it sells on a venue is demand it restocks for, as a buyer's order is.
      r.demand[i] += f.shipped;
      r.shipped[i] += f.shipped;
      if (leg.cross) r.export_value[i] += sale.paid;
    }
    if (bought > 0) {
      const AuctionOrder& o = orders[2 * i + 1];
      const int v = o.book / position.w.sectors;
      const VenueLeg leg = leg_of(t, position.w, h, v, s);
      const VenueBuy buy = venue_buy(clearing[o.book], bought, leg);
      f.bid_book = o.book;
      f.bought = bought;
      f.buy_at_venue = buy.at_venue;
      f.buy_value = buy.goods_value;
      f.buy_paid = buy.paid;
      f.duty = buy.duty;
      f.received = buy.received;
      const std::int64_t cost = buy.paid + buy.duty;
      const double held = static_cast<double>(r.inventory[i]) / goods;
      // Bought at home it lowers the share bought abroad, as a delivery from home does.
      r.foreign_share[i] = share_bought_abroad(held * r.unit_cost[i] * money, r.foreign_share[i],
                                               static_cast<double>(cost), leg.cross);
      r.unit_cost[i] =
          stock_unit_cost(held, r.unit_cost[i], static_cast<double>(buy.received) / goods,
                          static_cast<double>(cost) / money);
      r.inventory[i] += buy.received;
      r.cash[i] -= cost;
      r.purchases[i] += cost;
    }
    out[i] = f;
  }
};

// Where a book that traded nothing settles, as exchanges settle a contract that did not trade
// (CME Rule 813): at its last price moved within its quotes, so no higher than its best ask
// (a buyer could have bought there) and no lower than its best bid. A venue whose resting
// orders undercut its last price thus shows it, and members route to it.
std::vector<std::int64_t> settled_prices(const std::vector<AuctionOrder>& orders,
                                         const std::vector<std::int64_t>& last) {
  const std::size_t nb = last.size();
  std::vector<std::int64_t> best_bid(nb, -1), best_ask(nb, -1), settled = last;
  for (const AuctionOrder& o : orders) {
    if (o.quantity <= 0) continue;
    const auto b = static_cast<std::size_t>(o.book);
    if (o.side == kBid) best_bid[b] = std::max(best_bid[b], o.price);
    if (o.side == kAsk && (best_ask[b] < 0 || o.price < best_ask[b])) best_ask[b] = o.price;
  }
  for (std::size_t b = 0; b < nb; ++b) {
    if (best_ask[b] > 0 && settled[b] > best_ask[b]) settled[b] = best_ask[b];
    if (best_bid[b] > 0 && settled[b] < best_bid[b]) settled[b] = best_bid[b];
  }
  return settled;
}

// Running sums of the lagged correlations of the books' returns in US$ (price leadership),
// and each book's last price and return.
void follow_prices(const Scenario& sc, const World& world, Economy& e) {
  const int ns = world.sectors();
  const std::size_t nb = e.venue_price.size();
  std::vector<double> now(nb, 0.0), change(nb, 0.0);
  for (std::size_t b = 0; b < nb; ++b) {
    const int v = static_cast<int>(b) / ns;
    const int country = world.region_country[sc.venues[v].region];
    now[b] = static_cast<double>(e.venue_price[b]) / kVenuePriceScale * e.exchange_rate[country];
    change[b] = e.venue_dollar_price[b] > 0.0 ? now[b] / e.venue_dollar_price[b] - 1.0 : 0.0;
  }
  // The books have traded e.step steps before this one: from the second on, each has a
  // return of the step before.
  if (e.step >= 1) {
    for (std::size_t a = 0; a < nb; ++a) {
      for (std::size_t b = 0; b < nb; ++b) {
        if (a == b || a % ns != b % ns) continue;
        double* sum = &e.venue_lead[(a * nb + b) * 6];
        const double x = e.venue_return[a], y = change[b];
        sum[0] += 1.0;
        sum[1] += x;
        sum[2] += y;
        sum[3] += x * x;
        sum[4] += y * y;
        sum[5] += x * y;
      }
    }
  }
  e.venue_dollar_price = now;
  e.venue_return = change;
}

// Pearson correlation from running sums: 0 where either side does not vary.
double correlation(const double* sum) {
  const double n = sum[0];
  if (n < 2.0) return 0.0;
  const double vx = n * sum[3] - sum[1] * sum[1], vy = n * sum[4] - sum[2] * sum[2];
  if (!(vx > 0.0) || !(vy > 0.0)) return 0.0;
  return (n * sum[5] - sum[1] * sum[2]) / std::sqrt(vx * vy);
}

}  // namespace

void set_up_venues(const Scenario& sc, const World& world, Economy& economy) {
  const int ns = world.sectors(), nr = world.regions();
  const std::size_t nb = sc.venues.size() * static_cast<std::size_t>(ns);
  economy.venue_price.assign(nb, 0);
  economy.venue_volume.assign(nb, 0);
  economy.venue_dollar_price.assign(nb, 0.0);
  economy.venue_return.assign(nb, 0.0);
  economy.venue_lead.assign(nb * nb * 6, 0.0);
  for (std::size_t v = 0; v < sc.venues.size(); ++v) {
    const int at = world.region_country[sc.venues[v].region];
    for (int s : sc.venues[v].sectors) {
      double sum = 0.0;
      int makers = 0;
      for (int r = 0; r < nr; ++r) {
        const double p = economy.block_price[static_cast<std::size_t>(r) * ns + s];
        if (!(p > 0.0)) continue;
        sum += p * economy.exchange_rate[world.region_country[r]];
        ++makers;
      }
      const double mean = makers > 0 ? sum / makers / economy.exchange_rate[at] : 1.0;
      const std::size_t book = v * static_cast<std::size_t>(ns) + static_cast<std::size_t>(s);
      economy.venue_price[book] = static_cast<std::int64_t>(mean * kVenuePriceScale);
      economy.venue_dollar_price[book] = mean * economy.exchange_rate[at];
    }
  }
}

VenueTrade trade_on_venues(const Scenario& sc, const Setting& setting, Economy& economy,
                           const Ranks& ranks, TradeFlows& flows) {
  const World& world = setting.world;
  const int nv = static_cast<int>(sc.venues.size()), ns = world.sectors();
  const int nc = world.countries(), nr = world.regions();
  const std::size_t nb = static_cast<std::size_t>(nv) * ns;
  VenueTrade out;
  out.volume.assign(nb, 0);
  out.value.assign(nb, 0);
  out.fees.assign(nb, 0);
  out.legs.assign(static_cast<std::size_t>(ns), 0);
  if (nv == 0 || !sc.traders.on()) return out;
  const VenueTables tables = venue_tables(sc, world, economy);
  TraderStore& traders = economy.traders;
  const std::size_t n = traders.size;
  const TraderPosition position{setting.tables.view(), tables.view(ns, nc), traders.view(),
                                sc.traders.inventory_target,
                                setting.behaviour.inventory_adjust_steps};
  auto first = thrust::counting_iterator<std::size_t>(0);
  thrust::device_vector<AuctionOrder> mine(2 * n);
  thrust::for_each(first, first + n,
                   WritePositions{position, static_cast<std::int64_t>(ranks.domain.trader_first),
                                  thrust::raw_pointer_cast(mine.data())});
  std::size_t my_first = 0;
  const thrust::device_vector<AuctionOrder> orders = orders_of_all_ranks(ranks, mine, my_first);
  thrust::device_vector<std::int64_t> fills;
  const std::vector<AuctionClearing> cleared = clear_auctions(orders, economy.venue_price, fills);
  std::vector<std::int64_t> price(nb);
  for (std::size_t b = 0; b < nb; ++b) price[b] = cleared[b].price;
  const thrust::device_vector<std::int64_t> clearing(price.begin(), price.end());
  thrust::device_vector<VenueFill> settled(n);
  thrust::for_each(first, first + n,
                   SettleFills{position, thrust::raw_pointer_cast(mine.data()),
                               thrust::raw_pointer_cast(fills.data()) + my_first,
                               thrust::raw_pointer_cast(clearing.data()),
                               thrust::raw_pointer_cast(settled.data())});

  // The tallies of this rank's traders, then of all ranks: per book its volume, value and
  // what the venue kept; per country the payments across borders and the duty; per trade
  // cell the goods into and out of the venues' warehouses.
  const std::vector<VenueFill> fill = to_host(settled);
  const std::vector<std::uint16_t> region = to_host(traders.region);
  const std::size_t cells = static_cast<std::size_t>(nr) * nr * ns * kPurchaseFlows;
  // [books: volume, value, kept | countries: imports, exports, duty | cells | shipped, received]
  std::vector<std::int64_t> sums(3 * nb + 3 * static_cast<std::size_t>(nc) + cells + 2, 0);
  std::int64_t* volume = sums.data();
  std::int64_t* value = volume + nb;
  std::int64_t* kept = value + nb;
  std::int64_t* imports = kept + nb;
  std::int64_t* exports = imports + nc;
  std::int64_t* duty = exports + nc;
  std::int64_t* cell = duty + nc;
  std::int64_t* goods = cell + cells;
  const auto add_cell = [&](int o, int d, int s, std::int64_t paid, std::int64_t charged,
                            std::int64_t shipped, std::int64_t delivered) {
    std::int64_t* c = cell + world.rrs(o, d, s) * kPurchaseFlows;
    c[kFlowValue] += paid;
    c[kFlowDuty] += charged;
    c[kFlowShipped] += shipped;
    c[kFlowDelivered] += delivered;
  };
  for (std::size_t i = 0; i < n; ++i) {
    const VenueFill& f = fill[i];
    const int h = region[i], c = world.region_country[h];
    if (f.ask_book >= 0) {
      const auto b = static_cast<std::size_t>(f.ask_book);
      const int v = f.ask_book / ns, at = sc.venues[v].region, cv = world.region_country[at];
      volume[b] += f.sold;
      value[b] += f.sale_value;
      kept[b] -= f.sale_at_venue;
      if (cv != c) {
        imports[cv] += f.sale_at_venue;
        exports[c] += f.sale_paid;
      }
      add_cell(h, at, f.ask_book % ns, f.sale_value, 0, f.shipped, f.sold);
      goods[0] += f.shipped;
    }
    if (f.bid_book >= 0) {
      const auto b = static_cast<std::size_t>(f.bid_book);
      const int v = f.bid_book / ns, at = sc.venues[v].region, cv = world.region_country[at];
      kept[b] += f.buy_at_venue;
      if (cv != c) {
        imports[c] += f.buy_paid;
        exports[cv] += f.buy_at_venue;
      }
      duty[c] += f.duty;
      add_cell(at, h, f.bid_book % ns, f.buy_value, f.duty, f.bought, f.received);
      goods[1] += f.received;
    }
  }
  ranks.sum_over_ranks(sums.data(), sums.size());
  // A book's volume is what its sellers sold (each side's fills sum to it).
  const std::vector<std::int64_t> settlement = settled_prices(to_host(orders), economy.venue_price);
  for (std::size_t b = 0; b < nb; ++b) {
    out.volume[b] = volume[b];
    out.value[b] = value[b];
    out.fees[b] = kept[b];
    economy.venue_price[b] = volume[b] > 0 ? price[b] : settlement[b];
    economy.venue_volume[b] = volume[b];
    // What buyers paid beyond what sellers got, fees and rounding, goes to the venue's
    // owners, in its currency.
    economy.owners[sc.venues[b / static_cast<std::size_t>(ns)].region] += kept[b];
  }
  for (int c = 0; c < nc; ++c) {
    economy.government[c] += duty[c];
    economy.foreign_held[c] += imports[c] - exports[c];
    flows.imports[c] += imports[c];
    flows.exports[c] += exports[c];
  }
  for (std::size_t k = 0; k < cells / kPurchaseFlows; ++k) {
    for (int x = 0; x < kPurchaseFlows; ++x) {
      flows.bilateral[k * kFlows + x] += cell[k * kPurchaseFlows + x];
    }
    out.legs[k % static_cast<std::size_t>(ns)] += cell[k * kPurchaseFlows + kFlowShipped];
  }
  out.shipped = goods[0];
  out.received = goods[1];
  follow_prices(sc, world, economy);
  return out;
}

void venue_statistics(const Scenario& sc, const World& world, const Economy& economy,
                      const VenueTrade& trade, const TradeFlows& flows, StepStatistics& st) {
  const int ns = world.sectors(), nr = world.regions();
  const std::size_t nb = trade.volume.size();
  st.venue_price.assign(nb, 0.0);
  st.venue_volume = trade.volume;
  st.venue_value.assign(nb, 0);
  st.venue_share.assign(nb, 0.0);
  st.venue_world_share.assign(nb, 0.0);
  st.price_leadership.assign(nb, 0.0);
  if (nb == 0) return;
  // Each sector's goods shipped anywhere but to and from the venues, and its trade on all
  // venues, US$.
  std::vector<double> world_shipped(static_cast<std::size_t>(ns), 0.0);
  for (int o = 0; o < nr; ++o) {
    for (int d = 0; d < nr; ++d) {
      for (int s = 0; s < ns; ++s) {
        world_shipped[s] +=
            static_cast<double>(flows.bilateral[world.rrs(o, d, s) * kFlows + kFlowShipped]);
      }
    }
  }
  std::vector<double> on_venues(static_cast<std::size_t>(ns), 0.0);
  for (int s = 0; s < ns; ++s) world_shipped[s] -= static_cast<double>(trade.legs[s]);
  for (std::size_t b = 0; b < nb; ++b) {
    const int v = static_cast<int>(b) / ns;
    const double rate = economy.exchange_rate[world.region_country[sc.venues[v].region]];
    st.venue_price[b] = economy.venue_dollar_price[b];
    st.venue_value[b] = static_cast<std::int64_t>(static_cast<double>(trade.value[b]) * rate);
    on_venues[b % ns] += static_cast<double>(st.venue_value[b]);
  }
  for (std::size_t b = 0; b < nb; ++b) {
    const std::size_t s = b % ns;
    if (on_venues[s] > 0.0)
      st.venue_share[b] = static_cast<double>(st.venue_value[b]) / on_venues[s];
    double on_all = 0.0;
    for (std::size_t a = s; a < nb; a += static_cast<std::size_t>(ns)) {
      on_all += static_cast<double>(trade.volume[a]);
    }
    if (world_shipped[s] + on_all > 0.0) {
      st.venue_world_share[b] = static_cast<double>(trade.volume[b]) / (world_shipped[s] + on_all);
    }
    // Leadership: the mean over the sector's other books of how much better this book's
    // returns foretell theirs than theirs foretell its (positive: it leads).
    double lead = 0.0;
    int others = 0;
    for (std::size_t a = 0; a < nb; ++a) {
      if (a == b || a % ns != s || st.venue_price[a] <= 0.0) continue;
      lead += correlation(&economy.venue_lead[(b * nb + a) * 6]) -
              correlation(&economy.venue_lead[(a * nb + b) * 6]);
      ++others;
    }
    st.price_leadership[b] = others > 0 ? lead / others : 0.0;
  }
}

}  // namespace entrepot

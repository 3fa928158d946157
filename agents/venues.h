// Commodity exchanges' rules (docs/model.md §4.18): what a member trader offers and bids at a
// venue and at what limits, which venue it routes to, and what a fill moves in goods and
// money. Prices at a venue are for goods delivered to its warehouse, in its currency; the
// seller pays the haul there and the buyer the haul on and the duty (as the delivery terms of
// physically settled contracts put them: SHFE, INE and LME deliver at listed warehouses).
#pragma once

#include <cstdint>

#include "base/backend.h"

namespace entrepot {

// A venue's auction price: micro-money of its currency per unit of goods (a price of 1 is
// 10⁶), so fills at it are exact int64 sums.
inline constexpr double kVenuePriceScale = 1e6;

// The costs between a member's region h and a venue in region v, for one sector: the haul
// each way (iceberg τ), the currency (units of the venue's currency per unit of the
// member's, and back), the duty the member's country charges on goods from the venue's
// warehouse, and the venue's fee on the value traded.
struct VenueLeg {
  double ship_out = 1.0;   // τ(h → v): shipped per unit delivered at the venue
  double ship_in = 1.0;    // τ(v → h)
  double to_venue = 1.0;   // x(h → v): venue currency per unit of the member's
  double to_member = 1.0;  // x(v → h)
  double duty = 0.0;
  double fee = 0.0;
  bool cross = false;  // the venue is in another country: its payments cross a border
};

// The least an ask takes, per unit at the venue: what the goods cost the member, shipped
// there and converted, and the fee on top. A trader's stock is worth its unit cost to it,
// since that is what restocking costs.
ENTREPOT_HD double ask_limit(double unit_cost, const VenueLeg& leg) {
  return unit_cost * leg.ship_out * leg.to_venue / (1.0 - leg.fee);
}

// The most a bid pays, per unit at the venue: a unit landed at home with fee, haul and duty
// costs no more than the member's stock costs it, so it buys there only what is cheaper than
// its own sourcing.
ENTREPOT_HD double bid_limit(double unit_cost, const VenueLeg& leg) {
  return unit_cost / ((1.0 + leg.fee) * (1.0 + leg.duty) * leg.ship_in * leg.to_member);
}

// What selling a unit at the venue's price brings the member, per unit shipped, in its own
// currency; and what buying one costs it landed. Routing takes the venue where the first is
// highest and the second lowest, at the venues' last prices.
ENTREPOT_HD double ask_worth(double price, const VenueLeg& leg) {
  return price * (1.0 - leg.fee) * leg.to_member / leg.ship_out;
}
ENTREPOT_HD double bid_cost(double price, const VenueLeg& leg) {
  return price * (1.0 + leg.fee) * (1.0 + leg.duty) * leg.ship_in * leg.to_member;
}

// What routing an order of `quantity` to a book that last traded `depth` is expected to cost,
// as a share of the price: `impact` for a book that traded nothing, half of it for an order as
// large as the book's volume, little for a small order in a deep book. Members take their
// orders where they are liquid (Pagano 1989, QJE 104: trade concentrates where it is already
// deep), so a new or newly opened venue draws them only at a better price.
ENTREPOT_HD double depth_cost(double quantity, double depth, double impact) {
  if (!(quantity > 0.0)) return 0.0;
  return impact * quantity / (quantity + (depth > 0.0 ? depth : 0.0));
}

// Limits as auction prices: an ask's rounded up, a bid's down, so neither trades beyond its
// own limit.
ENTREPOT_HD std::int64_t ask_price(double limit) {
  const double scaled = limit * kVenuePriceScale;
  auto p = static_cast<std::int64_t>(scaled);
  return static_cast<double>(p) < scaled ? p + 1 : p;
}
ENTREPOT_HD std::int64_t bid_price(double limit) {
  return limit > 0.0 ? static_cast<std::int64_t>(limit * kVenuePriceScale) : 0;
}

// The value of `quantity` goods at auction price `price`, venue currency: rounded down for a
// seller, up for a buyer, so buyers pay at least what sellers get.
ENTREPOT_HD std::int64_t value_down(std::int64_t price, std::int64_t quantity) {
  return static_cast<std::int64_t>(static_cast<__int128>(price) * quantity /
                                   static_cast<__int128>(kVenuePriceScale));
}
ENTREPOT_HD std::int64_t value_up(std::int64_t price, std::int64_t quantity) {
  const __int128 product = static_cast<__int128>(price) * quantity;
  const auto scale = static_cast<__int128>(kVenuePriceScale);
  return static_cast<std::int64_t>((product + scale - 1) / scale);
}
ENTREPOT_HD std::int64_t fee_on(std::int64_t value, double fee) {
  const double scaled = static_cast<double>(value) * fee;
  auto f = static_cast<std::int64_t>(scaled);
  return static_cast<double>(f) < scaled ? f + 1 : f;
}

// Goods a seller ships for `delivered` to arrive at the venue: rounded up, but never more
// than the stock it offered (`stock`, which the ask was sized within).
ENTREPOT_HD std::int64_t shipped_for(std::int64_t delivered, double ship, std::int64_t stock) {
  const double need = static_cast<double>(delivered) * ship;
  auto s = static_cast<std::int64_t>(need);
  if (static_cast<double>(s) < need) ++s;
  return s < stock ? s : stock;
}

// An ask's quantity: what `stock` goods shipped deliver at the venue.
ENTREPOT_HD std::int64_t ask_quantity(std::int64_t stock, double ship) {
  if (stock <= 0) return 0;
  return static_cast<std::int64_t>(static_cast<double>(stock) / ship);
}

// A buy of `quantity` at the venue, as it settles for the buyer: what it pays at the venue
// (value and fee, venue currency), what that is in its own currency, the goods' value in its
// currency (what the duty is on), the duty and the goods it receives at home.
struct VenueBuy {
  std::int64_t at_venue = 0, paid = 0, goods_value = 0, duty = 0, received = 0;
};
ENTREPOT_HD VenueBuy venue_buy(std::int64_t price, std::int64_t quantity, const VenueLeg& leg) {
  VenueBuy b;
  if (quantity <= 0) return b;
  const std::int64_t value = value_up(price, quantity);
  b.at_venue = value + fee_on(value, leg.fee);
  b.goods_value = value;
  if (leg.cross) {
    // Converted rounding up: the member never pays less than the venue receives.
    const double own = static_cast<double>(b.at_venue) * leg.to_member;
    b.paid = static_cast<std::int64_t>(own);
    if (static_cast<double>(b.paid) < own) ++b.paid;
    b.goods_value = static_cast<std::int64_t>(static_cast<double>(value) * leg.to_member);
  } else {
    b.paid = b.at_venue;
  }
  b.duty = static_cast<std::int64_t>(static_cast<double>(b.goods_value) * leg.duty);
  b.received = static_cast<std::int64_t>(static_cast<double>(quantity) / leg.ship_in);
  return b;
}

// A sale of `quantity` at the venue, as it settles for the seller: the goods' value at the
// clearing price and what the venue pays it less the fee (venue currency), and that in its
// own currency, rounded down.
struct VenueSale {
  std::int64_t value = 0, at_venue = 0, paid = 0;
};
ENTREPOT_HD VenueSale venue_sale(std::int64_t price, std::int64_t quantity, const VenueLeg& leg) {
  VenueSale s;
  if (quantity <= 0) return s;
  s.value = value_down(price, quantity);
  s.at_venue = s.value - fee_on(s.value, leg.fee);
  if (s.at_venue < 0) s.at_venue = 0;
  s.paid = leg.cross ? static_cast<std::int64_t>(static_cast<double>(s.at_venue) * leg.to_member)
                     : s.at_venue;
  return s;
}

// The most a member holding `cash` can bid for at auction price `price` (its limit): the
// largest quantity, up to `wanted`, whose bill with fee and duty it can pay even at its limit.
ENTREPOT_HD std::int64_t affordable_bid(std::int64_t wanted, std::int64_t price, std::int64_t cash,
                                        const VenueLeg& leg) {
  if (wanted <= 0 || price <= 0 || cash <= 0) return 0;
  const double per_unit = static_cast<double>(price) / kVenuePriceScale * (1.0 + leg.fee) *
                          (leg.cross ? leg.to_member : 1.0) * (1.0 + leg.duty);
  double most = static_cast<double>(cash) / per_unit * (1.0 - 1e-9);
  std::int64_t q = most < static_cast<double>(wanted) ? static_cast<std::int64_t>(most) : wanted;
  // Rounding can leave the bill a few micro-units above the cash: step down until it fits.
  for (int i = 0; i < 64 && q > 0; ++i) {
    const VenueBuy b = venue_buy(price, q, leg);
    if (b.paid + b.duty <= cash) return q;
    q -= 1 + q / 1000000;
  }
  return 0;
}

}  // namespace entrepot

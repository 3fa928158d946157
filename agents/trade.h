// Trade: what a flow costs, which supplier a buyer keeps, what an order brings, and how a
// purchase settles. The rules of phases 2 (search) and 6 (trade), and of the trade-cost
// tables. Equations in docs/model.md §4.6.
#pragma once

#include <cstdint>

#include "base/backend.h"
#include "base/det_math.h"

namespace entrepot {

// A banned flow costs this factor: never chosen, and finite so price × factor is never NaN.
inline constexpr double kBannedFactor = 1e30;
ENTREPOT_HD bool is_banned(double trade_factor) {
  return trade_factor >= kBannedFactor;
}

// Distance within a region (and the least distance between two): short hauls cost as
// 100 km do.
inline constexpr double kInternalDistanceKm = 100.0;

// Iceberg cost τ_s(o,d) ≥ 1, goods shipped per good delivered: 1 + t_s·(km/1000)^ρ.
// Digital services are not hauled.
ENTREPOT_HD double iceberg_cost(double km, bool digital, double transport_cost,
                                double distance_elasticity) {
  if (digital) return 1.0;
  const double haul =
      det_pow((km > kInternalDistanceKm ? km : kInternalDistanceKm) / 1000.0, distance_elasticity);
  return 1.0 + transport_cost * haul;
}

// The border friction b ≥ 1 of a flow: 1 + the border cost between two countries, 1 at
// home. Buyers weigh it like a cost, but it is not paid: no good melts and nobody collects
// it. It stands for what gravity's border effect measures beyond freight and tariffs
// (regulation, information, networks, home-biased tastes; Head & Mayer 2014), which raises
// no exporter's sales value, as icebergs would.
ENTREPOT_HD double border_friction(bool border, double border_cost) {
  return border ? 1.0 + border_cost : 1.0;
}

// Trade cost factor τ·b·(1+t) of a flow as buyers weigh it: iceberg, border friction and
// the importer's tariff on the exporter; prohibitive when the flow is banned.
ENTREPOT_HD double trade_factor(double iceberg, double friction, double tariff, bool banned) {
  return banned ? kBannedFactor : iceberg * friction * (1.0 + tariff);
}

// How likely buyers of a sector in one region are to find sellers of an origin: the origin's
// market presence times its landed cost to the power −ε, the Armington (CES) demand share
// that gravity models rest on (Anderson & van Wincoop 2003; ε: Simonovska & Waugh 2014).
// `price`: the mean price of the origin's sellers last step. 0 for a banned flow or an
// origin without sellers (price 0).
ENTREPOT_HD double origin_weight(double presence, double price, double trade_factor,
                                 double elasticity) {
  if (is_banned(trade_factor) || presence <= 0.0 || price <= 0.0) return 0.0;
  return presence * det_pow(price * trade_factor, -elasticity);
}

// A seller's weight when buyers search its block: (p/P)^−ν, its price relative to the block's
// price index P, to the power −ν, the elasticity of substitution between the block's
// varieties (the CES / discrete-choice demand share within the block),
// in fixed point (2^20 at p = P), plus 1 so that every seller can be found.
ENTREPOT_HD std::int64_t seller_weight(double price, double block_price, double elasticity) {
  if (!(price > 0.0) || !(block_price > 0.0)) return 1;
  const double w = det_pow(price / block_price, -elasticity) * 1048576.0;
  return (w < 1e15 ? static_cast<std::int64_t>(w) : std::int64_t{1000000000000000}) + 1;
}

// The block's CES price index P' = P·(Σ w / (n·2^20))^(−1/ν) from the sellers' weights at the
// previous index P; P when the block has no sellers.
ENTREPOT_HD double price_index(double block_price, std::int64_t weight_total, std::int64_t sellers,
                               double elasticity) {
  if (sellers <= 0 || weight_total <= 0) return block_price;
  const double mean = static_cast<double>(weight_total) / static_cast<double>(sellers) / 1048576.0;
  return block_price * det_pow(mean, -1.0 / elasticity);
}

// Cost to the buyer of one delivered unit: price at origin × a trade factor (agents weigh
// τ·b·(1+t) when choosing a seller and pay τ·(1+t)), infinite when banned.
ENTREPOT_HD double landed_cost(double price, double trade_factor) {
  return price * trade_factor;
}

// Whether a buyer left short by its supplier looks at once, at the next step's search, for
// one with goods to spare: one that shops among several candidates does, and so does a
// trader, whose trade is sourcing (Ahn, Khandelwal & Wei 2011); a buyer with one candidate
// waits for its routine review (round two's spill covers its stockout). A trader that stayed
// with a producer it outgrew would buy ever dearer from it.
ENTREPOT_HD bool shops_around(int candidates, bool trader) {
  return candidates > 1 || trader;
}

// Whether a buyer's choice replaces its supplier whatever the incumbent's loyalty: it must
// (no supplier, or a banned one), or it was left short and shops around.
ENTREPOT_HD bool replaces_at_once(bool must_replace, bool rationed, bool shops) {
  return must_replace || (rationed && shops);
}

// The draw is the buyer's discrete choice at this step's landed costs (a
// CES / logit choice over fresh match values). The switching cost c is a premium on the
// incumbent's value, B = (1+c)^ν, so the incumbent, drawn with probability s, is chosen with
// probability B·s / (1 + (B−1)·s) (logit demand with state dependence; Dubé, Hitsch & Rossi
// 2010). A draw of another seller is therefore overruled with probability
// (B−1)·s / (1 + (B−1)·s): the incumbent's loyalty. Aggregate shares stay the CES shares up to
// that premium, where a rule "switch only when cheaper" would ratchet every buyer towards the
// cheapest seller it has ever seen.
// `premium` is B − 1 (switching_premium), a constant per sector kept in the tables.
ENTREPOT_HD double switching_premium(double switching_cost, double elasticity) {
  return det_pow(1.0 + switching_cost, elasticity) - 1.0;
}

ENTREPOT_HD double incumbent_loyalty(double incumbent_share, double premium) {
  if (!(incumbent_share > 0.0)) return 0.0;
  const double kept = premium * incumbent_share;
  return kept / (1.0 + kept);
}

// Rationing: an order q from a seller with inventory I and total demand D gets
// ⌊q·I/D⌋ when D > I (so the shipped total never exceeds I), else q.
ENTREPOT_HD std::int64_t filled_quantity(std::int64_t order, std::int64_t inventory,
                                         std::int64_t demand) {
  if (demand <= inventory) return order;
  if (inventory <= 0) return 0;
  const __int128 q = static_cast<__int128>(order) * inventory / demand;
  return static_cast<std::int64_t>(q);
}

// Goods that arrive after iceberg melt: ⌊q/τ⌋.
ENTREPOT_HD std::int64_t delivered_quantity(std::int64_t shipped, double iceberg) {
  return static_cast<std::int64_t>(static_cast<double>(shipped) / iceberg);
}

// A rule of origin by regional value content (build-down): a good meets its bloc's rule
// when the materials from outside the bloc, at their landed cost per unit, make at most
// (1 − content) of its price. A bloc without a rule (content 0) takes every good.
ENTREPOT_HD bool meets_origin_rule(double non_originating, double price, double content) {
  return content <= 0.0 || non_originating <= (1.0 - content) * price;
}

// Bonded zones: a firm is inside its region's zone when its fixed draw u ∈ [0, 1) falls
// below the zone's share of the region's firms, so widening a zone only adds firms to it.
ENTREPOT_HD bool in_bonded_zone(double u, double zone_share) {
  return u < zone_share;
}

// Entity lists likewise: a firm is on a list that covers `share` of its region × sector when
// its fixed draw u ∈ [0, 1) falls below it.
ENTREPOT_HD bool on_entity_list(double u, double share) {
  return u < share;
}

// The duty rate on a purchase, on its payment. Goods entering a bonded zone from abroad pay
// no duty there; goods leaving a zone for the domestic market pay `zone_rate`, the duty on
// the seller's imported content (0 for a seller outside any zone); goods moving between
// zones, or re-exported, pay nothing; imports outside a zone pay `import_rate`.
ENTREPOT_HD double bonded_duty_rate(bool foreign, bool buyer_in_zone, double import_rate,
                                    double zone_rate) {
  if (buyer_in_zone) return 0.0;
  return foreign ? import_rate : zone_rate;
}

// The duty on goods a trader ships from a third country: customs enforce the goods' origin
// on a share `enforcement` of them, which pay the origin's rate plus `penalty`; the rest pay
// the rate on the trader's country (transshipment, as far as enforcement lets it).
ENTREPOT_HD double transshipped_duty_rate(double trader_rate, double origin_rate,
                                          double enforcement, double penalty) {
  return enforcement * (origin_rate + penalty) + (1.0 - enforcement) * trader_rate;
}

// Money for goods (both in micro-units, price in units per unit), truncated.
ENTREPOT_HD std::int64_t payment_for(double price, std::int64_t quantity) {
  return static_cast<std::int64_t>(price * static_cast<double>(quantity));
}

// The importer's duty on a payment, truncated.
ENTREPOT_HD std::int64_t duty_on(std::int64_t payment, double tariff) {
  return static_cast<std::int64_t>(static_cast<double>(payment) * tariff);
}

// Goods at origin that `value` (money, duty included) buys at `price` under `tariff`:
// ⌊v / (p·(1+t))⌋, so the bill with duty never exceeds v.
ENTREPOT_HD std::int64_t order_for_value(double value, double price, double tariff) {
  return static_cast<std::int64_t>(value / (price * (1.0 + tariff)));
}

// A household's order for one sector: its budget share β·B buys β·B/(p·(1+t)) goods at
// origin (of which 1/τ arrive), so the bill including duty never exceeds β·B.
ENTREPOT_HD std::int64_t household_order(std::int64_t budget, double share, double price,
                                         double tariff) {
  return order_for_value(share * static_cast<double>(budget), price, tariff);
}

// What an order of q left unbought when it was filled with `filled`, as money the buyer
// still means to spend there (duty included); 0 when it was filled in full.
ENTREPOT_HD double unserved_value(std::int64_t order, std::int64_t filled, double price,
                                  double tariff) {
  if (filled >= order) return 0.0;
  return static_cast<double>(order - filled) * price * (1.0 + tariff);
}

// One purchase as it settles: the seller's allotment of the order, the goods shipped (the
// part of the allotment the buyer pays for), the payment to the seller, the duty to the
// importer's government, and the goods delivered after iceberg melt.
struct Purchase {
  std::int64_t allotted, shipped, paid, duty, delivered;
};

// Settles an order of q goods from a seller sharing `stock` over `orders` (rationing) at
// `price`, under `tariff` and iceberg τ, by a buyer holding `cash`. Goods move only for
// money: every good shipped is paid at the price with its duty, and a buyer short of cash
// gets only what its cash pays for; the rest of its allotment stays with the seller.
ENTREPOT_HD Purchase settle_purchase(std::int64_t order, std::int64_t stock, std::int64_t orders,
                                     double price, double tariff, double iceberg,
                                     std::int64_t cash) {
  Purchase p;
  p.allotted = filled_quantity(order, stock, orders);
  p.shipped = p.allotted;
  p.paid = payment_for(price, p.shipped);
  p.duty = duty_on(p.paid, tariff);
  if (p.paid + p.duty > cash) {
    // What the cash buys, duty included; each correction takes off at least the excess
    // that rounding left, and a purchase that still cannot be paid ships nothing.
    const std::int64_t affordable =
        cash > 0 ? order_for_value(static_cast<double>(cash), price, tariff) : 0;
    p.shipped = affordable < p.allotted ? affordable : p.allotted;
    for (int round = 0; round < 4; ++round) {
      p.paid = payment_for(price, p.shipped);
      p.duty = duty_on(p.paid, tariff);
      if (p.paid + p.duty <= cash || p.shipped <= 0) break;
      p.shipped -= 1 + order_for_value(static_cast<double>(p.paid + p.duty - cash), price, tariff);
      if (p.shipped < 0) p.shipped = 0;
    }
    if (p.paid + p.duty > cash) p.shipped = p.paid = p.duty = 0;
  }
  p.delivered = delivered_quantity(p.shipped, iceberg);
  return p;
}

}  // namespace entrepot

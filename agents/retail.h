// Retailers: the rules of the traders households buy from (docs/model.md §4.12). A
// retailer buys one consumed sector's goods from producers anywhere, holds them, and sells
// them to the households of its local market at a markup on what they cost it landed.
#pragma once

#include <cstdint>

#include "base/backend.h"
#include "base/records.h"

namespace entrepot {

// The unit cost of a retailer's stock after a delivery: the average of what it held, at its
// old unit cost, and what arrived, at what it paid for it (duty included), money per unit of
// goods. Unchanged when nothing arrived (or nothing is held at all).
ENTREPOT_HD double stock_unit_cost(double held, double unit_cost, double arrived, double paid) {
  const double total = held + arrived;
  if (!(arrived > 0.0) || !(total > 0.0)) return unit_cost;
  return ((held > 0.0 ? held : 0.0) * unit_cost + paid) / total;
}

// The goods a retailer buys in a step to meet expected sales Dᵉ and bring its stock I a
// 1/T-th of the way to ι·Dᵉ: Dᵉ + (ι·Dᵉ − I)/T, never negative (the order-up-to rule its
// producers follow, agents/rules.h desired_output).
ENTREPOT_HD double retail_purchases(double expected_sales, double inventory, double target,
                                    double adjust_steps) {
  const double q = expected_sales + (target * expected_sales - inventory) / adjust_steps;
  return q > 0.0 ? q : 0.0;
}

// Whether a household its retailer rationed was turned away. A retailer short of stock shares
// it out pro rata, so each of its customers got a little less; served in turn, as in
// Lengnick (2013, JEBO 86), the same shortfall would have sent the shop's unmet share u of
// them home empty-handed and served the rest in full. So a rationed household counts as turned
// away with probability u (`unmet` in 1/kUnmetScale-ths, agents/rules.h unmet_share; `word` a
// uniform draw): a shop a little short loses a few customers, not all those it rationed.
ENTREPOT_HD bool turned_away(std::uint32_t word, std::int32_t unmet) {
  return static_cast<std::int32_t>(word >> 16) < unmet;
}

// A household that reviews where it shops draws one retailer of its market for the sector
// and moves there when that retailer is cheaper by more than its switching cost c (a premium
// c on the incumbent's price), or at once when its retailer turned it away and the other did
// not ration (Lengnick 2013: households compare their shop with a random one and leave shops
// that turn them away).
ENTREPOT_HD bool moves_to_retailer(double current_price, bool turned_away, double candidate_price,
                                   bool candidate_rationed, double switching_cost) {
  if (candidate_rationed) return false;
  if (turned_away) return true;
  return candidate_price * (1.0 + switching_cost) < current_price;
}

// Goods a retailer has at its opening: `steps` steps of the expected sales of a retailer that
// meets its share of its market's budget for the sector at `price`, int64 micro-units.
ENTREPOT_HD std::int64_t retail_opening_stock(double steps, double budget, double price) {
  if (!(price > 0.0) || !(budget > 0.0)) return 0;
  return static_cast<std::int64_t>(steps * budget / price * static_cast<double>(kGoodsScale));
}

// A stockist's price: its markup μ on the unit cost c of its stock, marked down when it holds
// more than its target ι·Dᵉ, max(c, (1+μ)·c / (1 + δ·max(0, I/(ι·Dᵉ) − 1))) with δ the
// markdown: a stockist sitting on stock gives up margin to sell it, never below what the
// goods cost it (Aguirregabiria 1999: retail markups fall as inventories pile up). At δ = 0,
// or at or below target, (1+μ)·c.
ENTREPOT_HD double stockist_price(double unit_cost, double markup, double inventory,
                                  double expected_sales, double target, double markdown) {
  const double wanted = target * expected_sales;
  double excess = wanted > 0.0 ? inventory / wanted - 1.0 : 0.0;
  excess = excess > 0.0 ? excess : 0.0;
  const double price = (1.0 + markup) * unit_cost / (1.0 + markdown * excess);
  return price > unit_cost ? price : unit_cost;
}

// Insolvent this step: nothing sold, or losing money with less in cash and credit room
// (`liquid`) than one step's purchases at its expected sales (`restock`), both money
// micro-units.
ENTREPOT_HD bool stockist_insolvent(std::int64_t sales, std::int64_t profit, double liquid,
                                    double restock) {
  return sales == 0 || (profit < 0 && liquid < restock);
}

// An entrant stockist's capital, from the owners of its region: the cash it would open
// with, (1+b)·Dᵉ·c (b the cash buffer in steps, money micro-units), capped by the owners'
// balance shared over the region's entrants `cap`; never negative.
ENTREPOT_HD std::int64_t stockist_grant(double expected_sales, double unit_cost,
                                        double buffer_steps, std::int64_t cap) {
  const double need =
      (1.0 + buffer_steps) * expected_sales * unit_cost * static_cast<double>(kMoneyScale);
  const std::int64_t each = need < static_cast<double>(cap) ? static_cast<std::int64_t>(need) : cap;
  return each > 0 ? each : 0;
}

}  // namespace entrepot

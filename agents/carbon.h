// CO2: what firms emit making their output (docs/model.md §4.16), and what an emissions
// trading system makes them pay for it (§4.17). Intensities are per unit of goods, fixed at
// set-up, so a step's emissions follow its output, not its prices.
#pragma once

#include <cstdint>

#include "agents/auction.h"
#include "base/backend.h"

namespace entrepot {

// kg CO2 per unit of a block's goods: its sector's kg per US$ of output, times its country's
// factor, times the block's set-up price in US$ (every currency is worth 1 US$ then).
ENTREPOT_HD double unit_intensity(double per_dollar, double country_factor, double price) {
  return per_dollar * country_factor * price;
}

// Micro-kg of CO2 that `output` micro-units of goods emit at `intensity` kg per unit: ⌊q·e⌋.
ENTREPOT_HD std::int64_t emitted(std::int64_t output, double intensity) {
  return static_cast<std::int64_t>(static_cast<double>(output) * intensity);
}

// Allowances are micro-kg of CO2 and their prices micro-units of money per tonne.
inline constexpr std::int64_t kMicroKgPerTonne = 1000000000;
inline constexpr double kCarbonPriceScale = 1e9;  // micro-money per tonne per (money per kg)
// The highest price a firm bids: its margin over a unit that emits next to nothing is
// unbounded, and a market order bids no more.
inline constexpr std::int64_t kMaxCarbonBid = std::int64_t{1} << 52;

// A firm's abatement is taken in this many equal tranches of its room to abate.
inline constexpr int kAbatementTranches = 4;
// A firm's orders: a bid or an ask per tranche and for its unabatable emissions, one tranche
// split between the two where its holdings run out, and an ask for any holdings left over.
inline constexpr int kMaxAllowanceOrders = kAbatementTranches + 3;

// A firm's own marginal abatement slope: the market's times 0.5 + u (u uniform on [0, 1),
// drawn once per site), so that firms cut at different prices (Montgomery 1972: trading
// allowances gives each firm the same marginal cost, whatever each firm's curve).
ENTREPOT_HD double firm_abatement_slope(double market_slope, double u) {
  return market_slope * (0.5 + u);
}

// The marginal cost, money per kg, of the k-th tranche (from 0) of a firm's abatement: its
// slope at the tranche's midpoint (linear marginal cost, Weitzman 1974).
ENTREPOT_HD double tranche_cost(double slope, double abatement_max, int k) {
  return slope * abatement_max * (static_cast<double>(k) + 0.5) / kAbatementTranches;
}

// The share of its emissions a firm cuts at allowance price `price` (money per kg): every
// tranche that costs less than the allowances it saves.
ENTREPOT_HD double abated_share(double price, double slope, double abatement_max) {
  int tranches = 0;
  for (int k = 0; k < kAbatementTranches; ++k) {
    if (tranche_cost(slope, abatement_max, k) < price) tranches = k + 1;
  }
  return abatement_max * tranches / kAbatementTranches;
}

// What carbon adds to a unit's cost, money per unit: the allowances for what it still emits
// (an opportunity cost, whether bought or given free) and the cost of cutting the rest,
// slope·a²/2 per kg of its uncut emissions (the area under the marginal cost).
ENTREPOT_HD double carbon_unit_cost(double intensity, double price, double slope, double abated) {
  return intensity * ((1.0 - abated) * price + 0.5 * slope * abated * abated);
}

// Workers a firm hires to abate: the cost of cutting for `output` units at `unit_cost`
// money per unit, in wages (`wage` money per worker), to the nearest worker.
ENTREPOT_HD std::int32_t abatement_workers(double output, double unit_cost, double wage) {
  if (output <= 0.0 || unit_cost <= 0.0 || wage <= 0.0) return 0;
  const double n = output * unit_cost / wage;
  if (!(n < 1.0e9)) return 1000000000;
  return static_cast<std::int32_t>(n + 0.5);
}

// The most micro-units of goods a firm can make holding `allowances` micro-kg at `intensity`
// kg per unit of what it still emits: the largest q with ⌊q·e⌋ ≤ allowances.
ENTREPOT_HD std::int64_t output_room(std::int64_t allowances, double intensity) {
  if (intensity <= 0.0) return std::int64_t{1} << 62;
  if (allowances < 0) return 0;
  // ⌊q·e⌋ ≤ A ⇔ q·e < A + 1: near (A + 1)/e, then the last steps exactly.
  const double q = (static_cast<double>(allowances) + 1.0) / intensity;
  if (!(q < 4.0e18)) return std::int64_t{1} << 62;
  std::int64_t room = static_cast<std::int64_t>(q) + 1;
  while (room > 0 && emitted(room, intensity) > allowances) --room;
  while (emitted(room + 1, intensity) <= allowances) ++room;
  return room;
}

// What an allowance is worth to a firm, micro-money per tonne: its margin per unit of output
// over its costs other than carbon, per kg the unit emits (kg per unit), capped at
// kMaxCarbonBid; 0 for a unit sold at a loss.
ENTREPOT_HD std::int64_t allowance_value(double price, double other_unit_cost, double intensity) {
  const double margin = price - other_unit_cost;
  if (!(margin > 0.0) || !(intensity > 0.0)) return 0;
  const double value = margin / intensity * kCarbonPriceScale;
  return value < static_cast<double>(kMaxCarbonBid) ? static_cast<std::int64_t>(value)
                                                    : kMaxCarbonBid;
}

// What `quantity` micro-kg cost at `price` micro-money per tonne, in micro-money: rounded up
// for a buyer and down for a seller (a negative quantity), so that the allowances' seller of
// last resort, the government, never pays out more than it took in.
ENTREPOT_HD std::int64_t allowance_payment(std::int64_t quantity, std::int64_t price) {
  const __int128 cost = static_cast<__int128>(quantity) * price;
  const __int128 whole = cost / kMicroKgPerTonne, part = cost % kMicroKgPerTonne;
  return static_cast<std::int64_t>(whole + (part > 0 ? 1 : 0));
}

// A covered firm's position in its market's book this step (micro-kg, micro-money).
struct AllowanceNeed {
  std::int64_t held = 0;     // allowances it holds, free ones included
  std::int64_t need = 0;     // what its desired output emits uncut
  std::int64_t value = 0;    // allowance_value, micro-money per tonne
  std::int64_t cash = 0;     // what it can pay
  std::int64_t reserve = 0;  // the least its surplus sells for, micro-money per tonne
  double slope = 0.0;        // its abatement slope, money per kg
  double abatement_max = 0.0;
  std::int64_t id = 0;  // its global id: ties in the book go by it
  std::int32_t book = 0;
};

// A firm's orders for allowances, written to `out` (null: only counted); returns how many.
// Its need comes in tranches, each worth what the firm saves holding it: the emissions it
// cannot cut are worth its margin (without them it stops making the unit), each tranche it
// could cut the lesser of its margin and that tranche's cutting cost. Its holdings cover the
// most valuable tranches first: a covered tranche is offered at its worth (the firm sells
// when the price pays more than holding does), an uncovered one bid for, as far as its cash
// pays; holdings beyond its need are offered at the market's reserve share of the last price
// (the firm banks them rather than sell for much less than it expects them to fetch later).
ENTREPOT_HD int allowance_orders(const AllowanceNeed& n, AuctionOrder* out) {
  int count = 0;
  std::int64_t held = n.held, cash = n.cash;
  const auto put = [&](AuctionSide side, std::int64_t quantity, std::int64_t price) {
    if (quantity <= 0) return;
    if (out != nullptr) out[count] = AuctionOrder{price, quantity, n.id, n.book, side};
    ++count;
  };
  const auto tranche = [&](std::int64_t size, std::int64_t worth) {
    const std::int64_t covered = held < size ? held : size;
    put(kAsk, covered, worth);
    held -= covered;
    std::int64_t buy = size - covered;
    if (buy <= 0) return;
    if (worth > 0) {
      const __int128 affordable =
          cash > 0 ? static_cast<__int128>(cash) * kMicroKgPerTonne / worth : 0;
      if (affordable < buy) buy = static_cast<std::int64_t>(affordable);
      cash -= allowance_payment(buy, worth);
    }
    put(kBid, buy, worth);
  };
  const std::int64_t cut =
      static_cast<std::int64_t>(static_cast<double>(n.need) * n.abatement_max / kAbatementTranches);
  tranche(n.need - cut * kAbatementTranches, n.value);
  for (int k = kAbatementTranches - 1; k >= 0; --k) {
    const double cost = tranche_cost(n.slope, n.abatement_max, k) * kCarbonPriceScale;
    const std::int64_t worth =
        cost < static_cast<double>(n.value) ? static_cast<std::int64_t>(cost) : n.value;
    tranche(cut, worth);
  }
  put(kAsk, held, n.reserve);
  return count;
}

}  // namespace entrepot

// Pieces the trade passes share (kernels/trade.cpp, kernels/trade_households.cpp).
#pragma once

#include "agents/rules.h"
#include "kernels/model.h"

namespace entrepot {

// Buyers per chunk of the settling passes; any value gives the same bytes (int64 sums).
inline constexpr std::size_t kTradeChunk = 4096;

struct HouseholdCosts {
  TablesView t;
  FirmStore::View f;
  // Trade cell of a household slot, or −1 when the retailer is missing or banned.
  ENTREPOT_HD long long cell(std::int32_t seller, int region, int slot) const {
    if (seller < 0) return -1;
    const std::size_t c = t.rrs(f.block[seller] / t.sectors, region, t.consumer_sector[slot]);
    return is_banned(t.trade_factor[c]) ? -1 : static_cast<long long>(c);
  }
};

// Fills one order from `stock` shared out over `orders` (rationing), ships it, and pays
// (never more than the buyer holds); adds the flow to `flow`.
struct Settle {
  TablesView t;
  FirmStore::View f;
  const std::int64_t* stock;
  const std::int64_t* orders;
  std::int64_t* shipped;
  ENTREPOT_HD void operator()(std::int32_t seller, std::int64_t order, std::size_t cell,
                              bool foreign, std::int64_t& cash, std::int64_t* flow) const {
    const std::int64_t filled = filled_quantity(order, stock[seller], orders[seller]);
    std::int64_t pay = payment_for(f.price[seller], filled);
    pay = pay < cash ? pay : cash;
    std::int64_t duty = duty_on(pay, t.duty_rate[cell]);
    duty = duty < cash - pay ? duty : cash - pay;
    cash -= pay + duty;
    const std::int64_t delivered = delivered_quantity(filled, t.iceberg[cell]);
    atomic_add(&shipped[seller], filled);
    atomic_add(&f.sales_value[seller], pay);
    if (foreign) atomic_add(&f.export_value[seller], pay);
    flow[kFlowValue] += pay;
    flow[kFlowDuty] += duty;
    flow[kFlowShipped] += filled;
    flow[kFlowDelivered] += delivered;
  }
};

// The second-round seller for a buyer its supplier rationed: the first of two gravity
// draws (origin region, then a seller of that block) with stock to spare. It depends only
// on values fixed during both rounds, so both rounds draw the same seller.
struct SpillSeller {
  TablesView t;
  FirmStore::View f;
  Philox rng;
  int step;
  ENTREPOT_HD std::int32_t operator()(std::uint64_t buyer, int slot, int dest, int sector,
                                      std::int32_t current) const {
    const std::uint64_t* cdf =
        t.origin_cdf + (static_cast<std::size_t>(dest) * t.sectors + sector) * t.regions;
    if (cdf[t.regions - 1] == 0) return -1;
    const auto w = rng.words(buyer, step, Draw::spillover, static_cast<std::uint32_t>(slot));
    for (int k = 0; k < 2; ++k) {
      int origin = 0;
      while (static_cast<std::uint64_t>(w[2 * k]) >= cdf[origin]) ++origin;
      const std::int64_t first = t.block_start[origin * t.sectors + sector];
      const std::int64_t count = t.block_start[origin * t.sectors + sector + 1] - first;
      const auto seller = static_cast<std::int32_t>(
          first +
          static_cast<std::int64_t>((static_cast<std::uint64_t>(w[2 * k + 1]) * count) >> 32));
      // Stock to spare: its first-round orders were below its opening stock.
      if (seller != current && f.demand[seller] < f.opening_stock[seller] &&
          !is_banned(t.trade_factor[t.rrs(origin, dest, sector)])) {
        return seller;
      }
    }
    return -1;
  }
};

// Household purchases: orders, the first round at each household's retailer, and a
// second round at another seller for what the first left unserved.
void buy_consumption(Model& model, int step);
// Firms' input purchases: the first round at their suppliers, then orders and settling
// of the second round for what the first left unserved.
void settle_inputs(Model& model, const SpillSeller& spill);
void settle_input_spill(Model& model, const SpillSeller& spill);

}  // namespace entrepot

// Pieces the trade passes share (kernels/trade.cpp, kernels/trade_households.cpp).
#pragma once

#include "agents/rules.h"
#include "kernels/model.h"

namespace entrepot {

// Buyers per chunk of the settling passes (one thread settles one chunk, tallying flows in
// a local table); any value gives the same bytes (int64 sums). CPU threads take long
// chunks, so the table is flushed rarely. A GPU needs hundreds of thousands of threads:
// 4096 buyers each would leave it mostly idle, so it takes short chunks (a first guess,
// not yet tuned on a device).
#if defined(ENTREPOT_BACKEND_CUDA)
inline constexpr std::size_t kTradeChunk = 64;
#else
inline constexpr std::size_t kTradeChunk = 4096;
#endif

struct HouseholdCosts {
  TablesView t;
  Book<Offer> offers;  // round one
  // Trade cell of a household slot, or −1 when the retailer is missing or banned.
  ENTREPOT_HD long long cell(std::int32_t seller, int region, int slot) const {
    if (seller < 0) return -1;
    const std::size_t c = t.rrs(offers[seller].origin, region, t.consumer_sector[slot]);
    return is_banned(t.trade_factor[c]) ? -1 : static_cast<long long>(c);
  }
};

// Fills one order from the round's stock shared out over its orders (rationing), ships
// it, and pays (never more than the buyer holds); adds the flow to `flow`.
struct Settle {
  TablesView t;
  Book<Offer> book;  // the round's offers
  ENTREPOT_HD void operator()(std::int32_t seller, std::int64_t order, std::size_t cell,
                              bool foreign, std::int64_t& cash, std::int64_t* flow) const {
    Offer& offer = book[seller];
    const std::int64_t filled = filled_quantity(order, offer.stock, offer.orders);
    std::int64_t pay = payment_for(offer.price, filled);
    pay = pay < cash ? pay : cash;
    std::int64_t duty = duty_on(pay, t.duty_rate[cell]);
    duty = duty < cash - pay ? duty : cash - pay;
    cash -= pay + duty;
    const std::int64_t delivered = delivered_quantity(filled, t.iceberg[cell]);
    atomic_add(&offer.shipped, filled);
    atomic_add(&offer.sales, pay);
    if (foreign) atomic_add(&offer.exports, pay);
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
  Book<Offer> offers;  // round one
  Philox rng;
  int step;
  // Both gravity draws of a buyer's slot that other ranks own, whether or not the second is
  // needed: the sellers whose round-one totals a rank must fetch before round two.
  template <class Emit>
  ENTREPOT_HD void draw_all(std::uint64_t buyer, int slot, int dest, int sector,
                            const SellerIndex& owned, Emit& emit) const {
    const auto w = rng.words(buyer, step, Draw::spillover, static_cast<std::uint32_t>(slot));
    for (int k = 0; k < 2; ++k) {
      const std::int32_t seller = t.find_seller(dest, sector, w[2 * k], w[2 * k + 1]);
      if (seller < 0) return;
      if (!owned.owns(seller)) emit(seller);
    }
  }
  ENTREPOT_HD std::int32_t operator()(std::uint64_t buyer, int slot, int dest, int sector,
                                      std::int32_t current) const {
    const auto w = rng.words(buyer, step, Draw::spillover, static_cast<std::uint32_t>(slot));
    for (int k = 0; k < 2; ++k) {
      const std::int32_t seller = t.find_seller(dest, sector, w[2 * k], w[2 * k + 1]);
      if (seller < 0) return -1;  // nothing reachable
      // Stock to spare: its first-round orders were below its opening stock.
      if (seller != current && offers[seller].orders < offers[seller].stock &&
          !is_banned(t.trade_factor[t.rrs(offers[seller].origin, dest, sector)])) {
        return seller;
      }
    }
    return -1;
  }
};

// The passes of phase 6 (kernels/trade.cpp orders them). Households order their budget
// shares at their retailers; each round settles against its book of offers, and between
// the rounds every buyer round one left short places an order with a second seller.
void order_consumption(Model& model);
void settle_consumption(Model& model, const SpillSeller& spill, bool second);
void settle_inputs(Model& model, const SpillSeller& spill, bool second);
// Between the rounds: the slots round one left short order the rest in round two's book.
void spill_consumption(Model& model, const SpillSeller& spill);
void spill_inputs(Model& model, const SpillSeller& spill);

// The books of a round: owned sellers, then the ghosts of other ranks.
Book<Offer> round_book(Model& model, bool second);

// Other ranks' sellers that the slots left short in round one will try in round two.
std::vector<std::int64_t> spill_candidates_of_firms(Model& model, const SpillSeller& spill);
std::vector<std::int64_t> spill_candidates_of_households(Model& model, const SpillSeller& spill);

// Over several ranks (kernels/trade_ghosts.cpp): the ghost sellers of the current links
// with their opening offers; the orders summed at the owners and the totals back; the
// ghosts round two needs, with their round-one totals; what a round sold to the owners;
// round two's stock and orders.
void open_ghost_books(Model& model);
void total_orders(Model& model);
void fetch_spill_sellers(Model& model, int step);
void return_sales(Model& model, bool second);
void open_ghost_spill_round(Model& model);

}  // namespace entrepot

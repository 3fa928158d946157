// The goods market's passes are generic over sellers as over buyers: two kinds of seller,
// with ids far apart, open one book, take orders and settle through the same passes a
// firm does, each kind's sales reach its own accounts, and rationing treats them alike.
#include "kernels/market.h"

#include <gtest/gtest.h>
#include <thrust/device_vector.h>

#include <cstdint>
#include <vector>

#include "kernels/host_copy.h"
#include "tests/device_required.h"

namespace entrepot {
// The test's seller and buyer kinds are outside an unnamed namespace: nvcc reports members of
// the Slots interface that a test does not reach (short_slot) as unused there.
namespace market_fixture {

template <class T>
T* raw(thrust::device_vector<T>& v) {
  return thrust::raw_pointer_cast(v.data());
}

// A kind of seller for the test: a price and a stock each, and its sales recorded.
struct TestSellers {
  std::size_t count;
  const double* price;
  const std::int64_t* stock;
  std::int64_t* orders;
  std::int64_t* shipped;
  std::int64_t* sales;
  ENTREPOT_HD std::size_t size() const { return count; }
  ENTREPOT_HD Offer opening(std::size_t j) const {
    return Offer{price[j], stock[j], 0, 0, 0, 0, 0, 0, 0.0f};
  }
  ENTREPOT_HD void sold(std::size_t j, const Offer& one, const Offer& two) const {
    orders[j] = one.orders + two.orders;
    shipped[j] = one.shipped + two.shipped;
    sales[j] = one.sales + two.sales;
  }
};

// Flows into one cell per field.
struct TestSink {
  std::int64_t* flows;
  ENTREPOT_HD void operator()(int, int, int, const std::int64_t* v) const {
    for (int x = 0; x < kPurchaseFlows; ++x) atomic_add(&flows[x], v[x]);
  }
};

// Buyers with one slot each: an order of `quantity` from seller id `seller`, in round one;
// what a rationed buyer with a `second_id` (−1: none) could not buy, it orders there in
// round two. `draws` counts the second sellers drawn.
struct TestBuyers {
  using Sink = TestSink;
  static constexpr int kKinds = 1;
  std::size_t count;
  const std::int32_t* seller_id;
  const std::int64_t* quantity;
  std::int64_t* held;
  std::int64_t* received;
  std::int64_t* spent;
  const std::int32_t* second_id;
  std::int64_t* draws;
  Book<Offer> book;  // round one
  ENTREPOT_HD std::size_t size() const { return count; }
  ENTREPOT_HD int slots() const { return 1; }
  ENTREPOT_HD int kinds() const { return 1; }
  ENTREPOT_HD int region(std::size_t) const { return 0; }
  ENTREPOT_HD int flow_key(std::size_t j) const { return region(j); }
  ENTREPOT_HD std::uint64_t id(std::size_t j) const { return j; }
  ENTREPOT_HD bool bonded(std::size_t) const { return false; }
  ENTREPOT_HD void plan(std::size_t) const {}
  ENTREPOT_HD void prepare(std::size_t, bool) const {}
  ENTREPOT_HD bool in_round_two(std::size_t j) const { return second_id[j] >= 0; }
  ENTREPOT_HD SlotOrder first_order(std::size_t j, int) const {
    return SlotOrder{seller_id[j], quantity[j], 0, 0};
  }
  ENTREPOT_HD bool short_slot(std::size_t, int) const { return false; }
  ENTREPOT_HD bool may_spill(std::size_t j, int) const { return second_id[j] >= 0; }
  ENTREPOT_HD double unserved(std::size_t j, int) const {
    const Offer& offer = book[seller_id[j]];
    return unserved_value(quantity[j], filled_quantity(quantity[j], offer.stock, offer.orders),
                          offer.price, 0.0);
  }
  ENTREPOT_HD int sector(std::size_t, int) const { return 0; }
  ENTREPOT_HD std::int32_t seller(std::size_t j, int) const { return seller_id[j]; }
  ENTREPOT_HD bool spills_to_producers(int) const { return true; }
  ENTREPOT_HD std::int32_t second_seller(const SpillSeller&, std::size_t j, int) const {
    atomic_add(draws, std::int64_t{1});
    return second_id[j];
  }
  ENTREPOT_HD SlotOrder second_order(std::size_t, int, std::int32_t other, double value,
                                     const Book<Offer>& in) const {
    return SlotOrder{other, order_for_value(value, in[other].price, 0.0), 0, 0};
  }
  ENTREPOT_HD std::int64_t cash(std::size_t j) const { return held[j]; }
  ENTREPOT_HD void bought(std::size_t j, int, const SlotOrder&, const Purchase& p, bool,
                          std::uint8_t&) const {
    received[j] += p.delivered;
  }
  ENTREPOT_HD void close(std::size_t j, std::int64_t cash, std::int64_t paid, std::uint8_t,
                         bool) const {
    held[j] = cash;
    spent[j] += paid;
  }
};

}  // namespace market_fixture

namespace {

using namespace market_fixture;

// Both kinds' figures after one trade: per seller of a kind, and per buyer.
struct Outcome {
  std::vector<std::int64_t> shipped[2], sales[2], orders[2];
  std::vector<std::int64_t> received, spent, cash;
  std::vector<std::int64_t> flows;
  std::int64_t draws = 0;
};

// Shops (firms' kind, ids 0–3) and stalls (a later kind, ids 1000–1002) sell to eight
// buyers; stall 1002 has 3 goods for 8 ordered. With `round_two`, its two buyers order what
// they could not buy at stall 1000.
Outcome trade_with_two_kinds(std::size_t chunk, bool round_two = false) {
  const std::int64_t g = kGoodsScale;
  thrust::device_vector<double> price[2] = {std::vector<double>{1.0, 2.0, 1.5, 1.0},
                                            std::vector<double>{0.5, 3.0, 1.0}};
  thrust::device_vector<std::int64_t> stock[2] = {
      std::vector<std::int64_t>{10 * g, 10 * g, 10 * g, 10 * g},
      std::vector<std::int64_t>{10 * g, 10 * g, 3 * g}};
  thrust::device_vector<std::int64_t> orders[2], shipped[2], sales[2];
  OwnedSellers owned;
  const std::int64_t first_id[2] = {0, 1000};
  TestSellers kind[2];
  for (int k = 0; k < 2; ++k) {
    const std::size_t n = price[k].size();
    orders[k].assign(n, 0);
    shipped[k].assign(n, 0);
    sales[k].assign(n, 0);
    kind[k] = TestSellers{
        n, raw(price[k]), raw(stock[k]), raw(orders[k]), raw(shipped[k]), raw(sales[k])};
    owned.add(first_id[k], static_cast<std::int64_t>(n));
  }
  const std::size_t places = static_cast<std::size_t>(owned.total());
  thrust::device_vector<Offer> offers(places), spill_offers(places);
  for (int k = 0; k < 2; ++k) {
    open_offers(kind[k], raw(offers), raw(spill_offers), static_cast<std::size_t>(owned.start(k)));
  }

  // One region, one sector, one currency, no duty, no melt.
  thrust::device_vector<std::int32_t> region_country(1, 0);
  // No bloc, so no rule of origin.
  thrust::device_vector<double> duty(1, 0.0), iceberg(1, 1.0), exchange(1, 1.0);
  thrust::device_vector<std::int32_t> rule_bloc(1, -1);
  TablesView t{};
  t.regions = 1;
  t.sectors = 1;
  t.countries = 1;
  t.region_country = raw(region_country);
  t.duty_rate = raw(duty);
  t.duty_outside = raw(duty);
  t.rule_bloc = raw(rule_bloc);
  t.iceberg = raw(iceberg);
  t.exchange = raw(exchange);

  const std::vector<std::int32_t> seller_ids = {0, 1, 1000, 1001, 1002, 1002, 3, 1000};
  const std::vector<std::int64_t> quantity = {2 * g, g, 4 * g, g, 5 * g, 3 * g, g, 2 * g};
  thrust::device_vector<std::int32_t> seller(seller_ids);
  thrust::device_vector<std::int64_t> wanted(quantity);
  thrust::device_vector<std::int64_t> held(seller_ids.size(), 100 * kMoneyScale);
  thrust::device_vector<std::int64_t> received(seller_ids.size(), 0), spent(seller_ids.size(), 0);
  thrust::device_vector<std::int64_t> flows(kFlows, 0);
  std::vector<std::int32_t> second_ids(seller_ids.size(), -1);
  if (round_two) second_ids[4] = second_ids[5] = 1000;
  thrust::device_vector<std::int32_t> second(second_ids);
  thrust::device_vector<std::int64_t> draws(1, 0);

  const Ghosts none;
  const Book<Offer> book{raw(offers), none.index(owned)};
  const Book<Offer> spill_book{raw(spill_offers), none.index(owned)};
  const TestBuyers buyers{seller_ids.size(), raw(seller), raw(wanted), raw(held), raw(received),
                          raw(spent),        raw(second), raw(draws),  book};
  place_orders(buyers, book);
  const SpillSeller spill{t, book, Philox{1}, 1};
  SecondOrderStore drawn;
  settle_round(buyers, Settle{t, book}, false, TestSink{raw(flows)}, chunk, drawn);
  place_spill_orders(buyers, spill, spill_book, drawn);
  thrust::for_each(thrust::counting_iterator<std::size_t>(0),
                   thrust::counting_iterator<std::size_t>(places),
                   CloseFirstRound{raw(offers), raw(spill_offers)});
  settle_round(buyers, Settle{t, spill_book}, true, TestSink{raw(flows)}, chunk, drawn);
  for (int k = 0; k < 2; ++k) {
    close_offers(kind[k], raw(offers), raw(spill_offers), static_cast<std::size_t>(owned.start(k)));
  }

  Outcome out;
  for (int k = 0; k < 2; ++k) {
    out.shipped[k] = to_host(shipped[k]);
    out.sales[k] = to_host(sales[k]);
    out.orders[k] = to_host(orders[k]);
  }
  out.received = to_host(received);
  out.spent = to_host(spent);
  out.cash = to_host(held);
  out.flows = to_host(flows);
  out.draws = to_host(draws)[0];
  return out;
}

TEST(MarketTest, SellersOfAnyKindTradeThroughTheSamePasses) {
  ENTREPOT_REQUIRE_DEVICE();
  const std::int64_t g = kGoodsScale;
  const Outcome o = trade_with_two_kinds(0);
  // Orders reach the seller the id names, whichever kind it is.
  EXPECT_EQ(o.orders[0], (std::vector<std::int64_t>{2 * g, g, 0, g}));
  EXPECT_EQ(o.orders[1], (std::vector<std::int64_t>{6 * g, g, 8 * g}));
  // Stocks suffice except at stall 1002, which ships its 3 goods pro rata: 5/8 and 3/8.
  EXPECT_EQ(o.shipped[0], (std::vector<std::int64_t>{2 * g, g, 0, g}));
  EXPECT_EQ(o.shipped[1][0], 6 * g);
  EXPECT_EQ(o.shipped[1][1], g);
  EXPECT_EQ(o.shipped[1][2], 3 * g);
  EXPECT_EQ(o.received[4] + o.received[5], 3 * g);
  EXPECT_GT(o.received[4], o.received[5]);
  // Every seller is paid exactly what its buyers spent, at its price.
  const std::vector<std::int32_t> seller_ids = {0, 1, 1000, 1001, 1002, 1002, 3, 1000};
  std::int64_t paid_to[2][4] = {};
  for (std::size_t j = 0; j < seller_ids.size(); ++j) {
    const int id = seller_ids[j];
    paid_to[id >= 1000 ? 1 : 0][id >= 1000 ? id - 1000 : id] += o.spent[j];
    EXPECT_EQ(o.cash[j] + o.spent[j], 100 * kMoneyScale) << "buyer " << j;
  }
  for (int k = 0; k < 2; ++k) {
    for (std::size_t s = 0; s < o.sales[k].size(); ++s) {
      EXPECT_EQ(o.sales[k][s], paid_to[k][s]) << "kind " << k << " seller " << s;
    }
  }
  EXPECT_EQ(o.sales[1][0], 3 * kMoneyScale);  // 6 goods at 0.5
  EXPECT_EQ(o.sales[1][1], 3 * kMoneyScale);  // 1 good at 3
  std::int64_t sold = 0;
  for (int k = 0; k < 2; ++k) {
    for (std::int64_t s : o.sales[k]) sold += s;
  }
  EXPECT_EQ(o.flows[kFlowValue], sold);
}

// Round two orders at the seller drawn between the rounds, drawn once per rationed slot.
TEST(MarketTest, RoundTwoBuysWhereTheSecondSellerWasDrawnOnce) {
  ENTREPOT_REQUIRE_DEVICE();
  const std::int64_t g = kGoodsScale;
  for (std::size_t chunk : {std::size_t{0}, std::size_t{3}}) {
    const Outcome o = trade_with_two_kinds(chunk, true);
    EXPECT_EQ(o.draws, 2) << "chunk " << chunk;
    // Stall 1000 had 4 goods left after round one, and was asked for 3.125 + 1.875 goods'
    // worth at half the price: it sells out, its sales at 0.5 a good.
    EXPECT_EQ(o.shipped[1][0], 10 * g);
    EXPECT_EQ(o.sales[1][0], 5 * kMoneyScale);
    EXPECT_EQ(o.received[4] + o.received[5], 7 * g);
    EXPECT_GT(o.received[4], o.received[5]);
    for (std::size_t j = 0; j < o.cash.size(); ++j) {
      EXPECT_EQ(o.cash[j] + o.spent[j], 100 * kMoneyScale) << "buyer " << j;
    }
    std::int64_t sold = 0;
    for (int k = 0; k < 2; ++k) {
      for (std::int64_t s : o.sales[k]) sold += s;
    }
    EXPECT_EQ(o.flows[kFlowValue], sold);
  }
}

TEST(MarketTest, ChunkedSettlingGivesTheSameTradeWithSeveralSellerKinds) {
  ENTREPOT_REQUIRE_DEVICE();
  const Outcome one = trade_with_two_kinds(0), chunked = trade_with_two_kinds(3);
  for (int k = 0; k < 2; ++k) {
    EXPECT_EQ(one.sales[k], chunked.sales[k]);
    EXPECT_EQ(one.shipped[k], chunked.shipped[k]);
  }
  EXPECT_EQ(one.received, chunked.received);
  EXPECT_EQ(one.flows, chunked.flows);
}

}  // namespace
}  // namespace entrepot

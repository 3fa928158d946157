// The exchange estimate counts, for each rank of a partition, the links of its buyers that
// point to sellers of other ranks; checked against a direct count on a stepped small world.
#include "app/exchange_estimate.h"

#include <gtest/gtest.h>

#include <set>

#include "device_required.h"
#include "kernels/host_copy.h"
#include "kernels/model.h"
#include "small_world.h"
#include "world/layout.h"

namespace entrepot {
namespace {

TEST(ExchangeEstimate, CountsRemoteLinksAndDistinctSellersPerRank) {
  ENTREPOT_REQUIRE_DEVICE();
  const Scenario sc = testing::small_world();
  World world(sc);
  Model model(sc, world);
  for (int step = 1; step <= 3; ++step) model.step(step);
  const auto supplier = to_host(model.economy.firms.supplier);
  const auto retailer = to_host(model.economy.consumers.retailer);
  const std::int64_t nf = static_cast<std::int64_t>(model.economy.firms.size);
  const std::int64_t nh = static_cast<std::int64_t>(model.economy.consumers.size);

  for (int ranks = 1; ranks <= 4; ++ranks) {
    const Partition p = partition_agents(sc, ranks);
    const auto estimate = estimate_exchange(model, p);
    ASSERT_EQ(static_cast<int>(estimate.size()), ranks);
    std::int64_t links = 0;
    for (int k = 0; k < ranks; ++k) {
      const RankShare& s = p.ranks[k];
      std::int64_t mine = 0, remote = 0;
      std::set<std::int32_t> sellers;
      std::set<int> peers;
      auto link = [&](std::int32_t seller) {
        if (seller < 0) return;
        ++mine;
        if (seller >= s.firm_begin && seller < s.firm_end) return;
        ++remote;
        sellers.insert(seller);
        peers.insert(p.firm_owner(seller));
      };
      for (int slot = 0; slot < kInputSlots; ++slot) {
        for (std::int64_t j = s.firm_begin; j < s.firm_end; ++j) link(supplier[slot * nf + j]);
      }
      for (int slot = 0; slot < kConsumerSlots; ++slot) {
        for (std::int64_t n = s.household_begin; n < s.household_end; ++n) {
          link(retailer[slot * nh + n]);
        }
      }
      EXPECT_EQ(estimate[k].links, mine) << ranks << " ranks, rank " << k;
      EXPECT_EQ(estimate[k].remote_links, remote) << ranks << " ranks, rank " << k;
      EXPECT_EQ(estimate[k].remote_sellers, static_cast<std::int64_t>(sellers.size()));
      EXPECT_EQ(estimate[k].peers, static_cast<std::int64_t>(peers.size()));
      links += mine;
    }
    // One rank: nothing is remote. Several: the small world trades across regions.
    if (ranks == 1) {
      EXPECT_EQ(estimate[0].remote_links, 0);
    } else {
      std::int64_t remote = 0;
      for (const RankExchange& e : estimate) remote += e.remote_links;
      EXPECT_GT(remote, 0) << ranks << " ranks";
    }
    EXPECT_GT(links, nh);  // every household holds several retailers
    EXPECT_NE(describe_exchange(estimate).find("rank 0 of " + std::to_string(ranks)),
              std::string::npos);
  }
}

}  // namespace
}  // namespace entrepot

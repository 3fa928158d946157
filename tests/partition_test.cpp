// The partition of regions over ranks: contiguous, complete, balanced, and splitting a
// region only when whole regions cannot balance the load.
#include "world/partition.h"

#include <gtest/gtest.h>

#include <numeric>
#include <random>

namespace entrepot {
namespace {

std::int64_t sum(const std::vector<std::int64_t>& v) {
  return std::accumulate(v.begin(), v.end(), std::int64_t{0});
}

// Every id is owned by exactly one rank, in order, and the owner lookups agree.
void expect_complete(const Partition& p, const std::vector<std::int64_t>& firms,
                     const std::vector<std::int64_t>& households) {
  ASSERT_FALSE(p.ranks.empty());
  EXPECT_EQ(p.ranks.front().firm_begin, 0);
  EXPECT_EQ(p.ranks.front().household_begin, 0);
  EXPECT_EQ(p.ranks.back().firm_end, sum(firms));
  EXPECT_EQ(p.ranks.back().household_end, sum(households));
  for (std::size_t k = 0; k < p.ranks.size(); ++k) {
    const RankShare& s = p.ranks[k];
    EXPECT_LE(s.firm_begin, s.firm_end);
    EXPECT_LE(s.household_begin, s.household_end);
    if (k > 0) {
      EXPECT_EQ(s.firm_begin, p.ranks[k - 1].firm_end);
      EXPECT_EQ(s.household_begin, p.ranks[k - 1].household_end);
    }
    for (std::int64_t id = s.firm_begin; id < s.firm_end; id += 1 + (s.firm_end - id) / 7) {
      EXPECT_EQ(p.firm_owner(id), static_cast<int>(k));
    }
    for (std::int64_t id = s.household_begin; id < s.household_end;
         id += 1 + (s.household_end - id) / 7) {
      EXPECT_EQ(p.household_owner(id), static_cast<int>(k));
    }
  }
}

TEST(Partition, OneRankHoldsEverything) {
  const std::vector<std::int64_t> firms{10, 20, 30}, households{90, 180, 270};
  const Partition p = partition_regions(firms, households, 1);
  expect_complete(p, firms, households);
  EXPECT_DOUBLE_EQ(p.imbalance, 1.0);
  EXPECT_EQ(p.split_regions, 0);
}

TEST(Partition, EqualRegionsGoWholeToRanks) {
  const std::vector<std::int64_t> firms(8, 100), households(8, 900);
  const Partition p = partition_regions(firms, households, 4);
  expect_complete(p, firms, households);
  EXPECT_EQ(p.split_regions, 0);
  EXPECT_DOUBLE_EQ(p.imbalance, 1.0);
  for (int r = 0; r < 8; ++r) {
    EXPECT_EQ(p.first_rank[r], r / 2);
    EXPECT_EQ(p.last_rank[r], r / 2);
  }
}

TEST(Partition, ARegionLargerThanAFairShareIsSplitByIdRange) {
  // One region holds 70% of the agents: four ranks need it split three ways.
  const std::vector<std::int64_t> firms{7000, 1000, 1000, 1000},
      households{63000, 9000, 9000, 9000};
  const Partition p = partition_regions(firms, households, 4);
  expect_complete(p, firms, households);
  EXPECT_GE(p.split_regions, 1);
  EXPECT_EQ(p.first_rank[0], 0);
  EXPECT_GE(p.last_rank[0], 2);
  EXPECT_LE(p.imbalance, 1.01);
  // Each part of the split region keeps firms and households in the region's proportion.
  for (int k = 0; k < 2; ++k) {
    const RankShare& s = p.ranks[k];
    const double ratio = static_cast<double>(s.household_end - s.household_begin) /
                         static_cast<double>(s.firm_end - s.firm_begin);
    EXPECT_NEAR(ratio, 9.0, 0.01);
  }
}

TEST(Partition, MoreRanksThanRegions) {
  const std::vector<std::int64_t> firms{500, 300}, households{4500, 2700};
  const Partition p = partition_regions(firms, households, 5);
  expect_complete(p, firms, households);
  EXPECT_LE(p.imbalance, 1.01);
  for (const RankShare& s : p.ranks) EXPECT_GT(s.agents(), 0);
}

TEST(Partition, UnevenRegionsStayWithinTheToleranceOrSplit) {
  std::mt19937_64 gen(7);
  for (int trial = 0; trial < 200; ++trial) {
    const int regions = 1 + static_cast<int>(gen() % 30);
    std::vector<std::int64_t> firms(regions), households(regions);
    for (int r = 0; r < regions; ++r) {
      firms[r] = static_cast<std::int64_t>(gen() % 5000);
      households[r] = 9 * firms[r] + static_cast<std::int64_t>(gen() % 100);
    }
    const int ranks = 1 + static_cast<int>(gen() % 9);
    const Partition p = partition_regions(firms, households, ranks);
    expect_complete(p, firms, households);
    // A snapped cut moves by at most the tolerance, so no rank exceeds the mean by more
    // than two tolerances (one at each end), plus rounding.
    const double mean = static_cast<double>(sum(firms) + sum(households)) / ranks;
    if (mean >= 100.0) {
      EXPECT_LE(p.imbalance, 1.1 + 2.0 / mean) << "trial " << trial;
    }
  }
}

TEST(Partition, NoAgentsAndBadInput) {
  const std::vector<std::int64_t> none(3, 0);
  const Partition p = partition_regions(none, none, 3);
  expect_complete(p, none, none);
  EXPECT_THROW(partition_regions(none, none, 0), std::invalid_argument);
  EXPECT_THROW(partition_regions({1, 2}, {1}, 2), std::invalid_argument);
}

}  // namespace
}  // namespace entrepot

// The pieces a run over ranks finds other ranks' sellers with: the index of ghost ids
// (every ghost found at its place, nothing else found), the bitmap that lists marked ids
// sorted and once, and the id-list set operations.
#include "kernels/ghosts.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <vector>

#include "device_required.h"
#include "kernels/host_copy.h"
#include "world/exchange.h"

namespace entrepot {
namespace {

// The owned sellers of two kinds: firms [1000, 2000) and a later kind's [2500, 2800), so
// owned places are 0–999 (firms), then 1000–1299, and ghosts follow from 1300.
constexpr std::int64_t kFirst = 1000, kFirms = 1000, kSecond = 2500, kSecondOwned = 300;
constexpr std::int64_t kOwned = kFirms + kSecondOwned;

OwnedSellers two_kinds() {
  OwnedSellers owned;
  EXPECT_EQ(owned.add(kFirst, kFirms), kFirmSellers);
  EXPECT_EQ(owned.add(kSecond, kSecondOwned), 1);
  return owned;
}

bool owned_id(std::int64_t id) {
  return (id >= kFirst && id < kFirst + kFirms) || (id >= kSecond && id < kSecond + kSecondOwned);
}

std::vector<std::int64_t> random_ghosts(std::size_t count, std::uint32_t seed) {
  std::mt19937_64 draw(seed);
  std::set<std::int64_t> ids;
  while (ids.size() < count) {
    const auto id = static_cast<std::int64_t>(draw() % 2147483647ULL);
    if (!owned_id(id)) ids.insert(id);
  }
  return {ids.begin(), ids.end()};
}

TEST(Ghosts, OwnedSellersOfSeveralKindsTakeConsecutivePlaces) {
  const OwnedSellers owned = two_kinds();
  EXPECT_EQ(owned.total(), kOwned);
  EXPECT_EQ(owned.start(0), 0);
  EXPECT_EQ(owned.start(1), kFirms);
  EXPECT_EQ(owned.place(kFirst), 0);
  EXPECT_EQ(owned.place(kFirst + kFirms - 1), kFirms - 1);
  EXPECT_EQ(owned.place(kSecond), kFirms);
  EXPECT_EQ(owned.place(kSecond + kSecondOwned - 1), kOwned - 1);
  for (std::int64_t id :
       {kFirst - 1, kFirst + kFirms, kSecond - 1, kSecond + kSecondOwned, std::int64_t{-1}}) {
    EXPECT_EQ(owned.place(id), -1) << id;
  }
}

TEST(Ghosts, IndexFindsEveryGhostAtItsPlaceAndNothingElse) {
  ENTREPOT_REQUIRE_DEVICE();
  // Sparse lists over 2^31 ids, and a dense one: two of every three ids around the owned.
  std::vector<std::vector<std::int64_t>> lists;
  for (std::size_t count : {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{5000}}) {
    lists.push_back(random_ghosts(count, 17 + static_cast<std::uint32_t>(count)));
  }
  lists.emplace_back();
  for (std::int64_t id = 0; id < 3 * kSecond; ++id) {
    if (id % 3 != 0 && !owned_id(id)) lists.back().push_back(id);
  }
  for (const std::vector<std::int64_t>& ids : lists) {
    const std::size_t count = ids.size();
    Ghosts ghosts;
    ghosts.assign(ids);
    // The index as the device sees it, read here from host copies of its arrays.
    const std::vector<std::int64_t> ghost_ids = to_host(ghosts.device_ids);
    const std::vector<std::int32_t> bucket = to_host(ghosts.bucket);
    SellerIndex index = ghosts.index(two_kinds());
    EXPECT_EQ(ghost_ids, ids);
    if (count > 0) {
      index.ghost_ids = ghost_ids.data();
      index.bucket = bucket.data();
      EXPECT_LE(static_cast<std::size_t>(index.buckets), 2 * count)
          << "at most two buckets per ghost";
      EXPECT_EQ(bucket.size(), static_cast<std::size_t>(index.buckets) + 1);
    } else {
      EXPECT_EQ(index.buckets, 0);
    }
    for (std::int64_t outside : {std::int64_t{-1}, std::int64_t{-5000}, std::int64_t{1} << 40}) {
      EXPECT_FALSE(index.holds(outside)) << outside;
    }
    for (std::size_t g = 0; g < ids.size(); ++g) {
      ASSERT_TRUE(index.holds(ids[g])) << ids[g];
      ASSERT_EQ(index(ids[g]), kOwned + static_cast<std::int64_t>(g)) << ids[g];
    }
    for (std::int64_t id = kFirst; id < kFirst + kFirms; id += 37) {
      EXPECT_TRUE(index.owns(id));
      EXPECT_EQ(index(id), id - kFirst);
    }
    for (std::int64_t id = kSecond; id < kSecond + kSecondOwned; id += 7) {
      EXPECT_TRUE(index.owns(id));
      EXPECT_EQ(index(id), kFirms + (id - kSecond));
    }
    std::vector<std::int64_t> probes;
    for (std::int64_t id = -2; id < 4 * kSecond; ++id) probes.push_back(id);
    std::mt19937_64 draw(99);
    for (int k = 0; k < 20000; ++k)
      probes.push_back(static_cast<std::int64_t>(draw() % 2147483647ULL));
    for (std::int64_t id : probes) {
      if (index.owns(id) || std::binary_search(ids.begin(), ids.end(), id)) continue;
      ASSERT_FALSE(index.holds(id)) << id << " is neither owned nor a ghost";
    }
  }
}

TEST(SellerSet, ListsMarkedIdsSortedAndOnce) {
  ENTREPOT_REQUIRE_DEVICE();
  constexpr std::int64_t kFirms = 100003;  // not a multiple of 32: the last word is partial
  std::mt19937_64 draw(5);
  std::vector<std::int64_t> marked(50000);
  for (auto& id : marked) id = static_cast<std::int64_t>(draw() % kFirms);
  marked.push_back(0);
  marked.push_back(kFirms - 1);
  const thrust::device_vector<std::int64_t> device(marked.begin(), marked.end());
  SellerSet set(kFirms);
  thrust::for_each(device.begin(), device.end(), set.marker());
  const std::set<std::int64_t> expected(marked.begin(), marked.end());
  EXPECT_EQ(set.ids(), std::vector<std::int64_t>(expected.begin(), expected.end()));
  EXPECT_TRUE(SellerSet(kFirms).ids().empty());
}

TEST(SellerIds, MergeAndSubtractSortedLists) {
  const std::vector<std::int64_t> a{1, 4, 9, 16}, b{2, 4, 8, 16, 32};
  EXPECT_EQ(merge_ids(a, b), (std::vector<std::int64_t>{1, 2, 4, 8, 9, 16, 32}));
  EXPECT_EQ(subtract_ids(a, b), (std::vector<std::int64_t>{1, 9}));
  EXPECT_EQ(subtract_ids(b, a), (std::vector<std::int64_t>{2, 8, 32}));
  EXPECT_TRUE(merge_ids({}, {}).empty());
}

}  // namespace
}  // namespace entrepot

// The pieces a run over ranks finds other ranks' sellers with: the hash table of ghost ids
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

constexpr std::int64_t kFirst = 1000, kOwned = 1000;

std::vector<std::int64_t> random_ghosts(std::size_t count, std::uint32_t seed) {
  std::mt19937_64 draw(seed);
  std::set<std::int64_t> ids;
  while (ids.size() < count) {
    const auto id = static_cast<std::int64_t>(draw() % 2147483647ULL);
    if (id < kFirst || id >= kFirst + kOwned) ids.insert(id);
  }
  return {ids.begin(), ids.end()};
}

TEST(Ghosts, HashFindsEveryGhostAtItsPlaceAndNothingElse) {
  ENTREPOT_REQUIRE_DEVICE();
  for (std::size_t count : {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{5000}}) {
    const std::vector<std::int64_t> ids =
        random_ghosts(count, 17 + static_cast<std::uint32_t>(count));
    Ghosts ghosts;
    ghosts.assign(ids);
    const std::vector<std::int64_t> keys = to_host(ghosts.keys);
    const std::vector<std::int32_t> places = to_host(ghosts.places);
    SellerIndex index;
    index.first = kFirst;
    index.owned = kOwned;
    if (count > 0) {
      index.keys = keys.data();
      index.places = places.data();
      index.mask = (std::uint64_t{1} << ghosts.bits) - 1;
      index.shift = 64 - ghosts.bits;
      EXPECT_GE(keys.size(), 2 * count) << "the table is at most half full";
    }
    for (std::size_t g = 0; g < ids.size(); ++g) {
      ASSERT_TRUE(index.holds(ids[g])) << ids[g];
      ASSERT_EQ(index(ids[g]), kOwned + static_cast<std::int64_t>(g)) << ids[g];
    }
    for (std::int64_t id = kFirst; id < kFirst + kOwned; id += 37) {
      EXPECT_TRUE(index.owns(id));
      EXPECT_EQ(index(id), id - kFirst);
    }
    std::mt19937_64 draw(99);
    for (int k = 0; k < 20000; ++k) {
      const auto id = static_cast<std::int64_t>(draw() % 2147483647ULL);
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

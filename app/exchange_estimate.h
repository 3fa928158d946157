// What the exchange of a run over several ranks will carry, measured on the links of a
// one-process model: for each rank of the partition (world/partition.h), how many of its
// buyers' supplier and retailer links point to sellers another rank owns, and how many
// distinct remote sellers that is. The exchange (DESIGN §5) moves a fixed set of values per
// distinct remote seller and round, so these counts give its bytes per rank and step.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "world/partition.h"

namespace entrepot {

struct Model;

struct RankExchange {
  std::int64_t links = 0;           // buyer-seller links of the rank's buyers
  std::int64_t remote_links = 0;    // of which to a seller another rank owns
  std::int64_t remote_sellers = 0;  // distinct sellers behind those links
  std::int64_t peers = 0;           // ranks it exchanges with
};

// Bytes per distinct remote seller and step in the planned exchange: the quote query
// (4-byte id out, 16-byte quote back), the summed order (4 + 8), the fill back (stock and
// total orders, 16), the payment (4 + shipped, sales, exports 24); twice, for the
// retailers' round and the spill round (an upper bound: spill sellers are fewer).
inline constexpr std::int64_t kExchangeBytesPerSeller = 2 * (20 + 12 + 16 + 28);

std::vector<RankExchange> estimate_exchange(const Model& model, const Partition& partition);
std::string describe_exchange(const std::vector<RankExchange>& ranks);

}  // namespace entrepot

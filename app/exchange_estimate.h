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

// Bytes the trade exchange (kernels/trade_ghosts.cpp) sends per distinct remote seller a
// rank's links name, per step: the id asked (8) and the opening offer back (price, stock,
// region: 24), the summed order (8) and the total back (8), round one's sales (24). The
// search's quotes (24 B per candidate seller), the sellers short slots try (40 B) and
// those given round-two orders (56 B) come on top; `mpirun -np R entrepot bench`
// measures the whole.
inline constexpr std::int64_t kExchangeBytesPerSeller = 8 + 24 + 8 + 8 + 24;

std::vector<RankExchange> estimate_exchange(const Model& model, const Partition& partition);
std::string describe_exchange(const std::vector<RankExchange>& ranks);

}  // namespace entrepot

#include "app/exchange_estimate.h"

#include <algorithm>
#include <cstdio>

#include "kernels/host_copy.h"
#include "kernels/model.h"

namespace entrepot {

std::vector<RankExchange> estimate_exchange(const Model& m, const Partition& p) {
  const std::vector<std::int32_t> supplier = to_host(m.economy.firms.supplier);
  const std::vector<std::int32_t> retailer = to_host(m.economy.consumers.retailer);
  const std::vector<std::int32_t> stockist = to_host(m.economy.retailers.supplier);
  const std::size_t nf = m.economy.firms.size, nh = m.economy.consumers.size;
  const std::size_t nr = m.economy.retailers.size, nt = m.economy.traders.size;
  const std::vector<std::int32_t> wholesale = to_host(m.economy.traders.supplier);
  const std::int64_t per_market = m.tables.retailers_per_market();
  const int ranks = static_cast<int>(p.ranks.size());
  std::vector<RankExchange> out(ranks);
  std::vector<std::uint8_t> seen(nf + static_cast<std::size_t>(p.trader_total));
  std::vector<std::uint8_t> peer(ranks);
  for (int k = 0; k < ranks; ++k) {
    const RankShare& s = p.ranks[k];
    std::fill(seen.begin(), seen.end(), 0);
    std::fill(peer.begin(), peer.end(), 0);
    RankExchange& e = out[k];
    auto link = [&](std::int32_t seller) {
      if (seller < 0) return;
      ++e.links;
      // A retailer sits on the rank of its market's households: never remote. A trader sits
      // on the first rank of its region.
      const bool trader = p.trader_total > 0 && seller >= p.trader_seller_first;
      if (static_cast<std::size_t>(seller) >= nf && !trader) return;
      const int owner = p.seller_owner(seller);
      if (owner == k) return;
      ++e.remote_links;
      const std::size_t at =
          trader ? nf + static_cast<std::size_t>(seller - p.trader_seller_first) : seller;
      if (!seen[at]) {
        seen[at] = 1;
        ++e.remote_sellers;
        peer[owner] = 1;
      }
    };
    for (int slot = 0; slot < kInputSlots; ++slot) {
      for (std::int64_t j = s.firm_begin; j < s.firm_end; ++j) link(supplier[slot * nf + j]);
    }
    for (int slot = 0; slot < kConsumerSlots; ++slot) {
      for (std::int64_t n = s.household_begin; n < s.household_end; ++n) {
        link(retailer[slot * nh + n]);
      }
    }
    for (int slot = 0; slot < kRetailSlots; ++slot) {
      for (std::int64_t i = s.market_begin * per_market; i < s.market_end * per_market; ++i) {
        link(stockist[slot * nr + static_cast<std::size_t>(i)]);
      }
      for (std::int64_t i = s.trader_begin; i < s.trader_end; ++i) {
        link(wholesale[slot * nt + static_cast<std::size_t>(i)]);
      }
    }
    for (int r = 0; r < ranks; ++r) e.peers += peer[r];
  }
  return out;
}

std::string describe_exchange(const std::vector<RankExchange>& ranks) {
  std::string text;
  for (std::size_t k = 0; k < ranks.size(); ++k) {
    const RankExchange& e = ranks[k];
    char line[256];
    std::snprintf(line, sizeof line,
                  "exchange: rank %zu of %zu: %lld links, %.1f%% to other ranks, %lld distinct "
                  "remote sellers, %lld peers, at least %.2f MB per step\n",
                  k, ranks.size(), static_cast<long long>(e.links),
                  e.links > 0
                      ? 100.0 * static_cast<double>(e.remote_links) / static_cast<double>(e.links)
                      : 0.0,
                  static_cast<long long>(e.remote_sellers), static_cast<long long>(e.peers),
                  static_cast<double>(e.remote_sellers * kExchangeBytesPerSeller) / 1e6);
    text += line;
  }
  return text;
}

}  // namespace entrepot

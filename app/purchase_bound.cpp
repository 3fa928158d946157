#include "app/purchase_bound.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <vector>

#include "app/machine.h"
#include "base/backend.h"

namespace entrepot {
namespace {

// One cache line per seller, as the model's offer records.
struct alignas(64) SellerRecord {
  double price;
  std::int64_t stock, orders, shipped, sales;
};

}  // namespace

double measure_purchase_round_s(std::size_t households, std::size_t sellers, int slots, int repeats,
                                std::size_t window) {
  if (households == 0 || sellers == 0 || slots <= 0) return 0.0;
  const auto n = static_cast<std::int64_t>(households);
  std::vector<SellerRecord> book(sellers);
  std::vector<std::int32_t> retailer(households * static_cast<std::size_t>(slots));
  std::vector<std::int64_t> cash(households);
  // A fixed 64-bit LCG spreads the links; the figure does not depend on the exact draw.
  std::uint64_t state = 0x9e3779b97f4a7c15ull;
  const std::size_t span = window > 0 && window < sellers ? window : sellers;
  for (std::size_t i = 0; i < retailer.size(); ++i) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    // The window starts where the household's place in the book puts it, kept in the book.
    const std::size_t h = i % households;
    const auto place = static_cast<std::size_t>(
        static_cast<double>(h) / static_cast<double>(households) * static_cast<double>(sellers));
    const std::size_t from = std::min(place > span / 2 ? place - span / 2 : 0, sellers - span);
    retailer[i] = static_cast<std::int32_t>(from + (state >> 33) % span);
  }
  std::vector<double> times;
  for (int r = 0; r <= std::max(repeats, 1); ++r) {  // pass 0 warms up
    for (auto& s : book) s = SellerRecord{1.0, std::int64_t{1} << 40, 0, 0, 0};
    std::fill(cash.begin(), cash.end(), std::int64_t{1} << 30);
    const auto start = std::chrono::steady_clock::now();
#pragma omp parallel for schedule(static)
    for (std::int64_t h = 0; h < n; ++h) {
      for (int s = 0; s < slots; ++s) {
        SellerRecord& seller = book[retailer[s * households + h]];
        atomic_add(&seller.orders, static_cast<std::int64_t>(1000.0 / seller.price));
      }
    }
#pragma omp parallel for schedule(static)
    for (std::int64_t h = 0; h < n; ++h) {
      std::int64_t money = cash[h];
      for (int s = 0; s < slots; ++s) {
        SellerRecord& seller = book[retailer[s * households + h]];
        const auto order = static_cast<std::int64_t>(1000.0 / seller.price);
        const std::int64_t filled =
            seller.orders <= seller.stock ? order : order * seller.stock / seller.orders;
        const auto pay = static_cast<std::int64_t>(seller.price * static_cast<double>(filled));
        money -= pay;
        atomic_add(&seller.shipped, filled);
        atomic_add(&seller.sales, pay);
      }
      cash[h] = money;
    }
    const double t =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (r > 0) times.push_back(t);
  }
  return upper_median(times);
}

}  // namespace entrepot

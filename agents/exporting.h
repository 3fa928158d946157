// Selection into exporting (Melitz 2003): serving foreign buyers costs a firm a fixed
// amount of labour each step (f_x, `export_cost`), so only firms productive enough to earn
// that back from their share of their block's foreign sales export. Firms of a block are
// laid out in order of productivity, so its exporters are its last ids.
#pragma once

#include <cstdint>

#include "agents/rules.h"
#include "base/backend.h"
#include "base/det_math.h"

namespace entrepot {

// The productivity of the k-th of a block's n firms (k = 0 the least productive): the Pareto
// quantile at (k + u)/n, u ∈ [0, 1) its own draw. Stratified this way φ rises with k, and
// the block's distribution is Pareto without the sampling noise of n independent draws.
ENTREPOT_HD double block_productivity(std::int64_t k, std::int64_t n, double u, double shape) {
  const double q = (static_cast<double>(k) + u) / static_cast<double>(n > 0 ? n : 1);
  return pareto_productivity(q < 1.0 ? q : 1.0 - 1e-12, shape);
}

// How many of a block's n firms export: the largest count n_x whose least productive member
// still covers the fixed cost from its share of the foreign sales X at the margin m = μ/(1+μ),
// its share being φ^(ν−1) over the exporters' sum (CES revenue):
//   m·X·φ_(n−n_x)^(ν−1) / Σ_{k ≥ n−n_x} φ_k^(ν−1) ≥ cost.
// At least one, so that no foreign market of a block closes for good (its best firm exports
// even at a loss). Firm productivities at their quantiles' midpoints (u = ½).
inline std::int64_t exporters_in_block(std::int64_t n, double foreign_sales, double margin,
                                       double cost, double shape, double variety_elasticity) {
  if (n <= 0) return 0;
  if (cost <= 0.0) return n;
  double revenue_weights = 0.0;
  std::int64_t count = 0;
  for (std::int64_t k = n - 1; k >= 0; --k) {
    const double weight = det_pow(block_productivity(k, n, 0.5, shape), variety_elasticity - 1.0);
    revenue_weights += weight;
    if (margin * foreign_sales * weight / revenue_weights < cost) break;
    ++count;
  }
  return count > 0 ? count : 1;
}

}  // namespace entrepot

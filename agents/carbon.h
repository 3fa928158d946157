// CO2: what firms emit making their output (docs/model.md §4.16). Intensities are per unit
// of goods, fixed at set-up, so a step's emissions follow its output, not its prices.
#pragma once

#include <cstdint>

#include "base/backend.h"

namespace entrepot {

// kg CO2 per unit of a block's goods: its sector's kg per US$ of output, times its country's
// factor, times the block's set-up price in US$ (every currency is worth 1 US$ then).
ENTREPOT_HD double unit_intensity(double per_dollar, double country_factor, double price) {
  return per_dollar * country_factor * price;
}

// Micro-kg of CO2 that `output` micro-units of goods emit at `intensity` kg per unit: ⌊q·e⌋.
ENTREPOT_HD std::int64_t emitted(std::int64_t output, double intensity) {
  return static_cast<std::int64_t>(static_cast<double>(output) * intensity);
}

}  // namespace entrepot

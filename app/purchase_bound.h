// The speed ceiling of the household purchase pattern on this machine, measured in the
// same process as `entrepot bench`. Every household holds one retailer per consumed sector,
// anywhere in the world, so a step's purchases are random reads and integer atomic adds on
// seller records. This pass does only that, with none of the model's arithmetic.
#pragma once

#include <cstddef>

namespace entrepot {

// Seconds (median of `repeats`) for `households` households with `slots` retailers each,
// drawn uniformly among `sellers` 64-byte seller records, to make one purchase round:
// an ordering pass (read the price, add the order) and a settling pass (read the record,
// fill, pay, add what was shipped and paid). The real step makes this round twice (the
// second for rationed buyers), so 1/(2·this) bounds its households-per-second.
// `window` > 0: each household's sellers are drawn among the `window` records around its
// own place in the book (households and sellers both ordered by region), as where
// households buy only in their region; 0: anywhere.
double measure_purchase_round_s(std::size_t households, std::size_t sellers, int slots,
                                int repeats = 3, std::size_t window = 0);

}  // namespace entrepot

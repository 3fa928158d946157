// A world generated in code, of any size: the benchmark's world and the test suite's.
#pragma once

#include <cstdint>

#include "world/scenario.h"

namespace entrepot {

// Eight countries in twelve regions, ten sectors with a four-input recipe, MFN tariffs and
// two trade blocs; `agents` split about 9:1 between households and firms.
Scenario generated_world(std::int64_t agents, std::uint64_t seed = 1);

}  // namespace entrepot

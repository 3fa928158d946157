// Counter-based random numbers (Philox4x32-10, Random123). Nothing is stored or advanced:
// a draw is a pure function of (seed, agent id, step, phase, draw index), so the numbers
// do not depend on thread count, rank count, backend or agent order (DESIGN §3.1).
#pragma once

#include <Random123/philox.h>

#include <cstdint>

#include "base/backend.h"

namespace entrepot {

// The phase a draw belongs to; part of the counter so phases never share numbers.
enum class Draw : std::uint32_t {
  productivity = 1,
  search = 3,
  separation = 4,
  job_search = 5,
  spillover = 9,
  loyalty = 10,
  bonded_zone = 11,
  shop = 12,         // a household's retailer: where it reviews and where it goes when turned away
  entity_list = 13,  // whether a firm is on an entity list (fixed: a larger share adds firms)
  relocation = 14,   // whether a firm weighs a move this step, and where to
  abatement = 15,    // a firm site's abatement slope (fixed)
};

struct Philox {
  std::uint64_t seed;

  // Four independent 32-bit words for (agent, step, phase, index).
  ENTREPOT_HD r123::Philox4x32::ctr_type words(std::uint64_t agent, std::int32_t step, Draw phase,
                                               std::uint32_t index) const {
    r123::Philox4x32 generator;
    r123::Philox4x32::key_type key = {
        {static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
    r123::Philox4x32::ctr_type counter = {
        {static_cast<std::uint32_t>(agent), static_cast<std::uint32_t>(agent >> 32),
         static_cast<std::uint32_t>(step), (static_cast<std::uint32_t>(phase) << 24) | index}};
    return generator(counter, key);
  }

  // Uniform on [0, 1) with 32 random bits (exact in double).
  ENTREPOT_HD double uniform(std::uint64_t agent, std::int32_t step, Draw phase,
                             std::uint32_t index) const {
    return static_cast<double>(words(agent, step, phase, index)[0]) * (1.0 / 4294967296.0);
  }
};

ENTREPOT_HD double to_unit(std::uint32_t word) {
  return static_cast<double>(word) * (1.0 / 4294967296.0);
}

}  // namespace entrepot

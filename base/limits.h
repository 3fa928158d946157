// Size limits of a world the model can step: at most five intermediate inputs per firm
// (DESIGN §4), six sectors households buy from, and bounds that keep the per-chunk
// statistics tables small and fixed in size.
#pragma once

#include <cstdint>

namespace entrepot {

// Seller ids are 32-bit: firms first, then retailers, then traders.
inline constexpr std::int64_t kMaxSellers = 2147483647;

inline constexpr int kInputSlots = 5;
inline constexpr int kConsumerSlots = 6;
inline constexpr int kMaxRegions = 64;
inline constexpr int kMaxSectors = 16;
inline constexpr int kMaxCountries = 64;
// A seller's goods carry one bit per bloc whose rule of origin they meet (in 24 bits of the
// opening offer, next to the region's 8: kernels/messages.h).
inline constexpr int kMaxBlocs = 24;
// A firm carries one bit per entity list it is on (in a byte).
inline constexpr int kMaxEntityLists = 8;
// A retailer buys its goods from up to eight producers at once (its supplier slots), and a
// market holds at most eight retailers of each consumed sector.
inline constexpr int kRetailSlots = 8;
inline constexpr int kMaxRetailersPerSector = 8;
// A region holds at most sixteen traders of each goods sector, and a hub as many more.
inline constexpr int kMaxTradersPerSector = 16;

}  // namespace entrepot

// The messages of a run over ranks: one record per message, named by what it tells. The
// exchanges of world/ (SellerExchange, Comm) move a record as its int64 words, so each record
// is plain fields with no padding: its size is the bytes it costs per seller or applicant,
// which the exchange estimate (app/exchange_estimate.h) and `entrepot bench` count.
#pragma once

#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

#include "base/backend.h"
#include "base/limits.h"
#include "kernels/scratch.h"
#include "world/comm.h"

namespace entrepot {

// Owner → the ranks whose links name the seller, as the trade opens: round one's offer.
struct OpeningOffer {
  double price;
  std::int64_t stock;
  // The seller's region (low 8 bits) and a bit per bloc whose rule of origin its goods meet
  // (the 24 above), so the record stays three words.
  std::uint32_t origin_and_preferences;
  // A firm's: the duty on its imported content leaving its bonded zone, on its price (≥ 0).
  // A trader's (never in a zone): −(1 + the region its goods came from + 256 for a
  // merchant's), so the record stays three words.
  float zone_rate_or_origin;
};
static_assert(kMaxRegions <= 256 && kMaxBlocs <= 24, "OpeningOffer packs them into 32 bits");

ENTREPOT_HD std::uint32_t pack_origin(std::int32_t origin, std::uint32_t preferences) {
  return static_cast<std::uint32_t>(origin) | (preferences << 8);
}
ENTREPOT_HD std::int32_t origin_of(const OpeningOffer& r) {
  return static_cast<std::int32_t>(r.origin_and_preferences & 0xffu);
}
ENTREPOT_HD std::uint32_t preferences_of(const OpeningOffer& r) {
  return r.origin_and_preferences >> 8;
}
ENTREPOT_HD float pack_zone_or_origin(float zone_rate, std::int32_t goods_origin, bool offshore) {
  return goods_origin >= 0 ? -1.0f - static_cast<float>(goods_origin + (offshore ? 256 : 0))
                           : zone_rate;
}
ENTREPOT_HD float zone_rate_of(const OpeningOffer& r) {
  return r.zone_rate_or_origin < 0.0f ? 0.0f : r.zone_rate_or_origin;
}
ENTREPOT_HD std::int32_t packed_origin(const OpeningOffer& r) {
  return r.zone_rate_or_origin < 0.0f ? static_cast<std::int32_t>(-r.zone_rate_or_origin) - 1 : -1;
}
ENTREPOT_HD std::int16_t goods_origin_of(const OpeningOffer& r) {
  const std::int32_t packed = packed_origin(r);
  return static_cast<std::int16_t>(packed < 0 ? -1 : packed % 256);
}
ENTREPOT_HD std::uint16_t offshore_of(const OpeningOffer& r) {
  return packed_origin(r) >= 256 ? 1 : 0;
}

// The ranks holding the seller as a ghost → its owner, after each round's orders: the orders
// their buyers placed.
struct PlacedOrders {
  std::int64_t orders;
};

// Owner → the ranks whose links name the seller, after round one's orders: all its orders.
struct OrderTotal {
  std::int64_t orders;
};

// Owner → the ranks whose short slots may try the seller, after round one: its offer and all
// its orders, which decide the second seller.
struct RoundOneTotals {
  OpeningOffer offer;
  std::int64_t orders;
};

// Owner → the ranks that gave the seller round-two orders: round two's stock and all its
// orders.
struct RoundTwoTotals {
  std::int64_t stock;
  std::int64_t orders;
};

// The ranks holding the seller as a ghost → its owner, after each round: what their buyers
// bought (goods shipped, money paid, of which by foreign buyers).
struct RoundSales {
  std::int64_t shipped, sales, exports;
};

// Owner → the searching ranks, as the search starts: the seller's quote, as its own buyers
// see it (price, region, the share of orders it could not serve).
using SellerQuote = Quote;

// Owner → the other ranks of a split region, before their households deal with its firms:
// one figure of a firm in the labour mirror (staff, labour demand, hiring weight, wages paid,
// exit).
struct MirroredFirmFigure {
  std::int64_t value;
};

// The other ranks of a split region → a firm's owner, when staff is recounted: the firm's staff
// among their households.
struct StaffReport {
  std::int64_t workers;
};

// A rank → the other ranks of a split region, as hiring starts: a household's application
// (the firm it asks, high 32 bits, and its priority there, low 32 bits).
struct JobApplication {
  std::int64_t household;
  std::uint64_t choice;
};

// Sizes as the exchange counts them: a record that grows costs bytes on every step.
static_assert(sizeof(OpeningOffer) == 24 && sizeof(PlacedOrders) == 8 && sizeof(OrderTotal) == 8);
static_assert(sizeof(RoundOneTotals) == 32 && sizeof(RoundTwoTotals) == 16);
static_assert(sizeof(RoundSales) == 24 && sizeof(SellerQuote) == 16);
static_assert(sizeof(MirroredFirmFigure) == 8 && sizeof(StaffReport) == 8 &&
              sizeof(JobApplication) == 16);

// The int64 words a record travels as. A record is copied as bytes, so it must be plain data
// whose size is whole words.
template <class Record>
constexpr int words_of() {
  static_assert(std::is_trivially_copyable_v<Record>, "a message record is copied as bytes");
  static_assert(
      sizeof(Record) % sizeof(std::int64_t) == 0 && alignof(Record) <= alignof(std::int64_t),
      "a message record is whole int64 words");
  return static_cast<int>(sizeof(Record) / sizeof(std::int64_t));
}

// Sends `send[k]` to rank k and returns what each rank sent here, by source rank: lists
// whose lengths only the sender knows.
template <class Record>
std::vector<std::vector<Record>> exchange_records(const Comm& comm,
                                                  const std::vector<std::vector<Record>>& send) {
  constexpr auto words = static_cast<std::size_t>(words_of<Record>());
  std::vector<std::vector<std::int64_t>> out(send.size());
  for (std::size_t k = 0; k < send.size(); ++k) {
    out[k].resize(send[k].size() * words);
    if (!send[k].empty()) {
      std::memcpy(out[k].data(), send[k].data(), send[k].size() * sizeof(Record));
    }
  }
  const std::vector<std::vector<std::int64_t>> in = comm.exchange(out);
  std::vector<std::vector<Record>> received(in.size());
  for (std::size_t k = 0; k < in.size(); ++k) {
    received[k].resize(in[k].size() / words);
    if (!received[k].empty()) {
      std::memcpy(received[k].data(), in[k].data(), received[k].size() * sizeof(Record));
    }
  }
  return received;
}

}  // namespace entrepot

// The kernel side of a run over ranks: ids of the ghost sellers a phase needs, collected on
// the device; the message records (kernels/messages.h) that owners answer with and that
// ranks send to owners; and the labour mirror (firm fields over the firms of split regions).
// One rank never gets here, except for the mirror, which is then a copy of its own firms.
#pragma once

#include <thrust/copy.h>
#include <thrust/device_vector.h>
#include <thrust/for_each.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/merge.h>
#include <thrust/transform.h>

#include <vector>

#include "agents/stores.h"
#include "kernels/economy.h"
#include "kernels/host_copy.h"
#include "kernels/messages.h"
#include "kernels/ranks.h"

namespace entrepot {

// Marks each id in a bitmap over all sellers: the list comes out sorted and unique without a
// sort, in memory of one bit per seller.
struct Marker {
  std::uint32_t* bits;
  ENTREPOT_HD void operator()(std::int64_t id) const {
    atomic_or(&bits[id >> 5], std::uint32_t{1} << (id & 31));
  }
};

namespace ghost_detail {

template <class Visitor>
struct MarkIds {
  Visitor visit;
  Marker mark;
  ENTREPOT_HD void operator()(std::size_t i) const {
    Marker emit = mark;
    visit(i, emit);
  }
};

// `pack(place)` of an owned seller, by global id.
template <class Record, class Pack>
struct AtOwned {
  Pack pack;
  OwnedSellers owned;
  ENTREPOT_HD Record operator()(std::int64_t id) const {
    return pack(static_cast<std::size_t>(owned.place(id)));
  }
};

// A record array as the int64 words the seller exchange moves (whole words, no padding:
// words_of checks it).
template <class Record>
const std::int64_t* words(const Record* records) {
  static_assert(words_of<Record>() > 0);
  return reinterpret_cast<const std::int64_t*>(records);
}
template <class Record>
std::int64_t* words(Record* records) {
  static_assert(words_of<Record>() > 0);
  return reinterpret_cast<std::int64_t*>(records);
}

// `records` across the ranks, `count` records back: in place where MPI takes the memory
// they are in, else through host copies.
template <class Record, class Send>
thrust::device_vector<Record> exchange(const Ranks& ranks,
                                       const thrust::device_vector<Record>& records,
                                       std::size_t count, Send send) {
  thrust::device_vector<Record> out(count);
  if (ranks.exchange_in_place) {
    send(words(thrust::raw_pointer_cast(records.data())),
         words(thrust::raw_pointer_cast(out.data())));
    return out;
  }
  const std::vector<Record> staged = to_host(records);
  std::vector<Record> back(count);
  send(words(staged.data()), words(back.data()));
  thrust::copy(back.begin(), back.end(), out.begin());
  return out;
}

}  // namespace ghost_detail

// A set of seller ids, as a bitmap over all sellers.
class SellerSet {
 public:
  explicit SellerSet(std::int64_t sellers)
      : bits_(static_cast<std::size_t>((sellers + 31) / 32), 0) {}
  Marker marker() { return Marker{thrust::raw_pointer_cast(bits_.data())}; }
  std::vector<std::int64_t> ids() const;  // sorted (kernels/ghosts.cpp)

 private:
  thrust::device_vector<std::uint32_t> bits_;
};

// The ids that `visit(i, emit)` passes to `emit` for i in [0, n): sorted and unique.
template <class Visitor>
std::vector<std::int64_t> collect_ids(const Ranks& ranks, std::size_t n, Visitor visit) {
  SellerSet set(ranks.domain.seller_total);
  auto first = thrust::counting_iterator<std::size_t>(0);
  thrust::for_each(first, first + n, ghost_detail::MarkIds<Visitor>{visit, set.marker()});
  return set.ids();
}

// The owners answer one record per asked id (x.asked()); each rank gets one per ghost, in
// ghost order.
template <class Record>
thrust::device_vector<Record> answer(const Ranks& ranks, const SellerExchange& x,
                                     const thrust::device_vector<Record>& records) {
  constexpr int per_record = words_of<Record>();
  const std::size_t count = x.answered_words(records.size() * per_record, per_record) / per_record;
  return ghost_detail::exchange(
      ranks, records, count,
      [&](const std::int64_t* in, std::int64_t* out) { x.answer(in, per_record, out); });
}

// Each rank sends one record per ghost; each owner gets one per asked id (x.asked()).
template <class Record>
thrust::device_vector<Record> to_owners(const Ranks& ranks, const SellerExchange& x,
                                        const thrust::device_vector<Record>& records) {
  constexpr int per_record = words_of<Record>();
  const std::size_t count = x.words_at_owners(records.size() * per_record, per_record) / per_record;
  return ghost_detail::exchange(
      ranks, records, count,
      [&](const std::int64_t* in, std::int64_t* out) { x.send_to_owners(in, per_record, out); });
}

// The ids of a host list, in device memory.
inline thrust::device_vector<std::int64_t> on_device(const std::vector<std::int64_t>& ids) {
  return thrust::device_vector<std::int64_t>(ids.begin(), ids.end());
}

// The owner's answer to `asked` (ids of owned firms): `pack(local)` of each, in that order.
template <class Record, class Pack>
thrust::device_vector<Record> pack_owned(const Ranks& ranks, const std::vector<std::int64_t>& asked,
                                         Pack pack) {
  thrust::device_vector<Record> records(asked.size());
  if (asked.empty()) return records;
  const thrust::device_vector<std::int64_t> ids = on_device(asked);
  thrust::transform(ids.begin(), ids.end(), records.begin(),
                    ghost_detail::AtOwned<Record, Pack>{pack, ranks.domain.sellers});
  return records;
}

// An integer firm field as int64, for mirror_firms.
template <class T>
struct Widen {
  const T* values;
  ENTREPOT_HD std::int64_t operator()(std::size_t j) const {
    return static_cast<std::int64_t>(values[j]);
  }
};

// A field of the labour mirror, indexed by global firm id.
struct Mirror {
  const std::int64_t* values;
  std::int64_t first;
  ENTREPOT_HD std::int64_t operator[](std::int64_t id) const { return values[id - first]; }
};

inline Mirror mirror_of(const Ranks& ranks, const thrust::device_vector<std::int64_t>& field) {
  return Mirror{thrust::raw_pointer_cast(field.data()), ranks.domain.labour_first};
}

// A mirror field's value of an owned firm as its owner sends it, and as the others keep it.
template <class Value>
struct MirroredFigureOf {
  Value value;
  ENTREPOT_HD MirroredFirmFigure operator()(std::size_t j) const {
    return MirroredFirmFigure{value(j)};
  }
};
struct FigureValue {
  ENTREPOT_HD std::int64_t operator()(const MirroredFirmFigure& f) const { return f.value; }
};

// `value(local)` of every firm of [labour_first, labour_end) into `out` (indexed by id −
// labour_first): owned firms here, the other parts of split regions from their owners.
template <class Value>
void mirror_firms(const Ranks& ranks, Value value, thrust::device_vector<std::int64_t>& out) {
  const Domain& d = ranks.domain;
  const auto owned = static_cast<std::size_t>(d.firm_count);
  out.resize(static_cast<std::size_t>(d.labour_end - d.labour_first));
  const auto before = static_cast<std::size_t>(d.firm_first - d.labour_first);
  auto first = thrust::counting_iterator<std::size_t>(0);
  thrust::transform(first, first + owned, out.begin() + before, value);
  if (!ranks.distributed()) return;
  const SellerExchange& x = *ranks.labour_exchange;
  const thrust::device_vector<MirroredFirmFigure> ghosts = answer(
      ranks, x, pack_owned<MirroredFirmFigure>(ranks, x.asked(), MirroredFigureOf<Value>{value}));
  // The ghosts are the firms before the owned range, then those after it.
  thrust::transform(ghosts.begin(), ghosts.begin() + static_cast<std::ptrdiff_t>(before),
                    out.begin(), FigureValue{});
  thrust::transform(ghosts.begin() + static_cast<std::ptrdiff_t>(before), ghosts.end(),
                    out.begin() + static_cast<std::ptrdiff_t>(before + owned), FigureValue{});
}

}  // namespace entrepot

namespace entrepot {

// The sellers of other ranks a link array names (`slots` slots, slot-major over `size`
// agents).
struct LinkedSellers {
  const std::int32_t* links;
  std::size_t size;
  int slots;
  SellerIndex owned;
  template <class Emit>
  ENTREPOT_HD void operator()(std::size_t i, Emit& emit) const {
    for (int s = 0; s < slots; ++s) {
      const std::int32_t seller = links[static_cast<std::size_t>(s) * size + i];
      if (seller >= 0 && !owned.owns(seller)) emit(seller);
    }
  }
};

// Adds new ghosts (sorted `ids` in device memory, none among `ghosts`) with their `entries`
// to a book laid out as [owned | ghosts in id order]. Returns the ids of the merged ghosts,
// in device memory, for the caller's Ghosts::assign(merge_ids(ghosts.ids, ids), returned).
template <class Entry>
thrust::device_vector<std::int64_t> merge_ghosts(thrust::device_vector<Entry>& book,
                                                 std::size_t owned, const Ghosts& ghosts,
                                                 const thrust::device_vector<std::int64_t>& ids,
                                                 const thrust::device_vector<Entry>& entries) {
  const thrust::device_vector<std::int64_t>& old_keys = ghosts.device_ids;
  thrust::device_vector<std::int64_t> keys(old_keys.size() + ids.size());
  thrust::device_vector<Entry> merged(keys.size());
  thrust::merge_by_key(old_keys.begin(), old_keys.end(), ids.begin(), ids.end(),
                       book.begin() + static_cast<std::ptrdiff_t>(owned), entries.begin(),
                       keys.begin(), merged.begin());
  book.resize(owned + merged.size());
  thrust::copy(merged.begin(), merged.end(), book.begin() + static_cast<std::ptrdiff_t>(owned));
  return keys;
}

// Remote sellers named by the firms' input slots, the households' retailer slots or the
// retailers' and traders' supplier slots.
std::vector<std::int64_t> linked_sellers(const Ranks& ranks, const Economy& economy,
                                         int consumer_slots);

}  // namespace entrepot

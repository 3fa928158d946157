// The kernel side of a run over ranks: ids of the ghost sellers a phase needs, collected on
// the device; owned firm fields packed into int64 words for the owners' answers; and the
// labour mirror (firm fields over the firms of split regions). One rank never gets here,
// except for the mirror, which is then a copy of its own firms.
#pragma once

#include <thrust/copy.h>
#include <thrust/device_vector.h>
#include <thrust/for_each.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/merge.h>
#include <thrust/transform.h>

#include <cstring>
#include <vector>

#include "kernels/host_copy.h"
#include "kernels/model.h"

namespace entrepot {

// A double's bits as an int64 word and back, so prices travel exactly.
ENTREPOT_HD std::int64_t word_of(double x) {
  std::int64_t w;
  std::memcpy(&w, &x, sizeof w);
  return w;
}
ENTREPOT_HD double double_of(std::int64_t w) {
  double x;
  std::memcpy(&x, &w, sizeof x);
  return x;
}

// Marks each id in a bitmap over all firms: the list comes out sorted and unique without a
// sort, in memory of one bit per firm.
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

template <class Value>
struct AtOwned {
  Value value;
  std::int64_t first;
  ENTREPOT_HD std::int64_t operator()(std::int64_t id) const {
    return value(static_cast<std::size_t>(id - first));
  }
};

}  // namespace ghost_detail

// A set of firm ids, as a bitmap over all firms.
class SellerSet {
 public:
  explicit SellerSet(std::int64_t firms) : bits_(static_cast<std::size_t>((firms + 31) / 32), 0) {}
  Marker marker() { return Marker{thrust::raw_pointer_cast(bits_.data())}; }
  std::vector<std::int64_t> ids() const;  // sorted (kernels/ghosts.cpp)

 private:
  thrust::device_vector<std::uint32_t> bits_;
};

// The ids that `visit(i, emit)` passes to `emit` for i in [0, n): sorted and unique.
template <class Visitor>
std::vector<std::int64_t> collect_ids(const Model& m, std::size_t n, Visitor visit) {
  SellerSet set(m.ranks.domain.firm_total);
  auto first = thrust::counting_iterator<std::size_t>(0);
  thrust::for_each(first, first + n, ghost_detail::MarkIds<Visitor>{visit, set.marker()});
  return set.ids();
}

// `width` words per id of `ids` (owned firms), `pack(local, words)` writing them.
template <class Pack>
struct PackWords {
  Pack pack;
  const std::int64_t* ids;
  std::int64_t first;
  std::int64_t* words;
  int width;
  ENTREPOT_HD void operator()(std::size_t i) const {
    pack(static_cast<std::size_t>(ids[i] - first), words + i * static_cast<std::size_t>(width));
  }
};

// An exchange's words, in device memory.
using Words = thrust::device_vector<std::int64_t>;

// The owners answer `width` words per asked id; each rank gets `width` words per ghost.
Words answer_words(const Model& m, const SellerExchange& x, const Words& words, int width);
// Each rank sends `width` words per ghost; each owner gets `width` words per asked id.
Words words_to_owners(const Model& m, const SellerExchange& x, const Words& words, int width);

// The ids of a host list, in device memory.
inline thrust::device_vector<std::int64_t> on_device(const std::vector<std::int64_t>& ids) {
  return thrust::device_vector<std::int64_t>(ids.begin(), ids.end());
}

template <class Pack>
Words pack_owned(const Model& m, const std::vector<std::int64_t>& asked, int width, Pack pack) {
  Words words(asked.size() * static_cast<std::size_t>(width));
  if (asked.empty()) return words;
  const thrust::device_vector<std::int64_t> ids = on_device(asked);
  auto first = thrust::counting_iterator<std::size_t>(0);
  thrust::for_each(
      first, first + asked.size(),
      PackWords<Pack>{pack, thrust::raw_pointer_cast(ids.data()), m.ranks.domain.firm_first,
                      thrust::raw_pointer_cast(words.data()), width});
  return words;
}

// An integer firm field as int64 words, for mirror_firms.
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

inline Mirror mirror_of(const Model& m, const thrust::device_vector<std::int64_t>& field) {
  return Mirror{thrust::raw_pointer_cast(field.data()), m.ranks.domain.labour_first};
}

// `value(local)` of every firm of [labour_first, labour_end) into `out` (indexed by id −
// labour_first): owned firms here, the other parts of split regions from their owners.
template <class Value>
void mirror_firms(const Model& m, Value value, thrust::device_vector<std::int64_t>& out) {
  const Domain& d = m.ranks.domain;
  out.resize(static_cast<std::size_t>(d.labour_end - d.labour_first));
  const auto before = static_cast<std::size_t>(d.firm_first - d.labour_first);
  auto first = thrust::counting_iterator<std::size_t>(0);
  thrust::transform(first, first + m.economy.firms.size, out.begin() + before, value);
  if (!m.ranks.distributed()) return;
  const std::vector<std::int64_t>& asked = m.ranks.labour_exchange->asked();
  Words words(asked.size());
  if (!asked.empty()) {
    const thrust::device_vector<std::int64_t> ids = on_device(asked);
    thrust::transform(ids.begin(), ids.end(), words.begin(),
                      ghost_detail::AtOwned<Value>{value, d.firm_first});
  }
  const Words ghosts = answer_words(m, *m.ranks.labour_exchange, words, 1);
  // The ghosts are the firms before the owned range, then those after it.
  thrust::copy(ghosts.begin(), ghosts.begin() + static_cast<std::ptrdiff_t>(before), out.begin());
  thrust::copy(ghosts.begin() + static_cast<std::ptrdiff_t>(before), ghosts.end(),
               out.begin() + static_cast<std::ptrdiff_t>(before + m.economy.firms.size));
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

// Remote sellers named by the firms' input slots or the households' retailer slots.
std::vector<std::int64_t> linked_sellers(Model& m);

}  // namespace entrepot

#include "kernels/ghosts.h"

#include <utility>

namespace entrepot {

void Ghosts::assign(std::vector<std::int64_t> sorted) {
  ids = std::move(sorted);
  bits = 1;
  while ((std::size_t{1} << bits) < 2 * ids.size()) ++bits;  // at most half full
  const std::size_t size = std::size_t{1} << bits;
  std::vector<std::int64_t> table(size, -1);
  std::vector<std::int32_t> place(size, -1);
  for (std::size_t g = 0; g < ids.size(); ++g) {
    std::uint64_t slot =
        (static_cast<std::uint64_t>(ids[g]) * 0x9E3779B97F4A7C15ULL) >> (64 - bits);
    while (table[slot] >= 0) slot = (slot + 1) & (size - 1);
    table[slot] = ids[g];
    place[slot] = static_cast<std::int32_t>(g);
  }
  keys.assign(table.begin(), table.end());
  places.assign(place.begin(), place.end());
}

std::vector<std::int64_t> SellerSet::ids() const {
  const std::vector<std::uint32_t> words = to_host(bits_);
  std::vector<std::int64_t> out;
  for (std::size_t w = 0; w < words.size(); ++w) {
    for (std::uint32_t bits = words[w]; bits != 0; bits &= bits - 1) {
      out.push_back(static_cast<std::int64_t>(w) * 32 + __builtin_ctz(bits));
    }
  }
  return out;
}

namespace {

// `words` across the ranks, `size` words back: in place where MPI takes the memory the
// words are in, else through host copies.
template <class Send>
Words exchange_words(const Model& m, const Words& words, std::size_t size, Send send) {
  Words out(size);
  if (m.exchange_in_place) {
    send(thrust::raw_pointer_cast(words.data()), thrust::raw_pointer_cast(out.data()));
    return out;
  }
  const std::vector<std::int64_t> staged = to_host(words);
  std::vector<std::int64_t> back(size);
  send(staged.data(), back.data());
  thrust::copy(back.begin(), back.end(), out.begin());
  return out;
}

}  // namespace

Words answer_words(const Model& m, const SellerExchange& x, const Words& words, int width) {
  return exchange_words(
      m, words, x.answered_words(words.size(), width),
      [&](const std::int64_t* in, std::int64_t* out) { x.answer(in, width, out); });
}

Words words_to_owners(const Model& m, const SellerExchange& x, const Words& words, int width) {
  return exchange_words(
      m, words, x.words_at_owners(words.size(), width),
      [&](const std::int64_t* in, std::int64_t* out) { x.send_to_owners(in, width, out); });
}

std::vector<std::int64_t> linked_sellers(Model& m) {
  const SellerIndex owned = m.owned_index();
  FirmStore::View f = m.firms.view();
  ConsumerStore::View h = m.consumers.view();
  return merge_ids(
      collect_ids(m, f.size, LinkedSellers{f.supplier, f.size, kInputSlots, owned}),
      collect_ids(m, h.size, LinkedSellers{h.retailer, h.size, m.tables.consumer_slots, owned}));
}

}  // namespace entrepot

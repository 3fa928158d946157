#include "world/exchange.h"

#include <algorithm>
#include <iterator>
#include <stdexcept>
#include <string>

namespace entrepot {

void SellerExchange::ask(const std::vector<std::int64_t>& ghosts) {
  const int ranks = comm_.size();
  ghosts_ = ghosts;
  asked_.clear();
  // Every rank has the same parts: firms, and traders where the world has any.
  const int parts = partition_.trader_total > 0 ? 2 : 1;
  parts_.assign(static_cast<std::size_t>(parts), Part{});
  std::size_t i = 0;
  for (int p = 0; p < parts; ++p) {
    Part& part = parts_[static_cast<std::size_t>(p)];
    part.ghost_at = i;
    part.asked_at = asked_.size();
    part.ghosts_per_owner.assign(ranks, 0);
    std::vector<std::vector<std::int64_t>> send(ranks);
    for (; i < ghosts_.size() && (p + 1 == parts || ghosts_[i] < partition_.trader_seller_first);
         ++i) {
      const int owner = partition_.seller_owner(ghosts_[i]);
      if (owner == comm_.rank() || (i > 0 && ghosts_[i] <= ghosts_[i - 1])) {
        throw std::logic_error("ghost sellers: ids must be sorted, unique and remote (id " +
                               std::to_string(ghosts_[i]) + ")");
      }
      send[owner].push_back(ghosts_[i]);
      ++part.ghosts_per_owner[owner];
    }
    const std::vector<std::vector<std::int64_t>> received = comm_.exchange(send);
    part.asked_per_source.assign(ranks, 0);
    for (int k = 0; k < ranks; ++k) part.asked_per_source[k] = received[k].size();
    for (const auto& from : received) asked_.insert(asked_.end(), from.begin(), from.end());
  }
}

std::vector<std::size_t> SellerExchange::times(const std::vector<std::size_t>& counts, int width) {
  std::vector<std::size_t> out(counts.size());
  for (std::size_t k = 0; k < counts.size(); ++k) {
    out[k] = counts[k] * static_cast<std::size_t>(width);
  }
  return out;
}

// Within a part, sources are answered in rank order and ghosts are grouped by owner in rank
// order, so the replies arrive in ghost order.
void SellerExchange::move(const std::int64_t* in, int width, std::int64_t* out,
                          bool to_owners) const {
  const auto w = static_cast<std::size_t>(width);
  for (const Part& part : parts_) {
    const std::int64_t* ghost_words = in + part.ghost_at * w;
    const std::int64_t* asked_words = in + part.asked_at * w;
    if (to_owners) {
      comm_.exchange(ghost_words, times(part.ghosts_per_owner, width), out + part.asked_at * w,
                     times(part.asked_per_source, width));
    } else {
      comm_.exchange(asked_words, times(part.asked_per_source, width), out + part.ghost_at * w,
                     times(part.ghosts_per_owner, width));
    }
  }
}

void SellerExchange::answer(const std::int64_t* words, int width, std::int64_t* out) const {
  move(words, width, out, false);
}

void SellerExchange::send_to_owners(const std::int64_t* words, int width, std::int64_t* out) const {
  move(words, width, out, true);
}

std::size_t SellerExchange::checked(std::size_t words, std::size_t from, std::size_t to,
                                    int width) {
  const auto w = static_cast<std::size_t>(width);
  if (width <= 0 || words != from * w) {
    throw std::logic_error("ghost sellers: " + std::to_string(words) + " words for " +
                           std::to_string(from) + " ids of width " + std::to_string(width));
  }
  return to * w;
}

std::size_t SellerExchange::answered_words(std::size_t words, int width) const {
  return checked(words, asked_.size(), ghosts_.size(), width);
}

std::size_t SellerExchange::words_at_owners(std::size_t words, int width) const {
  return checked(words, ghosts_.size(), asked_.size(), width);
}

std::vector<std::int64_t> subtract_ids(const std::vector<std::int64_t>& a,
                                       const std::vector<std::int64_t>& b) {
  std::vector<std::int64_t> out;
  out.reserve(a.size());
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

std::vector<std::int64_t> merge_ids(const std::vector<std::int64_t>& a,
                                    const std::vector<std::int64_t>& b) {
  std::vector<std::int64_t> out;
  out.reserve(a.size() + b.size());
  std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

}  // namespace entrepot

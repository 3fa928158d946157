#include "world/exchange.h"

#include <algorithm>
#include <iterator>
#include <stdexcept>
#include <string>

namespace entrepot {

void SellerExchange::ask(const std::vector<std::int64_t>& ghosts) {
  const int ranks = comm_.size();
  ghosts_ = ghosts;
  ghosts_per_owner_.assign(ranks, 0);
  std::vector<std::vector<std::int64_t>> send(ranks);
  for (std::size_t i = 0; i < ghosts_.size(); ++i) {
    const int owner = partition_.firm_owner(ghosts_[i]);
    if (owner == comm_.rank() || (i > 0 && ghosts_[i] <= ghosts_[i - 1])) {
      throw std::logic_error("ghost sellers: ids must be sorted, unique and remote (id " +
                             std::to_string(ghosts_[i]) + ")");
    }
    send[owner].push_back(ghosts_[i]);
    ++ghosts_per_owner_[owner];
  }
  const std::vector<std::vector<std::int64_t>> received = comm_.exchange(send);
  asked_per_source_.assign(ranks, 0);
  for (int k = 0; k < ranks; ++k) asked_per_source_[k] = received[k].size();
  asked_.clear();
  for (const auto& part : received) asked_.insert(asked_.end(), part.begin(), part.end());
}

std::vector<std::size_t> SellerExchange::times(const std::vector<std::size_t>& counts, int width) {
  std::vector<std::size_t> out(counts.size());
  for (std::size_t k = 0; k < counts.size(); ++k) {
    out[k] = counts[k] * static_cast<std::size_t>(width);
  }
  return out;
}

// Sources are answered in rank order, and ghosts are grouped by owner in rank order, so
// the replies arrive in ghost order.
void SellerExchange::answer(const std::int64_t* words, int width, std::int64_t* out) const {
  comm_.exchange(words, times(asked_per_source_, width), out, times(ghosts_per_owner_, width));
}

void SellerExchange::send_to_owners(const std::int64_t* words, int width, std::int64_t* out) const {
  comm_.exchange(words, times(ghosts_per_owner_, width), out, times(asked_per_source_, width));
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

// Ghost sellers: the firms of other ranks that this rank's buyers need in one phase. The
// rank lists their ids once (ask), and then each owner answers with a few int64 words per
// id (answer), or receives words per id that it adds to its own firms (send_to_owners).
// Ids are sorted, and the ranks own contiguous ranges of each kind of seller, so within a
// kind the ghosts come grouped by owner in rank order and every message is a plain slice:
// no id travels twice per call. Firms and traders are two such parts of the ghost list
// (Partition::trader_seller_first divides them), each moved by its own all-to-all.
#pragma once

#include <cstdint>
#include <vector>

#include "world/comm.h"
#include "world/partition.h"

namespace entrepot {

class SellerExchange {
 public:
  SellerExchange(const Comm& comm, const Partition& partition)
      : comm_(comm), partition_(partition) {}

  // Sets the ghosts: sorted, unique firm ids, none owned by this rank. Each owner learns
  // which of its firms are asked, and by whom (one all-to-all; every rank calls it).
  void ask(const std::vector<std::int64_t>& ghosts);

  const std::vector<std::int64_t>& ghosts() const { return ghosts_; }
  // Ids asked of this rank by all ranks, firms' then traders', each by source rank then id
  // (an id asked by two ranks appears twice): the order of answer()'s input and of
  // send_to_owners()'s output.
  const std::vector<std::int64_t>& asked() const { return asked_; }

  // `words`: `width` words per asked() id; `out`: `width` words per ghost, in ghost order.
  void answer(const std::int64_t* words, int width, std::int64_t* out) const;
  // `words`: `width` words per ghost; `out`: `width` words per asked() id, what the ranks
  // that hold each id as a ghost sent its owner.
  // Each is one MPI_Alltoallv, as both sides know the sizes. The buffers may be GPU memory
  // where Comm::cuda_aware() is true.
  void send_to_owners(const std::int64_t* words, int width, std::int64_t* out) const;
  // The words answer() or send_to_owners() gives for `words` words of `width` per id;
  // throws std::logic_error unless `words` is what the call takes.
  std::size_t answered_words(std::size_t words, int width) const;
  std::size_t words_at_owners(std::size_t words, int width) const;

 private:
  static std::size_t checked(std::size_t words, std::size_t from, std::size_t to, int width);
  static std::vector<std::size_t> times(const std::vector<std::size_t>& counts, int width);

  // One part of the ghost list: the ghosts from `ghost_at`, the asked ids from `asked_at`.
  struct Part {
    std::size_t ghost_at = 0, asked_at = 0;
    std::vector<std::size_t> ghosts_per_owner, asked_per_source;
  };
  // Moves `width` words per id of each part from `in` to `out`, `to_owners` or back.
  void move(const std::int64_t* in, int width, std::int64_t* out, bool to_owners) const;

  const Comm& comm_;
  const Partition& partition_;
  std::vector<std::int64_t> ghosts_, asked_;
  std::vector<Part> parts_;
};

// The ids of sorted, unique `a` that are not in sorted `b`.
std::vector<std::int64_t> subtract_ids(const std::vector<std::int64_t>& a,
                                       const std::vector<std::int64_t>& b);

// Merges two sorted, unique id lists.
std::vector<std::int64_t> merge_ids(const std::vector<std::int64_t>& a,
                                    const std::vector<std::int64_t>& b);

}  // namespace entrepot

#include "world/comm.h"

#include <cstdio>
#include <cstdlib>
#include <iostream>

#ifdef ENTREPOT_MPI
#include <mpi.h>
#endif

namespace entrepot {

#ifdef ENTREPOT_MPI
namespace {

// Throws with the call's name and MPI's own words for the error.
void check(int code, const char* call) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  if (MPI_Error_string(code, text, &length) != MPI_SUCCESS) length = 0;
  throw CommError(std::string(call) + " failed: " + std::string(text, length));
}

}  // namespace

CommSession::CommSession(int& argc, char**& argv) {
  int provided = 0;
  check(MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
  // Errors come back as codes (checked above), not as a silent abort inside MPI.
  check(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN), "MPI_Comm_set_errhandler");
  if (provided < MPI_THREAD_FUNNELED) {
    throw CommError("MPI_Init_thread: this MPI library does not allow OpenMP threads beside MPI");
  }
}

CommSession::~CommSession() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
}

Comm Comm::world() {
  int initialized = 0;
  check(MPI_Initialized(&initialized), "MPI_Initialized");
  if (!initialized) return Comm(0, 1, 0);
  int rank = 0, size = 1, local = 0;
  check(MPI_Comm_rank(MPI_COMM_WORLD, &rank), "MPI_Comm_rank");
  check(MPI_Comm_size(MPI_COMM_WORLD, &size), "MPI_Comm_size");
  // The ranks that share this node's memory, in world-rank order.
  MPI_Comm node = MPI_COMM_NULL;
  check(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, &node),
        "MPI_Comm_split_type");
  const int ranked = MPI_Comm_rank(node, &local);
  MPI_Comm_free(&node);
  check(ranked, "MPI_Comm_rank");
  return Comm(rank, size, local);
}

void Comm::sum(std::int64_t* values, std::size_t count) const {
  if (size_ == 1 || count == 0) return;
  // Large arrays go in pieces: MPI counts are int.
  constexpr std::size_t kPiece = std::size_t{1} << 30;
  for (std::size_t at = 0; at < count; at += kPiece) {
    const int n = static_cast<int>(count - at < kPiece ? count - at : kPiece);
    check(MPI_Allreduce(MPI_IN_PLACE, values + at, n, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD),
          "MPI_Allreduce");
    ++traffic_.collectives;
    traffic_.bytes += static_cast<std::int64_t>(n) * 8;
  }
}

bool Comm::all(bool ok) const {
  if (size_ == 1) return ok;
  int mine = ok ? 1 : 0, every = 0;
  check(MPI_Allreduce(&mine, &every, 1, MPI_INT, MPI_LAND, MPI_COMM_WORLD), "MPI_Allreduce");
  ++traffic_.collectives;
  return every != 0;
}

std::vector<std::vector<std::int64_t>> Comm::exchange(
    const std::vector<std::vector<std::int64_t>>& send) const {
  if (static_cast<int>(send.size()) != size_) {
    throw CommError("exchange: one list per rank is needed");
  }
  std::vector<int> send_counts(size_), recv_counts(size_), send_at(size_), recv_at(size_);
  std::vector<std::int64_t> out;
  for (int k = 0; k < size_; ++k) {
    if (send[k].size() > static_cast<std::size_t>(1) << 30) {
      throw CommError("exchange: more than 2^30 values for one rank in one call");
    }
    send_counts[k] = static_cast<int>(send[k].size());
    if (k != rank_ && !send[k].empty()) {
      ++traffic_.messages;
      traffic_.bytes += static_cast<std::int64_t>(send[k].size()) * 8;
    }
    send_at[k] = static_cast<int>(out.size());
    out.insert(out.end(), send[k].begin(), send[k].end());
  }
  check(
      MPI_Alltoall(send_counts.data(), 1, MPI_INT, recv_counts.data(), 1, MPI_INT, MPI_COMM_WORLD),
      "MPI_Alltoall");
  std::size_t total = 0;
  for (int k = 0; k < size_; ++k) {
    recv_at[k] = static_cast<int>(total);
    total += static_cast<std::size_t>(recv_counts[k]);
  }
  std::vector<std::int64_t> in(total);
  check(MPI_Alltoallv(out.data(), send_counts.data(), send_at.data(), MPI_INT64_T, in.data(),
                      recv_counts.data(), recv_at.data(), MPI_INT64_T, MPI_COMM_WORLD),
        "MPI_Alltoallv");
  traffic_.collectives += 2;
  std::vector<std::vector<std::int64_t>> received(size_);
  for (int k = 0; k < size_; ++k) {
    received[k].assign(in.begin() + recv_at[k], in.begin() + recv_at[k] + recv_counts[k]);
  }
  return received;
}

void Comm::abort(const std::string& reason, int status) const {
  std::cerr << "entrepot: rank " << rank_ << " of " << size_ << ": " << reason << std::endl;
  MPI_Abort(MPI_COMM_WORLD, status);
  std::_Exit(status);  // MPI_Abort does not return; this is for the compiler
}

#else  // one process, no MPI

CommSession::CommSession(int&, char**&) {}
CommSession::~CommSession() = default;

Comm Comm::world() {
  return Comm(0, 1, 0);
}

void Comm::sum(std::int64_t*, std::size_t) const {}

bool Comm::all(bool ok) const {
  return ok;
}

std::vector<std::vector<std::int64_t>> Comm::exchange(
    const std::vector<std::vector<std::int64_t>>& send) const {
  if (send.size() != 1) throw CommError("exchange: one list per rank is needed");
  return send;
}

void Comm::abort(const std::string& reason, int status) const {
  std::cerr << "entrepot: " << reason << std::endl;
  std::_Exit(status);
}

#endif

int run_guarded(const Comm& comm, const std::function<int()>& body) {
  try {
    return body();
  } catch (const std::exception& error) {
    if (comm.distributed()) comm.abort(std::string("error: ") + error.what(), 1);
    std::cerr << "entrepot: error: " << error.what() << std::endl;
    return 1;
  }
}

std::int64_t Comm::sum(std::int64_t value) const {
  sum(&value, 1);
  return value;
}

void* Comm::native_handle() const {
#ifdef ENTREPOT_MPI
  int initialized = 0, finalized = 0;
  check(MPI_Initialized(&initialized), "MPI_Initialized");
  check(MPI_Finalized(&finalized), "MPI_Finalized");
  if (!initialized || finalized) return nullptr;
  static MPI_Comm world = MPI_COMM_WORLD;
  return &world;
#else
  return nullptr;
#endif
}

}  // namespace entrepot

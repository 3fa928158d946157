#include "world/comm.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <limits>

#ifdef ENTREPOT_MPI
#include <mpi.h>
#if __has_include(<mpi-ext.h>)
#include <mpi-ext.h>  // Open MPI's extensions: MPIX_Query_cuda_support
#endif
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

// ENTREPOT_MPI_DEVICE_BUFFERS=0: every exchange through host buffers of its own.
bool staging_asked() {
  const char* setting = std::getenv("ENTREPOT_MPI_DEVICE_BUFFERS");
  return setting != nullptr && std::strcmp(setting, "0") == 0;
}

// Whether this MPI library, as started, takes CUDA device memory in its calls.
bool query_cuda_aware() {
#if defined(MPIX_CUDA_AWARE_SUPPORT)
  return MPIX_Query_cuda_support() == 1;
#elif defined(MPIX_GPU_SUPPORT_CUDA)
  int supported = 0;
  check(MPIX_GPU_query_support(MPIX_GPU_SUPPORT_CUDA, &supported), "MPIX_GPU_query_support");
  return supported != 0;
#else
  return false;
#endif
}

// MPI's int counts and displacements for an exchange, by rank.
struct Counts {
  std::vector<int> count, at;
  Counts(const std::vector<std::size_t>& counts, const char* what)
      : count(counts.size()), at(counts.size()) {
    std::size_t total = 0;
    for (std::size_t k = 0; k < counts.size(); ++k) {
      at[k] = static_cast<int>(total);
      count[k] = static_cast<int>(counts[k]);
      total += counts[k];
      if (total > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
        throw CommError(std::string("exchange: more than 2^31 values ") + what +
                        " in one call (MPI counts are int)");
      }
    }
  }
};

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
  int local_size = 1;
  const int ranked = MPI_Comm_rank(node, &local);
  const int counted = MPI_Comm_size(node, &local_size);
  MPI_Comm_free(&node);
  check(ranked, "MPI_Comm_rank");
  check(counted, "MPI_Comm_size");
  const bool staged = staging_asked();
  return Comm(rank, size, local, !staged && query_cuda_aware(), staged, local_size);
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
  std::vector<int> counts(size_), arriving(size_);
  std::vector<std::size_t> send_counts(size_), recv_counts(size_);
  std::vector<std::int64_t> out;
  for (int k = 0; k < size_; ++k) {
    if (send[k].size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
      throw CommError("exchange: more than 2^31 values for one rank in one call");
    }
    counts[k] = static_cast<int>(send[k].size());
    send_counts[k] = send[k].size();
    out.insert(out.end(), send[k].begin(), send[k].end());
  }
  check(MPI_Alltoall(counts.data(), 1, MPI_INT, arriving.data(), 1, MPI_INT, MPI_COMM_WORLD),
        "MPI_Alltoall");
  ++traffic_.collectives;
  std::size_t total = 0;
  for (int k = 0; k < size_; ++k) total += recv_counts[k] = static_cast<std::size_t>(arriving[k]);
  std::vector<std::int64_t> in(total);
  exchange(out.data(), send_counts, in.data(), recv_counts);
  std::vector<std::vector<std::int64_t>> received(size_);
  auto at = in.begin();
  for (int k = 0; k < size_; ++k) {
    received[k].assign(at, at + static_cast<std::ptrdiff_t>(recv_counts[k]));
    at += static_cast<std::ptrdiff_t>(recv_counts[k]);
  }
  return received;
}

void Comm::exchange(const std::int64_t* send, const std::vector<std::size_t>& send_counts,
                    std::int64_t* recv, const std::vector<std::size_t>& recv_counts) const {
  if (static_cast<int>(send_counts.size()) != size_ ||
      static_cast<int>(recv_counts.size()) != size_) {
    throw CommError("exchange: one count per rank is needed");
  }
  const Counts out(send_counts, "to send"), in(recv_counts, "to receive");
  for (int k = 0; k < size_; ++k) {
    if (k != rank_ && send_counts[k] > 0) {
      ++traffic_.messages;
      traffic_.bytes += static_cast<std::int64_t>(send_counts[k]) * 8;
    }
  }
  check(MPI_Alltoallv(send, out.count.data(), out.at.data(), MPI_INT64_T, recv, in.count.data(),
                      in.at.data(), MPI_INT64_T, MPI_COMM_WORLD),
        "MPI_Alltoallv");
  ++traffic_.collectives;
}

void Comm::abort(const std::string& reason, int status) const {
  // One write of the whole line: written piece by piece, mpirun's own abort notice can land
  // between the pieces.
  const std::string line = "entrepot: rank " + std::to_string(rank_) + " of " +
                           std::to_string(size_) + ": " + reason + "\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
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

void Comm::exchange(const std::int64_t* send, const std::vector<std::size_t>& send_counts,
                    std::int64_t* recv, const std::vector<std::size_t>& recv_counts) const {
  if (send_counts.size() != 1 || recv_counts != send_counts) {
    throw CommError("exchange: one rank sends to itself only what it receives");
  }
  if (send_counts[0] > 0) std::memmove(recv, send, send_counts[0] * sizeof *send);
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

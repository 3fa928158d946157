// The communication layer of a run over MPI ranks (DESIGN §2: MPI lives only in world/).
// Built without ENTREPOT_MPI it is the same interface over one rank, so the model and the
// command build and run unchanged as a single process. Every MPI call is checked: a
// failing call throws CommError naming the call and MPI's reason.
#pragma once

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "base/errors.h"

namespace entrepot {

// MPI_Init_thread on construction (funneled: only the main thread calls MPI; OpenMP
// threads never do) and MPI_Finalize on destruction. One per process, in main().
class CommSession {
 public:
  CommSession(int& argc, char**& argv);
  ~CommSession();
  CommSession(const CommSession&) = delete;
  CommSession& operator=(const CommSession&) = delete;
};

// What this rank sent to other ranks (payload bytes and point-to-point messages, the
// latter counted as non-empty parts of all-to-all exchanges), and how many collective calls
// it made: the figures `entrepot bench` reports per step.
struct Traffic {
  std::int64_t bytes = 0, messages = 0, collectives = 0;
};

class Comm {
 public:
  // The ranks of the whole job (one rank when built without MPI or not started by mpirun).
  static Comm world();

  int rank() const { return rank_; }
  int size() const { return size_; }
  // This rank's place among the ranks on its own node (0 on one process): it picks the
  // node's GPU a rank drives, one GPU per rank.
  int local_rank() const { return local_rank_; }
  // The ranks on this node, which share its memory (1 on one process).
  int local_size() const { return local_size_; }
  bool distributed() const { return size_ > 1; }

  // Element-wise sum over ranks, in place (int64 addition: the same bytes on every rank
  // whatever the order of the sum).
  void sum(std::int64_t* values, std::size_t count) const;
  std::int64_t sum(std::int64_t value) const;
  // Logical AND of `ok` over ranks: a collective decision (e.g. every rank read its input).
  bool all(bool ok) const;

  // Sends `send[k]` to rank k and returns what each rank sent here, indexed by source.
  std::vector<std::vector<std::int64_t>> exchange(
      const std::vector<std::vector<std::int64_t>>& send) const;
  // Sends `send_counts[k]` values of `send` (laid out by destination rank) to rank k and
  // receives `recv_counts[k]` values from rank k into `recv` (by source rank): one
  // MPI_Alltoallv, for an exchange whose sizes both sides already know. The buffers may be
  // GPU memory where cuda_aware() is true.
  void exchange(const std::int64_t* send, const std::vector<std::size_t>& send_counts,
                std::int64_t* recv, const std::vector<std::size_t>& recv_counts) const;
  // Whether the MPI library takes GPU (CUDA) memory in exchange(): asked of the library at
  // start-up (Open MPI's MPIX_Query_cuda_support, MPICH's MPIX_GPU_query_support). False
  // without MPI, and when staged().
  bool cuda_aware() const { return cuda_aware_; }
  // Whether exchanges must go through host buffers of their own, whatever the library can
  // do: ENTREPOT_MPI_DEVICE_BUFFERS=0 asks for it (for an MPI whose GPU support misbehaves;
  // the results are the same bytes either way).
  bool staged() const { return staged_; }

  // Stops every rank of the job at once with exit status `status` after printing `reason`
  // on this rank's stderr (MPI_Abort): for a failure that not all ranks share.
  [[noreturn]] void abort(const std::string& reason, int status) const;

  const Traffic& traffic() const { return traffic_; }

  // The job's communicator for a library that takes one (parallel HDF5 in output/): the
  // address of an MPI_Comm; nullptr when built without MPI or when MPI is not running.
  void* native_handle() const;

 private:
  Comm(int rank, int size, int local_rank, bool cuda_aware = false, bool staged = false,
       int local_size = 1)
      : rank_(rank),
        size_(size),
        local_rank_(local_rank),
        local_size_(local_size),
        cuda_aware_(cuda_aware),
        staged_(staged) {}
  int rank_ = 0, size_ = 1, local_rank_ = 0, local_size_ = 1;
  bool cuda_aware_ = false, staged_ = false;
  mutable Traffic traffic_;
};

// Runs `body` and returns its exit status. An exception that escapes it is reported as
// "entrepot: error: …"; on a run over several ranks it then stops every rank at once
// (MPI_Abort), so no rank is left waiting in a collective for one that failed.
int run_guarded(const Comm& comm, const std::function<int()>& body);

}  // namespace entrepot

// The checkpoint file (docs/output.md): the record of base/checkpoint.h as HDF5, one file for
// all ranks. Root attributes hold the header; each array is a dataset at its name
// ("firms/cash"), over the global ids (`total` rows, or slots × total), so a file written over
// R ranks is read over any number. Datasets are chunked with Fletcher-32 checksums: a damaged
// chunk fails to read instead of resuming from wrong values.
#pragma once

#include <string>

#include "base/checkpoint.h"
#include "world/comm.h"

namespace entrepot {

// Writes `checkpoint` to `path` so that a crash at any moment leaves either the previous file
// or the new one: it is written as `path`.tmp (replacing any left by a crash), flushed to disk,
// closed, and renamed over `path`. Collective over `comm`: over several ranks every rank writes
// its rows of the agent arrays into the one file with parallel HDF5, rank 0 the replicated
// arrays. Throws OutputError naming the file; a failure that not every rank shares is thrown
// where it happens and must end the run (run_guarded stops every rank).
void write_checkpoint(const std::string& path, const EconomyCheckpoint& checkpoint,
                      const Comm& comm);

// The header of the checkpoint at `path`, without arrays. Throws OutputError "PATH: reason"
// when it is not a readable Entrepot checkpoint (missing, not HDF5, truncated, no header).
EconomyCheckpoint read_checkpoint_header(const std::string& path);

// Reads into each array of `layout` (sized by kernels' checkpoint_layout: names, types, slots,
// this rank's rows) its values from `path`, every rank its own rows. Collective over `comm`.
// Throws OutputError naming the file and the array when one is missing, of another type or
// shape, or fails its checksum; every rank finds the same problems in the same file.
void read_checkpoint_arrays(const std::string& path, EconomyCheckpoint& layout, const Comm& comm);

// A readable summary of a checkpoint, for `entrepot info`: its header and arrays.
std::string describe_checkpoint(const std::string& path);

}  // namespace entrepot

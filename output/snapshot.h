// /snapshots/<step>/firms: firm-level state at one step, written by one process or, with
// parallel HDF5, by every rank of a run into its own part of each dataset. Private to
// output/.
#pragma once

#include <string>

#include "base/records.h"
#include "output/h5util.h"
#include "world/comm.h"

namespace entrepot::h5 {

// Throws OutputError unless every field holds as many firms as `region`.
void check_firm_fields(const FirmSnapshot& firms, const std::string& file);

// The firms [offset, offset + part size) of `total`, written with the transfer properties
// `transfer` (collective MPI-IO).
struct Slice {
  hsize_t offset, total;
  hid_t transfer;
};

// Creates /snapshots/<step>/firms under the open `snapshots` group and writes `firms`: the
// whole firm store when `slice` is null, else the slice of it this rank holds (every rank
// makes the same calls, as parallel HDF5 requires).
void write_firms(hid_t file_id, hid_t snapshots, const FirmSnapshot& firms, const Slice* slice,
                 const std::string& file);

// Collective over `comm`: opens the closed result file `file` with the MPI-IO driver, writes
// this rank's slice with write_firms() and closes the file again. Throws OutputError on every
// rank if the file cannot be opened on some rank. Built with serial HDF5 it throws on every
// rank.
void write_firms_parallel(const std::string& file, const Comm& comm, const FirmSnapshot& part,
                          hsize_t offset, hsize_t total);

}  // namespace entrepot::h5

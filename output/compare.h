// Byte-for-byte comparison of two result files, for `entrepot compare`. The determinism
// contract (DESIGN §3) promises the same bytes for the same scenario and seed on any
// backend, thread count or rank count; this is how a GPU run is checked against a CPU run,
// on machines where no HDF5 tools or Python are installed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace entrepot {

struct Comparison {
  std::size_t datasets = 0;              // present in both files and compared
  std::uint64_t bytes = 0;               // of values compared, in each file
  std::vector<std::string> differences;  // one line per differing or missing dataset
  bool identical() const { return differences.empty(); }
};

// Compares every dataset under `group` ("/" for the whole file, or e.g. "/series") in two
// result files: the same dataset paths, element types and shapes, and the same bytes of
// every value (so −0 ≠ +0 and doubles must agree to the last bit). Attributes are not
// compared: the provenance (start time, backend, threads) differs between runs by design.
// Throws OutputError when a file cannot be read or lacks the group.
Comparison compare_files(const std::string& first, const std::string& second,
                         const std::string& group = "/");

}  // namespace entrepot

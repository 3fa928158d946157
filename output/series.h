// /series: the per-step variables of a run, extendable along the unlimited `step`
// dimension. Private to output/.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/records.h"
#include "output/h5util.h"
#include "world/world.h"

namespace entrepot::h5 {

// Names of the /series variables other than the coordinates, in file order.
const std::vector<std::string>& series_variable_names();

class Series {
 public:
  // Creates /series: coordinates (step, holder, exporter, importer, region, origin,
  // destination, sector) and an empty variable for every StepStatistics field. Dimensions
  // are attached through `scales`, whose finish() the caller runs once every group exists.
  Series(hid_t file_id, const World& world, const Scenario& scenario, DimensionScales& scales,
         const std::string& file);
  // Opens the /series of an existing result file whose first `keep` steps a resumed run
  // keeps: every variable must be there with the shape `world` gives it and at least `keep`
  // steps, /series/step holding 1..keep. With `truncate` (a file open for writing) the
  // variables are cut back to `keep` steps; appending goes on from there.
  Series(hid_t file_id, const World& world, const std::string& file, hsize_t keep, bool truncate);
  Series(const Series&) = delete;
  Series& operator=(const Series&) = delete;
  ~Series();

  // Checks the sizes of `stats` and keeps a copy until write_pending().
  void append(const StepStatistics& stats);
  // Extends every variable by the kept steps and writes them.
  void write_pending();
  std::size_t pending_bytes() const;
  // Closes every dataset (the file is about to be closed and opened again, see
  // Recorder::write_snapshot) and opens them again in `file_id`.
  void close_datasets();
  void reopen_datasets(hid_t file_id);
  hsize_t steps_written() const { return written_; }

 private:
  struct Variable;
  std::string file_;
  std::vector<Variable> variables_;
  hsize_t written_ = 0;
  hsize_t pending_steps_ = 0;
  bool any_step_ = false;
  int last_step_ = 0;
};

}  // namespace entrepot::h5

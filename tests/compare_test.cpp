// `entrepot compare`: two result files are the same bytes, dataset by dataset, or the
// difference is named down to the element.
#include "output/compare.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>

#include "output/recorder.h"
#include "tests/recorder_fixtures.h"

namespace entrepot {
namespace {

using namespace recorder_testing;

// Writes a run like write_run, with `change` applied to the statistics of each step.
void write_changed_run(const std::string& path, const TinyWorld& w, const Provenance& provenance,
                       const std::function<void(int, StepStatistics&)>& change) {
  Recorder rec(path, w.scenario, *w.world, provenance);
  for (int k = 0; k < 4; ++k) {
    StepStatistics st = synthetic_step(k, w);
    change(k, st);
    rec.append(st);
  }
  rec.write_snapshot(synthetic_snapshot(3, 5));
  rec.close("completed");
}

void unchanged(int, StepStatistics&) {}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) out += line + "\n";
  return out;
}

TEST(Compare, RunsWithTheSameValuesAreIdenticalWhateverTheirProvenance) {
  ScratchDir dir;
  TinyWorld w(2, 3);
  Provenance other = test_provenance();
  other.backend = "cuda";
  other.threads = 1;
  other.start_time = "2030-01-01T00:00:00Z";
  write_changed_run(dir / "a.h5", w, test_provenance(), unchanged);
  write_changed_run(dir / "b.h5", w, other, unchanged);
  const Comparison all = compare_files(dir / "a.h5", dir / "b.h5");
  EXPECT_TRUE(all.identical()) << joined(all.differences);
  EXPECT_GT(all.datasets, 20u);
  EXPECT_GT(all.bytes, 1000u);
  const Comparison series = compare_files(dir / "a.h5", dir / "b.h5", "/series");
  EXPECT_TRUE(series.identical());
  EXPECT_LT(series.datasets, all.datasets) << "the whole file holds /world and /snapshots too";
  EXPECT_GT(series.datasets, 10u);
}

TEST(Compare, NamesTheDatasetAndTheFirstDifferingElement) {
  ScratchDir dir;
  TinyWorld w(2, 3);
  write_changed_run(dir / "a.h5", w, test_provenance(), unchanged);
  // The last bit of one price at step 2, region 1, sector 2; one more firm exit at step 3.
  write_changed_run(dir / "b.h5", w, test_provenance(), [](int k, StepStatistics& st) {
    if (k == 2) st.price[1 * 3 + 2] = std::nextafter(st.price[1 * 3 + 2], 1e9);
    if (k == 3) st.firm_exits += 1;
  });
  const Comparison c = compare_files(dir / "a.h5", dir / "b.h5", "series");
  ASSERT_EQ(c.differences.size(), 2u) << joined(c.differences);
  EXPECT_EQ(
      c.differences[0].rfind("/series/firm_exits: 1 of 4 values differ, the first at (3,)", 0), 0u)
      << c.differences[0];
  EXPECT_EQ(c.differences[1].rfind("/series/price: 1 of 48 values differ, the first at (2, 1, 2): "
                                   "4.125 vs 4.1250000000000009",
                                   0),
            0u)
      << c.differences[1];
}

TEST(Compare, MissingDatasetsAndShapesAreDifferences) {
  ScratchDir dir;
  TinyWorld w(2, 3);
  write_run(dir / "five.h5", w, 5, 3);
  write_run(dir / "four.h5", w, 4, 9);  // one step less, no snapshot
  const Comparison c = compare_files(dir / "five.h5", dir / "four.h5");
  const std::string text = joined(c.differences);
  EXPECT_NE(text.find("/series/price: shape (5, 4, 3) vs (4, 4, 3)"), std::string::npos) << text;
  EXPECT_NE(text.find("/snapshots/3/firms/cash: only in " + (dir / "five.h5")), std::string::npos)
      << text;
  EXPECT_EQ(text.find("/world/"), std::string::npos) << text;
}

TEST(Compare, RefusesFilesThatAreNotResults) {
  ScratchDir dir;
  TinyWorld w(2, 3);
  write_run(dir / "run.h5", w, 2, 9);
  auto error_of = [&](const std::string& a, const std::string& b, const std::string& group) {
    try {
      compare_files(a, b, group);
    } catch (const OutputError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(error_of(dir / "run.h5", dir / "absent.h5", "/").find("no such file"),
            std::string::npos);
  EXPECT_NE(error_of(dir / "run.h5", dir / "run.h5", "/checkpoint").find("no /checkpoint"),
            std::string::npos);
}

}  // namespace
}  // namespace entrepot

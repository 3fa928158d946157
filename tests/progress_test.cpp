// Progress reporting, stop signals and machine measurements of the `entrepot` command.
#include "app/progress.h"

#include <gtest/gtest.h>
#include <thrust/device_vector.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "app/machine.h"
#include "app/signals.h"
#include "tests/device_required.h"

namespace entrepot {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(Progress, BatchPrintsEveryNStepsAndTheLast) {
  std::ostringstream out;
  {
    Progress progress(10, 3, false, out, false);
    for (int step = 1; step <= 10; ++step) progress.update(step);
    progress.finish();
  }
  const std::vector<std::string> lines = lines_of(out.str());
  ASSERT_EQ(lines.size(), 4u) << out.str();  // steps 3, 6, 9 and 10
  EXPECT_EQ(lines[0].rfind("step  3/10  ", 0), 0u) << lines[0];
  EXPECT_EQ(lines[3].rfind("step 10/10  ", 0), 0u) << lines[3];
  for (const std::string& line : lines) {
    EXPECT_NE(line.find(" steps/s  elapsed "), std::string::npos) << line;
    EXPECT_NE(line.find("  ETA "), std::string::npos) << line;
  }
  EXPECT_EQ(out.str().find('\r'), std::string::npos);
}

TEST(Progress, BatchFinishPrintsTheStepAnInterruptedRunReached) {
  std::ostringstream out;
  Progress progress(100, 3, false, out, false);
  for (int step = 1; step <= 7; ++step) progress.update(step);
  progress.finish();
  progress.finish();  // idempotent
  const std::vector<std::string> lines = lines_of(out.str());
  ASSERT_EQ(lines.size(), 3u) << out.str();  // steps 3, 6 and 7
  EXPECT_EQ(lines[2].rfind("step   7/100  ", 0), 0u) << lines[2];
}

TEST(Progress, BatchWithoutIntervalPrintsOnlyTheLastStep) {
  std::ostringstream out;
  Progress progress(5, 0, false, out, false);
  for (int step = 1; step <= 5; ++step) progress.update(step);
  progress.finish();
  const std::vector<std::string> lines = lines_of(out.str());
  ASSERT_EQ(lines.size(), 1u) << out.str();
  EXPECT_EQ(lines[0].rfind("step 5/5  ", 0), 0u) << lines[0];
}

TEST(Progress, QuietPrintsNothing) {
  for (bool terminal : {false, true}) {
    std::ostringstream out;
    {
      Progress progress(10, 1, true, out, terminal);
      for (int step = 1; step <= 10; ++step) progress.update(step);
      progress.finish();
    }
    EXPECT_TRUE(out.str().empty()) << out.str();
  }
}

TEST(Progress, LiveLineIsRedrawnInPlaceAndEndedOnce) {
  std::ostringstream out;
  {
    Progress progress(1000, 10, false, out, true);
    for (int step = 1; step <= 1000; ++step) progress.update(step);
  }  // the destructor finishes the line
  const std::string text = out.str();
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.front(), '\r');
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1);
  EXPECT_GE(std::count(text.begin(), text.end(), '\r'), 2);  // the first and the last step
  const std::string last = text.substr(text.rfind('\r') + 1);
  EXPECT_EQ(last.rfind("step 1000/1000  ", 0), 0u) << last;
  EXPECT_NE(last.find(" steps/s  ETA "), std::string::npos) << last;
}

TEST(Progress, EtaIsMinutesAndSeconds) {
  EXPECT_EQ(format_eta(0.0), "00:00");
  EXPECT_EQ(format_eta(75.2), "01:15");
  EXPECT_EQ(format_eta(3599.0), "59:59");
  EXPECT_EQ(format_eta(3725.0), "1:02:05");
  EXPECT_EQ(format_eta(-1.0), "--:--");
  EXPECT_EQ(format_eta(std::nan("")), "--:--");
}

TEST(Signals, StopSignalIsRecordedNotFatal) {
  clear_stop_request();
  install_stop_handlers();
  EXPECT_FALSE(stop_requested());
  EXPECT_EQ(stop_signal(), 0);
  EXPECT_EQ(stop_exit_code(), 1);
  ASSERT_EQ(std::raise(SIGTERM), 0);
  EXPECT_TRUE(stop_requested());
  EXPECT_EQ(stop_signal(), SIGTERM);
  EXPECT_EQ(stop_exit_code(), 128 + SIGTERM);
  clear_stop_request();
  EXPECT_FALSE(stop_requested());
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

TEST(SignalsDeathTest, SecondStopSignalEndsTheProcessAtOnce) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        install_stop_handlers();
        std::raise(SIGINT);
        if (stop_requested()) std::raise(SIGINT);
        std::_Exit(0);  // not reached
      },
      testing::KilledBySignal(SIGINT), "");
}

TEST(Machine, StreamBandwidthIsPositiveAndFinite) {
  const double gbps = measure_stream_gbps(std::size_t{1} << 20, 3);
  EXPECT_GT(gbps, 0.0);
  EXPECT_TRUE(std::isfinite(gbps));
}

// The bandwidth `entrepot bench` reports: the host's triad with omp, the GPU's with cuda.
TEST(Machine, DeviceBandwidthIsPositiveAndFinite) {
  ENTREPOT_REQUIRE_DEVICE();
  const double gbps = measure_device_stream_gbps(std::size_t{16} << 20, 3);
  EXPECT_GT(gbps, 0.0);
  EXPECT_TRUE(std::isfinite(gbps));
}

TEST(Machine, DeviceIsNamedAfterTheBackend) {
  ENTREPOT_REQUIRE_DEVICE();
  const std::string backend = backend_name();
  EXPECT_TRUE(backend == "omp" || backend == "cuda") << backend;
  EXPECT_EQ(describe_device().rfind(backend + ": ", 0), 0u) << describe_device();
}

// The device memory peak catches an allocation even when it is freed before the peak is
// read: it must then exceed the allocation, which is larger than any peak before it.
TEST(Machine, DevicePeakSeesAllocationsFreedSince) {
  ENTREPOT_REQUIRE_DEVICE();
  const long before = peak_device_mb();
  if (std::string(backend_name()) == "omp") {
    EXPECT_EQ(before, -1) << "with omp, device memory is host memory";
    return;
  }
  ASSERT_GT(before, 0);
  const long block_mb = before + 64;
  {
    const thrust::device_vector<char> block(static_cast<std::size_t>(block_mb) << 20);
    EXPECT_EQ(block.size(), static_cast<std::size_t>(block_mb) << 20);
  }
  EXPECT_GE(peak_device_mb(), block_mb);
}

TEST(Machine, PeakRssAndThreadsArePositive) {
  EXPECT_GT(peak_rss_mb(), 0);
  EXPECT_GE(openmp_threads(), 1);
}

}  // namespace
}  // namespace entrepot

// Runs that must be the same run, for the tests of one kind of agent: a scenario stepped on
// one and on two threads, and a run resumed from a checkpoint against the run that wrote it.
// `stores(a, b)` lists the fields of two models' stores that differ (same_bytes.h).
#pragma once

#include <gtest/gtest.h>
#include <omp.h>

#include <memory>

#include "kernels/checkpoint.h"
#include "kernels/model.h"
#include "tests/same_bytes.h"

namespace entrepot::testing {

template <class Stores>
void expect_same_on_threads(const Scenario& sc, Stores stores) {
  const int saved = omp_get_max_threads();
  auto run = [&](int threads, World& world) {
    omp_set_num_threads(threads);
    auto model = std::make_unique<Model>(sc, world);
    for (int step = 1; step <= sc.steps; ++step) model->step(step);
    return model;
  };
  World one_world(sc), two_world(sc);
  const auto one = run(1, one_world);
  const auto two = run(2, two_world);
  omp_set_num_threads(saved);
  const auto stats = differing_statistics(one->stats, two->stats);
  EXPECT_TRUE(stats.empty()) << joined(stats);
  const auto fields = stores(*one, *two);
  EXPECT_TRUE(fields.empty()) << joined(fields);
}

// The run saved after step `saved_after` and resumed, against the run that went on.
template <class Stores>
void expect_resumes(const Scenario& sc, int saved_after, Stores stores) {
  World world_a(sc), world_b(sc);
  Model original(sc, world_a);
  for (int step = 1; step <= saved_after; ++step) original.step(step);
  const EconomyCheckpoint saved = capture(original);
  Model resumed(sc, world_b);
  restore(resumed, saved);
  for (int step = saved_after + 1; step <= sc.steps; ++step) {
    original.step(step);
    resumed.step(step);
    const auto differ = differing_statistics(original.stats, resumed.stats);
    ASSERT_TRUE(differ.empty()) << "step " << step << ": " << joined(differ);
  }
  const auto fields = stores(original, resumed);
  EXPECT_TRUE(fields.empty()) << joined(fields);
}

}  // namespace entrepot::testing

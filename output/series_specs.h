// The variables of /series: each one's name, axes, type, units, description and where its
// values sit in StepStatistics (output/series_specs.cpp); output/series.cpp writes them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "base/records.h"

namespace entrepot::h5 {

// One step of one variable, as it sits in StepStatistics.
struct View {
  const void* data;
  std::size_t count;
};
using Source = View (*)(const StepStatistics&);

enum class Type { int32, int64, float64 };

struct Spec {
  const char* name;
  std::vector<std::string> dims;  // the axes after `step`
  Type type;
  const char* units;
  const char* long_name;
  std::int64_t scale;  // raw values per unit; 0 when the values are plain numbers
  Source source;
};

// The step number, the first value of every step's row.
View step_of(const StepStatistics& s);

// Every variable of /series, in the order they are written.
const std::vector<Spec>& series_specs();

}  // namespace entrepot::h5

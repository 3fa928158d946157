#include "output/series.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "output/series_specs.h"

namespace entrepot::h5 {
namespace {

hid_t mem_type(Type type) {
  switch (type) {
    case Type::int32:
      return H5T_NATIVE_INT;
    case Type::int64:
      return H5T_NATIVE_INT64;
    case Type::float64:
      return H5T_NATIVE_DOUBLE;
  }
  return H5T_NATIVE_INT64;
}

hid_t file_type(Type type) {
  switch (type) {
    case Type::int32:
      return H5T_STD_I32LE;
    case Type::int64:
      return H5T_STD_I64LE;
    case Type::float64:
      return H5T_IEEE_F64LE;
  }
  return H5T_STD_I64LE;
}

// Large per-step slabs (trade matrices) get one compressed chunk per step: a flush then
// only ever adds new chunks and never rewrites compressed data already on disk, which
// could move it. Small per-step rows share uncompressed chunks of many steps, which
// HDF5 rewrites in place.
constexpr std::size_t kChunkBytes = 16 * 1024;
constexpr std::size_t kMaxChunkBytes = 1024 * 1024;

Handle create_extendable(hid_t group, const std::string& name, Type type,
                         const std::vector<hsize_t>& shape, const std::string& file) {
  std::vector<hsize_t> dims{0}, max_dims{H5S_UNLIMITED}, chunk{1};
  std::size_t bytes_per_step = H5Tget_size(file_type(type));
  for (hsize_t d : shape) {
    dims.push_back(d);
    // An empty axis cannot be chunked at its fixed size; let it grow instead.
    max_dims.push_back(d == 0 ? H5S_UNLIMITED : d);
    chunk.push_back(std::max<hsize_t>(d, 1));
    bytes_per_step *= std::max<hsize_t>(d, 1);
  }
  Handle dcpl =
      plist_handle(H5Pcreate(H5P_DATASET_CREATE), file, "cannot create dataset properties");
  if (bytes_per_step >= kChunkBytes) {
    // Split very large slabs across the first axes too, so that reading one series of a
    // big world does not decompress whole steps.
    std::size_t chunk_bytes = bytes_per_step;
    for (std::size_t axis = 1; axis < chunk.size(); ++axis) {
      while (chunk_bytes > kMaxChunkBytes && chunk[axis] > 1) {
        const hsize_t half = (chunk[axis] + 1) / 2;
        chunk_bytes = chunk_bytes / chunk[axis] * half;
        chunk[axis] = half;
      }
    }
    check(H5Pset_shuffle(dcpl.get()), file, "cannot set the shuffle filter on '" + name + "'");
    check(H5Pset_deflate(dcpl.get(), 1), file, "cannot set compression on '" + name + "'");
  } else {
    chunk[0] = std::min<hsize_t>(1024, kChunkBytes / bytes_per_step);
  }
  check(H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()), file,
        "cannot set chunking of '" + name + "'");
  Handle space = simple_space(dims, max_dims, file);
  return dataset_handle(H5Dcreate2(group, name.c_str(), file_type(type), space.get(), H5P_DEFAULT,
                                   dcpl.get(), H5P_DEFAULT),
                        file, "cannot create dataset '/series/" + name + "'");
}

}  // namespace

struct Series::Variable {
  std::string name;
  Handle dataset;
  Type type;
  std::vector<hsize_t> shape;  // of one step
  std::size_t values_per_step;
  std::string dims_text;  // for messages, e.g. "exporter × importer × sector"
  Source source;
  std::vector<unsigned char> pending;
};

const std::vector<std::string>& series_variable_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const Spec& spec : series_specs()) out.push_back(spec.name);
    return out;
  }();
  return names;
}

Series::Series(hid_t file_id, const World& world, const Scenario& scenario, DimensionScales& scales,
               const std::string& file)
    : file_(file) {
  Handle group = create_group(file_id, "series", file);
  const hid_t g = group.get();

  // Coordinates. `step` grows with the run; the others are labels.
  Handle step = create_extendable(g, "step", Type::int32, {}, file);
  write_attr(step.get(), "units", std::string("step"), file);
  write_attr(step.get(), "long_name", std::string("simulation step"), file);
  write_attr(step.get(), "steps_per_year", std::int32_t{scenario.steps_per_year}, file);
  variables_.push_back({"step", std::move(step), Type::int32, {}, 1, "one value", step_of, {}});

  const std::vector<Labels> labels{
      {"holder", &money_holders(), "holder of money"},
      {"country", &world.country_code, "country"},
      {"exporter", &world.country_code, "exporting country"},
      {"importer", &world.country_code, "importing country"},
      {"region", &world.region_name, "region"},
      {"origin", &world.region_name, "region of origin"},
      {"destination", &world.region_name, "region of destination"},
      {"hub", &world.hub_name, "hub whose traders handled the goods"},
      {"sector", &world.sector_name, "sector"},
      {"buyer_sector", &world.sector_name, "sector of the buyers"},
      {"carbon_market", &world.carbon_market_name, "emissions trading system"},
      {"venue", &world.venue_name, "commodity exchange"}};
  scales.define(file_id, "/series/step");
  write_label_coordinates(file_id, "/series", labels, scales, file);

  // The country of each region, so that readers can group regions by country.
  std::vector<std::string> region_country;
  for (int country : world.region_country) {
    if (country < 0 || country >= world.countries()) {
      throw OutputError(file + ": a region refers to country " + std::to_string(country) +
                        ", outside 0.." + std::to_string(world.countries() - 1));
    }
    region_country.push_back(world.country_code[static_cast<std::size_t>(country)]);
  }
  // The same for each side of a region pair.
  const std::vector<std::pair<std::string, std::string>> country_codes{
      {"region", "country of the region"},
      {"origin", "country of the region of origin"},
      {"destination", "country of the region of destination"}};
  for (const auto& [dim, long_name] : country_codes) {
    const std::string name = dim + "_country_code";
    {
      Handle codes = write_strings(g, name, region_country, file);
      write_attr(codes.get(), "long_name", long_name, file);
    }
    scales.attach(file_id, "/series/" + name, {"/series/" + dim});
  }

  for (const Spec& spec : series_specs()) {
    std::vector<hsize_t> shape;
    std::size_t count = 1;
    std::string dims_text;
    std::vector<std::string> dim_paths{"/series/step"};
    for (const std::string& dim : spec.dims) {
      const auto label = std::find_if(labels.begin(), labels.end(),
                                      [&](const Labels& l) { return l.name == dim; });
      shape.push_back(label->values->size());
      count *= label->values->size();
      dims_text += (dims_text.empty() ? "" : " × ") + dim;
      dim_paths.push_back("/series/" + dim);
    }
    Handle dataset = create_extendable(g, spec.name, spec.type, shape, file);
    write_attr(dataset.get(), "units", std::string(spec.units), file);
    write_attr(dataset.get(), "long_name", std::string(spec.long_name), file);
    if (spec.scale != 0) write_attr(dataset.get(), "scale", spec.scale, file);
    std::string coordinates;
    for (const std::string& dim : spec.dims) {
      if (dim == "region" || dim == "origin" || dim == "destination") {
        coordinates += (coordinates.empty() ? "" : " ") + dim + "_country_code";
      }
    }
    if (!coordinates.empty()) write_attr(dataset.get(), "coordinates", coordinates, file);
    scales.attach(file_id, std::string("/series/") + spec.name, dim_paths);
    variables_.push_back({spec.name,
                          std::move(dataset),
                          spec.type,
                          shape,
                          count,
                          dims_text.empty() ? "one value" : dims_text,
                          spec.source,
                          {}});
  }
}

Series::Series(hid_t file_id, const World& world, const std::string& file, hsize_t keep,
               bool truncate)
    : file_(file), written_(keep), any_step_(keep > 0), last_step_(static_cast<int>(keep)) {
  auto refuse = [&](const std::string& why) {
    throw OutputError(file + ": cannot continue this result file: " + why);
  };
  const std::vector<std::pair<std::string, std::size_t>> sizes{
      {"holder", money_holders().size()},
      {"country", world.country_code.size()},
      {"exporter", world.country_code.size()},
      {"importer", world.country_code.size()},
      {"region", world.region_name.size()},
      {"origin", world.region_name.size()},
      {"destination", world.region_name.size()},
      {"hub", world.hub_name.size()},
      {"sector", world.sector_name.size()},
      {"buyer_sector", world.sector_name.size()},
      {"carbon_market", world.carbon_market_name.size()},
      {"venue", world.venue_name.size()}};
  if (!link_exists(file_id, "series", file)) refuse("it has no /series");
  variables_.push_back({"step", {}, Type::int32, {}, 1, "one value", step_of, {}});
  for (const Spec& spec : series_specs()) {
    Variable var{spec.name, {}, spec.type, {}, 1, "", spec.source, {}};
    for (const std::string& dim : spec.dims) {
      const auto size = std::find_if(sizes.begin(), sizes.end(),
                                     [&](const auto& entry) { return entry.first == dim; });
      if (size == sizes.end()) refuse("the program knows no size for dimension '" + dim + "'");
      var.shape.push_back(size->second);
      var.values_per_step *= size->second;
      var.dims_text += (var.dims_text.empty() ? "" : " × ") + dim;
    }
    if (var.dims_text.empty()) var.dims_text = "one value";
    variables_.push_back(std::move(var));
  }
  for (Variable& var : variables_) {
    const std::string what = "/series/" + var.name;
    if (!link_exists(file_id, what, file)) refuse(what + " is missing");
    var.dataset = open_dataset(file_id, what, file);
    std::vector<hsize_t> shape = dataset_shape(var.dataset.get(), file);
    if (shape.empty() || std::vector<hsize_t>(shape.begin() + 1, shape.end()) != var.shape) {
      refuse(what + " is not " + var.dims_text + " per step (another world?)");
    }
    if (shape[0] < keep) {
      refuse(what + " holds " + std::to_string(shape[0]) + " steps; the checkpoint is at step " +
             std::to_string(keep));
    }
    if (!truncate) continue;
    shape[0] = keep;
    check(H5Dset_extent(var.dataset.get(), shape.data()), file, "cannot cut back '" + what + "'");
  }
  // The kept rows must be steps 1..keep of a run, in order.
  std::vector<std::int32_t> steps(keep, 0);
  if (keep > 0) {
    Handle file_space = space_handle(H5Dget_space(variables_[0].dataset.get()), file,
                                     "cannot read the shape of /series/step");
    const hsize_t start = 0, count = keep;
    check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &start, nullptr, &count, nullptr),
          file, "cannot select /series/step");
    Handle mem_space = simple_space({keep}, {}, file);
    check(H5Dread(variables_[0].dataset.get(), H5T_NATIVE_INT32, mem_space.get(), file_space.get(),
                  H5P_DEFAULT, steps.data()),
          file, "cannot read /series/step");
  }
  for (hsize_t i = 0; i < keep; ++i) {
    if (steps[i] != static_cast<std::int32_t>(i + 1)) {
      refuse("/series/step holds " + std::to_string(steps[i]) + " in row " + std::to_string(i) +
             ", not step " + std::to_string(i + 1));
    }
  }
}

Series::~Series() = default;

void Series::append(const StepStatistics& stats) {
  if (any_step_ && stats.step <= last_step_) {
    throw OutputError(file_ + ": step " + std::to_string(stats.step) + " appended after step " +
                      std::to_string(last_step_) + "; steps must increase");
  }
  for (const Variable& var : variables_) {
    const View v = var.source(stats);
    if (v.count != var.values_per_step) {
      throw OutputError(file_ + ": step " + std::to_string(stats.step) + ": " + var.name + " has " +
                        std::to_string(v.count) + " values, expected " +
                        std::to_string(var.values_per_step) + " (" + var.dims_text + ")");
    }
  }
  for (Variable& var : variables_) {
    const View v = var.source(stats);
    const auto* bytes = static_cast<const unsigned char*>(v.data);
    var.pending.insert(var.pending.end(), bytes, bytes + v.count * H5Tget_size(mem_type(var.type)));
  }
  any_step_ = true;
  last_step_ = stats.step;
  ++pending_steps_;
}

void Series::write_pending() {
  if (pending_steps_ == 0) return;
  for (Variable& var : variables_) {
    const std::string what = "/series/" + var.name;
    std::vector<hsize_t> extent{written_ + pending_steps_}, start{written_}, count{pending_steps_};
    for (hsize_t d : var.shape) {
      extent.push_back(d);
      start.push_back(0);
      count.push_back(d);
    }
    check(H5Dset_extent(var.dataset.get(), extent.data()), file_, "cannot extend '" + what + "'");
    if (var.values_per_step > 0) {
      Handle file_space =
          space_handle(H5Dget_space(var.dataset.get()), file_, "cannot read the shape of " + what);
      check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr,
                                count.data(), nullptr),
            file_, "cannot select the new steps of '" + what + "'");
      Handle mem_space = simple_space(count, {}, file_);
      check(H5Dwrite(var.dataset.get(), mem_type(var.type), mem_space.get(), file_space.get(),
                     H5P_DEFAULT, var.pending.data()),
            file_, "cannot write steps to '" + what + "'");
    }
    var.pending.clear();
  }
  written_ += pending_steps_;
  pending_steps_ = 0;
}

std::size_t Series::pending_bytes() const {
  std::size_t bytes = 0;
  for (const Variable& var : variables_) bytes += var.pending.size();
  return bytes;
}

void Series::close_datasets() {
  for (Variable& var : variables_) {
    check(var.dataset.close(), file_, "cannot close '/series/" + var.name + "'");
  }
}

void Series::reopen_datasets(hid_t file_id) {
  for (Variable& var : variables_)
    var.dataset = open_dataset(file_id, "/series/" + var.name, file_);
}

}  // namespace entrepot::h5

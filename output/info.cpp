// `entrepot info FILE`: what a result file holds, read back through the same layout the
// recorder writes.
#include <algorithm>
#include <iomanip>
#include <numeric>
#include <sstream>

#include "output/checkpoint.h"
#include "output/h5util.h"
#include "output/recorder.h"
#include "output/series.h"

namespace entrepot {

using h5::Handle;

namespace {

struct Figures {
  std::vector<std::int64_t> values;
  std::vector<hsize_t> shape;  // of one step
  std::int64_t scale = 1;
};

// The values of one recorded step (row; the last for -1) of an int64 /series variable, or
// nothing.
bool read_step(hid_t series, const std::string& name, std::int64_t row, Figures& out,
               const std::string& file) {
  if (!h5::link_exists(series, name, file)) return false;
  Handle dataset = h5::open_dataset(series, name, file);
  const std::vector<hsize_t> shape = h5::dataset_shape(dataset.get(), file);
  if (shape.empty() || shape[0] == 0) return false;
  if (row >= static_cast<std::int64_t>(shape[0])) return false;
  std::vector<hsize_t> start(shape.size(), 0), count = shape;
  start[0] = row < 0 ? shape[0] - 1 : static_cast<hsize_t>(row);
  count[0] = 1;
  out.shape.assign(shape.begin() + 1, shape.end());
  const std::size_t n = std::accumulate(out.shape.begin(), out.shape.end(), std::size_t{1},
                                        [](std::size_t a, hsize_t b) { return a * b; });
  out.values.assign(n, 0);
  if (n > 0) {
    Handle file_space = h5::space_handle(H5Dget_space(dataset.get()), file, "cannot read " + name);
    h5::check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr,
                                  count.data(), nullptr),
              file, "cannot select a step of " + name);
    Handle mem_space = h5::simple_space(count, {}, file);
    h5::check(H5Dread(dataset.get(), H5T_NATIVE_INT64, mem_space.get(), file_space.get(),
                      H5P_DEFAULT, out.values.data()),
              file, "cannot read a step of " + name);
  }
  out.scale = h5::has_attr(dataset.get(), "scale", file)
                  ? h5::read_int_attr(dataset.get(), "scale", file)
                  : 1;
  if (out.scale <= 0) out.scale = 1;
  return true;
}

double total(const Figures& f) {
  const std::int64_t sum = std::accumulate(f.values.begin(), f.values.end(), std::int64_t{0});
  return static_cast<double>(sum) / static_cast<double>(f.scale);
}

std::string shape_text(const std::vector<hsize_t>& shape) {
  std::string out = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    out += (i ? ", " : "") + std::to_string(shape[i]);
  }
  return out + (shape.size() == 1 ? ",)" : ")");
}

std::string attr_or(hid_t obj, const std::string& name, const std::string& fallback,
                    const std::string& file) {
  return h5::has_attr(obj, name, file) ? h5::read_string_attr(obj, name, file) : fallback;
}

hsize_t length_of(hid_t group, const std::string& name, const std::string& file) {
  if (!h5::link_exists(group, name, file)) return 0;
  Handle dataset = h5::open_dataset(group, name, file);
  const std::vector<hsize_t> shape = h5::dataset_shape(dataset.get(), file);
  return shape.empty() ? 0 : shape[0];
}

std::vector<std::string> link_names(hid_t group, const std::string& file) {
  H5G_info_t info;
  h5::check(H5Gget_info(group, &info), file, "cannot list a group");
  std::vector<std::string> names;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const ssize_t size =
        H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    if (size < 0) h5::fail(file, "cannot list a group");
    std::string name(static_cast<std::size_t>(size) + 1, '\0');
    if (H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size(),
                           H5P_DEFAULT) < 0) {
      h5::fail(file, "cannot list a group");
    }
    name.resize(static_cast<std::size_t>(size));
    names.push_back(name);
  }
  return names;
}

}  // namespace

std::string describe_file(const std::string& path) {
  Handle file = h5::open_result_file(path);
  const hid_t root = file.get();
  if (h5::has_attr(root, "checkpoint_step", path)) return describe_checkpoint(path);

  std::ostringstream out;
  auto line = [&out](const std::string& label) -> std::ostream& {
    return out << "  " << std::left << std::setw(12) << label;
  };
  auto figure = [&out](const std::string& label) -> std::ostream& {
    return out << "    " << std::left << std::setw(14) << label;
  };
  out << path << ": Entrepot result file\n";
  line("version") << h5::read_string_attr(root, "entrepot_version", path) << " (commit "
                  << attr_or(root, "git_commit", "unknown", path) << ")\n";
  const std::string start = attr_or(root, "start_time", "?", path);
  if (h5::has_attr(root, "status", path)) {
    // Only a completed file is a result; the others say how far they got and why.
    const std::string status = h5::read_string_attr(root, "status", path);
    line("status") << status;
    if (h5::has_attr(root, "status_step", path)) {
      out << " after step " << h5::read_int_attr(root, "status_step", path);
    }
    if (h5::has_attr(root, "status_reason", path)) {
      out << ": " << h5::read_string_attr(root, "status_reason", path);
    }
    out << " (" << start << " to " << attr_or(root, "end_time", "?", path) << ")\n";
    if (status != "completed") {
      line("") << "incomplete: not a whole run; analyses refuse it unless told otherwise\n";
    }
  } else {
    line("status") << "unfinished: no end record, the run was stopped or is still going (started "
                   << start << ")\n";
  }
  line("scenario") << attr_or(root, "scenario", "", path) << " from "
                   << attr_or(root, "config_path", "?", path) << ", seed "
                   << h5::read_uint_attr(root, "seed", path) << ", "
                   << h5::read_int_attr(root, "steps", path) << " steps configured\n";
  std::string overrides = attr_or(root, "overrides", "", path);
  if (!overrides.empty()) {
    std::replace(overrides.begin(), overrides.end(), '\n', ' ');
    line("overrides") << overrides << "\n";
  }
  const std::int64_t threads = h5::read_int_attr(root, "threads", path);
  const std::int64_t ranks = h5::read_int_attr(root, "ranks", path);
  line("backend") << attr_or(root, "backend", "?", path) << ", " << threads
                  << (threads == 1 ? " thread, " : " threads, ") << ranks
                  << (ranks == 1 ? " rank\n" : " ranks\n");

  if (h5::link_exists(root, "world", path)) {
    Handle world = h5::open_group(root, "world", path);
    line("world") << length_of(world.get(), "country", path) << " countries, "
                  << length_of(world.get(), "region", path) << " regions, "
                  << length_of(world.get(), "sector", path) << " sectors\n";
  }

  if (h5::link_exists(root, "series", path)) {
    Handle series = h5::open_group(root, "series", path);
    const hid_t g = series.get();
    const hsize_t steps = length_of(g, "step", path);
    if (steps == 0) {
      line("steps") << "none recorded\n";
    } else {
      Handle step = h5::open_dataset(g, "step", path);
      std::vector<std::int32_t> numbers(steps);
      h5::check(
          H5Dread(step.get(), H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, numbers.data()),
          path, "cannot read /series/step");
      line("steps") << steps << " recorded (steps " << numbers.front() << " to " << numbers.back()
                    << ")\n";
    }
    // Names padded to the longest, so that the shapes line up.
    std::size_t width = 0;
    for (const std::string& name : h5::series_variable_names())
      width = std::max(width, name.size() + 2);
    bool first = true;
    for (const std::string& name : h5::series_variable_names()) {
      if (!h5::link_exists(g, name, path)) continue;
      Handle dataset = h5::open_dataset(g, name, path);
      line(first ? "series" : "") << std::setw(static_cast<int>(width)) << name
                                  << shape_text(h5::dataset_shape(dataset.get(), path)) << "\n";
      first = false;
    }

    if (steps > 0) {
      Figures trade, duty, value_added, consumption, employment, unemployment, money;
      out << std::fixed << std::setprecision(2);
      out << "  last step\n";
      if (read_step(g, "trade_value", -1, trade, path) && trade.shape.size() == 3) {
        double cross_border = 0.0;
        const hsize_t nc = trade.shape[0], ns = trade.shape[2];
        for (hsize_t e = 0; e < nc; ++e) {
          for (hsize_t i = 0; i < nc; ++i) {
            if (e == i) continue;
            for (hsize_t s = 0; s < ns; ++s) {
              cross_border += static_cast<double>(trade.values[(e * nc + i) * ns + s]);
            }
          }
        }
        figure("trade") << total(trade) << " (cross-border "
                        << cross_border / static_cast<double>(trade.scale) << ")\n";
      }
      if (read_step(g, "trade_duty", -1, duty, path)) figure("duty") << total(duty) << "\n";
      if (read_step(g, "value_added", -1, value_added, path)) {
        figure("value added") << total(value_added) << " (all regions)\n";
      }
      if (read_step(g, "consumption", -1, consumption, path)) {
        figure("consumption") << total(consumption) << "\n";
      }
      if (read_step(g, "employment", -1, employment, path) &&
          read_step(g, "unemployment", -1, unemployment, path)) {
        const double employed = total(employment), unemployed = total(unemployment);
        const double labour = employed + unemployed;
        figure("unemployment") << (labour > 0 ? 100.0 * unemployed / labour : 0.0) << " % of "
                               << std::setprecision(0) << labour << " workers\n"
                               << std::setprecision(2);
      }
      if (read_step(g, "money", -1, money, path)) figure("money") << total(money) << "\n";
      out << "  (money in model currency units)\n";
    }
  }

  if (h5::link_exists(root, "snapshots", path)) {
    Handle snapshots = h5::open_group(root, "snapshots", path);
    std::vector<std::string> names = link_names(snapshots.get(), path);
    std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
      return a.size() != b.size() ? a.size() < b.size() : a < b;
    });
    if (names.empty()) {
      line("snapshots") << "none\n";
    } else {
      line("snapshots") << "steps";
      for (std::size_t i = 0; i < names.size(); ++i) {
        Handle firms = h5::open_group(snapshots.get(), names[i] + "/firms", path);
        out << (i ? ", " : " ") << names[i] << " (" << length_of(firms.get(), "region", path)
            << " firms)";
      }
      out << "\n";
    }
  }

  h5::check(file.close(), path, "cannot close the file");
  return out.str();
}

std::int64_t series_total_at(const std::string& path, const std::string& variable,
                             std::int64_t row) {
  Handle file = h5::open_result_file(path);
  Handle series = h5::open_group(file.get(), "series", path);
  Figures figures;
  if (!read_step(series.get(), variable, row, figures, path)) {
    throw OutputError(path + ": /series/" + variable + " has no step " + std::to_string(row + 1));
  }
  return std::accumulate(figures.values.begin(), figures.values.end(), std::int64_t{0});
}

}  // namespace entrepot

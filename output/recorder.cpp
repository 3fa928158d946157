// The result file of a run.
//
// Crash safety. Steps passed to append() are kept in memory and written only by flush(),
// which ends with H5Fflush and fsync; write_snapshot() and the constructor end with a
// flush too. Between these calls the HDF5 library therefore holds no unwritten state, so a
// process killed at any other moment leaves exactly the file of its last flush: HDF5 never
// gets the chance to evict half of an update (a grown extent without its chunk index, a
// B-tree node pointing past the recorded end of file). Only a kill during flush() itself can
// damage the file, and even then data already on disk is not moved: compressed /series
// chunks hold one step each and are never rewritten (see series.cpp).
//
// SWMR (single-writer/multiple-reader) was not chosen: a killed SWMR writer leaves the file
// marked as open for writing, which h5py refuses to open without h5clear, and SWMR forbids
// creating the snapshot groups that are written as the run goes.
#include "output/recorder.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "output/h5util.h"
#include "output/series.h"

namespace entrepot {

using h5::check;
using h5::Handle;

namespace {

// Above this much unwritten series data, append() flushes by itself.
constexpr std::size_t kMaxPendingBytes = std::size_t{64} << 20;

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm parts{};
  gmtime_r(&now, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

std::string join_lines(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : "\n") + item;
  return out;
}

void expect_size(std::size_t actual, std::size_t expected, const std::string& what,
                 const std::string& file) {
  if (actual != expected) {
    throw OutputError(file + ": " + what + " has " + std::to_string(actual) + " values, expected " +
                      std::to_string(expected));
  }
}

// /world: names, the region → country map, distances and step-0 tariffs, as coordinates
// and variables that xarray can open as a group.
void write_world(hid_t file_id, const World& world, h5::DimensionScales& scales,
                 const std::string& file) {
  const std::size_t nc = world.country_code.size(), nr = world.region_name.size(),
                    ns = world.sector_name.size();
  expect_size(world.country_name.size(), nc, "the country name table", file);
  expect_size(world.region_country.size(), nr, "the region → country table", file);
  expect_size(world.distance_km.size(), nr * nr, "the distance table", file);
  expect_size(world.base_tariff.size(), nc * nc * ns, "the base tariff table", file);

  Handle group = h5::create_group(file_id, "world", file);
  const hid_t g = group.get();
  // origin/destination and importer/exporter repeat region and country so that no
  // variable has the same dimension twice (which xarray cannot index).
  h5::write_label_coordinates(
      file_id, "/world",
      {{"country", &world.country_code, "country (ISO-3 code or aggregate)"},
       {"region", &world.region_name, "region"},
       {"sector", &world.sector_name, "sector"},
       {"origin", &world.region_name, "region of origin"},
       {"destination", &world.region_name, "region of destination"},
       {"importer", &world.country_code, "importing country"},
       {"exporter", &world.country_code, "exporting country"}},
      scales, file);

  {
    Handle names = h5::write_strings(g, "country_name", world.country_name, file);
    h5::write_attr(names.get(), "long_name", std::string("country name"), file);
  }
  scales.attach(file_id, "/world/country_name", {"/world/country"});

  {
    std::vector<std::int32_t> index(world.region_country.begin(), world.region_country.end());
    Handle map = h5::write_array(g, "region_country", H5T_NATIVE_INT32, H5T_STD_I32LE, {nr},
                                 index.data(), false, file);
    h5::write_attr(map.get(), "units", std::string("1"), file);
    h5::write_attr(map.get(), "long_name", std::string("index of the region's country"), file);
  }
  scales.attach(file_id, "/world/region_country", {"/world/region"});

  {
    Handle distance = h5::write_array(g, "distance_km", H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, {nr, nr},
                                      world.distance_km.data(), false, file);
    h5::write_attr(distance.get(), "units", std::string("km"), file);
    h5::write_attr(distance.get(), "long_name",
                   std::string("great-circle distance between regions"), file);
  }
  scales.attach(file_id, "/world/distance_km", {"/world/origin", "/world/destination"});

  {
    Handle tariff = h5::write_array(g, "base_tariff", H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE,
                                    {nc, nc, ns}, world.base_tariff.data(), false, file);
    h5::write_attr(tariff.get(), "units", std::string("1"), file);
    h5::write_attr(tariff.get(), "long_name",
                   std::string("ad-valorem tariff rate at step 0 (0.1 = 10 %)"), file);
  }
  scales.attach(file_id, "/world/base_tariff",
                {"/world/importer", "/world/exporter", "/world/sector"});
}

}  // namespace

void check_writable(const std::string& path) {
  auto refuse = [&](const std::string& reason) {
    throw OutputError(path + ": cannot write the result file: " + reason);
  };
  if (path.empty()) refuse("no file name given");
  if (path.back() == '/') refuse("the path names a folder");
  struct stat info {};
  if (stat(path.c_str(), &info) == 0) {
    if (S_ISDIR(info.st_mode)) refuse("it is a folder");
    if (!S_ISREG(info.st_mode)) refuse("it exists and is not a regular file");
    if (access(path.c_str(), W_OK) != 0) {
      refuse(std::string("the existing file cannot be overwritten (") + std::strerror(errno) + ")");
    }
  }
  const auto slash = path.rfind('/');
  const std::string parent =
      slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  if (stat(parent.c_str(), &info) != 0) {
    if (errno == ENOENT) refuse("folder '" + parent + "' does not exist");
    if (errno == ENOTDIR) refuse("'" + parent + "' is not a folder");
    refuse("cannot reach folder '" + parent + "' (" + std::strerror(errno) + ")");
  }
  if (!S_ISDIR(info.st_mode)) refuse("'" + parent + "' is not a folder");
  if (access(parent.c_str(), W_OK | X_OK) != 0) {
    if (errno == EROFS) refuse("folder '" + parent + "' is on a read-only file system");
    refuse("no permission to create files in folder '" + parent + "'");
  }
}

struct Recorder::Impl {
  std::string path;
  Handle file;  // declared first: closed after every object inside it
  Handle snapshots;
  std::unique_ptr<h5::Series> series;
  bool closed = false;

  void flush() {
    series->write_pending();
    check(H5Fflush(file.get(), H5F_SCOPE_GLOBAL), path, "cannot flush the file");
    // H5Fflush hands the data to the operating system; fsync puts it on disk, so a flushed
    // step also survives a crash of the node, not only of the process.
    void* handle = nullptr;
    check(H5Fget_vfd_handle(file.get(), H5P_DEFAULT, &handle), path,
          "cannot reach the file descriptor");
    if (handle != nullptr && fsync(*static_cast<int*>(handle)) != 0 && errno != EINVAL) {
      throw OutputError(path + ": cannot sync the file to disk (" + std::strerror(errno) + ")");
    }
  }

  void require_open(const char* operation) const {
    if (closed) throw OutputError(path + ": " + operation + " after the file was closed");
  }
};

Recorder::Recorder(const std::string& path, const Scenario& scenario, const World& world,
                   const Provenance& provenance)
    : impl_(std::make_unique<Impl>()) {
  h5::quiet_errors();
  check_writable(path);
  Impl& s = *impl_;
  s.path = path;

  Handle fcpl = h5::plist_handle(H5Pcreate(H5P_FILE_CREATE), path, "cannot create file properties");
  check(H5Pset_link_creation_order(fcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), path,
        "cannot set link creation order");
  Handle fapl =
      h5::plist_handle(H5Pcreate(H5P_FILE_ACCESS), path, "cannot create access properties");
#if (H5_VERS_MAJOR == 1 && H5_VERS_MINOR == 10 && H5_VERS_RELEASE >= 7) || H5_VERSION_GE(1, 12, 1)
  // Lock against a second writer, but do not fail on file systems without locks (common
  // on cluster storage).
  check(H5Pset_file_locking(fapl.get(), 1, 1), path, "cannot set file locking");
#endif
  s.file = h5::file_handle(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl.get(), fapl.get()), path,
                           "cannot create the result file");
  const hid_t root = s.file.get();

  h5::write_attr(root, "entrepot_version", provenance.version, path);
  h5::write_attr(root, "git_commit", provenance.git_commit, path);
  h5::write_attr(root, "scenario", scenario.name, path);
  h5::write_attr(root, "config", scenario.text, path);
  h5::write_attr(root, "config_path", scenario.source_path, path);
  h5::write_attr(root, "overrides", join_lines(scenario.overrides), path);
  h5::write_attr(root, "seed", std::uint64_t{scenario.seed}, path);
  h5::write_attr(root, "steps", std::int32_t{scenario.steps}, path);
  h5::write_attr(root, "backend", provenance.backend, path);
  h5::write_attr(root, "threads", std::int32_t{provenance.threads}, path);
  h5::write_attr(root, "ranks", std::int32_t{provenance.ranks}, path);
  h5::write_attr(root, "start_time", provenance.start_time, path);

  h5::DimensionScales scales(path);
  write_world(root, world, scales, path);
  s.series = std::make_unique<h5::Series>(root, world, scenario, scales, path);
  scales.finish(root);
  s.snapshots = h5::create_group(root, "snapshots", path);
  s.flush();
}

Recorder::~Recorder() {
  if (!impl_ || impl_->closed) return;
  // Not closed: an exception is unwinding the run. Keep what was appended, mark nothing.
  try {
    impl_->flush();
  } catch (...) {
  }
}

void Recorder::append(const StepStatistics& stats) {
  h5::quiet_errors();
  impl_->require_open("append");
  impl_->series->append(stats);
  if (impl_->series->pending_bytes() > kMaxPendingBytes) impl_->flush();
}

void Recorder::flush() {
  h5::quiet_errors();
  impl_->require_open("flush");
  impl_->flush();
}

void Recorder::write_snapshot(const FirmSnapshot& firms) {
  h5::quiet_errors();
  Impl& s = *impl_;
  s.require_open("write_snapshot");
  const std::string& path = s.path;
  const std::string name = std::to_string(firms.step);
  const std::string where = "/snapshots/" + name + "/firms";
  const std::size_t n = firms.region.size();
  const std::pair<const char*, std::size_t> sizes[] = {{"sector", firms.sector.size()},
                                                       {"productivity", firms.productivity.size()},
                                                       {"employees", firms.employees.size()},
                                                       {"output", firms.output.size()},
                                                       {"sales_value", firms.sales_value.size()},
                                                       {"export_value", firms.export_value.size()},
                                                       {"cash", firms.cash.size()},
                                                       {"price", firms.price.size()}};
  for (const auto& [field, size] : sizes) {
    if (size != n) {
      throw OutputError(path + ": snapshot of step " + name + ": " + field + " has " +
                        std::to_string(size) + " firms, region has " + std::to_string(n));
    }
  }
  if (h5::link_exists(s.snapshots.get(), name, path)) {
    throw OutputError(path + ": a snapshot of step " + name + " is already in the file");
  }

  {
    Handle step = h5::create_group(s.snapshots.get(), name, path);
    h5::write_attr(step.get(), "step", std::int32_t{firms.step}, path);
    Handle group = h5::create_group(step.get(), "firms", path);
    const hid_t g = group.get();
    std::vector<std::int64_t> index(n);
    for (std::size_t i = 0; i < n; ++i) index[i] = static_cast<std::int64_t>(i);

    struct Field {
      const char* name;
      hid_t mem_type, file_type;
      const void* data;
      const char* units;
      const char* long_name;
      std::int64_t scale;
    };
    const Field fields[] = {
        {"firm", H5T_NATIVE_INT64, H5T_STD_I64LE, index.data(), "1",
         "position of the firm in the firm store at this step", 0},
        {"region", H5T_NATIVE_INT32, H5T_STD_I32LE, firms.region.data(), "1",
         "index of the firm's region in /world/region", 0},
        {"sector", H5T_NATIVE_INT32, H5T_STD_I32LE, firms.sector.data(), "1",
         "index of the firm's sector in /world/sector", 0},
        {"productivity", H5T_NATIVE_FLOAT, H5T_IEEE_F32LE, firms.productivity.data(), "1",
         "firm productivity φ", 0},
        {"employees", H5T_NATIVE_INT32, H5T_STD_I32LE, firms.employees.data(), "workers",
         "workers employed", 0},
        {"output", H5T_NATIVE_INT64, H5T_STD_I64LE, firms.output.data(), "1e-6 goods",
         "goods produced in the step", kGoodsScale},
        {"sales_value", H5T_NATIVE_INT64, H5T_STD_I64LE, firms.sales_value.data(), "1e-6 currency",
         "value of sales in the step", kMoneyScale},
        {"export_value", H5T_NATIVE_INT64, H5T_STD_I64LE, firms.export_value.data(),
         "1e-6 currency", "value of sales to other countries in the step", kMoneyScale},
        {"cash", H5T_NATIVE_INT64, H5T_STD_I64LE, firms.cash.data(), "1e-6 currency",
         "cash held at the end of the step", kMoneyScale},
        {"price", H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, firms.price.data(), "currency per goods unit",
         "price asked", 0},
    };
    h5::DimensionScales scales(path);
    for (const Field& field : fields) {
      Handle dataset = h5::write_array(g, field.name, field.mem_type, field.file_type, {n},
                                       field.data, true, path);
      h5::write_attr(dataset.get(), "units", std::string(field.units), path);
      h5::write_attr(dataset.get(), "long_name", std::string(field.long_name), path);
      if (field.scale != 0) h5::write_attr(dataset.get(), "scale", field.scale, path);
      check(dataset.close(), path, "cannot close '" + where + "/" + field.name + "'");
      if (std::strcmp(field.name, "firm") == 0) {
        scales.define(s.file.get(), where + "/firm");
      } else {
        scales.attach(s.file.get(), where + "/" + field.name, {where + "/firm"});
      }
    }
    scales.finish(s.file.get());
  }
  s.flush();
}

void Recorder::close(const std::string& status) {
  h5::quiet_errors();
  Impl& s = *impl_;
  s.require_open("close");
  s.series->write_pending();
  h5::write_attr(s.file.get(), "end_time", utc_now(), s.path);
  h5::write_attr(s.file.get(), "status", status, s.path);
  s.flush();
  s.closed = true;  // whatever happens next, the destructor must not touch the file
  s.series.reset();
  check(s.snapshots.close(), s.path, "cannot close '/snapshots'");
  check(s.file.close(), s.path, "cannot close the file");
}

}  // namespace entrepot

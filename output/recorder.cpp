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
// A run over several ranks: rank 0 writes the file as above; for a snapshot it writes the
// pending steps and closes the file, every rank opens it with MPI-IO and writes its own firms
// (output/snapshot.cpp), and rank 0 opens it again. Only a kill during the snapshot itself
// can damage the file.
//
// SWMR (single-writer/multiple-reader) was not chosen: a killed SWMR writer leaves the file
// marked as open for writing, which h5py refuses to open without h5clear, and SWMR forbids
// creating the snapshot groups that are written as the run goes.
#include "output/recorder.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <exception>
#include <optional>

#include "output/h5util.h"
#include "output/series.h"
#include "output/snapshot.h"

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

Handle access_properties(const std::string& path) {
  Handle fapl =
      h5::plist_handle(H5Pcreate(H5P_FILE_ACCESS), path, "cannot create access properties");
#if (H5_VERS_MAJOR == 1 && H5_VERS_MINOR == 10 && H5_VERS_RELEASE >= 7) || H5_VERSION_GE(1, 12, 1)
  // Lock against a second writer, but do not fail on file systems without locks (common
  // on cluster storage).
  check(H5Pset_file_locking(fapl.get(), 1, 1), path, "cannot set file locking");
#endif
  return fapl;
}

// A collective outcome: unless every rank succeeded, every rank throws, its own error where
// it failed and `elsewhere` on the others.
void agree(const Comm& comm, const std::exception_ptr& failure, const std::string& elsewhere) {
  if (comm.all(failure == nullptr)) return;
  if (failure) std::rethrow_exception(failure);
  throw OutputError(elsewhere);
}

// ranges[r] = {offset, firms, total, step} of rank r: one step, one total, and ranges that
// cover [0, total) exactly once. Every rank sees the same ranges and the same verdict.
void check_ranges(const std::vector<std::vector<std::int64_t>>& ranges, const std::string& what) {
  const std::int64_t total = ranges[0][2];
  std::vector<std::pair<std::int64_t, std::int64_t>> held;  // [begin, end) of non-empty ranges
  for (std::size_t r = 0; r < ranges.size(); ++r) {
    const std::string rank = "rank " + std::to_string(r);
    const std::int64_t begin = ranges[r][0], end = begin + ranges[r][1];
    if (ranges[r][3] != ranges[0][3]) {
      throw OutputError(what + rank + " writes step " + std::to_string(ranges[r][3]) +
                        ", rank 0 step " + std::to_string(ranges[0][3]));
    }
    if (ranges[r][2] != total || total < 0) {
      throw OutputError(what + rank + " counts " + std::to_string(ranges[r][2]) +
                        " firms in all, rank 0 " + std::to_string(total));
    }
    if (begin < 0 || end > total) {
      throw OutputError(what + rank + " holds firms [" + std::to_string(begin) + ", " +
                        std::to_string(end) + "), outside [0, " + std::to_string(total) + ")");
    }
    if (end > begin) held.emplace_back(begin, end);
  }
  std::sort(held.begin(), held.end());
  std::int64_t next = 0;
  for (const auto& [begin, end] : held) {
    if (begin != next) {
      throw OutputError(what + (begin > next ? "no rank holds firm " : "two ranks hold firm ") +
                        std::to_string(std::min(begin, next)));
    }
    next = end;
  }
  if (next != total) throw OutputError(what + "no rank holds firm " + std::to_string(next));
}

// Each rank opens the file rank 0 wrote: it must see it (a shared file system).
void check_reachable(const std::string& path, int rank) {
  struct stat info {};
  std::string reason;
  if (stat(path.c_str(), &info) != 0) {
    reason = std::strerror(errno);
  } else if (!S_ISREG(info.st_mode)) {
    reason = "not a regular file";
  } else if (access(path.c_str(), R_OK | W_OK) != 0) {
    reason = std::strerror(errno);
  }
  if (!reason.empty()) {
    throw OutputError(path + ": rank " + std::to_string(rank) +
                      " cannot reach the result file written by rank 0 (" + reason +
                      "); the ranks of a run must share its folder");
  }
}

// /world: names, the region → country map, distances, step-0 tariffs and the countries'
// border factors, as coordinates
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

  if (!world.scenario().entity_lists.empty()) {
    std::vector<std::string> lists;
    for (const EntityList& list : world.scenario().entity_lists) lists.push_back(list.name);
    Handle names = h5::write_strings(g, "entity_list", lists, file);
    h5::write_attr(names.get(), "long_name",
                   std::string("entity list: bit l of a snapshot's entity_lists"), file);
  }

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
                {"/world/exporter", "/world/importer", "/world/sector"});

  expect_size(world.border_factor.size(), nc, "the border factor table", file);
  {
    Handle factor = h5::write_array(g, "border_factor", H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, {nc},
                                    world.border_factor.data(), false, file);
    h5::write_attr(factor.get(), "units", std::string("1"), file);
    h5::write_attr(factor.get(), "long_name",
                   std::string("factor on the border costs of the country's trade"), file);
  }
  scales.attach(file_id, "/world/border_factor", {"/world/country"});
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

void check_continuable(const std::string& path, const World& world, int step, std::uint64_t seed,
                       const std::string& config) {
  h5::quiet_errors();
  Handle file = h5::open_result_file(path);
  const std::uint64_t file_seed = h5::read_uint_attr(file.get(), "seed", path);
  if (file_seed != seed) {
    throw OutputError(path + ": cannot continue this result file: it is of seed " +
                      std::to_string(file_seed) + ", the checkpoint of seed " +
                      std::to_string(seed));
  }
  if (h5::read_string_attr(file.get(), "config", path) != config) {
    throw OutputError(path + ": cannot continue this result file: its scenario text is not " +
                      "the checkpoint's");
  }
  h5::Series(file.get(), world, path, static_cast<hsize_t>(step), false);
  if (!h5::link_exists(file.get(), "snapshots", path)) {
    throw OutputError(path + ": cannot continue this result file: it has no /snapshots");
  }
}

struct Recorder::Impl {
  std::string path;
  std::optional<Comm> comm;  // the ranks of a run over several; empty: this process alone
  Handle file;               // declared before the objects inside it: closed after them
  Handle snapshots;
  std::unique_ptr<h5::Series> series;
  bool closed = false;

  // Whether this process holds the file: rank 0, or the one process.
  bool writes() const { return !comm || comm->rank() == 0; }

  void create(const Scenario& scenario, const World& world, const Provenance& provenance);
  void continue_file(const World& world, const Continuation& from);

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

  // Rank 0 closes the file for the ranks to open it together (suspend) and opens it again
  // afterwards (resume).
  void suspend();
  void resume();
  void write_distributed(const FirmSnapshot& part, std::int64_t offset, std::int64_t total);
};

void Recorder::Impl::create(const Scenario& scenario, const World& world,
                            const Provenance& provenance) {
  check_writable(path);
  Handle fcpl = h5::plist_handle(H5Pcreate(H5P_FILE_CREATE), path, "cannot create file properties");
  check(H5Pset_link_creation_order(fcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), path,
        "cannot set link creation order");
  Handle fapl = access_properties(path);
  file = h5::file_handle(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl.get(), fapl.get()), path,
                         "cannot create the result file");
  const hid_t root = file.get();

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
  series = std::make_unique<h5::Series>(root, world, scenario, scales, path);
  scales.finish(root);
  snapshots = h5::create_group(root, "snapshots", path);
  flush();
}

void Recorder::Impl::continue_file(const World& world, const Continuation& from) {
  Handle fapl = access_properties(path);
  file = h5::file_handle(H5Fopen(path.c_str(), H5F_ACC_RDWR, fapl.get()), path,
                         "cannot open the result file to continue it");
  series = std::make_unique<h5::Series>(file.get(), world, path, from.step, true);
  snapshots = h5::open_group(file.get(), "snapshots", path);
  // Snapshots of later steps belong to the run being replaced; names are their steps.
  H5G_info_t info;
  check(H5Gget_info(snapshots.get(), &info), path, "cannot list /snapshots");
  std::vector<std::string> later;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    char name[32] = "";
    if (H5Lget_name_by_idx(snapshots.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i, name, sizeof name,
                           H5P_DEFAULT) < 0) {
      h5::fail(path, "cannot list /snapshots");
    }
    if (std::atol(name) > from.step) later.emplace_back(name);
  }
  for (const std::string& name : later) {
    check(H5Ldelete(snapshots.get(), name.c_str(), H5P_DEFAULT), path,
          "cannot remove /snapshots/" + name);
  }
  // A running file has no status (docs/output.md).
  for (const char* ended : {"status", "end_time", "status_reason", "status_step"}) {
    if (h5::has_attr(file.get(), ended, path)) {
      check(H5Adelete(file.get(), ended), path, std::string("cannot remove attribute ") + ended);
    }
  }
  h5::write_attr(file.get(), "resumed_from",
                 from.checkpoint + " (step " + std::to_string(from.step) + ")", path);
  h5::write_attr(file.get(), "resume_time", utc_now(), path);
  flush();
}

void Recorder::Impl::suspend() {
  series->write_pending();
  series->close_datasets();
  check(snapshots.close(), path, "cannot close '/snapshots'");
  // With an object left open, H5Fclose would keep the file open behind the MPI-IO one.
  const ssize_t open = H5Fget_obj_count(file.get(), H5F_OBJ_ALL);
  if (open < 0) h5::fail(path, "cannot count the open objects");
  if (open != 1) {
    throw OutputError(path + ": " + std::to_string(open - 1) + " objects of the file still open");
  }
  check(file.close(), path, "cannot close the file");
}

void Recorder::Impl::resume() {
  Handle fapl = access_properties(path);
  file = h5::file_handle(H5Fopen(path.c_str(), H5F_ACC_RDWR, fapl.get()), path,
                         "cannot open the file again after a snapshot");
  snapshots = h5::open_group(file.get(), "snapshots", path);
  series->reopen_datasets(file.get());
  flush();
}

void Recorder::Impl::write_distributed(const FirmSnapshot& part, std::int64_t offset,
                                       std::int64_t total) {
  const Comm& ranks = *comm;
  const std::string step = std::to_string(part.step);
  const std::string not_written = path + ": snapshot of step " + step + " not written: ";
  // Every rank checks its slice and all the ranges, rank 0 the file; one decision for all.
  const std::vector<std::int64_t> mine{offset, static_cast<std::int64_t>(part.region.size()), total,
                                       part.step};
  const auto ranges = ranks.exchange(std::vector<std::vector<std::int64_t>>(ranks.size(), mine));
  std::exception_ptr failure;
  try {
    h5::check_firm_fields(part, path);
    check_ranges(ranges, path + ": snapshot of step " + step + ": ");
    if (writes()) {
      require_open("write_snapshot");
      if (h5::link_exists(snapshots.get(), step, path)) {
        throw OutputError(path + ": a snapshot of step " + step + " is already in the file");
      }
    }
  } catch (...) {
    failure = std::current_exception();
  }
  agree(ranks, failure, not_written + "it failed on another rank");

  try {
    if (writes()) suspend();
  } catch (...) {
    failure = std::current_exception();
  }
  agree(ranks, failure, not_written + "rank 0 cannot close the file");
  try {
    check_reachable(path, ranks.rank());
  } catch (...) {
    failure = std::current_exception();
  }
  if (!ranks.all(failure == nullptr)) {
    if (writes()) resume();
    if (failure) std::rethrow_exception(failure);
    throw OutputError(not_written + "another rank cannot reach the file");
  }

  h5::write_firms_parallel(path, ranks, part, static_cast<hsize_t>(offset),
                           static_cast<hsize_t>(total));
  try {
    if (writes()) resume();
  } catch (...) {
    failure = std::current_exception();
  }
  agree(ranks, failure, path + ": rank 0 cannot open the file again after the snapshot");
}

Recorder::Recorder(const std::string& path, const Scenario& scenario, const World& world,
                   const Provenance& provenance)
    : impl_(std::make_unique<Impl>()) {
  const auto held = h5::hold_library();
  h5::quiet_errors();
  impl_->path = path;
  impl_->create(scenario, world, provenance);
}

Recorder::Recorder(const std::string& path, const Scenario& scenario, const World& world,
                   const Provenance& provenance, const Comm& comm)
    : impl_(std::make_unique<Impl>()) {
  const auto held = h5::hold_library();
  h5::quiet_errors();
  impl_->path = path;
  impl_->comm = comm;
  if (!comm.distributed()) {
    impl_->create(scenario, world, provenance);
    return;
  }
#ifndef H5_HAVE_PARALLEL
  // Every run ends with a snapshot: refuse now rather than at the end.
  throw OutputError(path + ": this build's HDF5 is serial: a run over " +
                    std::to_string(comm.size()) +
                    " ranks cannot write snapshots (build with ENTREPOT_MPI=ON and parallel HDF5)");
#endif
  std::exception_ptr failure;
  try {
    if (impl_->writes()) impl_->create(scenario, world, provenance);
  } catch (...) {
    failure = std::current_exception();
  }
  agree(comm, failure, path + ": rank 0 cannot create the result file");
}

Recorder::Recorder(const std::string& path, const World& world, const Continuation& from,
                   const Comm& comm)
    : impl_(std::make_unique<Impl>()) {
  const auto held = h5::hold_library();
  h5::quiet_errors();
  impl_->path = path;
  impl_->comm = comm;
  std::exception_ptr failure;
  try {
    if (impl_->writes()) impl_->continue_file(world, from);
  } catch (...) {
    failure = std::current_exception();
  }
  agree(comm, failure, path + ": rank 0 cannot continue the result file");
}

Recorder::~Recorder() {
  const auto held = h5::hold_library();  // the handles close here, under the lock
  if (impl_ && !impl_->closed && impl_->writes()) {
    // Not closed: an exception is unwinding the run. Keep what was appended, mark nothing.
    try {
      impl_->flush();
    } catch (...) {
    }
  }
  impl_.reset();
}

void Recorder::append(const StepStatistics& stats) {
  const auto held = h5::hold_library();
  h5::quiet_errors();
  if (!impl_->writes()) return;
  impl_->require_open("append");
  impl_->series->append(stats);
  if (impl_->series->pending_bytes() > kMaxPendingBytes) impl_->flush();
}

void Recorder::flush() {
  const auto held = h5::hold_library();
  h5::quiet_errors();
  if (!impl_->writes()) return;
  impl_->require_open("flush");
  impl_->flush();
}

void Recorder::write_snapshot(const FirmSnapshot& firms) {
  const auto held = h5::hold_library();
  h5::quiet_errors();
  Impl& s = *impl_;
  if (s.comm && s.comm->distributed()) {
    throw OutputError(s.path +
                      ": on a run over several ranks every rank writes its part of a "
                      "snapshot (write_snapshot with offset and total)");
  }
  s.require_open("write_snapshot");
  h5::check_firm_fields(firms, s.path);
  const std::string name = std::to_string(firms.step);
  if (h5::link_exists(s.snapshots.get(), name, s.path)) {
    throw OutputError(s.path + ": a snapshot of step " + name + " is already in the file");
  }
  h5::write_firms(s.file.get(), s.snapshots.get(), firms, nullptr, s.path);
  s.flush();
}

void Recorder::write_snapshot(const FirmSnapshot& part, std::int64_t offset, std::int64_t total) {
  const auto held = h5::hold_library();
  h5::quiet_errors();
  Impl& s = *impl_;
  if (s.comm && s.comm->distributed()) {
    s.write_distributed(part, offset, total);
    return;
  }
  const auto n = static_cast<std::int64_t>(part.region.size());
  if (offset != 0 || total != n) {
    throw OutputError(s.path + ": snapshot of step " + std::to_string(part.step) +
                      ": one process holds firms [" + std::to_string(offset) + ", " +
                      std::to_string(offset + n) + ") of " + std::to_string(total) +
                      "; it must hold them all");
  }
  write_snapshot(part);
}

bool Recorder::closed() const {
  return impl_->closed;
}

void Recorder::close(const std::string& status, const std::string& reason, int step) {
  const auto held = h5::hold_library();
  h5::quiet_errors();
  Impl& s = *impl_;
  s.require_open("close");
  if (!s.writes()) {
    s.closed = true;
    return;
  }
  s.series->write_pending();
  h5::write_attr(s.file.get(), "end_time", utc_now(), s.path);
  h5::write_attr(s.file.get(), "status", status, s.path);
  if (!reason.empty()) h5::write_attr(s.file.get(), "status_reason", reason, s.path);
  if (step > 0) h5::write_attr(s.file.get(), "status_step", std::int64_t{step}, s.path);
  s.flush();
  s.closed = true;  // whatever happens next, the destructor must not touch the file
  s.series.reset();
  check(s.snapshots.close(), s.path, "cannot close '/snapshots'");
  check(s.file.close(), s.path, "cannot close the file");
}

}  // namespace entrepot

#include "output/checkpoint.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <sstream>

#include "output/h5util.h"

namespace entrepot {

using h5::check;
using h5::Handle;

namespace {

// Marks the file as a checkpoint (result files lack it) and holds the step.
const char* const kStepAttribute = "checkpoint_step";
// Rows per chunk: at most 1 MiB of values, so a rank's slice spans few chunks.
constexpr hsize_t kChunkBytes = hsize_t{1} << 20;

hid_t mem_type(Element e) {
  switch (e) {
    case Element::u8:
      return H5T_NATIVE_UINT8;
    case Element::u16:
      return H5T_NATIVE_UINT16;
    case Element::u32:
      return H5T_NATIVE_UINT32;
    case Element::i32:
      return H5T_NATIVE_INT32;
    case Element::i64:
      return H5T_NATIVE_INT64;
    case Element::f32:
      return H5T_NATIVE_FLOAT;
    case Element::f64:
      return H5T_NATIVE_DOUBLE;
  }
  return H5T_NATIVE_INT64;
}

hid_t file_type(Element e) {
  switch (e) {
    case Element::u8:
      return H5T_STD_U8LE;
    case Element::u16:
      return H5T_STD_U16LE;
    case Element::u32:
      return H5T_STD_U32LE;
    case Element::i32:
      return H5T_STD_I32LE;
    case Element::i64:
      return H5T_STD_I64LE;
    case Element::f32:
      return H5T_IEEE_F32LE;
    case Element::f64:
      return H5T_IEEE_F64LE;
  }
  return H5T_STD_I64LE;
}

// (total) for one value per row, (slots, total) otherwise: slot-major, as the stores are.
std::vector<hsize_t> file_shape(const CheckpointArray& a) {
  if (a.slots == 1) return {static_cast<hsize_t>(a.total)};
  return {static_cast<hsize_t>(a.slots), static_cast<hsize_t>(a.total)};
}

// This rank's part of the file's dataset: all slots of rows [first, first + rows).
void select_rows(hid_t file_space, const CheckpointArray& a, const std::string& file) {
  std::vector<hsize_t> start{static_cast<hsize_t>(a.first)}, count{static_cast<hsize_t>(a.rows)};
  if (a.slots != 1) {
    start.insert(start.begin(), 0);
    count.insert(count.begin(), static_cast<hsize_t>(a.slots));
  }
  check(
      H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr),
      file, "cannot select this rank's rows of '" + a.name + "'");
}

Handle create_dataset(hid_t file_id, const CheckpointArray& a, const std::string& file) {
  const std::vector<hsize_t> dims = file_shape(a);
  Handle space = h5::simple_space(dims, {}, file);
  Handle dcpl =
      h5::plist_handle(H5Pcreate(H5P_DATASET_CREATE), file, "cannot create dataset properties");
  if (a.total > 0) {
    std::vector<hsize_t> chunk(dims.size(), 1);
    chunk.back() = std::min<hsize_t>(dims.back(), kChunkBytes / element_size(a.type));
    check(H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()), file,
          "cannot set chunking of '" + a.name + "'");
    check(H5Pset_fletcher32(dcpl.get()), file, "cannot set checksums on '" + a.name + "'");
  }
  Handle lcpl = h5::plist_handle(H5Pcreate(H5P_LINK_CREATE), file, "cannot create link properties");
  check(H5Pset_create_intermediate_group(lcpl.get(), 1), file, "cannot set link properties");
  return h5::dataset_handle(H5Dcreate2(file_id, a.name.c_str(), file_type(a.type), space.get(),
                                       lcpl.get(), dcpl.get(), H5P_DEFAULT),
                            file, "cannot create dataset '" + a.name + "'");
}

// One array into its dataset. Every rank calls this for every array (parallel HDF5 creates
// datasets collectively); `writes` says whether this rank has rows to put in it.
void write_array(hid_t file_id, const CheckpointArray& a, bool writes, hid_t transfer,
                 const std::string& file) {
  if (a.bytes.size() != a.byte_count()) {
    throw OutputError(file + ": '" + a.name + "' has " + std::to_string(a.bytes.size()) +
                      " bytes for " + std::to_string(a.rows) + " rows × " +
                      std::to_string(a.slots) + " " + element_name(a.type) + " values");
  }
  Handle dataset = create_dataset(file_id, a, file);
  if (a.total == 0) return;
  const bool mine = writes && a.rows > 0;
  Handle file_space =
      h5::space_handle(H5Dget_space(dataset.get()), file, "cannot read the shape of " + a.name);
  std::vector<hsize_t> count{static_cast<hsize_t>(std::max<std::int64_t>(a.rows, 1))};
  if (a.slots != 1) count.insert(count.begin(), static_cast<hsize_t>(a.slots));
  Handle mem_space = h5::simple_space(count, {}, file);
  if (mine) {
    select_rows(file_space.get(), a, file);
  } else {
    check(H5Sselect_none(file_space.get()), file, "cannot select nothing in " + a.name);
    check(H5Sselect_none(mem_space.get()), file, "cannot select nothing in " + a.name);
  }
  static const unsigned char nothing = 0;  // HDF5 refuses a null buffer
  check(H5Dwrite(dataset.get(), mem_type(a.type), mem_space.get(), file_space.get(), transfer,
                 mine ? a.bytes.data() : &nothing),
        file, "cannot write '" + a.name + "'");
  check(dataset.close(), file, "cannot close '" + a.name + "'");
}

void write_header(hid_t file_id, const EconomyCheckpoint& c, const std::string& file) {
  h5::write_attr(file_id, "entrepot_version", c.version, file);
  h5::write_attr(file_id, kStepAttribute, std::int32_t{c.step}, file);
  h5::write_attr(file_id, "seed", std::uint64_t{c.seed}, file);
  h5::write_attr(file_id, "scenario_resolved", c.scenario, file);
  h5::write_attr(file_id, "config", c.config, file);
  h5::write_attr(file_id, "result_path", c.result_path, file);
  h5::write_attr(file_id, "layout_digest", c.layout, file);
  h5::write_attr(file_id, "ranks", std::int32_t{c.ranks}, file);
}

// Puts what was written on disk: the file's data (H5Fflush; with MPI-IO it ends in
// MPI_File_sync) and, with one process, an fsync of its descriptor.
void sync_file(hid_t file_id, bool parallel, const std::string& file) {
  check(H5Fflush(file_id, H5F_SCOPE_GLOBAL), file, "cannot flush the checkpoint");
  if (parallel) return;
  void* handle = nullptr;
  check(H5Fget_vfd_handle(file_id, H5P_DEFAULT, &handle), file, "cannot reach the descriptor");
  if (handle != nullptr && fsync(*static_cast<int*>(handle)) != 0 && errno != EINVAL) {
    throw OutputError(file + ": cannot sync the checkpoint to disk (" + std::strerror(errno) + ")");
  }
}

// The new name is durable once the folder's entry is on disk.
void rename_durably(const std::string& from, const std::string& to) {
  if (std::rename(from.c_str(), to.c_str()) != 0) {
    throw OutputError(to + ": cannot rename the written checkpoint " + from + " to it (" +
                      std::strerror(errno) + ")");
  }
  const auto slash = to.rfind('/');
  const std::string folder = slash == std::string::npos ? "." : to.substr(0, slash + 1);
  const int fd = open(folder.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return;  // the file is complete; only its name might not survive a power cut
  const int synced = fsync(fd);
  const int error = errno;
  close(fd);
  if (synced != 0 && error != EINVAL) {
    throw OutputError(to + ": cannot sync folder " + folder + " (" + std::strerror(error) + ")");
  }
}

// A collective outcome: every rank throws unless all succeeded.
void agree(const Comm& comm, const std::exception_ptr& failure, const std::string& elsewhere) {
  if (comm.all(failure == nullptr)) return;
  if (failure) std::rethrow_exception(failure);
  throw OutputError(elsewhere);
}

Handle file_access(const std::string& file, bool locking) {
  Handle fapl =
      h5::plist_handle(H5Pcreate(H5P_FILE_ACCESS), file, "cannot create access properties");
#if (H5_VERS_MAJOR == 1 && H5_VERS_MINOR == 10 && H5_VERS_RELEASE >= 7) || H5_VERSION_GE(1, 12, 1)
  // Locks where the file system has them; cluster storage often has none.
  check(H5Pset_file_locking(fapl.get(), locking ? 1 : 0, 1), file, "cannot set file locking");
#else
  (void)locking;
#endif
  return fapl;
}

#ifdef H5_HAVE_PARALLEL
Handle mpio_access(const Comm& comm, const std::string& file) {
  void* native = comm.native_handle();
  if (native == nullptr) {
    throw OutputError(file + ": a checkpoint over " + std::to_string(comm.size()) +
                      " ranks needs MPI, which is not running");
  }
  Handle fapl = file_access(file, true);
  check(H5Pset_fapl_mpio(fapl.get(), *static_cast<MPI_Comm*>(native), MPI_INFO_NULL), file,
        "cannot select the MPI-IO driver");
  return fapl;
}
#endif

// Opens (collectively over several ranks) or creates the file; every rank learns whether
// every rank has it open.
Handle open_everywhere(const std::string& file, const Comm& comm, bool create) {
  Handle opened;
  std::exception_ptr failure;
  try {
    Handle fapl;
    if (comm.distributed()) {
#ifdef H5_HAVE_PARALLEL
      fapl = mpio_access(comm, file);
#else
      throw OutputError(file + ": this build's HDF5 is serial: a checkpoint over " +
                        std::to_string(comm.size()) +
                        " ranks needs parallel HDF5 (build with ENTREPOT_MPI=ON)");
#endif
    } else {
      fapl = file_access(file, create);
    }
    const hid_t id = create ? H5Fcreate(file.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get())
                            : H5Fopen(file.c_str(), H5F_ACC_RDONLY, fapl.get());
    opened = h5::file_handle(
        id, file, create ? "cannot create the checkpoint" : "cannot open the checkpoint");
  } catch (...) {
    failure = std::current_exception();
  }
  if (!comm.all(failure == nullptr)) {
    // Closing is collective: the ranks that did open the file leave it; the run ends.
    opened.release();
    if (failure) std::rethrow_exception(failure);
    throw OutputError(file + ": another rank cannot " + (create ? "create" : "open") +
                      " the checkpoint");
  }
  return opened;
}

// The file type of a dataset as one of ours, or a reason it is none of them.
std::string type_problem(hid_t dataset, Element expected, const std::string& file) {
  Handle type = h5::type_handle(H5Dget_type(dataset), file, "cannot read a dataset's type");
  const htri_t same = H5Tequal(type.get(), file_type(expected));
  if (same < 0) h5::fail(file, "cannot compare a dataset's type");
  return same > 0 ? "" : std::string("is not ") + element_name(expected);
}

void read_array(hid_t file_id, CheckpointArray& a, const std::string& file) {
  auto refuse = [&](const std::string& why) {
    throw OutputError(file + ": not a checkpoint of this run: '" + a.name + "' " + why);
  };
  if (!h5::link_exists(file_id, a.name.substr(0, a.name.find('/')), file) ||
      !h5::link_exists(file_id, a.name, file)) {
    refuse("is missing");
  }
  Handle dataset = h5::open_dataset(file_id, a.name, file);
  const std::string type = type_problem(dataset.get(), a.type, file);
  if (!type.empty()) refuse(type);
  const std::vector<hsize_t> shape = h5::dataset_shape(dataset.get(), file);
  if (shape != file_shape(a)) {
    std::string text;
    for (hsize_t d : shape) text += (text.empty() ? "" : " × ") + std::to_string(d);
    std::string want;
    for (hsize_t d : file_shape(a)) want += (want.empty() ? "" : " × ") + std::to_string(d);
    refuse("holds " + text + " values, expected " + want);
  }
  a.bytes.assign(a.byte_count(), 0);
  if (a.rows == 0) return;
  Handle file_space =
      h5::space_handle(H5Dget_space(dataset.get()), file, "cannot read the shape of " + a.name);
  select_rows(file_space.get(), a, file);
  std::vector<hsize_t> count{static_cast<hsize_t>(a.rows)};
  if (a.slots != 1) count.insert(count.begin(), static_cast<hsize_t>(a.slots));
  Handle mem_space = h5::simple_space(count, {}, file);
  // Independent reads: a rank that fails (a damaged chunk in its rows) leaves no other rank
  // waiting inside HDF5.
  check(H5Dread(dataset.get(), mem_type(a.type), mem_space.get(), file_space.get(), H5P_DEFAULT,
                a.bytes.data()),
        file, "cannot read '" + a.name + "' (damaged?)");
}

}  // namespace

void write_checkpoint(const std::string& path, const EconomyCheckpoint& c, const Comm& comm) {
  const auto held = h5::hold_library();
  h5::quiet_errors();
  const std::string temporary = path + ".tmp";
  const bool writer = comm.rank() == 0;
  std::exception_ptr failure;
  try {
    if (writer) check_writable(temporary);
  } catch (...) {
    failure = std::current_exception();
  }
  agree(comm, failure, path + ": rank 0 cannot write the checkpoint");

  Handle file = open_everywhere(temporary, comm, true);
  try {
    Handle transfer = h5::plist_handle(H5Pcreate(H5P_DATASET_XFER), temporary,
                                       "cannot create transfer properties");
#ifdef H5_HAVE_PARALLEL
    if (comm.distributed()) {
      check(H5Pset_dxpl_mpio(transfer.get(), H5FD_MPIO_COLLECTIVE), temporary,
            "cannot select collective transfers");
    }
#endif
    write_header(file.get(), c, temporary);
    for (const CheckpointArray& a : c.arrays) {
      write_array(file.get(), a, !a.replicated || writer, transfer.get(), temporary);
    }
    sync_file(file.get(), comm.distributed(), temporary);
    check(file.close(), temporary, "cannot close the checkpoint");
  } catch (...) {
    // Over several ranks the others may wait in a collective call that closing would join:
    // the run ends. One process closes and removes what it wrote.
    if (comm.distributed()) {
      file.release();
    } else {
      file.reset();
      std::remove(temporary.c_str());
    }
    throw;
  }
  try {
    if (writer) rename_durably(temporary, path);
  } catch (...) {
    failure = std::current_exception();
  }
  agree(comm, failure, path + ": rank 0 cannot put the checkpoint in place");
}

EconomyCheckpoint read_checkpoint_header(const std::string& path) {
  const auto held = h5::hold_library();
  h5::quiet_errors();
  struct stat info {};
  if (stat(path.c_str(), &info) != 0) throw OutputError(path + ": no such checkpoint");
  if (!S_ISREG(info.st_mode)) throw OutputError(path + ": not a file");
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    throw OutputError(path + ": not an HDF5 file (a checkpoint of `entrepot run` is expected)");
  }
  Handle fapl = file_access(path, false);
  Handle file = h5::file_handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.get()), path,
                                "cannot open the checkpoint (truncated or damaged?)");
  const hid_t f = file.get();
  if (!h5::has_attr(f, kStepAttribute, path)) {
    throw OutputError(path + ": not an Entrepot checkpoint (no " + kStepAttribute +
                      " attribute; a result file cannot be resumed from)");
  }
  EconomyCheckpoint c;
  c.version = h5::read_string_attr(f, "entrepot_version", path);
  c.step = static_cast<int>(h5::read_int_attr(f, kStepAttribute, path));
  c.seed = h5::read_uint_attr(f, "seed", path);
  c.scenario = h5::read_string_attr(f, "scenario_resolved", path);
  c.config = h5::read_string_attr(f, "config", path);
  c.result_path = h5::read_string_attr(f, "result_path", path);
  c.layout = h5::read_string_attr(f, "layout_digest", path);
  c.ranks = static_cast<int>(h5::read_int_attr(f, "ranks", path));
  check(file.close(), path, "cannot close the checkpoint");
  return c;
}

void read_checkpoint_arrays(const std::string& path, EconomyCheckpoint& layout, const Comm& comm) {
  const auto held = h5::hold_library();
  h5::quiet_errors();
  Handle file = open_everywhere(path, comm, false);
  std::exception_ptr failure;
  try {
    for (CheckpointArray& a : layout.arrays) read_array(file.get(), a, path);
  } catch (...) {
    failure = std::current_exception();
  }
  // Every rank checks the same names, types and shapes; only a damaged chunk may fail on
  // some ranks alone. Closing is collective, so the ranks agree first.
  const bool everywhere = comm.all(failure == nullptr);
  try {
    check(file.close(), path, "cannot close the checkpoint");
  } catch (...) {
    if (!failure) failure = std::current_exception();
  }
  if (everywhere && failure == nullptr) return;
  if (failure) std::rethrow_exception(failure);
  throw OutputError(path + ": another rank cannot read its part of the checkpoint (damaged?)");
}

std::string describe_checkpoint(const std::string& path) {
  const auto held = h5::hold_library();
  const EconomyCheckpoint c = read_checkpoint_header(path);
  Handle fapl = file_access(path, false);
  Handle file = h5::file_handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.get()), path,
                                "cannot open the checkpoint");
  std::ostringstream out;
  out << path << ": Entrepot checkpoint\n"
      << "  version     " << c.version << " (state layout " << c.layout << ")\n"
      << "  step        " << c.step << " done, seed " << c.seed << ", written over " << c.ranks
      << (c.ranks == 1 ? " rank\n" : " ranks\n") << "  result file " << c.result_path << "\n"
      << "  resume with entrepot resume " << path << "\n";
  for (const char* group : {"firms", "households", "accounts", "regions", "policy"}) {
    if (!h5::link_exists(file.get(), group, path)) continue;
    Handle g = h5::open_group(file.get(), group, path);
    H5G_info_t info;
    check(H5Gget_info(g.get(), &info), path, std::string("cannot list ") + group);
    out << "  " << group << ": " << info.nlinks << " arrays";
    if (h5::link_exists(g.get(), "cash", path)) {
      Handle cash = h5::open_dataset(g.get(), "cash", path);
      out << " of " << h5::dataset_shape(cash.get(), path).back() << " agents";
    }
    out << "\n";
  }
  return out.str();
}

}  // namespace entrepot

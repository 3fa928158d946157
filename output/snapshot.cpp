#include "output/snapshot.h"

#include <algorithm>
#include <cstring>
#include <exception>
#include <utility>

namespace entrepot::h5 {
namespace {

// One dataset at its full size `slice.total`, of which this rank writes its `count` firms.
// Every rank takes part in the collective write, a rank without firms with nothing
// selected. Compressed chunks shared by several ranks are written collectively, which
// parallel HDF5 supports from 1.10.2 on: the datasets keep the chunking, shuffle and gzip
// of a single-process snapshot.
Handle write_part(hid_t group, const char* name, hid_t mem_type, hid_t file_type, const void* data,
                  hsize_t count, const Slice& slice, const std::string& file) {
  const std::string what = std::string("'") + name + "'";
  Handle dataset = create_array(group, name, file_type, {slice.total}, true, file);
  if (slice.total == 0) return dataset;  // the same on every rank: nobody writes
  Handle file_space =
      space_handle(H5Dget_space(dataset.get()), file, "cannot read the shape of " + what);
  Handle mem_space = simple_space({std::max<hsize_t>(count, 1)}, {}, file);
  if (count > 0) {
    check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &slice.offset, nullptr, &count,
                              nullptr),
          file, "cannot select this rank's firms in " + what);
  } else {
    check(H5Sselect_none(file_space.get()), file, "cannot select nothing in " + what);
    check(H5Sselect_none(mem_space.get()), file, "cannot select nothing in " + what);
  }
  static const char nothing = 0;  // an empty vector's data() may be null, which HDF5 refuses
  check(H5Dwrite(dataset.get(), mem_type, mem_space.get(), file_space.get(), slice.transfer,
                 count > 0 ? data : &nothing),
        file, "cannot write this rank's firms to " + what);
  return dataset;
}

}  // namespace

void check_firm_fields(const FirmSnapshot& firms, const std::string& file) {
  const std::size_t n = firms.region.size();
  const std::pair<const char*, std::size_t> sizes[] = {{"sector", firms.sector.size()},
                                                       {"productivity", firms.productivity.size()},
                                                       {"employees", firms.employees.size()},
                                                       {"output", firms.output.size()},
                                                       {"sales_value", firms.sales_value.size()},
                                                       {"export_value", firms.export_value.size()},
                                                       {"cash", firms.cash.size()},
                                                       {"price", firms.price.size()},
                                                       {"entity_lists", firms.entity_lists.size()},
                                                       {"open", firms.open.size()}};
  for (const auto& [field, size] : sizes) {
    if (size != n) {
      throw OutputError(file + ": snapshot of step " + std::to_string(firms.step) + ": " + field +
                        " has " + std::to_string(size) + " firms, region has " + std::to_string(n));
    }
  }
}

void write_firms(hid_t file_id, hid_t snapshots, const FirmSnapshot& firms, const Slice* slice,
                 const std::string& path) {
  const std::string name = std::to_string(firms.step);
  const std::string where = "/snapshots/" + name + "/firms";
  const std::size_t n = firms.region.size();
  const hsize_t offset = slice != nullptr ? slice->offset : 0;

  Handle step = create_group(snapshots, name, path);
  h5::write_attr(step.get(), "step", std::int32_t{firms.step}, path);
  Handle group = create_group(step.get(), "firms", path);
  const hid_t g = group.get();
  std::vector<std::int64_t> index(n);  // global positions in the firm store
  for (std::size_t i = 0; i < n; ++i) index[i] = static_cast<std::int64_t>(offset + i);

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
      {"sales_value", H5T_NATIVE_INT64, H5T_STD_I64LE, firms.sales_value.data(),
       "1e-6 national currency", "value of sales in the step", kMoneyScale},
      {"export_value", H5T_NATIVE_INT64, H5T_STD_I64LE, firms.export_value.data(),
       "1e-6 national currency", "value of sales to other countries in the step", kMoneyScale},
      {"cash", H5T_NATIVE_INT64, H5T_STD_I64LE, firms.cash.data(), "1e-6 national currency",
       "cash held at the end of the step", kMoneyScale},
      {"price", H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, firms.price.data(),
       "national currency per goods unit", "price asked", 0},
      {"entity_lists", H5T_NATIVE_UINT8, H5T_STD_U8LE, firms.entity_lists.data(), "1",
       "a bit per entity list the firm is on (bit l: /world/entity_list[l])", 0},
      {"open", H5T_NATIVE_UINT8, H5T_STD_U8LE, firms.open.data(), "1",
       "1 where a firm works the site, 0 a free site (firms that move, docs/model.md §4.14)", 0},
  };
  DimensionScales scales(path);
  for (const Field& field : fields) {
    Handle dataset = slice != nullptr ? write_part(g, field.name, field.mem_type, field.file_type,
                                                   field.data, n, *slice, path)
                                      : write_array(g, field.name, field.mem_type, field.file_type,
                                                    {n}, field.data, true, path);
    h5::write_attr(dataset.get(), "units", std::string(field.units), path);
    h5::write_attr(dataset.get(), "long_name", std::string(field.long_name), path);
    if (field.scale != 0) h5::write_attr(dataset.get(), "scale", field.scale, path);
    check(dataset.close(), path, "cannot close '" + where + "/" + field.name + "'");
    if (std::strcmp(field.name, "firm") == 0) {
      scales.define(file_id, where + "/firm");
    } else {
      scales.attach(file_id, where + "/" + field.name, {where + "/firm"});
    }
  }
  scales.finish(file_id);
}

void write_firms_parallel(const std::string& file, const Comm& comm, const FirmSnapshot& part,
                          hsize_t offset, hsize_t total) {
#ifdef H5_HAVE_PARALLEL
  void* native = comm.native_handle();
  if (native == nullptr) {
    throw OutputError(file + ": a snapshot over " + std::to_string(comm.size()) +
                      " ranks needs MPI, which is not running");
  }
  // Every rank learns whether every rank opened the file: a rank that went on alone would
  // wait forever in the next collective call.
  Handle opened;
  std::exception_ptr failure;
  try {
    Handle fapl = plist_handle(H5Pcreate(H5P_FILE_ACCESS), file, "cannot create access properties");
    check(H5Pset_fapl_mpio(fapl.get(), *static_cast<MPI_Comm*>(native), MPI_INFO_NULL), file,
          "cannot select the MPI-IO driver");
    opened =
        file_handle(H5Fopen(file.c_str(), H5F_ACC_RDWR, fapl.get()), file,
                    "rank " + std::to_string(comm.rank()) + " cannot open the file with MPI-IO");
  } catch (...) {
    failure = std::current_exception();
  }
  if (!comm.all(failure == nullptr)) {
    // Closing is collective too, so the ranks that did open the file leave it open: the
    // error ends the run (run_guarded stops every rank).
    opened.release();
    if (failure) std::rethrow_exception(failure);
    throw OutputError(file + ": snapshot of step " + std::to_string(part.step) +
                      " not written: another rank cannot open the file with MPI-IO");
  }
  try {
    Handle transfer =
        plist_handle(H5Pcreate(H5P_DATASET_XFER), file, "cannot create transfer properties");
    check(H5Pset_dxpl_mpio(transfer.get(), H5FD_MPIO_COLLECTIVE), file,
          "cannot select collective transfers");
    {
      Handle snapshots = open_group(opened.get(), "snapshots", file);
      const Slice slice{offset, total, transfer.get()};
      write_firms(opened.get(), snapshots.get(), part, &slice, file);
      check(snapshots.close(), file, "cannot close '/snapshots'");
    }
    // With MPI-IO, H5Fflush ends in MPI_File_sync: the snapshot is on disk when it returns.
    check(H5Fflush(opened.get(), H5F_SCOPE_GLOBAL), file, "cannot flush the file");
    check(opened.close(), file, "cannot close the file");
  } catch (...) {
    // Failed on this rank while the others may wait in a collective call: closing would wait
    // with them. The error ends the run.
    opened.release();
    throw;
  }
#else
  (void)part;
  (void)offset;
  (void)total;
  throw OutputError(file + ": this build's HDF5 is serial: a run over " +
                    std::to_string(comm.size()) +
                    " ranks cannot write snapshots (build with ENTREPOT_MPI=ON and parallel HDF5)");
#endif
}

}  // namespace entrepot::h5

"""Snapshots written in parallel: runs snapshot_check under mpirun with RANKS ranks, then
compares the file the ranks wrote together (parallel.h5) with the one rank 0 wrote alone
(serial.h5): the same objects, values, types, shapes, chunking, filters, attributes and
dimension scales. h5dump and h5py must open it normally.

Called as `python3 parallel_snapshot.py MPIEXEC PROGRAM RANKS`."""
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

mpirun, program, ranks = sys.argv[1], sys.argv[2], int(sys.argv[3])
problems = []


def check(ok, what):
    if not ok:
        problems.append(what)


def objects(f):
    found = {}

    def visit(name, obj):
        found["/" + name] = obj  # returns None: visititems goes on

    f.visititems(visit)
    return found


def dims_of(ds):
    return [[axis[i].name for i in range(len(axis))] for axis in ds.dims]


def attr_value(f, obj, key):
    value = obj.attrs[key]
    if key == "DIMENSION_LIST":
        return dims_of(obj)
    if key == "REFERENCE_LIST":
        return sorted((f[ref].name, int(axis)) for ref, axis in value)
    return value


def same(a, b):
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.array_equal(np.asarray(a), np.asarray(b))
    return a == b


def compare(serial, parallel):
    a, b = objects(serial), objects(parallel)
    check(len(a) > 50, f"only {len(a)} objects in the serial file")
    check(list(a) == list(b), f"objects differ: {sorted(set(a) ^ set(b))}")
    for name in ["/"] + [n for n in a if n in b]:
        x, y = (serial["/"], parallel["/"]) if name == "/" else (a[name], b[name])
        check(type(x) is type(y), f"{name}: a {type(x).__name__} and a {type(y).__name__}")
        keys = [k for k in x.attrs if k != "end_time"]
        check(keys == [k for k in y.attrs if k != "end_time"],
              f"{name}: attributes {list(x.attrs)} and {list(y.attrs)}")
        for key in keys:
            if key in y.attrs:
                check(same(attr_value(serial, x, key), attr_value(parallel, y, key)),
                      f"{name}: attribute {key} differs")
        if not isinstance(x, h5py.Dataset):
            continue
        check(x.dtype == y.dtype and x.shape == y.shape,
              f"{name}: {x.dtype}{x.shape} and {y.dtype}{y.shape}")
        check((x.chunks, x.compression, x.compression_opts, x.shuffle)
              == (y.chunks, y.compression, y.compression_opts, y.shuffle),
              f"{name}: storage {(x.chunks, x.compression, x.shuffle)} and "
              f"{(y.chunks, y.compression, y.shuffle)}")
        if x.shape == y.shape:
            check(np.array_equal(x[()], y[()]), f"{name}: values differ")


with tempfile.TemporaryDirectory(prefix="entrepot_phdf5_") as folder:
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    command = [mpirun, "-np", str(ranks), "--oversubscribe", program, folder]
    print("$ " + " ".join(command))
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=90)
    except subprocess.TimeoutExpired:
        sys.exit(f"FAIL: the job still ran after 90 s with {ranks} ranks")
    print(done.stdout + done.stderr)
    if done.returncode != 0:
        sys.exit(f"FAIL: mpirun -np {ranks} exited {done.returncode}")

    serial_path, parallel_path = folder + "/serial.h5", folder + "/parallel.h5"
    # The header with attribute values (-A): the dimension scales as h5dump reads them.
    dump = subprocess.run(["h5dump", "-A", parallel_path], capture_output=True, text=True)
    check(dump.returncode == 0, f"h5dump -A exits {dump.returncode}: {dump.stderr}")
    check('"DIMENSION_SCALE"' in dump.stdout and '"/snapshots/2/firms/firm"' in dump.stdout,
          "h5dump -A shows no dimension scales for the snapshot")

    with h5py.File(serial_path, "r") as serial, h5py.File(parallel_path, "r") as parallel:
        compare(serial, parallel)
        check(sorted(parallel["snapshots"]) == ["2", "3", "4", "5"],
              f"snapshots {sorted(parallel['snapshots'])}, expected 2 to 5")
        check(parallel.attrs["status"] == "completed", "status is not 'completed'")
        check(np.array_equal(parallel["series/step"][()], np.arange(6)), "steps 0 to 5")
        for step, total in (("2", 1000), ("3", 7), ("4", 0), ("5", 300001)):
            group = parallel["snapshots"][step]["firms"]
            check(np.array_equal(group["firm"][()], np.arange(total)),
                  f"snapshot {step}: firm holds the global positions 0..{total - 1}")
            check(dims_of(group["cash"]) == [[f"/snapshots/{step}/firms/firm"]],
                  f"snapshot {step}: cash is not attached to the firm dimension")
        big = parallel["snapshots/5/firms/cash"]
        check(big.compression == "gzip" and big.shuffle and big.chunks[0] < 300001,
              "snapshot 5 is not in several compressed chunks")

if problems:
    sys.exit("FAIL:\n  " + "\n  ".join(problems))
print(f"ok: {ranks} ranks wrote the same file as one process")

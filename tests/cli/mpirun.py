"""`entrepot run` over N ranks under a real mpirun is one simulation: every dataset of the
result file (/world, /series, /snapshots) holds the same bytes as a plain run of the same
config and seed. The config (tests/mpi/shocks.yaml) phases in a tariff and imposes an export
ban; at 3 and 4 ranks the partition splits regions, so a region's labour market spans
ranks. At 2 and 3 ranks the same with retail markets, and with retail markets and traders
(traders' buyers on other ranks). Also: a bad config is reported once, by rank 0; an unwritable path stops every rank; SIGTERM
to mpirun stops every rank after the same step, with a readable file marked interrupted.

Called as `python3 mpirun.py ENTREPOT SOURCE_DIR MPIEXEC RANKS`."""
import os
import re
import signal
import subprocess
import time

import h5py
import numpy as np

from clitest import NO_HEALTH_STOP, Test, child_env


def mpirun(t, ranks, args, timeout=240, **extra_env):
    command = [t.args[0], "-np", str(ranks), "--oversubscribe", t.binary] + list(args)
    t.info("$ " + " ".join(command))
    env = child_env()
    env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMP_NUM_THREADS="1", **extra_env)
    done = subprocess.run(command, cwd=t.tmp, env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=timeout)
    return done.returncode, done.stdout, done.stderr


def datasets(f):
    found = {}
    f.visititems(lambda name, node: found.__setitem__(name, node)
                 if isinstance(node, h5py.Dataset) else None)
    return found


def compare_files(t, plain, spread, ranks):
    with h5py.File(plain, "r") as a, h5py.File(spread, "r") as b:
        da, db = datasets(a), datasets(b)
        t.check(sorted(da) == sorted(db), f"the same datasets at {ranks} ranks: "
                f"only plain {sorted(set(da) - set(db))}, only spread {sorted(set(db) - set(da))}")
        for name in sorted(set(da) & set(db)):
            x, y = da[name][()], db[name][()]
            t.check(x.dtype == y.dtype and np.array_equal(x.view(np.uint8), y.view(np.uint8))
                    if x.dtype.kind in "iufb" else np.array_equal(x, y),
                    f"/{name} is byte-identical at {ranks} ranks")
        steps = sorted({n.split("/")[1] for n in da if n.startswith("snapshots/")})
        t.check(steps == ["12", "24"], f"both snapshots were compared: {steps}")
        t.check(int(b.attrs["ranks"]) == ranks, f"provenance records {ranks} ranks")
        # Across ranks every step: money is conserved and goods balance.
        s = b["series"]
        money = s["money"][()].sum(axis=1)
        t.check(bool(np.all(money == money[0])), "money is conserved at every step")
        inventory = s["inventory"][()]
        balance = (s["produced"][()][1:] - s["used"][()][1:] - s["consumed"][()][1:]
                   - s["melted"][()][1:] - np.diff(inventory))
        t.check(bool(np.all(balance == 0)), f"goods balance at every step: {balance}")


def same_spread(t, config, ranks, name, what, extra):
    """A plain run and one over `ranks` ranks of `config` with the `extra` arguments: the
    same bytes."""
    plain, spread = t.path(f"plain_{name}.h5"), t.path(f"spread_{name}.h5")
    rc, _, err, _ = t.run(["run", config, "--quiet", "--out", plain, *extra])
    t.check(rc == 0, f"plain run with {what} exits 0 (got {rc}): {err}")
    rc, _, err = mpirun(t, ranks, ["run", config, "--quiet", "--out", spread, *extra])
    t.check(rc == 0, f"mpirun -np {ranks} with {what} exits 0 (got {rc}): {err}")
    if rc == 0 and os.path.exists(plain):
        compare_files(t, plain, spread, ranks)


def stop_all_ranks(t, config):
    out = t.path("stopped.h5")
    # A run far longer than any plausible one, on purpose: it is stopped long before its end.
    command = [t.args[0], "-np", "4", "--oversubscribe", t.binary, "run", config, "--steps",
               "100000", "--set", "allow_implausible=[steps]", "--set",
               "output.progress_every=1", *NO_HEALTH_STOP, "--out", out]
    env = child_env()
    env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMP_NUM_THREADS="1")
    with open(t.path("stopped.err"), "w") as err:
        child = subprocess.Popen(command, cwd=t.tmp, env=env, stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=err)
        deadline = time.time() + 120
        while time.time() < deadline and child.poll() is None:
            with open(t.path("stopped.err")) as progress:
                if progress.read().count("step ") >= 3:
                    break
            time.sleep(0.2)
        child.send_signal(signal.SIGTERM)
        try:
            rc = child.wait(timeout=60)
        except subprocess.TimeoutExpired:
            child.kill()
            rc = None
    with open(t.path("stopped.err")) as text:
        err = text.read()
    t.check(rc is not None and rc != 0, f"SIGTERM stops mpirun with a non-zero exit ({rc})")
    t.check("stopped by signal" in err, f"the stop is reported: {err[-500:]}")
    if os.path.exists(out):
        with h5py.File(out, "r") as f:
            t.check(f.attrs["status"] == "interrupted", "the file is marked interrupted")
            lengths = {f["series"][name].shape[0] for name in ("money", "produced", "wage")}
            t.check(len(lengths) == 1 and min(lengths) >= 1,
                    f"every series holds the same steps: {lengths}")


def body(t):
    ranks = int(t.args[1])
    config = os.path.join(t.source, "tests", "mpi", "shocks.yaml")
    plain = t.path("plain.h5")
    rc, _, err, _ = t.run(["run", config, "--quiet", "--out", plain])
    t.check(rc == 0, f"plain run exits 0 (got {rc}): {err}")

    spread = t.path("spread.h5")
    rc, out, err = mpirun(t, ranks, ["run", config, "--quiet", "--out", spread])
    t.check(rc == 0, f"mpirun -np {ranks} exits 0 (got {rc}): {err}")
    t.check(out.count("results: ") == 1, f"one rank reports the result: {out}")
    if ranks > 1:
        split = re.search(r"partition: (\d+) ranks, .* imbalance \(max/mean\) ([\d.]+), "
                          r"(\d+) region\(s\) split", err)
        t.check(split is not None and int(split.group(1)) == ranks,
                f"the partition is reported: {err}")
        if split and ranks >= 3:
            t.check(int(split.group(3)) >= 1, f"{ranks} ranks split a region: {err}")
        t.check("exchanges in place" in err, f"CPU ranks exchange in place: {err}")
    if rc == 0 and os.path.exists(plain):
        compare_files(t, plain, spread, ranks)

    if ranks in (2, 3):
        # With retail markets: households and their market's retailers on one rank, the
        # retailers' producers anywhere.
        retail = ["--set", "retail={households_per_market: 300, retailers_per_sector: 3}"]
        same_spread(t, config, ranks, "retail", "retail markets", retail)
        # With traders too: firms and retailers buy from traders owned by other ranks, and
        # traders from producers owned by other ranks; foreign traders in Shanghai open two
        # sectors when the negative list is cleared at step 16; half of the hub's traders are
        # merchants, whose offers carry their goods' origin across ranks, and settling their
        # sales abroad gets cheaper at step 18.
        traders = [*retail, "--set",
                   "traders={per_sector: 1, hub_per_sector: 2, foreign_per_sector: 1, "
                   "negative_list: {CHN-Shanghai: [metals, components]}, "
                   "offshore_share: 0.5, settlement_cost: 0.01}",
                   # Commodity venues: every rank's traders' orders meet on one book, and
                   # fills cross ranks and currencies.
                   "--set",
                   "venues=[{name: SHFE, region: CHN-Shanghai, sectors: [crude_oil, metals], "
                   "members: [CHN]}, {name: CME, region: USA-Coast, "
                   "sectors: [crude_oil, metals, lithium]}]"]
        same_spread(t, config, ranks, "traders", "traders and venues", traders)

    if ranks == 2:
        # Exchanges staged through host buffers (as on GPUs without a CUDA-aware MPI): the
        # same bytes.
        staged = t.path("staged.h5")
        rc, _, err = mpirun(t, ranks, ["run", config, "--quiet", "--out", staged],
                            ENTREPOT_MPI_DEVICE_BUFFERS="0")
        t.check(rc == 0, f"mpirun with staged exchanges exits 0 (got {rc}): {err}")
        t.check("exchanges staged through host buffers" in err, f"staging is reported: {err}")
        if rc == 0:
            compare_files(t, plain, staged, ranks)

    if ranks == 3:
        rc, _, err = mpirun(t, 3, ["run", config, "--set", "steps=-1", "--out", t.path("b.h5")])
        t.check(rc == 2, f"a bad config under mpirun exits 2 (got {rc})")
        t.check(err.count("steps is -1") == 1, f"the config error is printed once: {err}")
    if ranks == 4:
        stop_all_ranks(t, config)
    if ranks == 2:
        missing = t.path("no", "such", "folder") + "/"
        rc, _, err = mpirun(t, 2, ["run", config, "--out", missing])
        t.check(rc != 0, f"an unusable output path stops every rank (exit {rc})")
        t.check("error" in err, f"the reason is printed: {err}")


Test("mpirun").run_main(body)

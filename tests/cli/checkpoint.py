"""cli-checkpoint: a run that checkpoints and is resumed gives the bytes of a run that never
stopped, in its own result file or in a new one (--out); SIGTERM writes a checkpoint after
the current step and exits 143; a truncated, damaged, foreign-version or other-layout
checkpoint, or a --set that changes the scenario, is refused with one line naming the file
and the reason, and leaves the result file as it was.

Called as `python3 checkpoint.py ENTREPOT SOURCE_DIR`."""
import hashlib
import os
import shutil
import signal
import time

import h5py

import clitest

# tests/mpi/shocks.yaml shrunk: a tariff phased in over steps 8-10, a ban from step 10.
# Big enough that every country has a few dozen households and a specialised sector more
# than a firm or two: at 2·10^4 agents a country's jobs can collapse within 80 steps and
# the health check stops the run (docs/model.md §8, small worlds).
# The price limit is off: a region of a dozen households (Singapore here) can see its
# consumer prices run away over 80 steps, and the checks are about restarts, not prices.
SMALL = ["--set", "agents.consumers=45000", "--set", "agents.firms=5000",
         "--set", "health.price_limit=0"]
LONG = SMALL + ["--set", "steps=80"]


def fingerprint(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest(), os.stat(path).st_mtime_ns


def identical(t, a, b, what):
    rc, out, err, _ = t.run(["compare", a, b])
    t.check(rc == 0, f"{what}: {out.strip()} {err.strip()}")


def resumed_in_place(t, config, reference):
    part = t.path("part.h5")
    rc, _, err, _ = t.run(["run", config, *SMALL, "--quiet", "--out", part,
                           "--checkpoint-every", "9"])
    t.check(rc == 0, f"run with checkpoints exits 0: {err}")
    checkpoint = t.path("part.checkpoint.h5")
    t.check(os.path.exists(checkpoint), "the checkpoint is next to the result file")
    t.check(not os.path.exists(checkpoint + ".tmp"), "no temporary file is left")
    with h5py.File(checkpoint, "r") as f:
        t.check(int(f.attrs["checkpoint_step"]) == 18, "the last checkpoint is of step 18")
        t.check("mpi_shocks" in f.attrs["scenario_resolved"], "the scenario text is stored")
    identical(t, reference, part, "checkpoints change nothing in the result file")
    rc, out, err, _ = t.run(["info", checkpoint])
    t.check(rc == 0 and "Entrepot checkpoint" in out and "step        18 done" in out,
            f"`entrepot info` describes the checkpoint: {out} {err}")

    # Resumed into a new file: the whole run, as if it had never stopped.
    fresh = t.path("fresh.h5")
    rc, _, err, _ = t.run(["resume", checkpoint, "--out", fresh])
    t.check(rc == 0, f"resume --out exits 0: {err}")
    t.check("after step 18 of 24" in err, f"the resume is reported: {err}")
    identical(t, reference, fresh, "resume --out gives the uninterrupted run")

    # In place: the steps after 18 and the snapshot of step 24 are replaced.
    with h5py.File(part, "r") as f:
        snapshots = sorted(f["snapshots"].keys())
    t.check(snapshots == ["12", "24"], f"the file has its snapshots: {snapshots}")
    rc, _, err, _ = t.run(["resume", checkpoint, "--quiet", "--set", "steps=24"])
    t.check(rc == 0, f"resume in place, restating a value with --set, exits 0: {err}")
    identical(t, reference, part, "resume in place gives the uninterrupted run")
    with h5py.File(part, "r") as f:
        t.check(clitest.read_status(f) == "completed", "the continued file is completed")
        t.check("resumed_from" in f.attrs, "the file records where it was resumed from")
    return part, checkpoint


def stopped_by_sigterm(t, config):
    reference = t.path("long_reference.h5")
    rc, _, err, _ = t.run(["run", config, *LONG, "--quiet", "--out", reference], timeout=300)
    t.check(rc == 0, f"long reference run exits 0: {err}")
    out = t.path("long.h5")
    child = t.start(["run", config, *LONG, "--set", "output.flush_every=1", "--out", out],
                    t.path("long.out"), t.path("long.err"))
    seen = clitest.wait_for_steps(t, child, out, 5)
    if seen is None:
        return
    child.send_signal(signal.SIGTERM)
    if clitest.wait_for_exit(t, child, 60, "SIGTERM") is None:
        return
    with open(t.path("long.err")) as f:
        err = f.read()
    t.check(child.returncode == 128 + signal.SIGTERM, f"SIGTERM exits 143: {child.returncode}")
    checkpoint = t.path("long.checkpoint.h5")
    t.check("continue with: entrepot resume " in err and checkpoint in err,
            f"the stop names the checkpoint: {err[-400:]}")
    if not os.path.exists(checkpoint):
        t.check(False, "SIGTERM wrote no checkpoint")
        return
    with h5py.File(checkpoint, "r") as f:
        step = int(f.attrs["checkpoint_step"])
    with h5py.File(out, "r") as f:
        held = f["series"]["step"].shape[0]
    t.check(step == held and 5 <= step < 80,
            f"the checkpoint is of the last step done ({step}), which the file holds ({held})")
    rc, _, err, _ = t.run(["resume", checkpoint, "--quiet"], timeout=300)
    t.check(rc == 0, f"resume after SIGTERM exits 0: {err}")
    identical(t, reference, out, "the run stopped by SIGTERM and resumed is the uninterrupted one")


def refused(t, checkpoint, result, args, reason, name):
    before = fingerprint(result)
    rc, out, err, _ = t.run(["resume", checkpoint, *args])
    lines = [line for line in err.splitlines() if line.strip()]
    t.check(rc not in (0, None), f"{name}: resume exits non-zero ({rc})")
    t.check(len(lines) == 1 and checkpoint in lines[0] and reason in lines[0],
            f"{name}: one line naming the file and '{reason}': {err!r}")
    t.check(fingerprint(result) == before, f"{name}: the result file is untouched")


def refusals(t, part, checkpoint):
    def variant(name, edit):
        path = t.path(name)
        shutil.copy(checkpoint, path)
        edit(path)
        return path

    def truncate(path):
        size = os.path.getsize(path)
        with open(path, "r+b") as f:
            f.truncate(size // 2)

    def damage(path):
        with h5py.File(path, "r") as f:
            address = f["firms/cash"].id.get_chunk_info(0).byte_offset
        with open(path, "r+b") as f:
            f.seek(address + 64)
            byte = f.read(1)
            f.seek(address + 64)
            f.write(bytes([byte[0] ^ 0x20]))

    def attribute(key, value):
        def edit(path):
            with h5py.File(path, "r+") as f:
                f.attrs[key] = value
        return edit

    def drop(path):
        with h5py.File(path, "r+") as f:
            del f["households/cash"]

    refused(t, variant("truncated.h5", truncate), part, [], "cannot open the checkpoint",
            "truncated")
    refused(t, variant("damaged.h5", damage), part, [], "cannot read 'firms/cash'", "damaged")
    refused(t, variant("missing.h5", drop), part, [], "'households/cash' is missing", "missing")
    refused(t, variant("version.h5", attribute("entrepot_version", "0.0.1")), part, [],
            "written by entrepot 0.0.1", "another version")
    refused(t, variant("layout.h5", attribute("layout_digest", "0000000000000000")), part, [],
            "state layout", "another layout")
    refused(t, checkpoint, part, ["--set", "behaviour.profit_tax=0.3"],
            "--set behaviour.profit_tax=0.3 would change the scenario", "--set")
    refused(t, t.path("no_such.h5"), part, [], "no such checkpoint", "missing file")


def body(t):
    config = os.path.join(t.source, "tests", "mpi", "shocks.yaml")
    reference = t.path("reference.h5")
    rc, _, err, _ = t.run(["run", config, *SMALL, "--quiet", "--out", reference])
    t.check(rc == 0, f"reference run exits 0: {err}")
    part, checkpoint = resumed_in_place(t, config, reference)
    refusals(t, part, checkpoint)
    started = time.monotonic()
    stopped_by_sigterm(t, config)
    t.info(f"SIGTERM case took {time.monotonic() - started:.1f} s")


clitest.Test("cli-checkpoint").run_main(body)

#!/usr/bin/python3
"""cli-scenario-library: every file of configs/scenarios/ validates and runs.

Each `configs/scenarios/*.yaml` is validated and run on a small world a few steps past its
first event (to its own end where later events fall beyond that: an event after the last
step is an error). The effects of some scenarios are checked in the result file: under
full_decoupling.yaml the duty on every good traded between China and the United States is
60% of its value once the phase-in is over, under rcep.yaml China's duty rates on Japanese
goods fall after entry into force, under shanghai_lockdown.yaml Shanghai's output falls
in the lockdown step, and under chip_controls.yaml the last snapshot lists Chinese chip and
electronics makers and no other firm, and under shanghai_venues_opening.yaml Shanghai's venue
trades before and after it opens. reshoring.yaml is checked before its run: relocation is
on, and its relocation subsidies are Japan's and the United States'.
"""
import glob
import os
import re

import clitest
import h5py

# A world of 45000 households: smaller, a specialised sector such as Singapore's chips or
# Chile's lithium is a firm or two and a region such as Shanghai a few dozen households, and
# over the 150+ steps of these runs the small economies slump deeper than the default health
# limits allow; the checks here are about the events, so those limits are off.
SMALL = ["--set", "agents.consumers=45000", "--set", "agents.firms=5000",
         "--set", "health.unemployment_limit=1", "--set", "health.output_limit=0",
         "--set", "health.price_limit=0"]
GOODS = ["lithium", "crude_oil", "metals", "agriculture", "components", "semiconductors",
         "electronics", "vehicles", "consumer_goods"]
PAST_FIRST_EVENT = 4
# full_decoupling.yaml phases its 60% in over 12 steps from its first event.
DECOUPLING_PHASE_IN = 12


def own_event_steps(path):
    """The steps of the events written in this file (not in its base)."""
    with open(path) as f:
        text = f.read()
    _, _, events = text.partition("\nevents:")
    return sorted(int(s) for s in re.findall(r"\bstep:\s*(\d+)", events))


def file_steps(stdout):
    """The run length `entrepot validate` reports ("..., 198 steps, ...")."""
    found = re.search(r"(\d+) steps", stdout)
    return int(found.group(1)) if found else None


def goods_rate(f, exporter, importer, rows):
    """Duty / value over all goods shipped exporter -> importer in a slice of /series rows."""
    series = f["series"]
    exporters = list(series["exporter"].asstr()[:])
    importers = list(series["importer"].asstr()[:])
    sectors = list(series["sector"].asstr()[:])
    goods = [sectors.index(s) for s in GOODS]
    value = series["trade_value"][rows, exporters.index(exporter), importers.index(importer)]
    duty = series["trade_duty"][rows, exporters.index(exporter), importers.index(importer)]
    value, duty = value.sum(axis=0), duty.sum(axis=0)
    shipped = int(value[goods].sum())
    return float(duty[goods].sum()) / shipped if shipped > 0 else None


def rates(f, exporter, importer, row):
    """Duty / value of each goods sector shipped exporter -> importer in a /series row
    (None where nothing was shipped)."""
    series = f["series"]
    exporters = list(series["exporter"].asstr()[:])
    importers = list(series["importer"].asstr()[:])
    sectors = list(series["sector"].asstr()[:])
    value = series["trade_value"][row, exporters.index(exporter), importers.index(importer)]
    duty = series["trade_duty"][row, exporters.index(exporter), importers.index(importer)]
    out = {}
    for name in GOODS:
        k = sectors.index(name)
        out[name] = float(duty[k]) / float(value[k]) if value[k] > 0 else None
    return out


def check_decoupling(t, out, first):
    with h5py.File(out, "r") as f:
        steps = list(f["series/step"][:])
        before = steps.index(first - 1)
        after = len(steps) - 1
        shipped = []
        for exporter, importer in (("CHN", "USA"), ("USA", "CHN")):
            pre = rates(f, exporter, importer, before)
            post = rates(f, exporter, importer, after)
            # Over all goods of the steps with the tariff in full together: a sector's own ratio
            # can be off by the rounding of a flow of a few millionths, and in a small world
            # one direction's trade may stop altogether behind the wall.
            full = slice(steps.index(first + DECOUPLING_PHASE_IN), after + 1)
            total = goods_rate(f, exporter, importer, full)
            if total is not None:
                shipped.append(f"{exporter}->{importer}")
                t.check(abs(total - 0.60) < 0.005,
                        f"full_decoupling: duty/value on goods {exporter}->{importer} once "
                        f"the tariff is in full is {total:.4f}, expected 0.60")
            t.check(all(r is None or r < 0.5 for r in pre.values()),
                    f"full_decoupling: {exporter}->{importer} rates before step {first} "
                    f"already reach 0.5: {pre}")
            t.info(f"full_decoupling {exporter}->{importer}: step {steps[before]} {pre}; "
                   f"step {steps[after]} {post}")
        t.check(shipped, "full_decoupling: no goods shipped between China and the United "
                         "States once the tariff is in full, in either direction")
        t.info(f"full_decoupling: goods shipped once the tariff is in full: {shipped}")


def check_rcep(t, out, first):
    with h5py.File(out, "r") as f:
        steps = list(f["series/step"][:])
        later = first + PAST_FIRST_EVENT
        pre = rates(f, "JPN", "CHN", steps.index(first - 1))
        post = rates(f, "JPN", "CHN", steps.index(later))
        both = [s for s in GOODS if pre[s] is not None and post[s] is not None and pre[s] > 0]
        t.check(both, "rcep: no dutiable goods shipped JPN->CHN both before and after entry "
                      "into force")
        for s in both:
            t.check(post[s] < pre[s] - 1e-4,
                    f"rcep: China's rate on Japanese {s} did not fall: {pre[s]:.4f} at step "
                    f"{first - 1}, {post[s]:.4f} at step {later}")
        t.info(f"rcep JPN->CHN: step {first - 1} {pre}; step {later} {post}")


def check_lockdown(t, out, first):
    """Shanghai's output in the lockdown step against the step before (factor 0.4)."""
    with h5py.File(out, "r") as f:
        steps = list(f["series/step"][:])
        regions = list(f["series/region"].asstr()[:])
        made = f["series/output"][:, regions.index("CHN-Shanghai"), :].sum(axis=1)
        before, during = int(made[steps.index(first - 1)]), int(made[steps.index(first)])
        t.check(before > 0 and during < 0.7 * before,
                f"shanghai_lockdown: Shanghai's output {during} at step {first}, {before} the "
                f"step before: expected a fall to about 40%")
        t.info(f"shanghai_lockdown: Shanghai's output {before} at step {first - 1}, {during} "
               f"at step {first}")


def check_entity_lists(t, out):
    """chip_controls.yaml: the listed firms are Chinese makers of chips and electronics, and
    the two lists hold some of them."""
    with h5py.File(out, "r") as f:
        names = list(f["world/entity_list"].asstr()[:])
        t.check(names == ["chip_makers", "advanced_computing"],
                f"chip_controls: /world/entity_list is {names}")
        last = str(int(f["series/step"][-1]))
        firms = f["snapshots"][last]["firms"]
        lists = firms["entity_lists"][:]
        regions = list(f["world/region"].asstr()[:])
        sectors = list(f["world/sector"].asstr()[:])
        listed = lists != 0
        where = {(regions[r], sectors[s]) for r, s in
                 zip(firms["region"][:][listed], firms["sector"][:][listed])}
        t.check(all(r.startswith("CHN-") and s in ("semiconductors", "electronics")
                    for r, s in where), f"chip_controls: firms listed outside China's chip "
                                        f"and electronics makers: {sorted(where)}")
        for bit, name in enumerate(names):
            n = int(((lists >> bit) & 1).sum())
            t.check(n > 0, f"chip_controls: no firm on {name}")
            t.info(f"chip_controls: {n} firms on {name}")


def check_relocation(t, path):
    """reshoring.yaml: relocation on (free sites above 0), and relocation_subsidy events paid
    by Japan and the United States."""
    with open(path) as f:
        text = f.read()
    section = re.search(r"^relocation:\n((?:[ #].*\n)*)", text, re.M)
    reserve = re.search(r"^\s+reserve:\s*([0-9.]+)", section.group(1), re.M) if section else None
    t.check(reserve is not None and float(reserve.group(1)) > 0,
            "reshoring: no relocation section with a reserve above 0")
    payers = sorted(re.findall(r"type:\s*relocation_subsidy,\s*country:\s*(\w+)", text))
    t.check(payers == ["JPN", "USA"],
            f"reshoring: relocation_subsidy events paid by {payers}, expected JPN and USA")
    t.info(f"reshoring: relocation reserve {reserve.group(1) if reserve else None}, "
           f"subsidies paid by {payers}")


def check_venues(t, out, first):
    """shanghai_venues_opening.yaml: the five venues are in the file, and Shanghai's traded
    before and after it opened."""
    with h5py.File(out, "r") as f:
        venues = list(f["series/venue"].asstr()[:])
        t.check(venues == ["SHFE_INE", "GFEX", "CME", "ICE_LME", "SGX"],
                f"shanghai_venues_opening: /series/venue is {venues}")
        steps = list(f["series/step"][:])
        volume = f["series/venue_volume"][:, venues.index("SHFE_INE"), :].sum(axis=1)
        before = int(volume[:steps.index(first)].sum())
        after = int(volume[steps.index(first):].sum())
        t.check(before > 0 and after > 0,
                f"shanghai_venues_opening: SHFE_INE traded {before} before step {first} and "
                f"{after} from it")
        t.info(f"shanghai_venues_opening: SHFE_INE traded {before} before step {first}, "
               f"{after} from it")


def body(t):
    files = sorted(glob.glob(os.path.join(t.source, "configs", "scenarios", "*.yaml")))
    t.check(len(files) >= 3, f"configs/scenarios holds {len(files)} scenario files")
    for path in files:
        name = os.path.basename(path)
        rc, stdout, stderr, _ = t.run(["validate", path])
        if not t.check(rc == 0, f"validate {name} exits {rc}: {stderr.strip()}"):
            continue
        if name == "reshoring.yaml":
            check_relocation(t, path)
        events = own_event_steps(path)
        if not t.check(events, f"{name} has no events of its own"):
            continue
        first = events[0]
        steps = first + PAST_FIRST_EVENT
        if name == "full_decoupling.yaml":
            steps = first + DECOUPLING_PHASE_IN
        if max(events) >= steps:
            steps = file_steps(stdout)
            if not t.check(steps, f"validate {name} does not report the run length: {stdout}"):
                continue
        out = t.path(name.replace(".yaml", ".h5"))
        rc, stdout, stderr, seconds = t.run(
            ["run", path, *SMALL, "--set", f"steps={steps}", "--set", "output.snapshots=[]",
             "--out", out, "--quiet"], timeout=600)
        t.info(f"{name}: {steps} steps in {seconds:.1f} s")
        if not t.check(rc == 0, f"run {name} exits {rc}: {stderr.strip()}"):
            continue
        with h5py.File(out, "r") as f:
            t.check(clitest.read_status(f) == "completed", f"{name}: status is not completed")
            last = int(f["series/step"][-1])
            t.check(last == steps, f"{name}: last step {last}, expected {steps}")
        if name == "full_decoupling.yaml":
            check_decoupling(t, out, first)
        elif name == "rcep.yaml":
            check_rcep(t, out, first)
        elif name == "shanghai_lockdown.yaml":
            check_lockdown(t, out, first)
        elif name == "chip_controls.yaml":
            check_entity_lists(t, out)
        elif name == "shanghai_venues_opening.yaml":
            check_venues(t, out, first)


if __name__ == "__main__":
    clitest.Test("cli-scenario-library").run_main(body)

#!/usr/bin/python3
"""cli-fuzz-validate: `entrepot validate` survives damaged scenarios and says where.

Seeded text mutations of the shipped scenarios (configs/ and configs/scenarios/): numbers
swapped for extreme or malformed values, lines deleted, duplicated or re-indented, keys and
names misspelt, stray YAML characters, files cut short, and a few `--set` overrides with
such values. For every mutant `entrepot validate` must end within its time limit with exit
status 0 (accepted) or 2 (refused) - never a crash, a hang or an internal error - and a
refusal is one line that starts with `FILE:LINE:COL: ` (or `--set PATH=VALUE: ` for an
override). Arguments after SOURCE_DIR: [MUTANTS [SEED]] (default 300 mutants, seed 1).
"""
import os
import random
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor

import clitest

MUTANTS = 300
SEED = 1
TIMEOUT_S = 30  # one validate takes well under a second; a hang is what this catches

NASTY = ["-1", "0", "-0", "1", "25", "100", "1e20", "1e300", "-1e300", "1e-320", ".nan",
         ".inf", "-.inf", "99999999999999999999", "4294967296", "2.5", "0x10", "abc", "''",
         '"3"', "~", "true", "[]", "[1, 2]", "{}", "{a: 1}", "!!str 5", "&a 1", "*a"]
STRAY = [":", "[", "]", "{", "}", "-", "'", '"', "#", "&", "*", "!", "%", "@", "`", "|",
         ">", "\t", ",", "?"]
NUMBER = re.compile(r"(?<![\w.-])-?\d+(\.\d+)?(e-?\d+)?(?![\w.])")
WORD = re.compile(r"[A-Za-z_][A-Za-z_-]{2,}")
SET_PATHS = ["steps", "seed", "burn_in", "agents.consumers", "agents.firms",
             "regions.CHN-Shanghai.productivity", "regions.USA-Coast.gdp",
             "sectors.metals.markup", "sectors.lithium.value_added_share",
             "sectors.metals.transport_cost", "recipe.metals.vehicles", "tariffs.mfn.0.rate",
             "behaviour.search_probability", "behaviour.candidates", "output.snapshots",
             "events", "allow_implausible", "output.flush_every"]
ERROR_AT = re.compile(r"^(?P<file>[^\s:][^:]*):(?P<line>\d+):(?P<col>\d+): \S")


def shipped(source):
    """(folder relative to configs/, file name) of every shipped scenario."""
    found = []
    for folder in ("", "scenarios"):
        base = os.path.join(source, "configs", folder)
        for name in sorted(os.listdir(base)):
            if name.endswith(".yaml"):
                found.append((folder, name))
    return found


def misspell(word, rng):
    if len(word) < 3:
        return word + "x"
    i = rng.randrange(len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


def mutate(text, rng):
    """One random damage to the text of a scenario."""
    lines = text.split("\n")
    kind = rng.randrange(8)
    if kind == 0:  # a number becomes something else
        spots = [m for m in NUMBER.finditer(text)]
        if spots:
            m = rng.choice(spots)
            return text[:m.start()] + rng.choice(NASTY) + text[m.end():]
    if kind == 1 and len(lines) > 1:  # a line deleted
        del lines[rng.randrange(len(lines))]
        return "\n".join(lines)
    if kind == 2:  # a line duplicated
        i = rng.randrange(len(lines))
        lines.insert(i, lines[i])
        return "\n".join(lines)
    if kind == 3:  # a line re-indented
        i = rng.randrange(len(lines))
        lines[i] = ("  " + lines[i]) if rng.random() < 0.5 else lines[i][2:]
        return "\n".join(lines)
    if kind == 4:  # a key or name misspelt
        spots = [m for m in WORD.finditer(text)]
        if spots:
            m = rng.choice(spots)
            return text[:m.start()] + misspell(m.group(), rng) + text[m.end():]
    if kind == 5:  # a stray character
        i = rng.randrange(len(text) + 1)
        return text[:i] + rng.choice(STRAY) + text[i:]
    if kind == 6:  # cut short
        return text[:rng.randrange(len(text) + 1)]
    # a value swapped between two places
    spots = [m for m in NUMBER.finditer(text)]
    if len(spots) >= 2:
        a, b = sorted(rng.sample(spots, 2), key=lambda m: m.start())
        return (text[:a.start()] + b.group() + text[a.end():b.start()] + a.group() +
                text[b.end():])
    return text + "\n" + rng.choice(NASTY) + "\n"


def body(t):
    count = int(t.args[0]) if t.args else MUTANTS
    seed = int(t.args[1]) if len(t.args) > 1 else SEED
    rng = random.Random(seed)
    configs = t.path("configs")
    shutil.copytree(os.path.join(t.source, "configs"), configs)
    files = shipped(t.source)
    jobs = []
    for n in range(count):
        folder, name = rng.choice(files)
        with open(os.path.join(configs, folder, name), encoding="utf-8") as f:
            text = f.read()
        mutant = os.path.join(configs, folder, f"mutant{n:04d}.yaml")
        overrides = []
        if rng.random() < 0.15:
            overrides = ["--set", f"{rng.choice(SET_PATHS)}={rng.choice(NASTY)}"]
        else:
            for _ in range(rng.choice([1, 1, 2, 3])):
                text = mutate(text, rng)
        with open(mutant, "w", encoding="utf-8") as f:
            f.write(text)
        jobs.append((n, mutant, overrides))

    def validate(job):
        n, mutant, overrides = job
        command = [t.binary, "validate", mutant, *overrides]
        try:
            done = subprocess.run(command, cwd=t.tmp, env=clitest.child_env(),
                                  stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                  timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            return n, command, None, ""
        return n, command, done.returncode, done.stderr

    # A validate mostly waits (for MPI's start-up): more of them than cores keep it short.
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(validate, jobs))

    accepted = refused = 0
    for n, command, rc, stderr in results:
        what = f"mutant {n} (`{' '.join(command[1:])}`)"
        if rc is None:
            t.check(False, f"{what}: no answer within {TIMEOUT_S} s")
            continue
        if rc == 0:
            accepted += 1
            continue
        lines = stderr.strip().splitlines()
        first = lines[0] if lines else ""
        if not t.check(rc == 2, f"{what}: exit status {rc}, expected 0 or 2: {stderr.strip()!r}"):
            continue
        refused += 1
        t.check(len(lines) == 1, f"{what}: expected one error line, got {lines}")
        if command[-2:-1] == ["--set"] and first.startswith("--set "):
            continue
        t.check(ERROR_AT.match(first) is not None,
                f"{what}: the refusal names no FILE:LINE:COL: {first!r}")
    t.info(f"{count} mutants (seed {seed}): {accepted} accepted, {refused} refused")
    t.check(refused > count // 2, f"only {refused} of {count} mutants were refused: the "
                                  f"mutations are too gentle to test anything")


if __name__ == "__main__":
    clitest.Test("cli-fuzz-validate").run_main(body)

#!/usr/bin/python3
"""cli-bench-report: what `entrepot bench` reports on a small world with retailers and traders.

Its last stdout line carries agents, updates_per_s, bytes_per_agent, peak_rss_mb, stream_gbps
and traffic_ratio, each a positive number. Its stderr names every part of a step with the
median seconds it took, and no part's median exceeds the slowest whole step: a part that
was summed over steps, or timed across the step's end, would. With --auction-orders it times
the call auctions too. Nothing here compares speeds.
"""
import re

import clitest

PARTS = ["policy", "search", "carbon", "plan", "labour", "produce", "trade", "venues",
         "accounts", "relocation", "prices", "statistics", "next step"]
KEYS = ["agents", "updates_per_s", "bytes_per_agent", "peak_rss_mb", "stream_gbps",
        "traffic_ratio"]


def body(t):
    rc, stdout, stderr, _ = t.run(["bench", "--agents", "20000", "--warm-up", "1", "--steps", "5",
                                   "--retail-market", "500", "--traders", "1", "--auction-orders", "3000"],
                                  timeout=120)
    t.check(rc == 0, f"bench exits {rc}: {stderr.strip()}")
    lines = stdout.strip().splitlines()
    t.check(bool(lines), "bench printed nothing on stdout")
    fields = dict(word.split("=", 1) for word in lines[-1].split() if "=" in word)
    for key in KEYS:
        t.check(key in fields and float(fields[key]) > 0,
                f"the last line has no positive {key}: {lines[-1]}")
    t.check(int(fields.get("agents", 0)) >= 20000,
            f"bench counts {fields.get('agents')} agents, fewer than the 20000 households and "
            "firms it was asked for")

    slowest = re.search(r"step median [0-9.]+ s \(min [0-9.]+, max ([0-9.]+)\)", stderr)
    t.check(slowest is not None, f"bench does not report its steps' times: {stderr}")
    report = re.search(r"^bench: step parts \(medians of the timed steps\): (.*)$", stderr, re.M)
    t.check(report is not None, f"bench does not report the parts of a step: {stderr}")
    if slowest is None or report is None:
        return
    parts = dict((m[1], float(m[2])) for m in
                 re.finditer(r"([a-z ]+) ([0-9.]+) s \(\d+%\)(?:, |$)", report[1]))
    t.check(list(parts) == PARTS, f"the parts reported are {list(parts)}, not {PARTS}")
    for name, seconds in parts.items():
        t.check(0.0 <= seconds <= float(slowest[1]),
                f"part '{name}' took {seconds} s, beyond the slowest step's {slowest[1]} s")
    t.check(parts.get("trade", 0.0) > 0.0, f"the trade part took no time: {report[1]}")
    auctions = re.search(r"^bench: call auctions: 3000 orders in 15 books cleared in ([0-9.]+) s",
                         stderr, re.M)
    t.check(auctions is not None, f"bench does not time the call auctions: {stderr}")


if __name__ == "__main__":
    clitest.Test("cli-bench-report").run_main(body)

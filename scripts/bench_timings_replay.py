#!/usr/bin/env python3
"""Estimates a build's wall time on an idle machine from a `cargo build --timings` report.

Usage: scripts/bench_timings_replay.py cargo-timing.html CPU_SECONDS [--cores 2]

Taken on a loaded machine, a timings report's unit durations are inflated; CPU_SECONDS (user +
sys of the same build, from /usr/bin/time -v) rescales them so that they add up to the CPU time.
The units are then replayed on --cores simulated cores: a unit starts (longest first) once the
units that unblocked it in the report have ended. Prints the simulated wall time. An estimate:
rustc's own threads and a different finishing order on an idle machine are not modelled.
"""
import argparse
import heapq
import json
import re
import sys


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("timings")
    ap.add_argument("cpu_seconds", type=float)
    ap.add_argument("--cores", type=int, default=2)
    a = ap.parse_args()
    with open(a.timings, encoding="utf-8") as f:
        html = f.read()
    m = re.search(r"const UNIT_DATA = (\[.*?\]);\n", html, re.S)
    if not m:
        sys.exit(f"{a.timings}: no UNIT_DATA (expected a cargo --timings HTML report)")
    units = {u["i"]: u for u in json.loads(m.group(1))}
    scale = a.cpu_seconds / sum(u["duration"] for u in units.values())
    waits = {i: set() for i in units}
    for u in units.values():
        for j in u.get("unblocked_units", []) + u.get("unblocked_rmeta_units", []):
            waits[j].add(u["i"])
    ready = [i for i, w in waits.items() if not w]
    queued = set(ready)
    running, done, free, now = [], 0, a.cores, 0.0
    while done < len(units):
        ready.sort(key=lambda i: -units[i]["duration"])
        while free and ready:
            i = ready.pop(0)
            heapq.heappush(running, (now + units[i]["duration"] * scale, i))
            free -= 1
        if not running:
            sys.exit("the report's dependency data is inconsistent")
        now, i = heapq.heappop(running)
        free += 1
        done += 1
        for j, w in waits.items():
            if i in w:
                w.discard(i)
                if not w and j not in queued:
                    ready.append(j)
                    queued.add(j)
    print(f"{len(units)} units, {a.cpu_seconds:.1f} s CPU: about {now:.0f} s wall on {a.cores} idle cores")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Times whole commands in turn: one run of each, then again, round after round.

On a machine shared with other work, speed drifts over minutes; commands
timed one after the other (all runs of the first, then all of the second)
meet different moments of that drift and their ratio with them. Run in
turn, each round's commands meet nearly the same moment, so the ratio of
their times within a round is steadier than either time. Reports, per
command, the median and fastest wall time and the median CPU time (user +
system, of the command and its children), and, per command against the
first, the median of the rounds' ratios; with --json, every round's times
as well, for ratios against another command.

    benches/interleaved.py --rounds 15 --json out.json \\
        hand='target/dist/examples/handwritten_mm16' \\
        mm16='target/dist/stratosim run benches/mm16-2m.toml --out /tmp/o --jobs 1 --quiet'

Before each run of a command, the folder after its `--out` is removed, so
every run writes into a fresh folder.
"""

import argparse
import json
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import time


def run_once(argv):
    """Wall and CPU seconds of one run of `argv` (its output discarded)."""
    if "--out" in argv:
        shutil.rmtree(argv[argv.index("--out") + 1], ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=15)
    p.add_argument("--warmup", type=int, default=2, help="rounds run first and not counted")
    p.add_argument("--json", help="write the results here")
    p.add_argument("commands", nargs="+", metavar="NAME=COMMAND")
    args = p.parse_args()
    names, argvs = [], []
    for c in args.commands:
        name, _, command = c.partition("=")
        names.append(name)
        argvs.append(shlex.split(command))
    runs = {n: [] for n in names}
    for r in range(args.warmup + args.rounds):
        for name, argv in zip(names, argvs):
            wall, cpu = run_once(argv)
            if r >= args.warmup:
                runs[name].append((wall, cpu))
    first = names[0]
    results = {}
    for name in names:
        walls = [w for w, _ in runs[name]]
        cpus = [c for _, c in runs[name]]
        results[name] = {
            "median": statistics.median(walls),
            "min": min(walls),
            "cpu": statistics.median(cpus),
            "wall_ratio": statistics.median(
                w / f for (w, _), (f, _) in zip(runs[name], runs[first])
            ),
            "cpu_ratio": statistics.median(
                c / f for (_, c), (_, f) in zip(runs[name], runs[first])
            ),
            "rounds": len(walls),
            # Each round's times, so that other ratios can be taken round
            # by round too.
            "walls": walls,
            "cpus": cpus,
        }
        r = results[name]
        print(
            f"{name}: median {r['median'] * 1e3:.0f} ms, fastest {r['min'] * 1e3:.0f} ms, "
            f"CPU {r['cpu'] * 1e3:.0f} ms; x {first}: {r['wall_ratio']:.2f} "
            f"(CPU {r['cpu_ratio']:.2f})",
            file=sys.stderr,
        )
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()

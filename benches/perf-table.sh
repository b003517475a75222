#!/usr/bin/env bash
# Measures stratosim against a hand-written loop and SimPy on this machine,
# and prints the tables of the README's "Performance" section (markdown).
#
#   benches/perf-table.sh            # print the tables (about 16 minutes)
#   benches/perf-table.sh --write    # also replace them in README.md, if the
#                                    # host held steady (see the end)
#
# Needs: cargo, python3 with SimPy 4.1.2 (pip install simpy==4.1.2), and
# llvm-profdata for the PGO builds (rustup component add llvm-tools).
# Every figure is for one thread:
# - criterion (`cargo bench --profile dist --bench engine`): the hand-written M/M/16 loop
#   (reference/handwritten_mm16), simulate() of the same M/M/16
#   (mmc/m_m_16) and of the three-tier design (three_tier/alb_ec2_db), and
#   the benchmarks of each part;
# - benches/interleaved.py: whole processes run in turn, round after
#   round: the same hand-written loop as a program of its own (the example
#   handwritten_mm16), then `stratosim run --jobs 1` end to end (start-up,
#   simulation, CSV files, charts, report) on benches/mm16-2m.toml, then on
#   benches/memory-2m-three-tier.toml, each run into a fresh folder; the
#   ratio to the loop is the median of the rounds' ratios, which a shared
#   machine's drift moves much less than the times themselves; the same
#   three programs built with profile-guided optimisation (benches/pgo.sh)
#   run in the same rounds, and the PGO build of stratosim is compared with
#   the PGO build of the loop;
# - SimPy: benches/simpy_mm16.py on the same M/M/16 (2 M requests) and on
#   the same three tiers (400 k requests).
set -euo pipefail
cd "$(dirname "$0")/.."
write=false
[[ "${1:-}" == "--write" ]] && write=true
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The fastest build (`dist`: one codegen unit, fat LTO), as in the tables.
cargo build --profile dist --locked --bin stratosim --example handwritten_mm16 >&2
cargo bench --profile dist --locked --bench engine >&2
benches/pgo.sh

python3 benches/interleaved.py --rounds 15 --warmup 2 --json "$work/whole.json" \
  hand="target/dist/examples/handwritten_mm16" \
  mm16="target/dist/stratosim run benches/mm16-2m.toml --out $work/out --jobs 1 --quiet" \
  three_tier="target/dist/stratosim run benches/memory-2m-three-tier.toml --out $work/out --jobs 1 --quiet" \
  hand_pgo="target/pgo/dist/examples/handwritten_mm16" \
  mm16_pgo="target/pgo/dist/stratosim run benches/mm16-2m.toml --out $work/out --jobs 1 --quiet" \
  three_tier_pgo="target/pgo/dist/stratosim run benches/memory-2m-three-tier.toml --out $work/out --jobs 1 --quiet" >&2
# The requests each run simulated, from its summary.csv.
for f in mm16-2m memory-2m-three-tier; do
  rm -rf "$work/out"
  target/dist/stratosim run "benches/$f.toml" --out "$work/out" --jobs 1 --quiet --no-charts
  cp "$work/out/summary.csv" "$work/$f.csv"
done

python3 benches/simpy_mm16.py --rate 200 --service 0.070 --duration 10000 | tee "$work/simpy.txt" >&2
# The three tiers in SimPy: 400 k requests (its speed per request does not
# depend on the horizon).
python3 benches/simpy_mm16.py --model three-tier --duration 800 | tee "$work/simpy3.txt" >&2

machine="$(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB"
python3 - "$work" "$machine" "$(rustc --version)" "$(git rev-parse --short HEAD)" "$write" <<'EOF'
import csv, json, re, statistics, sys, datetime
work, machine, rustc, commit, write = sys.argv[1:6]

def crit(name):
    d = f"target/criterion/{name}/new"
    est = json.load(open(f"{d}/estimates.json"))
    elements = json.load(open(f"{d}/benchmark.json"))["throughput"]
    elements = elements["Elements"] if elements else 1
    lo = est["median"]["confidence_interval"]["lower_bound"] / elements
    hi = est["median"]["confidence_interval"]["upper_bound"] / elements
    return est["median"]["point_estimate"] / elements, lo, hi

def requests(f):
    return sum(int(r["requests"]) for r in csv.DictReader(open(f"{work}/{f}.csv")))

runs = json.load(open(f"{work}/whole.json"))
def whole(name, n):
    r = runs[name]
    return r["median"] / n * 1e9, r["min"] / n * 1e9, r["cpu"] / n * 1e9

def ratio(name, base, kind):
    """The median of the rounds' ratios of `name`'s times to `base`'s."""
    return statistics.median(a / b for a, b in zip(runs[name][kind], runs[base][kind]))

def simpy_ns(f):
    text = open(f"{work}/{f}").read()
    return float(re.search(r"ns per request\s+([\d,.]+)", text).group(1).replace(",", ""))
simpy_version = re.search(r"simpy ([\d.]+)", open(f"{work}/simpy.txt").read()).group(1)
simpy, simpy3 = simpy_ns("simpy.txt"), simpy_ns("simpy3.txt")

hand, hand_lo, hand_hi = crit("reference/handwritten_mm16")
sim, sim_lo, sim_hi = crit("mmc/m_m_16")
mm_n, tt_n = requests("mm16-2m"), requests("memory-2m-three-tier")
rounds = runs["hand"]["rounds"]
# The loop's own count of requests (arrivals before the horizon): the
# throughput its criterion benchmark recorded.
hand_n = json.load(open("target/criterion/reference/handwritten_mm16/new/benchmark.json"))["throughput"]["Elements"]
hw_wall, hw_min, hw_cpu = whole("hand", hand_n)
mm_wall, mm_min, mm_cpu = whole("mm16", mm_n)
mm_ratio, mm_cpu_ratio = ratio("mm16", "hand", "walls"), ratio("mm16", "hand", "cpus")
tt_wall, tt_min, tt_cpu = whole("three_tier", tt_n)
hp_wall, hp_min, hp_cpu = whole("hand_pgo", hand_n)
mp_wall, mp_min, mp_cpu = whole("mm16_pgo", mm_n)
mp_ratio, mp_cpu_ratio = ratio("mm16_pgo", "hand_pgo", "walls"), ratio("mm16_pgo", "hand_pgo", "cpus")
tp_wall, tp_min, tp_cpu = whole("three_tier_pgo", tt_n)
tt_sim, tt_lo, tt_hi = crit("three_tier/alb_ec2_db")

def ns(x):
    if x < 10:
        return f"{x:.1f} ns"
    return f"{x:,.0f} ns" if x < 10_000 else f"{x / 1000:,.1f} µs"
def mps(x):
    return f"{1e3 / x:.2f} M/s" if x < 1000 else f"{1e6 / x:.1f} k/s"

out = []
out.append(f"Measured on {datetime.date.today()} with `benches/perf-table.sh` at commit `{commit}`: "
           f"{machine}; {rustc}; `dist` profile (and its PGO build where a row says so); one thread. "
           "Criterion figures are medians (95% interval in brackets). Whole-process figures "
           f"come from {rounds} rounds of `benches/interleaved.py`, each round running the "
           "hand-written loop as a program of its own, then `stratosim run` on the M/M/16, then on "
           "the three tiers, each into a fresh folder: the median run (the fastest run, and "
           "the median CPU time, in brackets); a whole process's ratio to the loop is the "
           "median of the rounds' ratios (of CPU times in brackets).")
out.append("")
out.append("| M/M/16, λ = 200/s, 70 ms exponential service, 2 M requests | per request | × hand-written loop | SimPy ÷ this |")
out.append("|---|---|---|---|")
out.append(f"| hand-written Rust loop (`reference/handwritten_mm16`: binary heap, FIFO, PCG exponential draws, an HDR record per request, no output) | {ns(hand)} ({ns(hand_lo)}–{ns(hand_hi)}) | 1 | {simpy / hand:.0f}× |")
out.append(f"| stratosim `simulate()` alone (`mmc/m_m_16`) | {ns(sim)} ({ns(sim_lo)}–{ns(sim_hi)}) | {sim / hand:.2f} | {simpy / sim:.0f}× |")
out.append(f"| hand-written Rust loop, whole process (the example `handwritten_mm16`: the same loop as a program of its own, run in turn with the row below) | {ns(hw_wall)} (fastest {ns(hw_min)}; CPU {ns(hw_cpu)}) | 1 | {simpy / hw_wall:.0f}× |")
out.append(f"| **stratosim `run --jobs 1`, whole process** (start-up, simulation, CSV files, charts, report; `benches/mm16-2m.toml`, {mm_n:,} requests) | **{ns(mm_wall)}** (fastest {ns(mm_min)}; CPU {ns(mm_cpu)}) | **{mm_ratio:.2f}** (CPU {mm_cpu_ratio:.2f}) × the loop's whole process | **{simpy / mm_wall:.0f}×** |")
out.append(f"| hand-written Rust loop, whole process, PGO build (`benches/pgo.sh`) | {ns(hp_wall)} (fastest {ns(hp_min)}; CPU {ns(hp_cpu)}) | {ratio('hand_pgo', 'hand', 'walls'):.2f} | {simpy / hp_wall:.0f}× |")
out.append(f"| stratosim `run --jobs 1`, whole process, PGO build (`benches/pgo.sh`, trained on the shipped scenarios) | {ns(mp_wall)} (fastest {ns(mp_min)}; CPU {ns(mp_cpu)}) | {mp_ratio:.2f} (CPU {mp_cpu_ratio:.2f}) × the PGO loop's whole process; {ratio('mm16_pgo', 'hand', 'walls'):.2f} × the plain loop's | {simpy / mp_wall:.0f}× |")
out.append(f"| SimPy {simpy_version}, one process per request (`benches/simpy_mm16.py --rate 200 --service 0.070 --duration 10000`) | {ns(simpy)} | {simpy / hand:.0f} | 1 |")
out.append("")
out.append("| ALB → 8 × EC2 (16 workers) → database (64 connections), 500/s | per request | requests per second | SimPy ÷ this |")
out.append("|---|---|---|---|")
out.append(f"| stratosim `simulate()` alone (`three_tier/alb_ec2_db`) | {ns(tt_sim)} ({ns(tt_lo)}–{ns(tt_hi)}) | {mps(tt_sim)} | {simpy3 / tt_sim:.0f}× |")
out.append(f"| **stratosim `run --jobs 1`, whole process** (`benches/memory-2m-three-tier.toml`, {tt_n:,} requests) | {ns(tt_wall)} (fastest {ns(tt_min)}; CPU {ns(tt_cpu)}) | **{mps(tt_wall)}** (fastest {mps(tt_min)}) | {simpy3 / tt_wall:.0f}× |")
out.append(f"| stratosim `run --jobs 1`, whole process, PGO build (`benches/pgo.sh`) | {ns(tp_wall)} (fastest {ns(tp_min)}; CPU {ns(tp_cpu)}) | **{mps(tp_wall)}** (fastest {mps(tp_min)}) | {simpy3 / tp_wall:.0f}× |")
out.append(f"| SimPy {simpy_version} (`benches/simpy_mm16.py --model three-tier --duration 800`) | {ns(simpy3)} | {mps(simpy3)} | 1 |")
out.append("")
out.append("| benchmark | what it measures | result |")
out.append("|---|---|---|")
parts = [
    ("process/start_up", "`stratosim run` of one simulated second (about 200 requests): start-up, CSV files, charts, report", None),
    ("engine/hold", "the engine alone (queue and dispatch): an actor reschedules each event after 1 ns–1 ms, 1,000 events pending", "events"),
    ("engine/hold_16", "the same with 16 events pending (as many as in the M/M/16)", "events"),
    ("engine/chain_in_heap", "16 events pending and a chain of events as frequent as all of them together (as the M/M/16's arrivals are), the chain scheduled as ordinary events", "events"),
    ("engine/chain_in_series", "the same, the chain scheduled as the engine's series (kept beside the heap)", "events"),
    ("engine/timeouts_in_heap", "16 events pending, each setting a 100 ms timeout when delivered (about 3,200 pending), the timeouts scheduled as ordinary events", "events"),
    ("engine/timeouts_in_lanes", "the same, the timeouts scheduled after a fixed delay (in the engine's lane for it)", "events"),
    ("event_queue/engine", "one pop and one push among 10,000 events: the engine's queue (with dispatch)", "ops"),
    ("event_queue/binary_heap", "the same on std's `BinaryHeap` alone", "ops"),
    ("event_queue/priority_queue", "the same on the `priority-queue` crate", "ops"),
    ("latencies/record", "recording a latency in `Latencies` (batched HDR histogram, exact sum and maximum)", "records"),
    ("latencies/hdr_record", "recording a latency straight into an HDR histogram", "records"),
    ("arrivals/poisson", "one arrival instant of a constant-rate Poisson workload", "arrivals"),
    ("dist/exp", "one exponential service time", "draws"),
    ("dist/lognormal", "one log-normal service time", "draws"),
]
for name, what, unit in parts:
    t, lo, hi = crit(name)
    if unit is None:
        out.append(f"| `{name}` | {what} | {t / 1e6:.1f} ms ({lo / 1e6:.1f}–{hi / 1e6:.1f}) |")
    else:
        out.append(f"| `{name}` | {what} | {1e3 / t:.1f} M {unit}/s ({ns(t)} each) |")
table = "\n".join(out) + "\n"
print(table, end="")
# A table is written only if the host held steady: criterion's intervals
# narrow, and the loop as long in its own process as in criterion's (the
# two are measured minutes apart, so a host that slowed in between shows
# here). Otherwise the README would mix a busy host's figures with a quiet
# one's.
unsteady = [f"{name}'s 95% interval is {(h - l) / t:.0%} of its median"
            for name, (t, l, h) in [("reference/handwritten_mm16", (hand, hand_lo, hand_hi)),
                                    ("mmc/m_m_16", (sim, sim_lo, sim_hi)),
                                    ("three_tier/alb_ec2_db", (tt_sim, tt_lo, tt_hi))]
            if (h - l) / t > 0.10]
if abs(hw_wall / hand - 1) > 0.15:
    unsteady.append(f"the loop took {ns(hw_wall)} in its own process and {ns(hand)} in criterion")
if write == "true" and unsteady:
    sys.exit("perf-table.sh: README.md not written, the host did not hold steady: "
             + "; ".join(unsteady) + ". Run again when it is quiet.")
if write == "true":
    readme = open("README.md").read()
    begin, end = "<!-- perf-table: begin -->\n", "<!-- perf-table: end -->\n"
    a, b = readme.index(begin) + len(begin), readme.index(end)
    open("README.md", "w").write(readme[:a] + table + readme[b:])
EOF

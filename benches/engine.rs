//! Speed of the engine, of its parts and of whole simulations (criterion).
//!
//! `cargo bench --bench engine` reports, per benchmark, time per iteration
//! and throughput (`benches/perf-table.sh` turns them into the README's
//! performance table):
//! - `reference/handwritten_mm16`: the yardstick of issue 15, M/M/16 written
//!   by hand for that one model, to compare with `mmc/m_m_16`;
//! - `mmc/m_m_16`: a whole `simulate()` of the same M/M/16
//!   (`benches/mm16-2m.toml`, 2 M requests);
//! - `three_tier/alb_ec2_db`: a whole `simulate()` of ALB → EC2 → database
//!   (`benches/memory-2m-three-tier.toml`, 2 M requests);
//! - `process/start_up`: the `stratosim` executable end to end on a run of
//!   one simulated second (start-up, CSV files, charts, report): the fixed
//!   cost of every run;
//! - `engine/hold`, `engine/hold_16`: the engine alone (queue and
//!   dispatch), events per second with 1,000 or 16 events pending;
//! - `engine/chain_in_heap`, `engine/chain_in_series`: 16 pending events
//!   and a chain as frequent as all of them together (as the M/M/16's
//!   arrivals are), the chain sent as ordinary events or as the engine's
//!   series;
//! - `engine/timeouts_in_heap`, `engine/timeouts_in_lanes`: 16 pending
//!   events, each of which, when delivered, also sets a timeout of 100 ms
//!   (about 3,200 pending: a client's timeout per request, say), sent as
//!   ordinary events or after a fixed delay, in the engine's lane for it;
//! - `event_queue/*`: one pop and one push on 10,000 pending events: std's
//!   `BinaryHeap`, the `priority-queue` crate, and the engine (its queue
//!   through dispatch);
//! - `latencies/*`: recording a million latencies, through
//!   [`Latencies`] (batched) and straight into an HDR histogram;
//! - `arrivals/poisson`, `dist/*`: a million arrival instants, service
//!   times.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::path::{Path, PathBuf};
use std::process::Command;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use hdrhistogram::Histogram;
use priority_queue::PriorityQueue;
use rand::SeedableRng;
use rand_distr::{Distribution, Exp1};
use rand_pcg::Pcg64Mcg;

use stratosim::dist::Dist;
use stratosim::engine::{Actor, ActorId, Ctx, Engine};
use stratosim::model::client::Arrivals;
use stratosim::rng::{StreamRng, stream};
use stratosim::run::simulate;
use stratosim::scenario::{Scenario, load_str};
use stratosim::stats::Latencies;
use stratosim::time::{SimDuration, SimTime};

#[path = "reference/handwritten_mm16.rs"]
mod handwritten;
use handwritten::handwritten_mm16;

/// A scenario shipped in `benches/`.
fn bench_scenario(name: &str) -> (PathBuf, Scenario) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("benches")
        .join(name);
    let text = std::fs::read_to_string(&path).expect("the bench scenario is readable");
    let s = load_str(&text, &path, &[]).expect("the bench scenario is valid");
    (path, s)
}

fn reference(c: &mut Criterion) {
    let (requests, mean) = handwritten_mm16();
    eprintln!(
        "reference/handwritten_mm16: {requests} requests, mean response {:.3} ms",
        mean / 1e6
    );
    let mut g = c.benchmark_group("reference");
    g.sample_size(10);
    g.throughput(Throughput::Elements(requests));
    g.bench_function("handwritten_mm16", |b| b.iter(handwritten_mm16));
    g.finish();
}

/// A whole `simulate()` of `file`, one element per request.
fn whole_run(c: &mut Criterion, group: &str, name: &str, file: &str) {
    let (_, s) = bench_scenario(file);
    let probe = simulate(&s, 0, 0);
    let requests = probe.requests;
    eprintln!(
        "{group}/{name}: {requests} requests, {} completed, {} events per iteration",
        probe.completed, probe.events
    );
    let mut g = c.benchmark_group(group);
    g.sample_size(10);
    g.throughput(Throughput::Elements(requests));
    g.bench_function(name, |b| b.iter(|| simulate(&s, 0, 0).completed));
    g.finish();
}

fn mmc(c: &mut Criterion) {
    // M/M/16: λ = 200/s, E[S] = 70 ms, 10 000 s ≈ 2.0 M requests.
    whole_run(c, "mmc", "m_m_16", "mm16-2m.toml");
}

fn three_tier(c: &mut Criterion) {
    // ALB (round robin) → 8 × m5.large with 16 workers → database with 64
    // connections; 500 requests/s for 4 000 s ≈ 2.0 M requests.
    whole_run(c, "three_tier", "alb_ec2_db", "memory-2m-three-tier.toml");
}

fn process(c: &mut Criterion) {
    // One simulated second of the M/M/16 (about 200 requests): what a run
    // costs besides the simulation. Each run writes to a fresh folder (a
    // folder with runs of this very build would be reused).
    let (path, _) = bench_scenario("mm16-2m.toml");
    let run = |out: &Path| {
        let status = Command::new(env!("CARGO_BIN_EXE_stratosim"))
            .arg("run")
            .arg(&path)
            .args([
                "--set",
                "scenario.duration=1s",
                "--jobs",
                "1",
                "--quiet",
                "--out",
            ])
            .arg(out)
            .status()
            .expect("stratosim runs");
        assert!(status.success());
    };
    let mut g = c.benchmark_group("process");
    g.sample_size(20);
    g.bench_function("start_up", |b| {
        b.iter_batched(
            || tempfile::tempdir().expect("a temporary folder"),
            |dir| run(&dir.path().join("out")),
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

/// An actor that reschedules every message it gets after a pseudo-random
/// delay: the "hold" model of event-queue benchmarks.
struct Hold {
    state: u64,
}

impl Actor<u32, ()> for Hold {
    fn handle(&mut self, msg: u32, ctx: &mut Ctx<'_, u32, ()>) {
        // xorshift64: a random delay of 1..1e6 ns for about a nanosecond.
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        let me = ctx.me();
        ctx.send(me, SimDuration(1 + self.state % 1_000_000), msg);
    }
}

/// Runs the hold model with `pending` events in flight for about `events`
/// events; returns the number actually delivered.
fn hold_run(pending: u32, events: u64) -> u64 {
    let mut engine = Engine::new();
    let mut actors: Vec<Box<Hold>> = vec![Box::new(Hold {
        state: 88172645463325252,
    })];
    for i in 0..pending {
        engine.schedule(SimTime(u64::from(i)), ActorId(0), i);
    }
    // Mean delay 0.5 ms with `pending` events in flight gives pending /
    // 0.5 ms events per ns.
    let horizon = events * 500_000 / u64::from(pending);
    engine.run_until(&mut actors, &mut (), SimTime(horizon));
    engine.delivered()
}

/// The hold model's 16 events plus a chain of events (message
/// [`CHAIN`]) that follows itself after a delay 16 times shorter, so that
/// it is half the events delivered, as the arrivals are in the M/M/16: sent
/// as the engine's series (`in_series`) or as ordinary events.
struct HoldAndChain {
    hold: Hold,
    in_series: bool,
}

const CHAIN: u32 = u32::MAX;

impl Actor<u32, ()> for HoldAndChain {
    fn handle(&mut self, msg: u32, ctx: &mut Ctx<'_, u32, ()>) {
        if msg != CHAIN {
            return self.hold.handle(msg, ctx);
        }
        let h = &mut self.hold;
        h.state ^= h.state << 13;
        h.state ^= h.state >> 7;
        h.state ^= h.state << 17;
        let (me, at) = (ctx.me(), ctx.now() + SimDuration(1 + h.state % 62_500));
        if self.in_series {
            ctx.send_at_in_series(me, at, CHAIN);
        } else {
            ctx.send_at(me, at, CHAIN);
        }
    }
}

/// Runs [`HoldAndChain`] for about `events` events; returns the number
/// delivered.
fn chain_run(in_series: bool, events: u64) -> u64 {
    let mut engine = Engine::new();
    let mut actors = vec![HoldAndChain {
        hold: Hold {
            state: 88172645463325252,
        },
        in_series,
    }];
    for i in 0..16 {
        engine.schedule(SimTime(u64::from(i)), ActorId(0), i);
    }
    engine.schedule(SimTime(0), ActorId(0), CHAIN);
    // 16 holds of 0.5 ms on average and a chain of 31 µs: 32 events of
    // each a millisecond, one per 15.6 µs.
    let horizon = events * 15_625;
    engine.run_until(&mut actors, &mut (), SimTime(horizon));
    engine.delivered()
}

/// The hold model's 16 events, each of which also sets a timeout of
/// [`TIMEOUT`] when delivered (message [`TIMED_OUT`], which does nothing):
/// sent as ordinary events or after a fixed delay (`in_lanes`).
struct HoldWithTimeouts {
    hold: Hold,
    in_lanes: bool,
}

const TIMED_OUT: u32 = u32::MAX;
const TIMEOUT: SimDuration = SimDuration(100_000_000);

impl Actor<u32, ()> for HoldWithTimeouts {
    fn handle(&mut self, msg: u32, ctx: &mut Ctx<'_, u32, ()>) {
        if msg == TIMED_OUT {
            return;
        }
        self.hold.handle(msg, ctx);
        if self.in_lanes {
            ctx.schedule_fixed(TIMEOUT, TIMED_OUT);
        } else {
            ctx.schedule(TIMEOUT, TIMED_OUT);
        }
    }
}

/// Runs [`HoldWithTimeouts`] for about `events` events; returns the
/// number delivered.
fn timeouts_run(in_lanes: bool, events: u64) -> u64 {
    let mut engine = Engine::new();
    let mut actors = vec![HoldWithTimeouts {
        hold: Hold {
            state: 88172645463325252,
        },
        in_lanes,
    }];
    for i in 0..16 {
        engine.schedule(SimTime(u64::from(i)), ActorId(0), i);
    }
    // 16 holds of 0.5 ms on average, each followed by a timeout: 64
    // events per millisecond once the first timeouts come due.
    let horizon = events * 15_625;
    engine.run_until(&mut actors, &mut (), SimTime(horizon));
    engine.delivered()
}

fn engine_hold(c: &mut Criterion) {
    let mut g = c.benchmark_group("engine");
    for (name, pending) in [("hold", 1_000), ("hold_16", 16)] {
        // The run is deterministic: count its events once, so the
        // throughput is the events really delivered.
        let events = hold_run(pending, 1_000_000);
        eprintln!("engine/{name}: {events} events per iteration, {pending} pending");
        g.throughput(Throughput::Elements(events));
        g.bench_function(name, |b| b.iter(|| hold_run(pending, 1_000_000)));
    }
    for (name, in_series) in [("chain_in_heap", false), ("chain_in_series", true)] {
        let events = chain_run(in_series, 1_000_000);
        eprintln!("engine/{name}: {events} events per iteration");
        g.throughput(Throughput::Elements(events));
        g.bench_function(name, |b| b.iter(|| chain_run(in_series, 1_000_000)));
    }
    for (name, in_lanes) in [("timeouts_in_heap", false), ("timeouts_in_lanes", true)] {
        let events = timeouts_run(in_lanes, 1_000_000);
        eprintln!("engine/{name}: {events} events per iteration");
        g.throughput(Throughput::Elements(events));
        g.bench_function(name, |b| b.iter(|| timeouts_run(in_lanes, 1_000_000)));
    }
    g.finish();
}

fn event_queue(c: &mut Criterion) {
    const SIZE: u64 = 10_000;
    const OPS: u64 = 100_000;
    let mut g = c.benchmark_group("event_queue");
    // One element is one hold operation (pop the earliest, push a later one)
    // on a queue of SIZE events; filling the queue is setup, not measured.
    g.throughput(Throughput::Elements(OPS));
    let delays = |mut x: u64| {
        std::iter::repeat_with(move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            1 + x % 1_000_000
        })
    };
    let mut d = delays(7);
    let initial: Vec<u64> = (0..SIZE).map(|_| d.next().unwrap_or(1)).collect();
    let steps: Vec<u64> = (0..OPS).map(|_| d.next().unwrap_or(1)).collect();
    let heap: BinaryHeap<Reverse<(u64, u64)>> = initial
        .iter()
        .zip(0..)
        .map(|(&t, seq)| Reverse((t, seq)))
        .collect();
    let mut pq = PriorityQueue::new();
    for (&t, seq) in initial.iter().zip(0u64..) {
        pq.push(seq, Reverse((t, seq)));
    }
    g.bench_function("binary_heap", |b| {
        b.iter_batched(
            || heap.clone(),
            |mut q| {
                for (&step, seq) in steps.iter().zip(SIZE..) {
                    let Reverse((t, _)) = q.pop().unwrap_or(Reverse((0, 0)));
                    q.push(Reverse((t + step, seq)));
                }
                q
            },
            BatchSize::LargeInput,
        )
    });
    g.bench_function("priority_queue", |b| {
        b.iter_batched(
            || pq.clone(),
            |mut q| {
                for (&step, seq) in steps.iter().zip(SIZE..) {
                    let (_, Reverse((t, _))) = q.pop().unwrap_or((0, Reverse((0, 0))));
                    q.push(seq, Reverse((t + step, seq)));
                }
                q
            },
            BatchSize::LargeInput,
        )
    });
    // The engine's queue, through dispatch: the hold model with SIZE
    // events pending, for OPS events.
    let events = hold_run(SIZE as u32, OPS);
    g.throughput(Throughput::Elements(events));
    g.bench_function("engine", |b| b.iter(|| hold_run(SIZE as u32, OPS)));
    g.finish();
}

/// A million latencies spread like M/M/16 responses (exponential, 88 ms mean).
fn latency_samples() -> Vec<SimDuration> {
    let mut rng = Pcg64Mcg::seed_from_u64(3);
    (0..1_000_000)
        .map(|_| {
            let x: f64 = Exp1.sample(&mut rng);
            SimDuration((x * 88e6) as u64)
        })
        .collect()
}

fn latencies(c: &mut Criterion) {
    let samples = latency_samples();
    let mut g = c.benchmark_group("latencies");
    g.throughput(Throughput::Elements(samples.len() as u64));
    g.bench_function("record", |b| {
        b.iter(|| {
            let mut l = Latencies::new();
            for &d in &samples {
                l.record(d);
            }
            l.quantile_ms(0.99)
        })
    });
    g.bench_function("hdr_record", |b| {
        b.iter(|| {
            let mut h = Histogram::<u64>::new(3).expect("valid precision");
            h.auto(true);
            for &d in &samples {
                let _ = h.record((d.0 / 1_000).max(1));
            }
            h.value_at_quantile(0.99)
        })
    });
    g.finish();
}

fn arrivals(c: &mut Criterion) {
    const N: u64 = 1_000_000;
    let (_, s) = bench_scenario("mm16-2m.toml");
    let mut g = c.benchmark_group("arrivals");
    g.throughput(Throughput::Elements(N));
    g.bench_function("poisson", |b| {
        b.iter(|| {
            let mut a = Arrivals::new(&s.workload, stream(1, "arrivals"));
            let mut last = SimTime::ZERO;
            for _ in 0..N {
                last = a.next_arrival().unwrap_or(last);
            }
            last
        })
    });
    g.finish();
}

fn dist(c: &mut Criterion) {
    const N: u64 = 1_000_000;
    let mut g = c.benchmark_group("dist");
    g.throughput(Throughput::Elements(N));
    let dists = [
        ("exp", Dist::exp(SimDuration::from_millis(70))),
        (
            "lognormal",
            Dist::lognormal_median_p99(SimDuration::from_millis(20), SimDuration::from_millis(120)),
        ),
    ];
    for (name, d) in dists {
        let d = d.expect("valid parameters");
        g.bench_function(name, |b| {
            b.iter(|| {
                let mut rng: StreamRng = stream(1, name);
                (0..N)
                    .map(|_| d.sample(&mut rng).0)
                    .fold(0, u64::wrapping_add)
            })
        });
    }
    g.finish();
}

criterion_group!(
    benches,
    reference,
    mmc,
    three_tier,
    process,
    engine_hold,
    event_queue,
    latencies,
    arrivals,
    dist
);
criterion_main!(benches);

//! Speed of the engine and of whole simulations (criterion).
//!
//! `cargo bench` reports, per benchmark, time per iteration and throughput:
//! - `engine/hold`: raw events per second of the event queue and dispatch;
//! - `mmc/m_m_16`: simulated requests per second of an M/M/16 run;
//! - `three_tier/alb_ec2_db`: requests per second through ALB → EC2 → DB;
//! - `event_queue/*`: std `BinaryHeap` against the `priority-queue` crate for
//!   the engine's queue (why the engine uses `BinaryHeap`);
//! - `reference/handwritten_mm16`: the yardstick of issue 15, an M/M/16 loop
//!   written by hand for that one model, against which `mmc/m_m_16_2m` (the
//!   same system through stratosim) is compared.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::path::Path;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use hdrhistogram::Histogram;
use priority_queue::PriorityQueue;
use rand::SeedableRng;
use rand_distr::{Distribution, Exp1};
use rand_pcg::Pcg64Mcg;

use stratosim::engine::{Actor, ActorId, Ctx, Engine};
use stratosim::run::simulate;
use stratosim::scenario::load_str;
use stratosim::time::{SimDuration, SimTime};

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

/// Runs the hold model for about `EVENTS` events; returns the number
/// actually delivered.
fn hold_run() -> u64 {
    const PENDING: u32 = 1_000;
    const EVENTS: u64 = 1_000_000;
    let mut engine = Engine::new();
    let mut actors: Vec<Box<Hold>> = vec![Box::new(Hold {
        state: 88172645463325252,
    })];
    for i in 0..PENDING {
        engine.schedule(SimTime(u64::from(i)), ActorId(0), i);
    }
    // Run until about EVENTS events were delivered: mean delay 0.5 ms
    // with PENDING events in flight gives PENDING / 0.5 ms events per ns.
    let horizon = EVENTS * 500_000 / u64::from(PENDING);
    engine.run_until(&mut actors, &mut (), SimTime(horizon));
    engine.delivered()
}

fn engine_hold(c: &mut Criterion) {
    // The run is deterministic: count its events once, so the throughput is
    // the events really delivered, not the nominal EVENTS.
    let events = hold_run();
    eprintln!("engine/hold: {events} events per iteration");
    let mut g = c.benchmark_group("engine");
    g.throughput(Throughput::Elements(events));
    g.bench_function("hold", |b| b.iter(hold_run));
    g.finish();
}

fn mmc(c: &mut Criterion) {
    // The M/M/16 of issue 15 (benches/mm16-2m.toml): λ = 200/s,
    // E[S] = 70 ms, 10 000 s ≈ 2.0 M requests.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/mm16-2m.toml");
    let text = std::fs::read_to_string(&path).expect("benches/mm16-2m.toml is readable");
    let s = load_str(&text, &path, &[]).expect("valid");
    let probe = simulate(&s, 0, 0);
    let requests = probe.requests;
    eprintln!(
        "mmc/m_m_16: {requests} requests, {} completed, {} events per iteration",
        probe.completed, probe.events
    );
    let mut g = c.benchmark_group("mmc");
    g.sample_size(10);
    g.throughput(Throughput::Elements(requests));
    g.bench_function("m_m_16", |b| b.iter(|| simulate(&s, 0, 0).completed));
    g.finish();
}

fn three_tier(c: &mut Criterion) {
    // ALB (round robin) → 8 × m5.large with 16 workers → database with 64
    // connections; 500 requests/s for 40 min ≈ 1.2 M requests.
    let text = r#"
[scenario]
name = "bench-three-tier"
duration = "40m"
seed = 1
[workload]
rate = 500
[designs.d]
entry = "alb"
[designs.d.alb]
kind = "load_balancer"
routing = "round_robin"
targets = "app"
[designs.d.app]
kind = "ec2"
instance_type = "m5.large"
instances = 8
workers = 16
service_time = { dist = "lognormal", median = "20ms", p99 = "120ms" }
calls = ["db"]
[designs.d.db]
kind = "database"
capacity = 64
service_time = { dist = "lognormal", median = "4ms", p99 = "30ms" }
"#;
    let s = load_str(text, Path::new("bench.toml"), &[]).expect("valid");
    let probe = simulate(&s, 0, 0);
    let requests = probe.requests;
    eprintln!(
        "three_tier/alb_ec2_db: {requests} requests, {} completed, {} events per iteration",
        probe.completed, probe.events
    );
    let mut g = c.benchmark_group("three_tier");
    g.sample_size(10);
    g.throughput(Throughput::Elements(requests));
    g.bench_function("alb_ec2_db", |b| b.iter(|| simulate(&s, 0, 0).completed));
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
    g.finish();
}

/// The M/M/16 of issue 15: λ = 200/s, exponential service with a 70 ms
/// mean, 10 000 s simulated: about 2 million requests.
const MM16_RATE: f64 = 200.0;
const MM16_MEAN_SERVICE_NS: f64 = 70e6;
const MM16_HORIZON_NS: u64 = 10_000 * 1_000_000_000;

/// M/M/16 as one would write it for that model alone, with no framework: a
/// binary heap of `(time, sequence, arrival instant)` events, a FIFO of
/// waiting arrival instants, PCG exponential draws, and an HDR histogram
/// record of every response (whole microseconds, as stratosim records
/// them); nothing is written out. Returns the requests that arrived and
/// the mean response [ns] (so the work cannot be optimised away).
fn handwritten_mm16() -> (u64, f64) {
    const SERVERS: u32 = 16;
    /// Marks an arrival event; a departure carries its arrival instant.
    const ARRIVAL: u64 = u64::MAX;
    let mut rng = Pcg64Mcg::seed_from_u64(1);
    let mut draw = |mean_ns: f64| {
        let x: f64 = Exp1.sample(&mut rng);
        (x * mean_ns + 0.5) as u64
    };
    let mean_interarrival = 1e9 / MM16_RATE;
    let mut heap: BinaryHeap<Reverse<(u64, u64, u64)>> = BinaryHeap::with_capacity(64);
    let mut waiting: VecDeque<u64> = VecDeque::with_capacity(1024);
    let mut hist = Histogram::<u64>::new(3).expect("valid precision");
    hist.auto(true);
    let (mut seq, mut busy, mut requests, mut response_sum) = (0u64, 0u32, 0u64, 0u128);
    heap.push(Reverse((draw(mean_interarrival), seq, ARRIVAL)));
    while let Some(Reverse((now, _, what))) = heap.pop() {
        if now >= MM16_HORIZON_NS {
            break;
        }
        seq += 1;
        if what == ARRIVAL {
            requests += 1;
            heap.push(Reverse((now + draw(mean_interarrival), seq, ARRIVAL)));
            if busy < SERVERS {
                busy += 1;
                seq += 1;
                heap.push(Reverse((now + draw(MM16_MEAN_SERVICE_NS), seq, now)));
            } else {
                waiting.push_back(now);
            }
        } else {
            let response = now - what;
            response_sum += u128::from(response);
            let _ = hist.record((response / 1_000).max(1));
            if let Some(arrived) = waiting.pop_front() {
                heap.push(Reverse((now + draw(MM16_MEAN_SERVICE_NS), seq, arrived)));
            } else {
                busy -= 1;
            }
        }
    }
    (requests, response_sum as f64 / hist.len().max(1) as f64)
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

criterion_group!(
    benches,
    reference,
    engine_hold,
    mmc,
    three_tier,
    event_queue
);
criterion_main!(benches);

//! Speed of the engine and of whole simulations (criterion).
//!
//! `cargo bench` reports, per benchmark, time per iteration and throughput:
//! - `engine/hold`: raw events per second of the event queue and dispatch;
//! - `mmc/m_m_16`: simulated requests per second of an M/M/16 run;
//! - `three_tier/alb_ec2_db`: requests per second through ALB → EC2 → DB;
//! - `event_queue/*`: std `BinaryHeap` against the `priority-queue` crate for
//!   the engine's queue (why the engine uses `BinaryHeap`).

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use priority_queue::PriorityQueue;

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

fn engine_hold(c: &mut Criterion) {
    const PENDING: u32 = 1_000;
    const EVENTS: u64 = 1_000_000;
    let mut g = c.benchmark_group("engine");
    g.throughput(Throughput::Elements(EVENTS));
    g.bench_function("hold", |b| {
        b.iter(|| {
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
        })
    });
    g.finish();
}

fn mmc(c: &mut Criterion) {
    // M/M/16 at ρ = 0.9: λ = 144/s, E[S] = 100 ms; 2h ≈ 1.04 M requests.
    let text = r#"
[scenario]
name = "bench-mmc"
duration = "2h"
seed = 1
[workload]
rate = 144
[designs.d]
entry = "app"
[designs.d.app]
kind = "ec2"
instance_type = "m5.large"
workers = 16
service_time = { dist = "exp", mean = "100ms" }
"#;
    let s = load_str(text, Path::new("bench.toml"), &[]).expect("valid");
    let requests = simulate(&s, 0, 0).requests;
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
    let requests = simulate(&s, 0, 0).requests;
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
    g.throughput(Throughput::Elements(OPS));
    let delays = |mut x: u64| {
        std::iter::repeat_with(move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            1 + x % 1_000_000
        })
    };
    g.bench_function("binary_heap", |b| {
        b.iter(|| {
            let mut q = BinaryHeap::new();
            let mut d = delays(7);
            for seq in 0..SIZE {
                q.push(Reverse((d.next().unwrap_or(1), seq)));
            }
            for seq in SIZE..SIZE + OPS {
                let Reverse((t, _)) = q.pop().unwrap_or(Reverse((0, 0)));
                q.push(Reverse((t + d.next().unwrap_or(1), seq)));
            }
            q.len()
        })
    });
    g.bench_function("priority_queue", |b| {
        b.iter(|| {
            let mut q = PriorityQueue::new();
            let mut d = delays(7);
            for seq in 0..SIZE {
                q.push(seq, Reverse((d.next().unwrap_or(1), seq)));
            }
            for seq in SIZE..SIZE + OPS {
                let (_, Reverse((t, _))) = q.pop().unwrap_or((0, Reverse((0, 0))));
                q.push(seq, Reverse((t + d.next().unwrap_or(1), seq)));
            }
            q.len()
        })
    });
    g.finish();
}

criterion_group!(benches, engine_hold, mmc, three_tier, event_queue);
criterion_main!(benches);

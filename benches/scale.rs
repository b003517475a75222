//! How the cost of a run grows with the size of what it simulates
//! (criterion; the scenarios are in `benches/scale/`, and `tests/scale.rs`
//! checks the same curves loosely with deterministic counts):
//! - `scale/fleet_<routing>/<n>`: a load balancer and a fleet of n
//!   instances (100 to 10,000), each an M/M/1 at ρ = 0.5, 200,000 requests
//!   at every size; time per request should be flat in n;
//! - `scale/lambda/<n>`: one function with n environments (10 to 1,000)
//!   90% busy, 200,000 requests; flat;
//! - `scale/esm/<n>`: an SQS event source mapping scaling to n pollers (10
//!   to 1,000) over 4 simulated minutes; time per message flat;
//! - `scale/backlog/1m`: a million messages sent into a queue that keeps
//!   them all; time per message;
//! - `scale/sweep_check/<n>`, `scale/sweep_plan/<n>`: validating a sweep
//!   of n points (1,000 to 100,000) and loading each point's scenario;
//!   time per point flat.
//!
//! `cargo bench --profile dist --bench scale` runs them all (about 10
//! minutes); `-- scale/fleet` one family.

use std::path::{Path, PathBuf};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

use stratosim::run::simulate;
use stratosim::scenario::{Override, Scenario, load, load_str, load_sweep};

fn scale_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("benches/scale")
        .join(name)
}

fn scenario(name: &str, overrides: &[(String, String)]) -> Scenario {
    let overrides: Vec<Override> = overrides
        .iter()
        .map(|(key, value)| Override {
            key: key.clone(),
            value: value.clone(),
        })
        .collect();
    load(&scale_file(name), &overrides).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Benchmarks `simulate` of design `design` of `s` as `group/id`,
/// throughput in requests.
fn bench_run(c: &mut Criterion, group: &str, id: &str, s: &Scenario, design: usize) {
    let probe = simulate(s, design, 0);
    eprintln!(
        "{group}/{id}: {} requests, {} events",
        probe.requests, probe.events
    );
    let mut g = c.benchmark_group(group);
    g.sample_size(10);
    g.throughput(Throughput::Elements(probe.requests));
    g.bench_function(id, |b| b.iter(|| simulate(s, design, 0).requests));
    g.finish();
}

/// 200,000 requests at `rate` per second: the simulated duration.
fn duration_for(rate: u32) -> String {
    format!("\"{}ms\"", 200_000_000 / u64::from(rate))
}

fn fleet(c: &mut Criterion) {
    for (d, routing) in ["round_robin", "least_outstanding", "power_of_two"]
        .iter()
        .enumerate()
    {
        for n in [100u32, 1_000, 10_000] {
            let s = scenario(
                "fleet.toml",
                &[
                    ("workload.rate".into(), (5 * n).to_string()),
                    ("scenario.duration".into(), duration_for(5 * n)),
                    (format!("designs.{routing}.app.instances"), n.to_string()),
                ],
            );
            bench_run(c, &format!("scale/fleet_{routing}"), &n.to_string(), &s, d);
        }
    }
}

fn lambda(c: &mut Criterion) {
    for n in [10u32, 100, 1_000] {
        let s = scenario(
            "lambda.toml",
            &[
                ("workload.rate".into(), (9 * n).to_string()),
                ("scenario.duration".into(), duration_for(9 * n)),
                ("designs.function.fn.concurrency".into(), n.to_string()),
                ("designs.function.fn.provisioned".into(), n.to_string()),
            ],
        );
        bench_run(c, "scale/lambda", &n.to_string(), &s, 0);
    }
}

fn esm(c: &mut Criterion) {
    for n in [10u32, 100, 1_000] {
        let s = scenario(
            "esm.toml",
            &[
                ("workload.rate".into(), (12 * n).to_string()),
                ("scenario.duration".into(), "\"4m\"".into()),
                ("designs.mapping.fn.concurrency".into(), n.to_string()),
            ],
        );
        bench_run(c, "scale/esm", &n.to_string(), &s, 0);
    }
}

fn backlog(c: &mut Criterion) {
    let s = scenario("backlog.toml", &[]);
    bench_run(c, "scale/backlog", "1m", &s, 0);
}

/// `sweep.toml` swept over `points` arrival rates.
fn swept(points: u32) -> String {
    let mut text = std::fs::read_to_string(scale_file("sweep.toml")).unwrap();
    let values: Vec<String> = (0..points)
        .map(|i| format!("{}", 50.0 + f64::from(i) * 0.001))
        .collect();
    text.push_str(&format!(
        "\n[sweep]\n\"workload.rate\" = [{}]\n",
        values.join(", ")
    ));
    text
}

fn sweep(c: &mut Criterion) {
    let path = PathBuf::from("sweep.toml");
    for n in [1_000u32, 10_000, 100_000] {
        let text = swept(n);
        let mut g = c.benchmark_group("scale/sweep_check");
        g.sample_size(10);
        g.throughput(Throughput::Elements(u64::from(n)));
        g.bench_function(n.to_string(), |b| {
            b.iter(|| load_str(&text, &path, &[]).unwrap().sweep.len())
        });
        g.finish();
        let mut g = c.benchmark_group("scale/sweep_plan");
        g.sample_size(10);
        g.throughput(Throughput::Elements(u64::from(n)));
        g.bench_function(n.to_string(), |b| {
            b.iter(|| {
                let loaded = load_sweep(&text, &path, &[]).unwrap();
                (0..loaded.points())
                    .map(|i| loaded.point(i).unwrap().designs.len())
                    .sum::<usize>()
            })
        });
        g.finish();
    }
}

criterion_group!(benches, fleet, lambda, esm, backlog, sweep);
criterion_main!(benches);

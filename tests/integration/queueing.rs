//! The models against queueing theory's exact answers.

use crate::common::*;
use stratosim::metric::Metric;

/// M/M/c mean wait from Erlang C [ms].
fn mmc_wait_ms(c: u32, lambda: f64, mean_service_s: f64) -> f64 {
    let mu = 1.0 / mean_service_s;
    erlang_c(c, lambda / mu) / (f64::from(c) * mu - lambda) * 1e3
}

fn fleet_scenario(rate: f64, instances: u32, workers: u32, service: &str, reps: u32) -> String {
    format!(
        r#"
[scenario]
name = "q"
duration = "1h"
warmup = "5m"
seed = 2024
replications = {reps}
[workload]
rate = {rate}
[designs.d]
entry = "app"
[designs.d.app]
kind = "ec2"
instance_type = "c5.large"
instances = {instances}
workers = {workers}
service_time = {service}
"#
    )
}

#[test]
fn erlang_c_helper_matches_a_published_value() {
    // c = 8, a = 7.2: C ≈ 0.7015 (computed independently from the textbook formula).
    assert!((erlang_c(8, 7.2) - 0.701_533).abs() < 1e-5);
    // M/M/1: C = ρ.
    assert!((erlang_c(1, 0.8) - 0.8).abs() < 1e-12);
}

#[test]
fn mm1_mean_wait_matches_theory() {
    // λ = 80/s, E[S] = 10 ms: ρ = 0.8, Wq = ρ/(μ−λ) = 40 ms.
    let s = scenario(&fleet_scenario(
        80.0,
        1,
        1,
        r#"{ dist = "exp", mean = "10ms" }"#,
        8,
    ));
    let runs = replications(&s, 0);
    let waits: Vec<f64> = runs
        .iter()
        .map(|r| component(r, "app").mean_wait_ms)
        .collect();
    assert_agrees("M/M/1 mean wait (ms)", &waits, 40.0, 4.0, 0.03);
    let resp: Vec<f64> = runs.iter().map(|r| r.response.mean).collect();
    assert_agrees("M/M/1 mean response (ms)", &resp, 50.0, 4.0, 0.03);
}

#[test]
fn mmc_mean_wait_matches_erlang_c() {
    // The contract's mmc example: c = 8, λ = 72/s, E[S] = 100 ms, ρ = 0.9.
    let exact = mmc_wait_ms(8, 72.0, 0.1);
    assert!((exact - 87.69).abs() < 0.01);
    let s = scenario(&fleet_scenario(
        72.0,
        1,
        8,
        r#"{ dist = "exp", mean = "100ms" }"#,
        8,
    ));
    let runs = replications(&s, 0);
    let waits: Vec<f64> = runs
        .iter()
        .map(|r| component(r, "app").mean_wait_ms)
        .collect();
    assert_agrees("M/M/8 mean wait (ms)", &waits, exact, 4.0, 0.05);
    // Utilisation = λ/(cμ) = 0.9.
    let util: Vec<f64> = runs
        .iter()
        .map(|r| component(r, "app").utilization)
        .collect();
    assert_agrees("M/M/8 utilisation", &util, 0.9, 4.0, 0.01);
}

#[test]
fn md1_mean_wait_matches_pollaczek_khinchine() {
    // Deterministic 10 ms, λ = 80/s: ρ = 0.8, Wq = ρ·S/(2(1−ρ)) = 20 ms.
    let s = scenario(&fleet_scenario(80.0, 1, 1, r#""10ms""#, 8));
    let runs = replications(&s, 0);
    let waits: Vec<f64> = runs
        .iter()
        .map(|r| component(r, "app").mean_wait_ms)
        .collect();
    assert_agrees("M/D/1 mean wait (ms)", &waits, 20.0, 4.0, 0.03);
}

#[test]
fn random_routing_gives_independent_mm1_queues() {
    // λ = 320/s split at random over 4 single-worker instances: each is an
    // M/M/1 queue with λ = 80/s, E[S] = 10 ms, so Wq = 40 ms.
    let text = r#"
[scenario]
name = "q"
duration = "1h"
warmup = "5m"
seed = 99
replications = 8
[workload]
rate = 320
[designs.d]
entry = "lb"
[designs.d.lb]
kind = "load_balancer"
routing = "random"
targets = "app"
latency = "0s"
[designs.d.app]
kind = "ec2"
instance_type = "c5.large"
instances = 4
workers = 1
service_time = { dist = "exp", mean = "10ms" }
"#;
    let runs = replications(&scenario(text), 0);
    let waits: Vec<f64> = runs
        .iter()
        .map(|r| component(r, "app").mean_wait_ms)
        .collect();
    assert_agrees("random routing mean wait (ms)", &waits, 40.0, 4.0, 0.03);
}

#[test]
fn littles_law_holds_for_requests_in_the_system() {
    // L = λ·W: the time-average number in the system (sampled in_flight)
    // equals the arrival rate times the mean response time.
    // Sampled every 5 s so the time average is well estimated.
    let text = fleet_scenario(72.0, 1, 8, r#"{ dist = "exp", mean = "100ms" }"#, 8)
        .replace("replications = 8", "replications = 8\ninterval = \"5s\"");
    let runs = replications(&scenario(&text), 0);
    let ratios: Vec<f64> = runs
        .iter()
        .map(|r| {
            let app = r.series_names.iter().position(|n| n == "app").unwrap() as u32;
            let window_start = 300.0;
            let l: Vec<f64> = r
                .samples
                .iter()
                .filter(|x| {
                    x.component == app
                        && x.metric == Metric::InFlight
                        && x.time.as_secs_f64() > window_start
                })
                .map(|x| x.value)
                .collect();
            let l_mean = l.iter().sum::<f64>() / l.len() as f64;
            let lambda = r.requests as f64 / 3300.0;
            l_mean / (lambda * r.response.mean / 1e3)
        })
        .collect();
    assert_agrees("L / (λ·W)", &ratios, 1.0, 4.0, 0.05);
}

#[test]
fn least_outstanding_beats_round_robin_on_skewed_work() {
    // Heavy-tailed service times: round robin keeps feeding an instance that
    // is stuck behind a long request; least outstanding does not.
    let text = |routing: &str| {
        format!(
            r#"
[scenario]
name = "q"
duration = "30m"
warmup = "2m"
seed = 5
replications = 4
[workload]
rate = 300
[designs.d]
entry = "lb"
[designs.d.lb]
kind = "load_balancer"
routing = "{routing}"
targets = "app"
[designs.d.app]
kind = "ec2"
instance_type = "c5.large"
instances = 8
workers = 2
service_time = {{ dist = "lognormal", median = "20ms", p99 = "400ms" }}
"#
        )
    };
    let p99 = |routing: &str| {
        let runs = replications(&scenario(&text(routing)), 0);
        mean_se(&runs.iter().map(|r| r.response.p99).collect::<Vec<_>>()).0
    };
    let (rr, lo, p2) = (
        p99("round_robin"),
        p99("least_outstanding"),
        p99("power_of_two"),
    );
    assert!(
        lo < 0.8 * rr,
        "least outstanding p99 {lo:.1} ms vs round robin {rr:.1} ms"
    );
    assert!(
        p2 < rr,
        "power of two p99 {p2:.1} ms vs round robin {rr:.1} ms"
    );
}

//! Behaviour of the workload, the components and the faults, each checked
//! against an answer computed by hand.

use std::fs;
use std::path::Path;

use stratosim::run::simulate;
use stratosim::scenario::load;

use crate::common::*;

const FAST_FLEET: &str = r#"
[designs.d]
entry = "app"
[designs.d.app]
kind = "ec2"
instance_type = "t3.micro"
instances = 1
workers = 1000
service_time = "10ms"
"#;

#[test]
fn a_trace_is_replayed_exactly() {
    let tmp = tempfile::tempdir().unwrap();
    let times: Vec<f64> = (0..500).map(|i| 0.5 + f64::from(i) * 1.7).collect();
    let mut csv = String::from("time_s\n");
    for t in &times {
        csv.push_str(&format!("{t}\n"));
    }
    fs::write(tmp.path().join("arrivals.csv"), csv).unwrap();
    let text = format!(
        "[scenario]\nname = \"t\"\nduration = \"10m\"\nwarmup = \"100s\"\n[workload]\ntrace = \"arrivals.csv\"\n{FAST_FLEET}"
    );
    let path = tmp.path().join("s.toml");
    fs::write(&path, text).unwrap();
    let s = load(&path, &[]).unwrap();
    let r = simulate(&s, 0, 0);
    let expected = times
        .iter()
        .filter(|&&t| (100.0..600.0).contains(&t))
        .count() as u64;
    assert_eq!(r.requests, expected);
    assert_eq!(r.completed, expected);
    // Constant 10 ms service and no queueing: every response is 10 ms.
    assert!((r.response.mean - 10.0).abs() < 1e-9);
    assert!((r.response.max - 10.0).abs() < 1e-9);
}

#[test]
fn schedule_steps_change_the_rate_at_their_instants() {
    // 10/s for 10 minutes, then 50/s for 10 minutes.
    let text = format!(
        "[scenario]\nname = \"t\"\nduration = \"20m\"\ninterval = \"1m\"\n[workload]\nrate = 10\nschedule = [{{ at = \"10m\", rate = 50 }}]\n{FAST_FLEET}"
    );
    let r = simulate(&scenario(&text), 0, 0);
    let first = series_sum(&r, "workload", "arrivals", 0.0, 600.0);
    let second = series_sum(&r, "workload", "arrivals", 600.0, 1200.0);
    // Poisson counts: mean 6,000 and 30,000; 4 standard deviations of slack.
    assert!((first - 6000.0).abs() < 4.0 * 6000f64.sqrt(), "{first}");
    assert!((second - 30000.0).abs() < 4.0 * 30000f64.sqrt(), "{second}");
}

#[test]
fn constant_arrivals_are_evenly_spaced() {
    let text = format!(
        "[scenario]\nname = \"t\"\nduration = \"100s\"\n[workload]\narrival = \"constant\"\nrate = 4\n{FAST_FLEET}"
    );
    let r = simulate(&scenario(&text), 0, 0);
    // Arrivals at 0.25 s, 0.5 s, …, 99.75 s (the one at 100 s is the end).
    assert_eq!(r.requests, 399);
}

#[test]
fn diurnal_pattern_delivers_its_integral() {
    // One full period: the mean rate is (min + max) / 2 = 20/s, so 72,000 arrivals.
    let text = format!(
        "[scenario]\nname = \"t\"\nduration = \"1h\"\n[workload]\npattern = {{ kind = \"diurnal\", min_rate = 10, max_rate = 30, peak_at = \"30m\", period = \"1h\" }}\n{FAST_FLEET}"
    );
    let r = simulate(&scenario(&text), 0, 0);
    assert!(
        (r.requests as f64 - 72000.0).abs() < 4.0 * 72000f64.sqrt(),
        "{}",
        r.requests
    );
    // The peak quarter carries more than the trough quarter: ∫ over
    // [22.5m, 37.5m] = 15·60·(20 + 10·(2√2/π)) ≈ 26,103 vs ≈ 9,897.
    let peak = series_sum(&r, "workload", "arrivals", 1320.0, 2220.0);
    assert!(
        (peak - 26103.0).abs() < 4.0 * 26103f64.sqrt() + 400.0,
        "{peak}"
    );
}

#[test]
fn warmup_arrivals_are_not_counted() {
    let text = format!(
        "[scenario]\nname = \"t\"\nduration = \"20m\"\nwarmup = \"15m\"\n[workload]\narrival = \"constant\"\nrate = 10\n{FAST_FLEET}"
    );
    let r = simulate(&scenario(&text), 0, 0);
    // Arrivals in [900 s, 1200 s) at multiples of 0.1 s.
    assert!((r.requests as i64 - 3000).abs() <= 1, "{}", r.requests);
}

#[test]
fn weighted_routing_splits_by_weight() {
    let text = r#"
[scenario]
name = "t"
duration = "30m"
seed = 8
[workload]
rate = 100
[designs.d]
entry = "lb"
[designs.d.lb]
kind = "load_balancer"
routing = "weighted"
targets = ["big", "small"]
weights = [3, 1]
[designs.d.big]
kind = "ec2"
instance_type = "c5.large"
workers = 100
service_time = "5ms"
[designs.d.small]
kind = "ec2"
instance_type = "c5.large"
workers = 100
service_time = "5ms"
"#;
    let r = simulate(&scenario(text), 0, 0);
    let big = component(&r, "big").handled as f64;
    let small = component(&r, "small").handled as f64;
    let n = big + small;
    // Binomial(n, 3/4): 4 standard deviations.
    let sd = (n * 0.75 * 0.25).sqrt();
    assert!((big - 0.75 * n).abs() < 4.0 * sd, "big {big} of {n}");
}

#[test]
fn weighted_routing_defaults_to_vcpus() {
    // m5.xlarge has 4 vCPUs, m5.large 2: two thirds of the traffic go to the xlarge.
    let text = r#"
[scenario]
name = "t"
duration = "30m"
seed = 9
[workload]
rate = 100
[designs.d]
entry = "lb"
[designs.d.lb]
kind = "load_balancer"
routing = "weighted"
targets = ["big", "small"]
[designs.d.big]
kind = "ec2"
instance_type = "m5.xlarge"
workers = 100
service_time = "5ms"
[designs.d.small]
kind = "ec2"
instance_type = "m5.large"
workers = 100
service_time = "5ms"
"#;
    let r = simulate(&scenario(text), 0, 0);
    let big = component(&r, "big").handled as f64;
    let n = big + component(&r, "small").handled as f64;
    let sd = (n * 2.0 / 9.0).sqrt();
    assert!((big - 2.0 / 3.0 * n).abs() < 4.0 * sd, "big {big} of {n}");
}

#[test]
fn a_timed_out_request_fails_but_its_work_goes_on() {
    // Every request takes 500 ms; the client waits only 100 ms. All fail, yet
    // the servers stay as busy as if the client had waited: utilisation =
    // λ·E[S]/c = 20 × 0.5 / 20 = 0.5.
    let text = r#"
[scenario]
name = "t"
duration = "20m"
warmup = "1m"
seed = 4
[workload]
arrival = "constant"
rate = 20
[workload.client]
timeout = "100ms"
[designs.d]
entry = "app"
[designs.d.app]
kind = "ec2"
instance_type = "c5.large"
workers = 20
service_time = "500ms"
"#;
    let r = simulate(&scenario(text), 0, 0);
    assert_eq!(r.completed, 0);
    assert_eq!(r.failed + r.pending, r.requests);
    assert!(r.failed > 0);
    assert_eq!(r.timeouts, r.failed);
    let u = component(&r, "app").utilization;
    assert!((u - 0.5).abs() < 0.001, "{u}");
}

#[test]
fn retries_follow_the_configured_count() {
    // The database is down for the whole run: each request is tried
    // 1 + 2 times, then fails.
    let text = r#"
[scenario]
name = "t"
duration = "10m"
seed = 4
[workload]
arrival = "constant"
rate = 10
[workload.client]
retries = 2
backoff = { base = "10ms", max = "1s", multiplier = 2.0, jitter = "none" }
[designs.d]
entry = "app"
[designs.d.app]
kind = "ec2"
instance_type = "c5.large"
workers = 50
service_time = "1ms"
calls = ["db"]
[designs.d.db]
kind = "database"
capacity = 10
service_time = "1ms"
[[faults]]
component = "db"
kind = "outage"
at = "0s"
duration = "1h"
"#;
    let r = simulate(&scenario(text), 0, 0);
    assert_eq!(r.completed, 0);
    assert_eq!(r.failed + r.pending, r.requests);
    // Only a request caught mid-retry at the end can be pending.
    assert!(r.pending <= 1);
    assert!(r.retries >= 2 * r.failed && r.retries <= 2 * r.requests);
    let db = component(&r, "db");
    assert_eq!(db.errors, db.handled);
    assert!(db.handled >= 3 * r.failed && db.handled <= 3 * r.requests);
}

#[test]
fn a_slowdown_multiplies_service_times_while_it_lasts() {
    // 10 ms constant work, 3× slower for the middle 10 of 30 minutes, no
    // queueing: mean response = (20·10 + 10·30) / 30 ms.
    let text = format!(
        "[scenario]\nname = \"t\"\nduration = \"30m\"\n[workload]\narrival = \"constant\"\nrate = 10\n{FAST_FLEET}\n[[faults]]\ncomponent = \"app\"\nkind = \"slowdown\"\nfactor = 3\nat = \"10m\"\nduration = \"10m\"\n"
    );
    let r = simulate(&scenario(&text), 0, 0);
    let expected = (20.0 * 10.0 + 10.0 * 30.0) / 30.0;
    assert!(
        (r.response.mean - expected).abs() < 0.01,
        "{}",
        r.response.mean
    );
    assert!((r.response.max - 30.0).abs() < 1e-9);
}

#[test]
fn an_outage_fails_the_requests_in_its_window() {
    // Down for 6 of 60 minutes, no retries: 10% of requests fail.
    let text = format!(
        "[scenario]\nname = \"t\"\nduration = \"1h\"\n[workload]\narrival = \"constant\"\nrate = 10\n{FAST_FLEET}\n[[faults]]\ncomponent = \"app\"\nkind = \"outage\"\nat = \"30m\"\nduration = \"6m\"\n"
    );
    let r = simulate(&scenario(&text), 0, 0);
    assert!((r.failed as i64 - 3600).abs() <= 2, "{}", r.failed);
    assert_eq!(r.requests, r.completed + r.failed + r.pending);
}

#[test]
fn a_full_queue_rejects_at_once() {
    // One worker, no queue: M/M/1/1, the Erlang B loss system. Blocking
    // probability B(1, a) = a / (1 + a) with a = λ·E[S] = 10 × 0.1 = 1 → 50%.
    let text = r#"
[scenario]
name = "t"
duration = "1h"
seed = 12
replications = 8
[workload]
rate = 10
[designs.d]
entry = "app"
[designs.d.app]
kind = "ec2"
instance_type = "c5.large"
workers = 1
queue_limit = 0
service_time = { dist = "exp", mean = "100ms" }
"#;
    let runs = replications(&scenario(text), 0);
    let blocked: Vec<f64> = runs
        .iter()
        .map(|r| r.failed as f64 / r.requests as f64)
        .collect();
    assert_agrees("M/M/1/1 blocking probability", &blocked, 0.5, 4.0, 0.01);
}

#[test]
fn empirical_service_times_come_from_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("samples.csv"), "ms\n10\n20\n30\n").unwrap();
    let text = r#"
[scenario]
name = "t"
duration = "30m"
seed = 3
replications = 1
[workload]
rate = 20
[designs.d]
entry = "app"
[designs.d.app]
kind = "ec2"
instance_type = "c5.large"
workers = 100
service_time = { dist = "empirical", file = "samples.csv" }
"#;
    let path = tmp.path().join("s.toml");
    fs::write(&path, text).unwrap();
    let r = simulate(&load(Path::new(&path), &[]).unwrap(), 0, 0);
    // Linear interpolation between 10, 20 and 30 ms: uniform on [10, 30], mean 20.
    let sd = 20.0 / 12f64.sqrt() / (r.completed as f64).sqrt();
    assert!(
        (r.response.mean - 20.0).abs() < 5.0 * sd,
        "{}",
        r.response.mean
    );
    assert!(r.response.max <= 30.0 + 1e-9);
}

#[test]
fn an_unbounded_queue_collapses_under_retries_and_a_bounded_one_recovers() {
    // The lesson of scenarios/retry-storm.toml, asserted.
    let s = load(&repo().join("scenarios/retry-storm.toml"), &[]).unwrap();
    let unbounded = simulate(&s, 0, 0);
    let shed = simulate(&s, 1, 0);
    let failed = |r: &stratosim::stats::RunResult| r.failed as f64 / r.requests as f64;
    assert!(
        failed(&unbounded) > 0.4,
        "unbounded failed {}",
        failed(&unbounded)
    );
    assert!(failed(&shed) < 0.05, "shed_load failed {}", failed(&shed));
    // After the slowdown (20–22 min) the bounded fleet serves everything again.
    assert_eq!(series_sum(&shed, "workload", "errors", 1500.0, 2700.0), 0.0);
}

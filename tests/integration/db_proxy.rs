//! RDS Proxy against answers worked out by hand or by queueing theory: a
//! proxy whose database never queues is an M/M/c queue of its connections
//! (Erlang C); Lambda concurrency beyond the database's connections does
//! not fail through it; its bill; its refusals.

use std::fs;

use crate::common::*;

/// Poisson arrivals straight to a proxy of `c` connections in front of a
/// database that serves `c` queries at once, exponential with mean 100 ms.
fn mmc(c: u32, rate: f64) -> String {
    format!(
        r#"
[scenario]
name = "proxy-mmc"
duration = "30m"
warmup = "2m"
seed = 12
replications = 8
interval = "1m"

[workload]
arrival = "poisson"
rate = {rate}

[designs.d]
entry = "proxy"

[designs.d.proxy]
kind = "db_proxy"
target = "db"

[designs.d.db]
kind = "database"
capacity = {c}
service_time = {{ dist = "exp", mean = "100ms" }}
max_connections = {c}
vcpus = 2
"#
    )
}

#[test]
fn a_proxy_whose_database_never_queues_is_erlang_c_over_its_connections() {
    // λ = 64/s, μ = 10/s, c = 8: a = 6.4, ρ = 0.8. A call waits for a
    // connection exactly as a job waits for a server of M/M/8.
    let (c, rate, mu) = (8, 64.0, 10.0);
    let p_wait = erlang_c(c, rate / mu);
    let exact_wait_ms = p_wait / (f64::from(c) * mu - rate) * 1e3;
    let runs = replications(&scenario(&mmc(c, rate)), 0);
    let waits: Vec<f64> = runs
        .iter()
        .map(|r| component(r, "proxy").mean_wait_ms)
        .collect();
    assert_agrees("mean borrow wait (ms)", &waits, exact_wait_ms, 4.0, 0.05);
    let (warmup, end) = (120.0, 1800.0);
    let shares: Vec<f64> = runs
        .iter()
        .map(|r| {
            series_sum(r, "proxy", "borrows_waited", warmup, end)
                / series_sum(r, "proxy", "arrivals", warmup, end)
        })
        .collect();
    assert_agrees("share of calls that wait", &shares, p_wait, 4.0, 0.05);
    for r in &runs {
        assert_eq!(r.requests, r.completed + r.failed + r.lost + r.pending);
        assert_eq!(r.failed + r.lost, 0);
        // The proxy never holds more than its connections: the database
        // never refuses one, nor queues a query.
        assert_eq!(total(r, "db", "connection_errors"), 0.0);
        assert!(last(r, "db", "connections") <= f64::from(c));
        assert_eq!(component(r, "db").max_queue, 0);
    }
}

/// `k` requests' worth of Lambda concurrency against a database of `c`
/// connections through a proxy: the burst of the test of the connections
/// alone (where K − C fail), the function calling a proxy in front of the
/// database.
fn lambda_through_proxy(k: u32, c: u32) -> String {
    let direct =
        crate::connections::lambda_burst(k, c).replace("calls = [\"db\"]", "calls = [\"proxy\"]");
    format!("{direct}vcpus = 2\n\n[designs.d.proxy]\nkind = \"db_proxy\"\ntarget = \"db\"\n")
}

#[test]
fn through_a_proxy_no_environment_fails_and_the_database_keeps_under_its_limit() {
    let (k, c) = (50, 20);
    let s = scenario(&lambda_through_proxy(k, c));
    for r in replications(&s, 0) {
        assert_eq!(r.requests, r.completed + r.failed + r.lost + r.pending);
        assert_eq!(last(&r, "fn", "environments"), f64::from(k));
        // All K queries succeed: the proxy shares C connections among them.
        assert_eq!(total(&r, "db", "connection_errors"), 0.0);
        assert_eq!(total(&r, "proxy", "connection_errors"), 0.0);
        assert_eq!(total(&r, "fn", "completions"), f64::from(k));
        assert_eq!(r.completed, u64::from(k));
        assert!(last(&r, "db", "connections") <= f64::from(c));
        for (t, busy) in series(&r, "db", "in_flight") {
            assert!(busy <= f64::from(c), "{busy} queries at {t} s");
        }
        for (t, mean) in series(&r, "proxy", "connections") {
            assert!(mean <= f64::from(c), "{mean} connections at {t} s");
        }
    }
}

#[test]
fn pinned_environments_hold_their_connections_and_the_others_wait_or_fail() {
    // Every environment pins: the first C keep the C connections for
    // their life, and the other K − C wait past a 200 ms borrow timeout.
    let (k, c) = (50, 20);
    let text = lambda_through_proxy(k, c).replace(
        "target = \"db\"\n",
        "target = \"db\"\npinning = 1.0\nborrow_timeout = \"200ms\"\n",
    );
    for r in replications(&scenario(&text), 0) {
        assert_eq!(r.requests, r.completed + r.failed + r.lost + r.pending);
        assert_eq!(r.completed, u64::from(c));
        assert_eq!(total(&r, "proxy", "connection_errors"), f64::from(k - c));
        assert_eq!(last(&r, "proxy", "connections"), f64::from(c));
    }
}

/// A proxy in front of a database of `vcpus` vCPUs for an hour.
fn billed(vcpus: u32) -> String {
    format!(
        r#"
[scenario]
name = "proxy-bill"
duration = "1h"
warmup = "0s"
seed = 1
replications = 1

[workload]
rate = 1

[designs.d]
entry = "proxy"

[designs.d.proxy]
kind = "db_proxy"
target = "db"

[designs.d.db]
kind = "database"
service_time = "1ms"
max_connections = 10
vcpus = {vcpus}
"#
    )
}

#[test]
fn a_proxy_is_billed_per_vcpu_hour_of_its_database_with_a_minimum_of_two() {
    // $0.015 per vCPU-hour; a 1-vCPU instance is billed as 2.
    for (vcpus, hour, month) in [(1, 0.03, 21.9), (2, 0.03, 21.9), (4, 0.06, 43.8)] {
        let r = &replications(&scenario(&billed(vcpus)), 0)[0];
        let p = component(r, "proxy");
        assert!((p.cost_usd - hour).abs() < 1e-9, "{vcpus}: {}", p.cost_usd);
        assert!(
            (p.monthly_cost_usd - month).abs() < 1e-9,
            "{vcpus}: {}",
            p.monthly_cost_usd
        );
        // The database itself bills nothing here (no prices given).
        assert!((r.cost_usd - hour).abs() < 1e-9);
    }
}

#[test]
fn bad_proxy_keys_exit_2_with_their_path_and_a_suggestion() {
    let tmp = tempfile::tempdir().unwrap();
    for (from, to, parts) in [
        (
            "target = \"db\"\n",
            "target = \"db\"\npining = 0.5\n",
            &["designs.d.proxy.pining", "pinning"][..],
        ),
        (
            "target = \"db\"\n",
            "target = \"dbb\"\n",
            &["designs.d.proxy.target", "db"],
        ),
        ("vcpus = 2\n", "\n", &["designs.d.proxy.target", "vcpus"]),
        (
            "max_connections = 10\n",
            "\n",
            &["designs.d.proxy.target", "max_connections"],
        ),
    ] {
        let text = billed(2).replace(from, to);
        let path = tmp.path().join("s.toml");
        fs::write(&path, &text).unwrap();
        let out = stratosim(&["check", path.to_str().unwrap()]);
        let msg = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{msg}");
        assert!(msg.contains("s.toml:"), "{msg}");
        for part in parts {
            assert!(msg.contains(part), "{part:?} not in {msg}");
        }
    }
}

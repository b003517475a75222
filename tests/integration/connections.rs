//! Database connections against answers worked out by hand: a function's
//! execution environment opens a connection on its first call and keeps
//! it; past `max_connections` a call fails at once; an instance's pool
//! holds at most `pool_size`.

use crate::common::*;

/// `k` requests' worth of Lambda concurrency against a database of `c`
/// connections: 1,000 requests/s for 5.6 s, each invocation working 5 s
/// before its one query, so that the first `k` arrivals take every
/// environment (the rest are throttled) and each environment makes exactly
/// one query before the run ends.
pub(crate) fn lambda_burst(k: u32, c: u32) -> String {
    format!(
        r#"
[scenario]
name = "connections"
duration = "5600ms"
warmup = "0s"
seed = 4
replications = 2
interval = "100ms"

[workload]
arrival = "constant"
rate = 1000

[designs.d]
entry = "fn"

[designs.d.fn]
kind = "lambda"
runtime = "python3.12"
service_time = "5s"
timeout = "30s"
concurrency = {k}
calls = ["db"]

[designs.d.db]
kind = "database"
capacity = 200
service_time = "10ms"
max_connections = {c}
"#
    )
}

#[test]
fn past_max_connections_exactly_the_environments_beyond_the_limit_fail_their_first_call() {
    let (k, c) = (50, 20);
    let s = scenario(&lambda_burst(k, c));
    for r in replications(&s, 0) {
        assert_eq!(r.requests, r.completed + r.failed + r.lost + r.pending);
        assert_eq!(last(&r, "fn", "environments"), f64::from(k));
        // Every environment made one query: C opened a connection and
        // succeeded, K − C were refused at once.
        assert_eq!(total(&r, "db", "connection_errors"), f64::from(k - c));
        assert_eq!(last(&r, "db", "connections"), f64::from(c));
        assert_eq!(total(&r, "db", "completions"), f64::from(c));
        assert_eq!(total(&r, "fn", "completions"), f64::from(c));
        assert_eq!(r.completed, u64::from(c));
    }
}

#[test]
fn a_connection_is_held_by_its_environment_until_it_is_reclaimed() {
    // Without a limit nothing is counted or refused; with one at K, none
    // fail and K stay open.
    let s = scenario(&lambda_burst(30, 30));
    for r in replications(&s, 0) {
        assert_eq!(total(&r, "db", "connection_errors"), 0.0);
        assert_eq!(last(&r, "db", "connections"), 30.0);
        assert_eq!(r.completed, 30);
    }
    let plain = lambda_burst(30, 30).replace("max_connections = 30\n", "");
    for r in replications(&scenario(&plain), 0) {
        assert!(series(&r, "db", "connections").next().is_none());
        assert_eq!(r.completed, 30);
    }
}

/// 3 instances of 8 workers calling a database of `c` connections, with
/// pools of `pool` (the default: the workers) at 400 requests/s of 10 ms
/// queries (4 busy workers on average, bursts to all 24).
fn fleet(c: u32, pool: &str) -> String {
    format!(
        r#"
[scenario]
name = "pool"
duration = "2m"
warmup = "0s"
seed = 8
replications = 2
interval = "10s"

[workload]
arrival = "poisson"
rate = 400

[designs.d]
entry = "alb"

[designs.d.alb]
kind = "load_balancer"
targets = "app"

[designs.d.app]
kind = "ec2"
instance_type = "m5.large"
instances = 3
workers = 8
service_time = "1ms"
calls = ["db"]
{pool}

[designs.d.db]
kind = "database"
capacity = 100
service_time = "10ms"
max_connections = {c}
"#
    )
}

#[test]
fn an_instance_pool_holds_at_most_pool_size_and_waits_beyond_it() {
    // Pools of 8 over 3 instances stay within 24 connections: none refused.
    for r in replications(&scenario(&fleet(24, "")), 0) {
        assert_eq!(total(&r, "db", "connection_errors"), 0.0);
        assert!(last(&r, "db", "connections") <= 24.0);
        assert_eq!(r.failed, 0);
    }
    // Pools of 2: at most 6 connections, and calls wait for one rather
    // than fail (each instance serves 2 queries at a time, 200/s, over
    // its third of the load, 133/s).
    for r in replications(&scenario(&fleet(24, "pool_size = 2")), 0) {
        assert_eq!(total(&r, "db", "connection_errors"), 0.0);
        assert!(last(&r, "db", "connections") <= 6.0);
        assert_eq!(r.failed, 0);
        let db_busy = mean_after(&r, "db", "in_flight", 0.0);
        assert!(db_busy <= 6.0, "{db_busy}");
    }
    // A database of 10 connections for pools that grow to 8 each: the
    // calls that would open an eleventh fail at once.
    for r in replications(&scenario(&fleet(10, "")), 0) {
        assert!(total(&r, "db", "connection_errors") > 0.0);
        assert_eq!(last(&r, "db", "connections"), 10.0);
        assert_eq!(r.failed as f64, total(&r, "db", "connection_errors"));
    }
}

//! Lambda functions and API Gateway against exact answers.

use crate::common::*;
use stratosim::metric::Metric;
use stratosim::run::simulate;

/// Erlang B: the blocking probability of c servers offered `a` erlangs.
fn erlang_b(c: u32, a: f64) -> f64 {
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (f64::from(k) + a * b);
    }
    b
}

fn function(head: &str, function: &str) -> String {
    format!(
        r#"
{head}
[designs.d]
entry = "fn"
[designs.d.fn]
kind = "lambda"
{function}
"#
    )
}

#[test]
fn requests_further_apart_than_the_keep_alive_are_all_cold() {
    // One request every 20 minutes, environments kept 10 minutes: every
    // invocation starts a new environment. One every 5 minutes: only the first.
    let head = |every: &str| {
        format!(
            "[scenario]\nname = \"l\"\nduration = \"10h\"\n[workload]\narrival = \"constant\"\nrate = {every}\n"
        )
    };
    let body = "runtime = \"python3.12\"\nservice_time = \"100ms\"\nkeep_alive = \"10m\"";
    let sparse = simulate(
        &scenario(&function(&head("0.000833333333333333"), body)),
        0,
        0,
    );
    let f = component(&sparse, "fn");
    assert_eq!(f.handled, sparse.requests);
    assert!(f.handled >= 29);
    assert_eq!(f.cold_starts, f.handled, "every sparse request is cold");
    let dense = simulate(
        &scenario(&function(&head("0.00333333333333333"), body)),
        0,
        0,
    );
    let f = component(&dense, "fn");
    assert!(f.handled >= 119);
    assert_eq!(f.cold_starts, 1, "only the first dense request is cold");
    // A cold request waits for the start-up; Python's default is the
    // measured ~70 ms init (lognormal around it).
    assert!(sparse.response.mean > dense.response.mean + 30.0);
}

#[test]
fn java_starts_colder_than_python() {
    let head = "[scenario]\nname = \"l\"\nduration = \"10h\"\nseed = 4\n[workload]\narrival = \"constant\"\nrate = 0.000833333333333333\n";
    let cold = |runtime: &str| {
        let text = function(
            head,
            &format!("runtime = \"{runtime}\"\nservice_time = \"100ms\"\nkeep_alive = \"10m\""),
        );
        component(&simulate(&scenario(&text), 0, 0), "fn").mean_wait_ms
    };
    let (java, python) = (cold("java21"), cold("python3.12"));
    assert!(java > 2.0 * python, "java {java} ms, python {python} ms");
}

#[test]
fn throttling_with_reserved_concurrency_matches_erlang_b() {
    // Reserved concurrency c = 10, Poisson arrivals, exponential 200 ms,
    // λ = 40/s: a = 8 erlangs, and with no retries a throttled invocation
    // is lost to the caller: the throttled fraction is B(10, 8).
    let head = "[scenario]\nname = \"l\"\nduration = \"1h\"\nwarmup = \"5m\"\nseed = 21\nreplications = 8\n[workload]\nrate = 40\n";
    let text = function(
        head,
        "runtime = \"python3.12\"\nservice_time = { dist = \"exp\", mean = \"200ms\" }\nkeep_alive = \"4d\"\nconcurrency = 10",
    );
    let exact = erlang_b(10, 8.0);
    let runs = replications(&scenario(&text), 0);
    let throttled: Vec<f64> = runs
        .iter()
        .map(|r| r.failed as f64 / r.requests as f64)
        .collect();
    assert_agrees("throttled fraction", &throttled, exact, 4.0, 0.02);
}

#[test]
fn unlimited_concurrency_matches_m_m_infinity() {
    // M/M/∞: the mean number of busy environments is λ·E[S] = 50 × 0.2 = 10.
    let head = "[scenario]\nname = \"l\"\nduration = \"1h\"\nwarmup = \"10m\"\ninterval = \"10s\"\nseed = 22\nreplications = 6\n[workload]\nrate = 50\n";
    let text = function(
        head,
        "runtime = \"python3.12\"\nservice_time = { dist = \"exp\", mean = \"200ms\" }\nkeep_alive = \"4d\"",
    );
    let runs = replications(&scenario(&text), 0);
    let busy: Vec<f64> = runs
        .iter()
        .map(|r| mean_after(r, "fn", "concurrency", 600.0))
        .collect();
    assert_agrees("mean busy environments", &busy, 10.0, 4.0, 0.02);
    for r in &runs {
        assert_eq!(r.failed, 0);
    }
}

#[test]
fn a_function_bill_matches_hand_computation() {
    // 10 requests/s for 1 hour, 100 ms each, 1,024 MB, x86_64:
    //   requests: 36,000 × $0.20 / 1M                    = $0.0072
    //   duration: 36,000 × 0.1 s × 1 GB = 3,600 GB-s
    //             × $0.0000166667                        = $0.0600
    //   INIT: four cold starts of 250 ms (the requests at 0, 0.1, 0.2
    //         and 0.3 s find every environment busy or starting), billed
    //         as duration since August 2025: 1 GB-s × $0.0000166667
    //                                                    = $0.0000167
    //   Lambda total                                     = $0.0672167
    //   HTTP API: 36,000 × $1.00 / 1M                    = $0.0360
    let text = r#"
[scenario]
name = "l"
duration = "1h"
[workload]
arrival = "constant"
rate = 10
[designs.d]
entry = "api"
[designs.d.api]
kind = "api_gateway"
type = "http"
targets = "fn"
latency = "0s"
[designs.d.fn]
kind = "lambda"
runtime = "python3.12"
memory_mb = 1024
service_time = "100ms"
cold_start = "250ms"
keep_alive = "4d"
"#;
    let r = simulate(&scenario(text), 0, 0);
    // Arrivals every 0.1 s: 36,000 give or take the one at the very end.
    let n = r.requests as f64;
    assert!((n - 36_000.0).abs() <= 1.0, "{n}");
    let done = component(&r, "fn").handled as f64;
    let f = component(&r, "fn").cost_usd;
    // Requests are billed as they arrive, duration as invocations end.
    assert_eq!(component(&r, "fn").cold_starts, 4);
    let expected = n * 0.20 / 1e6 + (done * 0.1 + 4.0 * 0.25) * 1.0 * 0.0000166667;
    assert!((f - expected).abs() < 1e-9, "lambda {f} vs {expected}");
    assert!((f - 0.0672167).abs() < 0.00001, "to the cent: {f}");
    let api = component(&r, "api").cost_usd;
    assert!((api - n / 1e6).abs() < 1e-12, "api {api}");
    assert!((api - 0.036).abs() < 0.00001);
}

#[test]
fn provisioned_environments_are_never_cold_and_are_billed_all_along() {
    let text = r#"
[scenario]
name = "l"
duration = "2h"
[workload]
arrival = "constant"
rate = 0.01
[designs.d]
entry = "fn"
[designs.d.fn]
kind = "lambda"
runtime = "java21"
memory_mb = 2048
service_time = "100ms"
keep_alive = "10m"
concurrency = 5
provisioned = 2
"#;
    let r = simulate(&scenario(text), 0, 0);
    let f = component(&r, "fn");
    assert_eq!(f.cold_starts, 0);
    assert!(f.handled >= 71);
    // Allocation: 2 environments × 2 GB × 7,200 s = 28,800 GB-s at the
    // provisioned allocation price, plus the invocations.
    let allocation = 2.0 * 2.0 * 7200.0 * 0.0000041667;
    let invocations = f.handled as f64 * (0.20 / 1e6 + 0.1 * 2.0 * 0.0000097222);
    assert!(
        (f.cost_usd - allocation - invocations).abs() < 1e-6,
        "{}",
        f.cost_usd
    );
}

#[test]
fn an_invocation_past_its_timeout_fails() {
    let text = function(
        "[scenario]\nname = \"l\"\nduration = \"10m\"\n[workload]\narrival = \"constant\"\nrate = 1\n",
        "runtime = \"python3.12\"\nservice_time = \"5s\"\ntimeout = \"3s\"",
    );
    let r = simulate(&scenario(&text), 0, 0);
    assert_eq!(r.completed, 0);
    assert!(r.failed >= 595);
    // The environment is reset after a timeout: every invocation is cold.
    assert_eq!(component(&r, "fn").cold_starts, r.requests);
}

#[test]
fn api_gateway_throttles_at_its_rate() {
    // 150 requests/s against a 100/s bucket of 50: over 60 s the gateway
    // admits the burst plus 100 per second, about 6,050, and throttles the rest.
    let text = r#"
[scenario]
name = "l"
duration = "60s"
[workload]
arrival = "constant"
rate = 150
[designs.d]
entry = "api"
[designs.d.api]
kind = "api_gateway"
targets = "fn"
rate = 100
burst = 50
[designs.d.fn]
kind = "lambda"
runtime = "python3.12"
service_time = "10ms"
"#;
    let r = simulate(&scenario(text), 0, 0);
    let admitted = r.requests - r.failed;
    assert!((admitted as i64 - 6050).abs() <= 2, "{admitted} admitted");
    assert_eq!(component(&r, "api").errors, r.failed);
}

#[test]
fn api_gateway_gives_up_after_its_integration_timeout() {
    let text = r#"
[scenario]
name = "l"
duration = "5m"
[workload]
arrival = "constant"
rate = 1
[designs.d]
entry = "api"
[designs.d.api]
kind = "api_gateway"
targets = "fn"
timeout = "1s"
[designs.d.fn]
kind = "lambda"
runtime = "python3.12"
service_time = "2s"
timeout = "10s"
"#;
    let r = simulate(&scenario(text), 0, 0);
    assert_eq!(r.completed, 0);
    assert!(r.failed >= 295);
    // The client waited 1 s (+ the gateway's 1 ms), not the function's 2 s.
    assert!(r.response.max == 0.0);
    assert_eq!(
        component(&r, "fn").errors,
        0,
        "the function itself succeeded"
    );
}

/// web → queue → function (event source mapping), `rate` per second for
/// `duration`, each message `work` of the function's time.
fn esm(rate: &str, duration: &str, concurrency: &str, work: &str) -> String {
    esm_with("constant", rate, duration, concurrency, work, "")
}

/// [`esm`] with the arrival process and more keys for the queue.
fn esm_with(
    arrival: &str,
    rate: &str,
    duration: &str,
    concurrency: &str,
    work: &str,
    queue: &str,
) -> String {
    format!(
        r#"
[scenario]
name = "l"
duration = "{duration}"
interval = "10s"
seed = 5
[workload]
arrival = "{arrival}"
rate = {rate}
[designs.d]
entry = "web"
[designs.d.web]
kind = "ec2"
instance_type = "c5.large"
workers = 1000
service_time = "1ms"
sends = ["q"]
[designs.d.q]
kind = "queue"
consumer = "fn"
{queue}
[designs.d.fn]
kind = "lambda"
runtime = "python3.12"
service_time = "{work}"
timeout = "10s"
{concurrency}
"#
    )
}

#[test]
fn an_event_source_mapping_never_exceeds_the_functions_concurrency() {
    // 200 messages/s of 500 ms each need 100 concurrent invocations; the
    // function is reserved 20. The mapping polls with at most 20 batches at
    // once, so the function is never throttled and the queue absorbs the rest.
    let r = simulate(
        &scenario(&esm("200", "5m", "concurrency = 20", "500ms")),
        0,
        0,
    );
    let f = component(&r, "fn");
    assert!(f.instances_max <= 20, "{} environments", f.instances_max);
    let c = r.series_names.iter().position(|n| n == "fn").unwrap() as u32;
    for s in r.samples.iter().filter(|s| s.component == c) {
        if s.metric == Metric::Concurrency {
            assert!(
                s.value <= 20.0 + 1e-9,
                "concurrency {} at {:?}",
                s.value,
                s.time
            );
        }
        if s.metric == Metric::Throttles {
            assert_eq!(s.value, 0.0);
        }
    }
    assert!(component(&r, "q").max_queue > 10_000);
    assert_eq!(r.failed + r.lost, 0);
}

#[test]
fn an_event_source_mapping_starts_with_5_pollers_and_adds_300_a_minute() {
    // A backlog from the start: 5 concurrent invocations for the first
    // minute, 305 in the second (until the reserved 1,000 or the work runs out).
    let r = simulate(
        &scenario(&esm("1000", "3m", "concurrency = 1000", "2s")),
        0,
        0,
    );
    let c = r.series_names.iter().position(|n| n == "fn").unwrap() as u32;
    let at = |t: f64| {
        r.samples
            .iter()
            .find(|s| {
                s.component == c
                    && s.metric == Metric::InFlight
                    && (s.time.as_secs_f64() - t).abs() < 1e-9
            })
            .map(|s| s.value)
            .unwrap()
    };
    assert!(at(50.0) <= 5.0, "{}", at(50.0));
    assert!(at(60.0) <= 5.0);
    assert!(at(110.0) > 5.0 && at(110.0) <= 305.0, "{}", at(110.0));
    assert!(at(170.0) > 305.0 && at(170.0) <= 605.0, "{}", at(170.0));
}

#[test]
fn a_batching_window_gathers_what_arrives_in_one_cycle() {
    // One poller (reserved concurrency 1), Poisson arrivals at 1/s, batches
    // of up to 100 gathered for 5 s. For SQS the next window opens as soon
    // as the previous invocation completes, so a batch holds what arrived
    // in one cycle: the window, the receive's and the delete's round trips
    // (16 ms each) and the handler's 1 ms per message. A window with
    // nothing in it invokes nothing: N ~ Poisson(λc) given N > 0.
    let text = esm_with(
        "poisson",
        "1",
        "4h",
        "concurrency = 1",
        "1ms",
        "batch_size = 100\nbatching_window = \"5s\"",
    );
    let r = simulate(&scenario(&text), 0, 0);
    let (f, q) = (component(&r, "fn"), component(&r, "q"));
    let messages = total(&r, "q", "deleted");
    let invocations = f.handled as f64;
    let per_batch = messages / invocations;
    let cycle: f64 = 5.0 + 2.0 * 0.016 + 0.005;
    let expected = cycle / (1.0 - (-cycle).exp());
    let tolerance = 4.0 * (cycle / invocations).sqrt();
    assert!(
        (per_batch - expected).abs() < tolerance,
        "{per_batch} per batch, expected {expected} ± {tolerance}"
    );
    assert_eq!(q.errors + f.errors, 0);
    assert_eq!(r.failed + r.lost, 0);
    // One request per batch; every message's 1 ms is billed duration.
    let p = &stratosim::catalog::builtin().lambda;
    let bill = invocations * p.request_per_million.value / 1e6
        + messages * 0.001 * (128.0 / 1024.0) * p.gb_second_x86.value;
    assert!(
        (f.cost_usd - bill).abs() < 1e-3 * bill,
        "{} vs {bill}",
        f.cost_usd
    );
}

#[test]
fn concurrent_pollers_share_the_messages_of_a_window() {
    // Five pollers, each with its own 5 s window, at 1 message/s: every
    // window of every poller that caught a message is an invocation, so
    // batches are about five times smaller than one poller's, the
    // surprise that users of batching windows meet.
    let text = esm_with(
        "poisson",
        "1",
        "4h",
        "",
        "1ms",
        "batch_size = 100\nbatching_window = \"5s\"",
    );
    let r = simulate(&scenario(&text), 0, 0);
    let per_batch = total(&r, "q", "deleted") / component(&r, "fn").handled as f64;
    assert!(per_batch > 1.0 && per_batch < 2.0, "{per_batch} per batch");
}

#[test]
fn a_backlog_is_invoked_in_full_batches() {
    // 200 messages/s against 5 concurrent batches of 10 × 100 ms: the queue
    // soon holds a backlog, and every batch is full.
    let text = esm_with(
        "constant",
        "200",
        "2m",
        "concurrency = 5",
        "100ms",
        "batch_size = 10",
    );
    let r = simulate(&scenario(&text), 0, 0);
    // Only the first batches, taken before the backlog built up, are short.
    let full_batches = total(&r, "q", "deleted") / 10.0;
    let invocations = component(&r, "fn").handled as f64;
    assert!(
        invocations >= full_batches && invocations <= full_batches + 10.0,
        "{invocations} invocations for {full_batches} batches of 10"
    );
}

/// Full batches of 10 for a function whose every database call fails:
/// the database's calls per invocation tell how far each handler got.
fn failing_batches(partial: bool) -> (f64, u64) {
    let text = format!(
        "{}{}",
        esm_with(
            "constant",
            "20",
            "10m",
            "calls = [\"db\"]\nconcurrency = 2",
            "10ms",
            &format!(
                "batch_size = 10\nbatching_window = \"2s\"\nmax_receives = 3\nreport_batch_item_failures = {partial}"
            ),
        ),
        "[designs.d.db]\nkind = \"database\"\ncapacity = 10\nservice_time = \"1ms\"\n\
         [[faults]]\ncomponent = \"db\"\nkind = \"outage\"\nat = \"0s\"\nduration = \"1h\"\n",
    );
    let r = simulate(&scenario(&text), 0, 0);
    let calls = component(&r, "db").handled as f64;
    (calls / component(&r, "fn").handled as f64, r.lost)
}

#[test]
fn a_failed_item_fails_its_batch_unless_failures_are_reported() {
    // Without partial batch responses the first failed item is the
    // handler's exception: one database call per invocation. Reporting
    // item failures, the handler tries all ten. Either way no message is
    // ever deleted: each is received 3 times and dropped, its work lost.
    let (whole, lost_whole) = failing_batches(false);
    let (partial, lost_partial) = failing_batches(true);
    assert!((whole - 1.0).abs() < 1e-9, "{whole} calls per invocation");
    assert!(
        (partial - 10.0).abs() < 0.1,
        "{partial} calls per invocation"
    );
    assert!(lost_whole > 5_000 && lost_partial > 5_000);
}

#[cfg(feature = "slow-tests")]
#[test]
fn the_contract_flash_sale_loses_nothing_with_its_lambda_consumer() {
    let dir = contract_examples();
    use stratosim::scenario::{Override, load};
    let once = [Override {
        key: "scenario.replications".into(),
        value: "1".into(),
    }];
    let s = load(&dir.join("flash-sale.toml"), &once).unwrap();
    let decoupled = simulate(&s, 1, 0);
    assert_eq!(decoupled.failed, 0);
    assert_eq!(decoupled.lost, 0);
    assert!(decoupled.pending < 100);
    let worker = component(&decoupled, "worker");
    assert!(worker.instances_max <= 50, "reserved concurrency 50");
    let monolith = simulate(&s, 0, 0);
    assert!(monolith.failed as f64 > 0.1 * monolith.requests as f64);
}

/// web → (async) function, the function calling a database that is down
/// all along when `down`.
fn events(function: &str, down: bool, extra: &str) -> String {
    let fault = if down {
        "[[faults]]\ncomponent = \"db\"\nkind = \"outage\"\nat = \"0s\"\nduration = \"10h\"\n"
    } else {
        ""
    };
    format!(
        r#"
[scenario]
name = "l"
duration = "20m"
seed = 6
[workload]
arrival = "constant"
rate = 1
{fault}
[designs.d]
entry = "web"
[designs.d.web]
kind = "ec2"
instance_type = "c5.large"
workers = 100
service_time = "1ms"
sends = ["fn"]
[designs.d.fn]
kind = "lambda"
runtime = "python3.12"
service_time = "50ms"
calls = ["db"]
{function}
[designs.d.db]
kind = "database"
capacity = 10
service_time = "1ms"
{extra}
"#
    )
}

#[test]
fn a_failing_event_is_tried_three_times_then_lost() {
    // Each event runs, fails, is retried after 1 min and again 2 min later,
    // then dropped: a request whose event has used its retries is lost
    // (the client had its 202 long before).
    let r = simulate(&scenario(&events("", true, "")), 0, 0);
    let f = component(&r, "fn");
    assert_eq!(f.handled, f.errors, "every attempt fails");
    // Events sent in the last 3 minutes have not used all their attempts.
    let finished = r.lost as f64;
    assert!(
        (finished - (1200.0 - 180.0)).abs() <= 2.0,
        "lost {finished}"
    );
    let attempts = f.handled as f64;
    // 3 attempts per finished event, 1–2 for the ones still retrying.
    assert!(
        attempts >= 3.0 * finished && attempts <= 3.0 * finished + 2.0 * 181.0,
        "{attempts}"
    );
    assert_eq!(r.failed, 0);
    assert_eq!(r.completed, 0);
    // With `retries = 0` each event runs once.
    let r0 = simulate(&scenario(&events("retries = 0", true, "")), 0, 0);
    let f0 = component(&r0, "fn");
    assert!((f0.handled as i64 - r0.requests as i64).abs() <= 1);
}

#[test]
fn a_failed_event_goes_to_its_on_failure_queue() {
    let text = events(
        "retries = 0\non_failure = \"failures\"",
        true,
        "[designs.d.failures]\nkind = \"queue\"\n",
    );
    let r = simulate(&scenario(&text), 0, 0);
    let depth = last(&r, "failures", "queue_depth");
    // Nobody consumes the destination: its messages are lost work, and
    // they are all there to inspect.
    assert!(
        (depth - r.lost as f64).abs() <= 1.0,
        "{depth} vs {}",
        r.lost
    );
    assert!(r.lost > 1100);
}

#[test]
fn throttled_events_are_retried_until_they_run() {
    // Reserved concurrency 1, 50 ms each, 1 event per second plus bursts of
    // the client's retries: throttled events wait and run later; none is lost.
    let text = events("concurrency = 1", false, "")
        .replace("arrival = \"constant\"\nrate = 1", "rate = 15");
    let r = simulate(&scenario(&text), 0, 0);
    assert!(
        component(&r, "fn").errors > 0,
        "some attempts were throttled"
    );
    assert_eq!(r.lost, 0);
    assert_eq!(r.failed, 0);
    // What is pending at the end is exactly the events still in Lambda's
    // internal queue (backing off for up to 5 minutes) or running.
    let waiting = last(&r, "fn", "events_waiting");
    assert!(
        (r.pending as f64 - waiting).abs() <= 1.0,
        "{} vs {waiting}",
        r.pending
    );
    assert!(r.completed as f64 > 0.5 * r.requests as f64);
}

#[test]
fn a_topic_invokes_a_subscribed_function_asynchronously() {
    let text = r#"
[scenario]
name = "l"
duration = "10m"
seed = 2
[workload]
rate = 5
[designs.d]
entry = "web"
[designs.d.web]
kind = "ec2"
instance_type = "c5.large"
workers = 100
service_time = "1ms"
sends = ["events"]
[designs.d.events]
kind = "topic"
subscribers = ["fn"]
[designs.d.fn]
kind = "lambda"
runtime = "nodejs22.x"
service_time = "30ms"
"#;
    let r = simulate(&scenario(text), 0, 0);
    assert_eq!(r.failed + r.lost, 0);
    assert!(r.pending < 5);
    assert!(component(&r, "fn").handled + 5 >= r.requests);
}

#[test]
fn throttled_invocations_are_not_billed() {
    // One environment, 500 ms each, 10 requests a second: about 2 a second
    // run, the rest are throttled and cost nothing.
    let text = function(
        "[scenario]\nname = \"l\"\nduration = \"10m\"\n[workload]\narrival = \"constant\"\nrate = 10\n",
        "runtime = \"python3.12\"\nmemory_mb = 1024\nservice_time = \"500ms\"\ncold_start = \"250ms\"\nkeep_alive = \"1h\"\nconcurrency = 1",
    );
    let r = simulate(&scenario(&text), 0, 0);
    let f = component(&r, "fn");
    let ran = f.handled - f.errors;
    assert!(f.errors > 7 * ran / 2, "{} throttled, {ran} ran", f.errors);
    // The one cold start's 250 ms INIT is billed as duration.
    assert_eq!(f.cold_starts, 1);
    let expected = ran as f64 * (0.20 / 1e6 + 0.5 * 1.0 * 0.0000166667) + 0.25 * 1.0 * 0.0000166667;
    // The one invocation still running at the end is billed its request.
    assert!(
        (f.cost_usd - expected).abs() <= 0.20 / 1e6 + 1e-12,
        "{} vs {expected}",
        f.cost_usd
    );
}

#[test]
fn every_cold_start_bills_its_init_phase() {
    // One request a second to a 512 MB function whose environments live
    // 10 ms after their last request: every request starts cold. Since
    // 1 August 2025 the INIT phase (300 ms here) is billed as duration:
    //   per request $0.20 / 1M + 0.5 GB × (0.3 + 0.1) s × $0.0000166667
    let text = function(
        "[scenario]\nname = \"l\"\nduration = \"10m\"\n[workload]\narrival = \"constant\"\nrate = 1\n",
        "runtime = \"python3.12\"\nmemory_mb = 512\nservice_time = \"100ms\"\ncold_start = \"300ms\"\nkeep_alive = \"10ms\"",
    );
    let r = simulate(&scenario(&text), 0, 0);
    let f = component(&r, "fn");
    assert_eq!(f.cold_starts, r.requests, "one cold start per request");
    assert_eq!(f.handled, r.requests);
    let each = 0.20 / 1e6 + 0.5 * (0.3 + 0.1) * 0.0000166667;
    let expected = r.requests as f64 * each;
    assert!(
        (f.cost_usd - expected).abs() < 1e-12,
        "{} vs {expected}",
        f.cost_usd
    );
}

#[test]
fn arm64_provisioned_concurrency_bills_its_own_rates() {
    // Two provisioned 1 GB environments for an hour, a request every 10 s
    // of 100 ms, all on them: allocation 2 × 3,600 GB-s at the arm64 rate
    // $0.0000033334 (x86: $0.0000041667), duration 360 × 0.1 GB-s at
    // $0.0000077778 (x86: $0.0000097222), and the requests. A month keeps
    // the two allocated for 730 hours: 2 × 2,628,000 GB-s × $0.0000033334.
    let text = function(
        "[scenario]\nname = \"l\"\nduration = \"1h\"\n[workload]\narrival = \"constant\"\nrate = 0.1\n",
        "runtime = \"python3.12\"\narchitecture = \"arm64\"\nmemory_mb = 1024\nservice_time = \"100ms\"\nprovisioned = 2",
    );
    let r = simulate(&scenario(&text), 0, 0);
    let f = component(&r, "fn");
    assert_eq!(f.cold_starts, 0);
    let n = f.handled as f64;
    let expected = 2.0 * 3600.0 * 0.0000033334 + n * 0.1 * 0.0000077778 + n * 0.20 / 1e6;
    assert!(
        (f.cost_usd - expected).abs() < 1e-9,
        "{} vs {expected}",
        f.cost_usd
    );
    let month =
        2.0 * 2_628_000.0 * 0.0000033334 + 730.0 * (n * 0.1 * 0.0000077778 + n * 0.20 / 1e6);
    assert!(
        (f.monthly_cost_usd - month).abs() < 1e-6,
        "{} vs {month}",
        f.monthly_cost_usd
    );
}

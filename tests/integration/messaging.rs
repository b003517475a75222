//! Queues and topics against exact answers.

use crate::common::*;
use stratosim::metric::Metric;
use stratosim::run::simulate;

/// web → queue → worker (c pollers) with the given queue and worker settings.
fn pipeline(head: &str, queue: &str, worker: &str) -> String {
    format!(
        r#"
{head}
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
consumer = "worker"
{queue}
[designs.d.worker]
kind = "ec2"
instance_type = "c5.large"
{worker}
"#
    )
}

#[test]
fn a_queue_feeding_c_pollers_matches_erlang_c() {
    // Poisson 36/s, 4 pollers, exponential 100 ms: M/M/4 at ρ = 0.9. With
    // instant API calls and long polling, a message waits in the queue
    // exactly as a job waits in M/M/4: Wq = C(4, 3.6)/(cμ − λ).
    let head = r#"
[scenario]
name = "q"
duration = "1h"
warmup = "5m"
seed = 31
replications = 8
[workload]
rate = 36
"#;
    let text = pipeline(
        head,
        "latency = \"0s\"\nwait_time = \"20s\"\nvisibility_timeout = \"12h\"",
        "workers = 4\nservice_time = { dist = \"exp\", mean = \"100ms\" }",
    );
    let exact = erlang_c(4, 3.6) / (40.0 - 36.0) * 1e3;
    let runs = replications(&scenario(&text), 0);
    let waits: Vec<f64> = runs
        .iter()
        .map(|r| component(r, "q").mean_wait_ms)
        .collect();
    assert_agrees("queue wait (ms)", &waits, exact, 4.0, 0.05);
    for r in &runs {
        assert_eq!(r.failed + r.lost, 0);
        assert_eq!(r.requests, r.completed + r.pending);
    }
    // Completion = response + queue wait + processing; the client waits
    // only for the web tier and the send.
    let completion: Vec<f64> = runs.iter().map(|r| r.completion.mean).collect();
    assert_agrees(
        "completion (ms)",
        &completion,
        1.0 + exact + 100.0,
        4.0,
        0.05,
    );
}

#[test]
fn a_permanent_failure_dead_letters_after_max_receives() {
    // The worker's database is down all along: each message is received
    // max_receives = 3 times, visibility_timeout = 10 s apart, then moves
    // to a dead-letter queue that nobody reads. The client got its success,
    // so every request is lost (except those still in their retry cycle).
    let head = r#"
[scenario]
name = "q"
duration = "20m"
seed = 5
[workload]
arrival = "constant"
rate = 2
[[faults]]
component = "db"
kind = "outage"
at = "0s"
duration = "1h"
"#;
    let mut text = pipeline(
        head,
        "visibility_timeout = \"10s\"\nmax_receives = 3\ndead_letter = \"dlq\"\nwait_time = \"20s\"",
        "workers = 8\nservice_time = \"5ms\"\ncalls = [\"db\"]",
    );
    text.push_str(
        "[designs.d.dlq]\nkind = \"queue\"\n[designs.d.db]\nkind = \"database\"\nservice_time = \"1ms\"\n",
    );
    let r = simulate(&scenario(&text), 0, 0);
    let sent = total(&r, "q", "sent");
    let dead = total(&r, "q", "dead_lettered");
    let received = total(&r, "q", "received");
    // Messages sent in the last 30 s (3 receives × 10 s) have not reached
    // the dead-letter queue yet: 2/s × 30 s = 60 of them at most.
    assert!(sent - dead <= 61.0, "sent {sent}, dead-lettered {dead}");
    assert!(
        (received - 3.0 * dead).abs() <= 3.0 * 61.0,
        "received {received}"
    );
    assert_eq!(total(&r, "q", "deleted"), 0.0);
    assert_eq!(total(&r, "dlq", "sent"), 0.0, "a redrive is not a send");
    assert_eq!(last(&r, "dlq", "queue_depth"), dead);
    assert_eq!(r.lost as f64, dead);
    assert_eq!(r.completed, 0);
    assert_eq!(r.requests, r.lost + r.pending);
    // Each dead-lettered message spent max_receives × visibility_timeout in
    // the queue: the oldest message of the live queue is never older.
    assert!(last(&r, "q", "oldest_age_s") <= 30.5);
}

#[test]
fn a_consumer_slower_than_the_visibility_timeout_duplicates_work() {
    // Processing takes 3 s, the visibility timeout is 2 s: every message is
    // received again before its first processing ends, so no delete ever
    // matches the latest receipt. With max_receives = 3 each message is
    // processed 3 times (2 duplicates) and then dead-lettered, its work done.
    let head = r#"
[scenario]
name = "q"
duration = "30m"
seed = 6
[workload]
arrival = "constant"
rate = 1
"#;
    let text = pipeline(
        head,
        "visibility_timeout = \"2s\"\nmax_receives = 3\nwait_time = \"20s\"\nlatency = \"0s\"",
        "workers = 50\nservice_time = \"3s\"",
    );
    let r = simulate(&scenario(&text), 0, 0);
    let dead = total(&r, "q", "dead_lettered");
    assert!(dead > 1700.0);
    assert_eq!(total(&r, "q", "deleted"), 0.0);
    // Messages still cycling at the end have fewer receives: allow for the
    // last 7 seconds of sends.
    let dup = total(&r, "q", "duplicates");
    assert!(
        (dup - 2.0 * dead).abs() <= 2.0 * 7.0,
        "duplicates {dup}, dead {dead}"
    );
    assert_eq!(r.lost, 0, "the work was done, only the deletes failed");
    assert_eq!(r.failed, 0);
}

#[test]
fn a_long_enough_visibility_timeout_deletes_every_message_once() {
    let head = r#"
[scenario]
name = "q"
duration = "30m"
seed = 6
[workload]
arrival = "constant"
rate = 1
"#;
    let text = pipeline(
        head,
        "visibility_timeout = \"10s\"\nmax_receives = 3\nwait_time = \"20s\"",
        "workers = 50\nservice_time = \"3s\"",
    );
    let r = simulate(&scenario(&text), 0, 0);
    assert_eq!(total(&r, "q", "duplicates"), 0.0);
    assert_eq!(total(&r, "q", "dead_lettered"), 0.0);
    assert_eq!(
        total(&r, "q", "received"),
        total(&r, "q", "deleted") + last(&r, "q", "in_flight")
    );
}

#[test]
fn duplicate_deliveries_of_a_standard_queue_happen_at_their_rate() {
    let head = r#"
[scenario]
name = "q"
duration = "30m"
seed = 7
[workload]
rate = 20
"#;
    let text = pipeline(
        head,
        "duplicate_probability = 0.05\nwait_time = \"20s\"",
        "workers = 20\nservice_time = \"10ms\"",
    );
    let r = simulate(&scenario(&text), 0, 0);
    let received = total(&r, "q", "received");
    let dup = total(&r, "q", "duplicates");
    // Every receive leaves a copy with probability p, and copies can be
    // copied again: duplicates / received → p, binomial noise.
    let sd = (received * 0.05 * 0.95).sqrt();
    assert!(
        (dup - 0.05 * received).abs() < 4.0 * sd,
        "{dup} of {received}"
    );
    assert_eq!(r.lost, 0);
}

#[test]
fn fifo_throttles_sends_beyond_its_limit() {
    // 500 sends per second offered to a FIFO queue limited to 300 API calls
    // per second: accepted sends never exceed 300/s (+ the one-second
    // burst); the rest are throttled, retried by the sender's SDK, and
    // some requests fail once the retries are spent.
    let head = r#"
[scenario]
name = "q"
duration = "5m"
interval = "10s"
seed = 8
[workload]
arrival = "constant"
rate = 500
"#;
    let text = pipeline(
        head,
        "type = \"fifo\"\ngroups = 50\nwait_time = \"20s\"\nbatch_size = 10",
        "workers = 100\nservice_time = \"1ms\"",
    );
    let r = simulate(&scenario(&text), 0, 0);
    let c = r.series_names.iter().position(|n| n == "q").unwrap() as u32;
    for s in r
        .samples
        .iter()
        .filter(|s| s.component == c && s.metric == Metric::Sent)
    {
        assert!(
            s.value <= 300.0 * 10.0 + 300.0 + 1.0,
            "{} sent in 10 s",
            s.value
        );
    }
    let sent = total(&r, "q", "sent");
    assert!(sent > 0.95 * 300.0 * 300.0, "{sent}");
    assert!(total(&r, "q", "throttled") > 0.0);
    assert!(r.failed > 0);
    // High-throughput mode lifts the limit.
    let fast = simulate(
        &scenario(&text.replace("groups = 50", "groups = 50\nhigh_throughput = true")),
        0,
        0,
    );
    assert_eq!(fast.failed, 0);
    assert_eq!(total(&fast, "q", "throttled"), 0.0);
}

#[test]
fn a_fifo_queue_with_one_group_processes_one_message_at_a_time_in_order() {
    // One message group: a batch of the group must be deleted before the
    // next can be received, so processing is strictly sequential whatever
    // the number of pollers, and the queue behaves like one server: M/D/1
    // with E[S] = 20 ms at λ = 10/s (ρ = 0.2): Wq = ρ·S/(2(1−ρ)) = 2.5 ms.
    let head = r#"
[scenario]
name = "q"
duration = "1h"
warmup = "2m"
seed = 9
replications = 6
[workload]
rate = 10
"#;
    let text = pipeline(
        head,
        "type = \"fifo\"\nlatency = \"0s\"\nwait_time = \"20s\"",
        "workers = 8\nservice_time = \"20ms\"",
    );
    let runs = replications(&scenario(&text), 0);
    let waits: Vec<f64> = runs
        .iter()
        .map(|r| component(r, "q").mean_wait_ms)
        .collect();
    assert_agrees("FIFO single-group wait (ms)", &waits, 2.5, 4.0, 0.05);
    let util: Vec<f64> = runs
        .iter()
        .map(|r| component(r, "worker").utilization)
        .collect();
    // One of 8 workers busy at a time at most: utilisation = λ·S/8.
    assert_agrees("worker utilisation", &util, 0.2 / 8.0, 4.0, 0.02);
}

#[test]
fn short_polling_bills_the_empty_receives_it_makes() {
    // No traffic but for one request at the very end (an empty trace is
    // refused): 4 pollers, 40 ms round trip. Short polling makes one
    // receive per round trip: 4 × 600 s / 0.04 s = 60,000 empty receives;
    // long polling (20 s) makes one per 20.04 s: about 120.
    let head = r#"
[scenario]
name = "q"
duration = "10m"
seed = 10
[workload]
trace = "last.csv"
"#;
    let short = pipeline(
        head,
        "latency = \"40ms\"",
        "workers = 4\nservice_time = \"1ms\"",
    );
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("s.toml");
    std::fs::write(tmp.path().join("last.csv"), "600\n").unwrap();
    std::fs::write(&path, &short).unwrap();
    let r = simulate(&stratosim::scenario::load(&path, &[]).unwrap(), 0, 0);
    let empty = total(&r, "q", "empty_receives");
    assert!((empty - 60_000.0).abs() <= 4.0, "{empty}");
    // $0.40 per million requests (standard queue, first tier).
    assert!((component(&r, "q").cost_usd - empty * 0.40 / 1e6).abs() < 1e-9);
    let long = short.replace(
        "latency = \"40ms\"",
        "latency = \"40ms\"\nwait_time = \"20s\"",
    );
    std::fs::write(&path, &long).unwrap();
    let r = simulate(&stratosim::scenario::load(&path, &[]).unwrap(), 0, 0);
    let empty = total(&r, "q", "empty_receives");
    assert!(
        (empty - 4.0 * (600.0 / 20.04f64).floor()).abs() <= 4.0,
        "{empty}"
    );
}

#[test]
fn a_topic_delivers_one_copy_to_each_subscribed_queue() {
    let text = r#"
[scenario]
name = "q"
duration = "20m"
seed = 11
[workload]
rate = 30
classes = { order = 2, refund = 1 }
[designs.d]
entry = "web"
[designs.d.web]
kind = "ec2"
instance_type = "c5.large"
workers = 1000
service_time = "1ms"
sends = ["events"]
[designs.d.events]
kind = "topic"
subscribers = ["a", "b", { target = "refunds", filter = ["refund"] }]
[designs.d.a]
kind = "queue"
consumer = "wa"
wait_time = "20s"
[designs.d.b]
kind = "queue"
consumer = "wb"
wait_time = "20s"
[designs.d.refunds]
kind = "queue"
wait_time = "20s"
consumer = "wr"
[designs.d.wa]
kind = "ec2"
instance_type = "c5.large"
workers = 10
service_time = "5ms"
[designs.d.wb]
kind = "ec2"
instance_type = "c5.large"
workers = 10
service_time = "5ms"
[designs.d.wr]
kind = "ec2"
instance_type = "c5.large"
workers = 10
service_time = "5ms"
"#;
    let r = simulate(&scenario(text), 0, 0);
    let published = total(&r, "events", "published");
    // Every publish reaches both queues, but for the few deliveries still
    // on their way at the end (20 ms of topic latency + 16 ms of send).
    let (a, b) = (total(&r, "a", "sent"), total(&r, "b", "sent"));
    assert!(published - a <= 5.0 && a <= published, "{a} of {published}");
    assert_eq!(a, b);
    // A third of the requests are refunds.
    let refunds = total(&r, "refunds", "sent");
    let sd = (published * 2.0 / 9.0).sqrt();
    assert!(
        (refunds - published / 3.0).abs() < 4.0 * sd,
        "{refunds} of {published}"
    );
    assert_eq!(r.lost + r.failed, 0);
    assert_eq!(r.requests, r.completed + r.pending);
}

#[test]
fn a_topic_drops_what_an_unavailable_http_endpoint_never_takes() {
    // An HTTP subscriber down for 5 minutes: SNS retries 3 times, 20 s
    // apart, then the message is gone. Messages published in the first
    // 4 minutes of the outage exhaust their retries: their work is lost.
    let text = r#"
[scenario]
name = "q"
duration = "20m"
seed = 12
[workload]
arrival = "constant"
rate = 10
[[faults]]
component = "hook"
kind = "outage"
at = "5m"
duration = "5m"
[designs.d]
entry = "web"
[designs.d.web]
kind = "ec2"
instance_type = "c5.large"
workers = 1000
service_time = "1ms"
sends = ["events"]
[designs.d.events]
kind = "topic"
subscribers = ["hook"]
[designs.d.hook]
kind = "ec2"
instance_type = "c5.large"
workers = 100
service_time = "5ms"
"#;
    let r = simulate(&scenario(text), 0, 0);
    let lost = total(&r, "events", "undeliverable");
    // Published in [5m − 20ms, 9m) roughly: delivered 20 ms after publish,
    // retried at +20, +40, +60 s; lost if all four attempts fall in the outage.
    assert!((lost - 10.0 * 240.0).abs() <= 10.0 * 1.0, "{lost}");
    assert_eq!(r.lost as f64, lost);
    assert_eq!(r.failed, 0);
}

#[cfg(feature = "slow-tests")]
#[test]
fn the_decoupled_flash_sale_fails_and_loses_nothing_while_the_monolith_fails() {
    use stratosim::scenario::{Override, load};
    let once = [Override {
        key: "scenario.replications".into(),
        value: "1".into(),
    }];
    let s = load(&repo().join("scenarios/flash-sale-ec2.toml"), &once).unwrap();
    let monolith = simulate(&s, 0, 0);
    let decoupled = simulate(&s, 1, 0);
    assert!(
        monolith.failed as f64 > 0.1 * monolith.requests as f64,
        "monolith failed {} of {}",
        monolith.failed,
        monolith.requests
    );
    assert_eq!(decoupled.failed, 0);
    assert_eq!(decoupled.lost, 0);
    assert!(decoupled.completed as f64 > 0.999 * decoupled.requests as f64);
    // The queue absorbed the spike: it held a backlog, then drained.
    assert!(component(&decoupled, "orders").max_queue > 10_000);
    assert!(last(&decoupled, "orders", "queue_depth") < 100.0);
    // The customer waits for the send, not for the work.
    assert!(decoupled.response.p99 < 100.0);
    assert!(decoupled.completion.p99 > 10_000.0);
}

#[test]
fn a_queue_outage_refuses_sends_but_keeps_its_messages() {
    // The queue is down from minute 5 to 7. Sends fail (after the SDK's
    // retries) and those requests fail; the messages stored before the
    // outage are processed all the same. (A poller's cycle is receive +
    // 90 ms of work + delete, 122 ms with 16 ms API calls: two pollers
    // keep up with 10 messages per second.)
    let head = r#"
[scenario]
name = "q"
duration = "15m"
seed = 14
[workload]
arrival = "constant"
rate = 10
[[faults]]
component = "q"
kind = "outage"
at = "5m"
duration = "2m"
"#;
    let text = pipeline(
        head,
        "wait_time = \"20s\"",
        "workers = 2\nservice_time = \"90ms\"",
    );
    let r = simulate(&scenario(&text), 0, 0);
    // 120 s × 10/s requests fail, give or take those whose retries
    // straddle the outage's edges.
    assert!((r.failed as f64 - 1200.0).abs() <= 5.0, "{}", r.failed);
    assert_eq!(r.lost, 0);
    assert_eq!(r.requests, r.completed + r.failed + r.pending);
    assert!(r.pending < 20);
}

//! Auto Scaling groups and the instance lifecycle, against answers worked
//! out by hand: the fleet size target tracking settles at, the time the
//! alarms and the boot allow, draining that fails nothing, bills that are
//! instance-hours × price, scheduled actions on the clock.

use stratosim::run::simulate;

use crate::common::*;

/// A c5.large fleet behind a load balancer: `rate` before `at`, `rate2`
/// after; the group tracks 50% CPU. Service times: gamma, mean 40 ms.
fn tracked(rate: f64, at: &str, rate2: f64, group: &str, extra: &str) -> String {
    format!(
        r#"
[scenario]
name = "tt"
duration = "90m"
warmup = "0s"
seed = 5
replications = 3

[workload]
arrival = "poisson"
rate = {rate}
schedule = [{{ at = "{at}", rate = {rate2} }}]

[designs.d]
entry = "alb"

[designs.d.alb]
kind = "load_balancer"
routing = "least_outstanding"
targets = "app"

[designs.d.app]
kind = "ec2"
instance_type = "c5.large"
workers = 4
service_time = {{ dist = "gamma", mean = "40ms", cv = 1.0 }}
boot_time = "60s"
{extra}

[designs.d.app.autoscaling]
min = 1
max = 20
target = 50
warmup = "60s"
{group}
"#
    )
}

/// The value of a gauge in the sample taken at `t` seconds.
fn at(r: &stratosim::stats::RunResult, name: &str, metric: &str, t: f64) -> f64 {
    series(r, name, metric)
        .find(|&(s, _)| (s - t).abs() < 1e-6)
        .map_or(f64::NAN, |(_, v)| v)
}

#[cfg(feature = "slow-tests")]
#[test]
fn target_tracking_settles_at_the_size_the_arithmetic_gives_in_the_time_it_allows() {
    // 175/s × 40 ms = 7 busy workers: on 4 instances (16 workers) CPU is
    // 43.75%, above the scale-in line (0.9 × 50 = 45%)… no: below it, but
    // ceil(4 × 43.75 / 50) = 4 keeps the group where it is. At 30 min the
    // rate steps to 330/s: 13.2 busy workers, 82.5% on 16, and target
    // tracking asks for ceil(4 × 82.5 / 50) = ceil(6.6) = 7 instances
    // = ceil(λ·E[S] / (workers × target)). On 7 the CPU is 13.2 / 28 =
    // 47.1%: under the target, over the scale-in line: the group stays.
    let s = scenario(&tracked(175.0, "30m", 330.0, "desired = 4", ""));
    let t = 1800.0;
    let mut utilization = Vec::new();
    for r in replications(&s, 0) {
        assert_eq!(r.failed, 0);
        assert_eq!(at(&r, "app", "desired", t), 4.0);
        // Periods [T, T+60), [T+60, T+120), [T+120, T+180) above the
        // target; the third datapoint reaches the alarm a metric delay
        // (60 s) later, at T+240, and the group asks for 7. (The sample at
        // T+240 is taken just before the alarm's event of that instant.)
        assert_eq!(at(&r, "app", "desired", t + 180.0), 4.0);
        assert_eq!(at(&r, "app", "desired", t + 300.0), 7.0);
        // Launched at T+240, running 60 s later, healthy at their first
        // health check within 30 s more: in service by T+330.
        assert_eq!(at(&r, "app", "instances", t + 240.0), 4.0);
        assert_eq!(at(&r, "app", "instances", t + 360.0), 7.0);
        for (time, n) in series(&r, "app", "instances").filter(|&(x, _)| x > t + 360.0) {
            assert_eq!(n, 7.0, "at {time} s");
        }
        assert_eq!(component(&r, "app").instances_max, 7);
        utilization.push(mean_after(&r, "app", "utilization", t + 1200.0));
    }
    assert_agrees("settled utilization", &utilization, 13.2 / 28.0, 4.0, 0.02);
}

#[test]
fn scale_in_with_draining_fails_no_request() {
    // From 330/s on 7 instances down to 60/s: 2.4 busy workers, 8.6% of
    // 28, for 15 one-minute datapoints: the group scales in to
    // ceil(7 × 8.6 / 50) = 2. Deregistered instances finish what they
    // hold: no request fails.
    let s = scenario(&tracked(330.0, "20m", 60.0, "desired = 7", ""));
    for r in replications(&s, 0) {
        assert_eq!(r.failed, 0, "draining drops nothing");
        assert!(total(&r, "app", "scaling_events") >= 1.0);
        assert!(
            series(&r, "app", "draining").any(|(_, v)| v > 0.0)
                || last(&r, "app", "instances") == 2.0
        );
        assert_eq!(last(&r, "app", "instances"), 2.0);
        assert_eq!(last(&r, "app", "desired"), 2.0);
        assert_eq!(
            r.requests,
            r.completed + r.failed + r.lost + r.pending,
            "conservation"
        );
    }
    // Without a deregistration delay the requests in flight on the
    // terminated instances fail.
    let s = scenario(&tracked(
        330.0,
        "20m",
        60.0,
        "desired = 7",
        "deregistration_delay = \"0s\"",
    ));
    let failed: u64 = replications(&s, 0).iter().map(|r| r.failed).sum();
    assert!(failed > 0, "no draining: in-flight requests fail");
}

#[test]
fn instance_hours_times_price_is_the_bill() {
    let s = scenario(&tracked(330.0, "20m", 60.0, "desired = 7", ""));
    let price = stratosim::catalog::builtin()
        .instance_type("c5.large")
        .unwrap()
        .hourly_usd;
    let r = simulate(&s, 0, 0);
    let app = component(&r, "app");
    assert!(app.instance_hours > 2.0 * 1.5, "{}", app.instance_hours);
    assert!((app.cost_usd - app.instance_hours * price).abs() < 1e-9 * app.cost_usd);
    // The cumulative cost series ends at the bill (no warmup here).
    assert!((last(&r, "app", "cost_usd") - app.cost_usd).abs() < 1e-9);
}

/// A fleet that queue pollers or direct calls reach (no load balancer):
/// instances serve as soon as they have booted.
fn scheduled_fleet(policy: &str) -> String {
    format!(
        r#"
[scenario]
name = "sched"
duration = "1h"
warmup = "0s"
seed = 3
replications = 1

[workload]
arrival = "poisson"
rate = 50

[designs.d]
entry = "app"

[designs.d.app]
kind = "ec2"
instance_type = "c5.large"
workers = 4
service_time = "20ms"
boot_time = "60s"

[designs.d.app.autoscaling]
min = 2
max = 10
termination_policy = "newest_instance"
{policy}
"#
    )
}

#[test]
fn scheduled_actions_fire_at_their_times() {
    let s = scenario(&scheduled_fleet(
        "policy = \"scheduled\"\nscheduled = [{ at = \"10m\", desired = 5 }, { at = \"30m\", desired = 2 }]",
    ));
    let r = simulate(&s, 0, 0);
    assert_eq!(at(&r, "app", "desired", 600.0), 2.0);
    assert_eq!(at(&r, "app", "desired", 660.0), 5.0);
    // Launched at 10 min, booted 60 s later (no load balancer: no health check).
    assert_eq!(at(&r, "app", "pending", 660.0), 3.0);
    assert_eq!(at(&r, "app", "instances", 660.0), 2.0);
    assert_eq!(at(&r, "app", "instances", 720.0), 5.0);
    assert_eq!(at(&r, "app", "desired", 1860.0), 2.0);
    assert_eq!(at(&r, "app", "instances", 1860.0), 2.0);
    assert_eq!(total(&r, "app", "scaling_events"), 2.0);
    assert_eq!(r.failed, 0);
    // Two instances all hour, three from 10 min to 30 min (plus the
    // milliseconds their last requests took to drain): 2 + 1 hours.
    let hours = component(&r, "app").instance_hours;
    assert!((hours - 3.0).abs() < 3.0 / 3600.0, "{hours} instance-hours");
}

#[test]
fn failed_instances_are_detected_and_replaced() {
    // Four instances failing every 30 min on average for 4 h: about 32
    // failures. Each fails what it holds and what reaches it until the
    // health checks notice (2 failing checks, 30 s apart), then the group
    // replaces it.
    let text = r#"
[scenario]
name = "mtbf"
duration = "4h"
warmup = "0s"
seed = 9
replications = 1

[workload]
arrival = "poisson"
rate = 100

[designs.d]
entry = "alb"

[designs.d.alb]
kind = "load_balancer"
targets = "app"

[designs.d.app]
kind = "ec2"
instance_type = "c5.large"
instances = 4
workers = 4
service_time = "20ms"
boot_time = "60s"
mtbf = "30m"
"#;
    let s = scenario(text);
    let r = simulate(&s, 0, 0);
    assert!(r.failed > 0, "requests routed to crashed instances fail");
    assert!(
        (r.failed as f64) < 0.05 * r.requests as f64,
        "{} of {} failed",
        r.failed,
        r.requests
    );
    let app = component(&r, "app");
    assert_eq!(app.instances_max, 4);
    // Replacements were launched: more than 4 × 4 instance-hours were billed
    // only if replacements overlapped the crashed ones… a crashed instance
    // is billed until terminated, so the hours stay near 16.
    assert!(
        (app.instance_hours - 16.0).abs() < 1.0,
        "{}",
        app.instance_hours
    );
    assert_eq!(r.requests, r.completed + r.failed + r.lost + r.pending);
}

#[test]
fn a_queue_backlog_scales_its_consumers() {
    // 40 messages/s of 250 ms of work each need 10 workers; 2 instances of
    // 2 workers hold 4: the backlog grows, and the group tracking 100
    // messages per instance scales out until it drains.
    let text = r#"
[scenario]
name = "backlog"
duration = "1h"
warmup = "0s"
seed = 4
replications = 1

[workload]
arrival = "poisson"
rate = 40

[designs.d]
entry = "jobs"

[designs.d.jobs]
kind = "queue"
consumer = "worker"
visibility_timeout = "5m"

[designs.d.worker]
kind = "ec2"
instance_type = "c5.large"
workers = 2
service_time = "250ms"
boot_time = "60s"

[designs.d.worker.autoscaling]
min = 2
max = 12
metric = "backlog_per_instance"
target = 100
warmup = "60s"
"#;
    let s = scenario(text);
    let r = simulate(&s, 0, 0);
    let worker = component(&r, "worker");
    assert!(
        worker.instances_max >= 5,
        "{} instances",
        worker.instances_max
    );
    assert!(last(&r, "jobs", "queue_depth") < 200.0);
    assert_eq!(r.requests, r.completed + r.failed + r.lost + r.pending);
    assert_eq!(r.failed + r.lost, 0);
}

#[test]
fn requests_per_target_settles_at_the_rate_over_the_target() {
    // 95 requests/s is 5,700 a minute; tracking 1,000 per target asks for
    // ceil(5,700 / 1,000) = 6 instances, where each sees 950 a minute:
    // below the target, above the scale-in line (900).
    let s = scenario(&tracked(95.0, "80m", 95.0, "desired = 2", "").replace(
        "target = 50",
        "metric = \"requests_per_target\"\ntarget = 1000",
    ));
    for r in replications(&s, 0) {
        assert_eq!(r.failed, 0);
        // Three datapoints above the target (periods ending at 60, 120
        // and 180 s), the third published at 240 s, just after that sample.
        assert_eq!(at(&r, "app", "desired", 240.0), 2.0);
        assert_eq!(at(&r, "app", "desired", 300.0), 6.0);
        for (time, n) in series(&r, "app", "instances").filter(|&(x, _)| x >= 600.0) {
            assert_eq!(n, 6.0, "at {time} s");
        }
    }
}

#[test]
fn slow_start_changes_nothing_but_the_new_targets_share() {
    // The same group with a 5-minute slow start: it still settles at 7,
    // fails nothing, and routes every request somewhere.
    let text = tracked(175.0, "30m", 330.0, "desired = 4", "")
        .replace("routing = \"least_outstanding\"", "slow_start = \"5m\"");
    let s = scenario(&text);
    let r = simulate(&s, 0, 0);
    assert_eq!(r.failed, 0);
    assert_eq!(last(&r, "app", "instances"), 7.0);
    assert_eq!(r.requests, r.completed + r.failed + r.lost + r.pending);
}

#[cfg(feature = "slow-tests")]
#[test]
fn step_scaling_adds_the_step_of_the_datapoint() {
    // From 43.75% on 4 instances the rate steps to 82.5%: the datapoint
    // falls in the step above 80 (+3), one datapoint of one is enough, and
    // the group goes to 4 + 3 = 7, where the CPU (47%) breaches no alarm.
    // A warm-up of 3 minutes keeps the minute in which the new instances
    // began to serve (CPU between the two levels, above 60) from counting
    // them: steps are relative to the capacity past its warm-up.
    let group = "policy = \"step\"\nsteps = [{ above = 60, change = 2 }, { above = 80, change = 3 }, { below = 30, change = -1 }]\ndesired = 4";
    let s = scenario(
        &tracked(175.0, "30m", 330.0, group, "")
            .replace("target = 50\n", "")
            .replace("warmup = \"60s\"", "warmup = \"3m\""),
    );
    for r in replications(&s, 0) {
        assert_eq!(r.failed, 0);
        // The period [T, T+60) is published at T+120, just after that sample.
        assert_eq!(at(&r, "app", "desired", 1920.0), 4.0);
        assert_eq!(at(&r, "app", "desired", 1980.0), 7.0);
        assert_eq!(last(&r, "app", "instances"), 7.0);
        assert_eq!(total(&r, "app", "scaling_events"), 1.0);
    }
}

/// The step policy of `step_scaling_adds_the_step_of_the_datapoint` made
/// the group's named policies, invoked by two `kind = "alarm"`s on the
/// group's `cpu` with the thresholds and M of N the internal policy's
/// alarms have (1 of 1, above 60, below 30), the steps relative to them.
fn alarm_driven_steps() -> String {
    let alarms = r#"
[designs.d.cpu-high]
kind = "alarm"
component = "app"
metric = "cpu"
statistic = "average"
evaluation_periods = 1
comparison = ">"
threshold = 60
treat_missing_data = "notBreaching"
alarm_actions = ["app.scale_out"]

[designs.d.cpu-low]
kind = "alarm"
component = "app"
metric = "cpu"
statistic = "average"
evaluation_periods = 1
comparison = "<"
threshold = 30
treat_missing_data = "notBreaching"
alarm_actions = ["app.scale_in"]
"#;
    let group = "desired = 4\npolicies.scale_out = { steps = [{ above = 0, change = 2 }, { above = 20, change = 3 }] }\npolicies.scale_in = { steps = [{ below = 0, change = -1 }] }";
    tracked(175.0, "30m", 330.0, group, alarms)
        .replace("target = 50\n", "")
        .replace("warmup = \"60s\"", "warmup = \"3m\"")
}

#[cfg(feature = "slow-tests")]
#[test]
fn an_alarm_driving_a_step_policy_scales_as_the_groups_own_step_policy() {
    let group = "policy = \"step\"\nsteps = [{ above = 60, change = 2 }, { above = 80, change = 3 }, { below = 30, change = -1 }]\ndesired = 4";
    let internal = scenario(
        &tracked(175.0, "30m", 330.0, group, "")
            .replace("target = 50\n", "")
            .replace("warmup = \"60s\"", "warmup = \"3m\""),
    );
    let driven = scenario(&alarm_driven_steps());
    let gauges = [
        "desired",
        "instances",
        "pending",
        "scaling_events",
        "utilization",
    ];
    for (a, b) in replications(&internal, 0)
        .into_iter()
        .zip(replications(&driven, 0))
    {
        for metric in gauges {
            let one: Vec<(f64, f64)> = series(&a, "app", metric).collect();
            let two: Vec<(f64, f64)> = series(&b, "app", metric).collect();
            assert_eq!(one, two, "{metric}, replication {}", a.replication);
        }
        assert_eq!(
            (a.completed, a.failed, a.lost, a.pending),
            (b.completed, b.failed, b.lost, b.pending)
        );
        // The hand-checked figures: 82.5% falls in the step 20 above the
        // threshold of 60 (+3), from the 4 instances past their warm-up.
        assert_eq!(at(&b, "app", "desired", 1920.0), 4.0);
        assert_eq!(at(&b, "app", "desired", 1980.0), 7.0);
        assert_eq!(last(&b, "app", "instances"), 7.0);
        assert_eq!(total(&b, "app", "scaling_events"), 1.0);
        // The high alarm went to ALARM once, when the step was taken, and
        // back to OK when the group had scaled; the low one never fired.
        let high = component(&b, "cpu-high");
        let to_alarm: Vec<f64> = high
            .transitions
            .iter()
            .filter(|t| t.to == "ALARM")
            .map(|t| t.time.as_secs_f64())
            .collect();
        assert_eq!(to_alarm, vec![1920.0], "the datapoint of [1800, 1860)");
        assert!(
            component(&b, "cpu-low")
                .transitions
                .iter()
                .all(|t| t.to != "ALARM")
        );
    }
}

#[test]
fn alarm_actions_name_a_groups_policies() {
    let check = |text: &str| {
        stratosim::scenario::load_str(text, std::path::Path::new("t.toml"), &[])
            .unwrap_err()
            .to_string()
    };
    let ok = alarm_driven_steps();
    assert!(stratosim::scenario::load_str(&ok, std::path::Path::new("t.toml"), &[]).is_ok());
    let err = check(&ok.replace("\"app.scale_out\"", "\"app.scale_uot\""));
    assert!(err.contains("designs.d.cpu-high.alarm_actions"), "{err}");
    assert!(err.contains("no policy named \"scale_uot\""), "{err}");
    assert!(err.contains("did you mean \"scale_out\"?"), "{err}");
    let err = check(&ok.replace("\"app.scale_out\"", "\"ap.scale_out\""));
    assert!(err.contains("no component named \"ap\""), "{err}");
    // A group without `policies`.
    let none = ok
        .replace("policies.scale_out = { steps = [{ above = 0, change = 2 }, { above = 20, change = 3 }] }\n", "")
        .replace("policies.scale_in = { steps = [{ below = 0, change = -1 }] }", "policy = \"scheduled\"");
    let err = check(&none);
    assert!(err.contains("has no `policies`"), "{err}");
    // The group makes one datapoint a minute.
    let err = check(&ok.replacen(
        "evaluation_periods = 1\n",
        "evaluation_periods = 1\nperiod = \"120s\"\n",
        1,
    ));
    assert!(err.contains("designs.d.cpu-high.metric"), "{err}");
    assert!(err.contains("must be 60s"), "{err}");
    let err = check(&ok.replacen("statistic = \"average\"", "statistic = \"maximum\"", 1));
    assert!(err.contains("must be \"average\""), "{err}");
    // A policy's steps are checked as a step policy's are.
    let err = check(&ok.replace("{ below = 0, change = -1 }", "{ below = 0, change = 1 }"));
    assert!(
        err.contains("designs.d.app.autoscaling.policies.scale_in.steps[0]"),
        "{err}"
    );
}

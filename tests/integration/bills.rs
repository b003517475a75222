//! Bills computed by hand, to the cent.

use crate::common::*;

#[test]
fn ec2_and_alb_bill_matches_hand_computation() {
    // 2 × c5.large for a 30-minute window, behind an ALB, at exactly 10
    // requests per second (constant arrivals).
    //   EC2: 2 × $0.085/h × 0.5 h                          = $0.0850
    //   ALB: 1 started hour × $0.0225                       = $0.0225
    //        LCUs: new connections 10/s ÷ 25/s = 0.4 LCU,
    //        processed bytes 10/s × 4096 B × 3600 s = 0.147 GB/h → 0.147 LCU,
    //        so 0.4 LCU × 0.5 h = 0.2 LCU-h × $0.008       = $0.0016
    //   total                                               = $0.1091
    let text = r#"
[scenario]
name = "bill"
duration = "30m"
seed = 1
[workload]
arrival = "constant"
rate = 10
[designs.d]
entry = "alb"
[designs.d.alb]
kind = "load_balancer"
targets = "app"
[designs.d.app]
kind = "ec2"
instance_type = "c5.large"
instances = 2
workers = 4
service_time = "10ms"
"#;
    let r = stratosim::run::simulate(&scenario(text), 0, 0);
    let app = component(&r, "app").cost_usd;
    let alb = component(&r, "alb").cost_usd;
    assert!((app - 0.085).abs() < 0.005, "EC2 {app}");
    assert!((alb - 0.0241).abs() < 0.005, "ALB {alb}");
    assert!(
        (app - 0.085).abs() < 1e-9,
        "EC2 to the cent and beyond: {app}"
    );
    assert!((alb - 0.0241).abs() < 1e-4, "ALB {alb}");
    assert!((r.cost_usd - 0.1091).abs() < 1e-4, "total {}", r.cost_usd);
    // A month of 730 h: EC2 2 × $0.085 × 730 = $124.10; ALB $0.0225 × 730
    // = $16.425 and 0.4 LCU × $0.008 × 730 = $2.336: $142.861, for 10/s ×
    // 730 h = 26.28 M requests, $5.436 per million.
    assert!(
        (r.monthly_cost_usd - 142.861).abs() < 1e-3,
        "{}",
        r.monthly_cost_usd
    );
    assert!((r.cost_per_million() - 142.861 / 26.28).abs() < 1e-3);
}

/// The monthly bill of `text` run with `duration` (no warmup).
fn monthly(text: &str, duration: &str) -> stratosim::stats::RunResult {
    let text = text.replace("DURATION", duration);
    stratosim::run::simulate(&scenario(&text), 0, 0)
}

/// Asserts that `got` is within 1% of `want`.
fn within_1pct(what: &str, got: f64, want: f64) {
    assert!(
        (got - want).abs() <= 0.01 * want,
        "{what}: {got:.3} is not within 1% of {want:.3}"
    );
}

#[test]
fn a_steady_month_does_not_depend_on_the_window() {
    // 14 × m5.large behind an ALB at a steady 400 requests per second.
    //   EC2: 14 × $0.096 × 730 h                       = $981.12
    //   ALB: $0.0225 × 730 h                           = $16.425
    //        new connections 400/s ÷ 25/s = 16 LCU (processed bytes
    //        400 × 4096 B × 3600 s = 5.9 GB/h, 5.9 LCU),
    //        16 × $0.008 × 730 h                       = $93.44
    //   total                                          = $1,090.985
    // The window's bill rounds the ALB's started hour up; the month does
    // not scale that rounding up.
    let text = r#"
[scenario]
name = "month"
duration = "DURATION"
seed = 1
[workload]
arrival = "constant"
rate = 400
[designs.d]
entry = "alb"
[designs.d.alb]
kind = "load_balancer"
targets = "app"
[designs.d.app]
kind = "ec2"
instance_type = "m5.large"
instances = 14
workers = 8
service_time = "20ms"
"#;
    for duration in ["2m", "10m", "2h"] {
        let r = monthly(text, duration);
        within_1pct(duration, r.monthly_cost_usd, 1090.985);
        within_1pct(
            &format!("{duration}: EC2"),
            component(&r, "app").monthly_cost_usd,
            981.12,
        );
        // Per million: 400/s × 730 h = 1,051.2 M requests a month.
        within_1pct(
            &format!("{duration}: $ per 1M"),
            r.cost_per_million(),
            1090.985 / 1051.2,
        );
    }
    // The window's bill is AWS's for the window: two minutes pay a whole
    // ALB hour.
    let short = monthly(text, "2m");
    let alb = component(&short, "alb").cost_usd;
    assert!(alb > 0.0225, "{alb}");
}

#[test]
fn a_serverless_month_applies_the_request_and_duration_tiers() {
    // An HTTP API in front of a 1 GB arm64 function that works 100 ms, at
    // a steady 200 requests per second: 525.6 M requests a month.
    //   API Gateway: 300 M × $1.00/M + 225.6 M × $0.90/M = $503.04
    //   Lambda requests: 525.6 M × $0.20/M                = $105.12
    //   Lambda duration: 52.56 M GB-s (first tier) × $0.0000133334
    //                                                     = $700.80
    // (the cold starts' INIT, a handful of 100 ms in the month, is within 1%).
    let text = r#"
[scenario]
name = "month"
duration = "DURATION"
seed = 1
[workload]
arrival = "constant"
rate = 200
[designs.d]
entry = "api"
[designs.d.api]
kind = "api_gateway"
type = "http"
targets = "fn"
[designs.d.fn]
kind = "lambda"
runtime = "python3.12"
architecture = "arm64"
memory_mb = 1024
service_time = "100ms"
cold_start = "100ms"
"#;
    for duration in ["2m", "10m", "2h"] {
        let r = monthly(text, duration);
        within_1pct(
            &format!("{duration}: API Gateway"),
            component(&r, "api").monthly_cost_usd,
            503.04,
        );
        within_1pct(
            &format!("{duration}: Lambda"),
            component(&r, "fn").monthly_cost_usd,
            105.12 + 700.80,
        );
    }
}

#[test]
fn a_queue_month_scales_its_requests() {
    // Orders sent to a standard queue at a steady 100 per second, consumed
    // by a fixed fleet of 2 × c5.large long-polling it: one send, one
    // receive and one delete per message, the waiting pollers woken by the
    // next message long before their 20 s wait ends.
    //   SQS: sends + receives + deletes ≈ 3 × 100/s × 730 h = 788.4 M
    //        requests × $0.40/M                          ≈ $315.36
    //   EC2: 2 × $0.085 × 730 h                          = $124.10
    let text = r#"
[scenario]
name = "month"
duration = "DURATION"
seed = 1
[workload]
arrival = "constant"
rate = 100
[designs.d]
entry = "orders"
[designs.d.orders]
kind = "queue"
consumer = "worker"
wait_time = "20s"
[designs.d.worker]
kind = "ec2"
instance_type = "c5.large"
instances = 2
workers = 4
service_time = "10ms"
"#;
    let months: Vec<f64> = ["2m", "10m", "2h"]
        .iter()
        .map(|d| {
            let r = monthly(text, d);
            within_1pct(d, component(&r, "worker").monthly_cost_usd, 124.10);
            component(&r, "orders").monthly_cost_usd
        })
        .collect();
    for (d, m) in ["2m", "10m", "2h"].iter().zip(&months) {
        within_1pct(&format!("{d}: SQS"), *m, 315.36);
    }
}

#[test]
fn responses_to_the_internet_pay_data_transfer_out() {
    // 10 responses a second of `response_size` bytes from a fixed fleet.
    let text = |bytes: u32, duration: &str| {
        format!(
            r#"
[scenario]
name = "dto"
duration = "{duration}"
seed = 1
[workload]
arrival = "constant"
rate = 10
[designs.d]
entry = "app"
response_size = {bytes}
[designs.d.app]
kind = "ec2"
instance_type = "c5.large"
instances = 1
workers = 4
service_time = "10ms"
"#
        )
    };
    let fleet_month = 0.085 * 730.0;
    // 100 kB each for an hour: 36,000 × 10⁵ B = 3.6 GB × $0.09 = $0.324 on
    // top of the instance-hour; a month is 2,628 GB, all in the first tier:
    // $236.52.
    let r = stratosim::run::simulate(&scenario(&text(100_000, "1h")), 0, 0);
    let app = component(&r, "app");
    // Every completed request had its response; the pending had not.
    let served = (r.completed + r.lost) as f64;
    assert!((app.cost_usd - (0.085 + served * 1e5 / 1e9 * 0.09)).abs() < 1e-9);
    assert!(
        (app.cost_usd - (0.085 + 0.324)).abs() < 1e-4,
        "{}",
        app.cost_usd
    );
    within_1pct("first tier", app.monthly_cost_usd, fleet_month + 236.52);
    // 10 MB each: 262,800 GB a month, priced tier by tier:
    //   10,000 × 0.09 + 40,000 × 0.085 + 100,000 × 0.07 + 112,800 × 0.05
    //   = 900 + 3,400 + 7,000 + 5,640 = $16,940.
    let r = stratosim::run::simulate(&scenario(&text(10_000_000, "2m")), 0, 0);
    within_1pct(
        "tiers",
        component(&r, "app").monthly_cost_usd,
        fleet_month + 16_940.0,
    );
    // Without `response_size`, no transfer is billed.
    let none = text(1, "1h").replace("response_size = 1\n", "");
    let r = stratosim::run::simulate(&scenario(&none), 0, 0);
    assert!((component(&r, "app").cost_usd - 0.085).abs() < 1e-12);
}

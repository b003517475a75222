//! Deployments against answers worked out by hand: an all-at-once
//! deployment loses exactly the requests that arrive while no instance is
//! up, a rolling one keeps all but a batch, the policies that launch first
//! fail nothing and bill their extra instances to the second, and a bad
//! release fails its share of the calls until its alarm rolls it back.

use crate::common::*;

/// A fleet `web` of 4 × m5.large (4 workers, 10 ms calls: 10% busy at
/// 100 requests a second) for 15 min, reached through `front` (`"web"` directly, or
/// `"alb"`), deployed at 5 min by `deployment` (TOML keys). Boot 60 s, no
/// start time; health checks every 5 s behind the ALB.
fn deployed(front: &str, deployment: &str, extra: &str) -> String {
    let alb = if front == "alb" {
        "[designs.d.alb]\nkind = \"load_balancer\"\ntargets = \"web\"\n"
    } else {
        ""
    };
    format!(
        r#"
[scenario]
name = "deployments"
duration = "15m"
warmup = "0s"
seed = 5
replications = 4
interval = "30s"

[workload]
arrival = "poisson"
rate = 100

[[deployments]]
component = "web"
at = "5m"
{deployment}

[designs.d]
entry = "{front}"

{alb}
[designs.d.web]
kind = "ec2"
instance_type = "m5.large"
instances = 4
workers = 4
service_time = {{ dist = "exp", mean = "10ms" }}
boot_time = "60s"
health_check = {{ interval = "5s", timeout = "2s" }}
deregistration_delay = "30s"
{extra}
"#
    )
}

#[test]
fn all_at_once_loses_exactly_the_requests_that_arrive_while_no_instance_is_up() {
    // Called directly: the callers' addresses pass to the replacements,
    // which answer once booted (60 s). Every request arriving in
    // [300 s, 360 s) fails; none other does.
    let s = scenario(&deployed("web", "policy = \"all_at_once\"", ""));
    let runs = replications(&s, 0);
    for r in &runs {
        let window = series_sum(r, "workload", "arrivals", 300.0, 360.0);
        assert_eq!(r.failed as f64, window, "failed = arrivals in [300, 360)");
        assert_eq!(r.completed + r.failed + r.lost + r.pending, r.requests);
    }
    let failed: Vec<f64> = runs.iter().map(|r| r.failed as f64).collect();
    // λ × boot = 100/s × 60 s.
    assert_agrees("failed", &failed, 6000.0, 3.0, 0.02);
}

#[test]
fn behind_a_load_balancer_the_gap_also_takes_the_start_and_the_first_health_check() {
    // Boot 60 s, start 20 s, checks every 5 s at a phase of their own: the
    // first replacement is healthy 80 to 85 s after the deployment starts.
    let s = scenario(&deployed(
        "alb",
        "policy = \"all_at_once\"",
        "start_time = \"20s\"",
    ));
    for r in replications(&s, 0) {
        let lo = 100.0 * 80.0 - 3.0 * (100.0f64 * 85.0).sqrt();
        let hi = 100.0 * 85.0 + 3.0 * (100.0f64 * 85.0).sqrt();
        let failed = r.failed as f64;
        assert!(lo <= failed && failed <= hi, "{failed} not in [{lo}, {hi}]");
        assert_eq!(
            series(&r, "web", "instances")
                .map(|(_, v)| v)
                .fold(9.0, f64::min),
            0.0
        );
    }
}

#[test]
fn rolling_keeps_all_but_one_in_service_and_fails_nothing() {
    let s = scenario(&deployed(
        "alb",
        "policy = \"rolling\"",
        "start_time = \"20s\"",
    ));
    for r in replications(&s, 0) {
        assert_eq!(r.failed, 0);
        let n: Vec<f64> = series(&r, "web", "instances").map(|(_, v)| v).collect();
        assert_eq!(n.iter().copied().fold(9.0, f64::min), 3.0, "(n − 1) of n");
        assert_eq!(last(&r, "web", "instances"), 4.0);
        assert_eq!(last(&r, "web", "new_release"), 4.0);
        assert_eq!(last(&r, "web", "deploying"), 0.0);
        assert!(
            total(&r, "web", "deploying") >= 4.0,
            "four batches of 80 s or more"
        );
    }
}

#[test]
fn launching_first_fails_nothing_and_keeps_the_fleet_in_service() {
    for policy in ["rolling_with_additional_batch", "immutable", "blue_green"] {
        let s = scenario(&deployed(
            "alb",
            &format!("policy = \"{policy}\""),
            "start_time = \"20s\"",
        ));
        for r in replications(&s, 0) {
            assert_eq!(r.failed, 0, "{policy}");
            let n: Vec<f64> = series(&r, "web", "instances").map(|(_, v)| v).collect();
            assert!(n.iter().all(|&x| x >= 4.0), "{policy}: {n:?}");
            assert_eq!(last(&r, "web", "new_release"), 4.0, "{policy}");
        }
    }
}

#[test]
fn an_immutable_deployment_bills_its_new_set_for_the_boot_to_the_cent() {
    // Called directly, no start time: 4 new instances from 300 s, in
    // service at 360 s when the 4 old go (each as soon as its calls in
    // flight end, billed to the started second). Against the same fleet
    // without the deployment the bill grows by 4 × 60 s of m5.large at
    // 0.096 USD/h = 0.0064 USD, plus at most one started second each.
    let s = scenario(&deployed("web", "policy = \"immutable\"", ""));
    // The same fleet, its deployment due after the end.
    let plain = scenario(
        &deployed("web", "policy = \"immutable\"", "").replace("at = \"5m\"", "at = \"1h\""),
    );
    let with: Vec<f64> = replications(&s, 0)
        .iter()
        .map(|r| component(r, "web").cost_usd)
        .collect();
    let without: Vec<f64> = replications(&plain, 0)
        .iter()
        .map(|r| component(r, "web").cost_usd)
        .collect();
    for (w, p) in with.iter().zip(&without) {
        let extra = w - p;
        let second = 0.096 / 3600.0;
        assert!(
            (0.0064 - 1e-9..=0.0064 + 4.0 * second + 1e-9).contains(&extra),
            "extra {extra} USD"
        );
        assert_eq!((extra * 100.0).round(), 1.0, "one cent, rounded");
    }
    // Without it: 4 instances × 900 s × 0.096 USD/h.
    assert!((without[0] - 0.096).abs() < 1e-9, "{}", without[0]);
}

#[test]
fn a_bad_release_fails_its_share_of_the_calls_it_serves() {
    // Blue/green shifts all traffic at once: from then on every call is
    // served by the bad release, which fails 20% of them.
    let s = scenario(&deployed(
        "alb",
        "policy = \"blue_green\"\nerror_rate = 0.2",
        "start_time = \"20s\"",
    ));
    for r in replications(&s, 0) {
        // Shifted by 300 + 60 + 20 + at most 5 s; measured from 420 s.
        let errors = series_sum(&r, "web", "errors", 420.0, 900.0);
        let ok = series_sum(&r, "web", "completions", 420.0, 900.0);
        let n = errors + ok;
        let se = (0.2 * 0.8 / n).sqrt();
        assert!(
            (errors / n - 0.2).abs() <= 4.0 * se,
            "{} of {n} failed",
            errors / n
        );
        assert_eq!(series_sum(&r, "web", "errors", 0.0, 360.0), 0.0);
    }
}

#[test]
fn an_alarm_rolls_a_bad_release_back_and_the_failures_stop() {
    let alarm = r#"
[designs.d.web-errors]
kind = "alarm"
component = "web"
metric = "errors"
statistic = "sum"
period = "60s"
evaluation_periods = 1
comparison = ">"
threshold = 10
"#;
    let s = scenario(&deployed(
        "alb",
        "policy = \"blue_green\"\nerror_rate = 0.2\nrollback_on = \"web-errors\"",
        &format!("start_time = \"20s\"\n{alarm}"),
    ));
    for r in replications(&s, 0) {
        assert_eq!(total(&r, "web", "rollbacks"), 1.0);
        // Shifted to the bad release by 385 s; the alarm's minute ends at
        // 420 s; the good release's new fleet is healthy 80 to 85 s later
        // and takes all the traffic at once: the bad release served at
        // most 420 − 380 + 85 = 125 s of 100 requests a second, 20% failed.
        let bound = 0.2 * 100.0 * 125.0 + 3.0 * (0.2f64 * 100.0 * 125.0).sqrt();
        assert!((r.failed as f64) <= bound, "{} failed", r.failed);
        assert!(r.failed > 0);
        // After that, none.
        assert_eq!(series_sum(&r, "web", "errors", 540.0, 900.0), 0.0);
        assert_eq!(last(&r, "web", "new_release"), 4.0);
    }
}

/// The report lists each deployment as the faults are listed, in both
/// languages, with what makes it a bad release and what rolls it back.
#[test]
fn the_report_lists_the_deployments() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let scenario = repo().join("scenarios/bad-release-rollback.toml");
    let o = stratosim(&[
        "run",
        scenario.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--replications",
        "1",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<h3>Deployments</h3>"), "{html}");
    assert!(
        html.contains("<li>web_guarded: rolling deployment in batches of 1, from 300 s; the release fails 10% of its calls; rolled back when web-errors goes into ALARM</li>"),
        "{html}"
    );
    let o = stratosim(&["plot", out.to_str().unwrap(), "--lang", "ko"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<h3>배포</h3>"), "{html}");
    assert!(
        html.contains("<li>web_guarded: rolling 배포, 배치 크기 1, 300초부터; 새 릴리스는 호출의 10%를 실패; web-errors 경보가 ALARM이 되면 롤백</li>"),
        "{html}"
    );
}

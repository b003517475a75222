//! Purchase options: Spot instances interrupted at the rate of their band,
//! with the two-minute notice; on-demand, Spot and mixed fleets billed as
//! instance-hours × price; Savings Plans and Reserved discounts.

use stratosim::run::simulate;
use stratosim::scenario::{ComponentSpec, Scenario};

use crate::common::*;

/// c5.large on demand [USD/h], from the catalog.
const C5_LARGE: f64 = 0.085;

/// A fleet `app` of c5.large (4 workers, gamma 40 ms) behind an ALB;
/// `app` holds the fleet's own keys (`instances` or `[autoscaling]`, `purchase`…).
fn fleet(duration: &str, rate: f64, app: &str) -> String {
    format!(
        r#"
[scenario]
name = "spot"
duration = "{duration}"
warmup = "0s"
seed = 3
replications = 3

[workload]
arrival = "poisson"
rate = {rate}

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
{app}
"#
    )
}

/// Sets the interruption rate of `app` to `per_hour` interruptions per Spot
/// instance-hour (the bands are a few percent a month: too rare for a test
/// of a few hours).
fn with_rate(mut s: Scenario, per_hour: f64) -> Scenario {
    let month = stratosim::catalog::builtin()
        .ec2_purchase
        .hours_per_month
        .value;
    for d in &mut s.designs {
        for c in &mut d.components {
            if let ComponentSpec::Ec2(e) = &mut c.spec {
                e.purchase.interruptions_per_month_pct = per_hour * month * 100.0;
            }
        }
    }
    s
}

#[test]
fn a_spot_interruption_with_its_notice_fails_no_request_when_there_is_spare_capacity() {
    // 100/s × 40 ms = 4 busy workers of 24 (fixed fleet) or of 16–24 (the
    // group): losing one instance leaves plenty. A request lasts
    // milliseconds, the notice two minutes: every request the interrupted
    // instance holds finishes, and the load balancer routes no new one to
    // it. One interruption per instance-hour: about 12 per replication.
    for app in [
        "instances = 6\npurchase = \"spot\"",
        "purchase = \"spot\"\n[designs.d.app.autoscaling]\nmin = 4\nmax = 8\ndesired = 6\ntarget = 50",
    ] {
        let s = with_rate(scenario(&fleet("2h", 100.0, app)), 1.0);
        let mut total = 0.0;
        for r in replications(&s, 0) {
            assert_eq!(r.failed, 0, "{app}");
            assert_eq!(r.requests, r.completed + r.pending, "{app}");
            total += series_sum(&r, "app", "interruptions", 0.0, 7200.0);
        }
        assert!(total >= 10.0, "{app}: only {total} interruptions");
    }
}

#[test]
fn interruptions_per_instance_hour_match_the_band() {
    // The band ">20%" is simulated at 25% of the instances interrupted a
    // month of 730 h: 0.25 / 730 per instance-hour. 200 idle Spot
    // instances for 30 days: about 144,000 instance-hours, so about 49
    // interruptions; the count is Poisson, its standard deviation the
    // square root of the mean: 4 of them is the tolerance.
    let text = fleet(
        "30d",
        0.01,
        "instances = 200\npurchase = \"spot\"\ninterruption_frequency = \">20%\"",
    );
    let s = scenario(&text);
    let mut count = 0.0;
    let mut hours = 0.0;
    for replication in 0..s.replications {
        let r = simulate(&s, 0, replication);
        count += series_sum(&r, "app", "interruptions", 0.0, 30.0 * 86400.0);
        hours += component(&r, "app").instance_hours;
    }
    let expected = hours * 0.25 / 730.0;
    let tolerance = 4.0 * expected.sqrt();
    assert!(
        (count - expected).abs() <= tolerance,
        "{count} interruptions in {hours:.0} instance-hours, expected {expected:.1} ± {tolerance:.1}"
    );
}

#[test]
fn instance_hours_times_price_is_the_bill_on_spot_on_demand_and_a_mix() {
    // All Spot, interrupted once an instance-hour: whatever the launches,
    // the bill is the billed instance-hours at 40% of the on-demand price
    // (the catalog's typical 60% discount).
    let s = with_rate(
        scenario(&fleet("3h", 50.0, "instances = 4\npurchase = \"spot\"")),
        1.0,
    );
    let r = simulate(&s, 0, 0);
    let app = component(&r, "app");
    assert!(app.instance_hours > 12.0, "{}", app.instance_hours);
    let spot = C5_LARGE * 0.4;
    assert!((app.cost_usd - app.instance_hours * spot).abs() < 1e-9 * app.cost_usd);

    // A mix without interruptions: a base of 2 on demand, then half of the
    // other 4 on Spot (the on-demand half rounded up): 4 on demand and 2
    // Spot for 10 h: 60 instance-hours, 40 × 0.085 + 20 × 0.034 USD.
    let mix = "instances = 6\npurchase = \"mixed\"\non_demand_base = 2\nspot_percent = 50";
    let s = with_rate(scenario(&fleet("10h", 50.0, mix)), 0.0);
    let r = simulate(&s, 0, 0);
    let app = component(&r, "app");
    assert!(
        (app.instance_hours - 60.0).abs() < 1e-9,
        "{}",
        app.instance_hours
    );
    let bill = 40.0 * C5_LARGE + 20.0 * spot;
    assert!(
        (app.cost_usd - bill).abs() < 1e-9,
        "{} vs {bill}",
        app.cost_usd
    );

    // On demand under a 30% Savings Plan, fixed and in a group.
    for app in [
        "instances = 3\nsavings_plan = 30",
        "reserved = 30\n[designs.d.app.autoscaling]\nmin = 2\nmax = 6\ntarget = 50",
    ] {
        let r = simulate(&scenario(&fleet("2h", 100.0, app)), 0, 0);
        let c = component(&r, "app");
        let price = C5_LARGE * 0.7;
        assert!(
            (c.cost_usd - c.instance_hours * price).abs() < 1e-9 * c.cost_usd,
            "{app}: {} vs {} h",
            c.cost_usd,
            c.instance_hours
        );
    }
}

#[test]
fn purchase_keys_are_checked() {
    for (app, key, says) in [
        (
            "instances = 2\nspot_percent = 50",
            "spot_percent",
            "purchase = \"mixed\"",
        ),
        (
            "instances = 2\ninterruption_frequency = \"<5%\"",
            "interruption_frequency",
            "needs purchase",
        ),
        ("instances = 2\npurchase = \"spto\"", "purchase", "\"spot\""),
        (
            "instances = 2\npurchase = \"spot\"\ninterruption_frequency = \"7%\"",
            "interruption_frequency",
            "\"5-10%\"",
        ),
        (
            "instances = 2\nsavings_plan = 80",
            "savings_plan",
            "from 0 to 72",
        ),
        (
            "instances = 2\nsavings_plan = 20\nreserved = 20",
            "reserved",
            "cannot be combined",
        ),
    ] {
        let text = fleet("1h", 1.0, app);
        let err = stratosim::scenario::load_str(&text, std::path::Path::new("t.toml"), &[])
            .expect_err(app)
            .to_string();
        assert!(
            err.contains(&format!("designs.d.app.{key}")),
            "{app}: {err}"
        );
        assert!(err.contains(says), "{app}: {err}");
        assert!(err.contains("t.toml:"), "{app}: {err}");
    }
}

/// A Fargate service `app` of `tasks` tasks of 0.5 vCPU and 1 GB behind an ALB.
fn service(duration: &str, rate: f64, app: &str) -> String {
    fleet(duration, rate, "")
        .replace(
            "kind = \"ec2\"\ninstance_type = \"c5.large\"",
            "kind = \"fargate\"\nvcpu = 0.5\nmemory_gb = 1",
        )
        .replace("boot_time = \"60s\"\n", app)
}

#[test]
fn fargate_is_billed_per_vcpu_hour_and_gb_hour() {
    // 3 tasks for 10 h: 15 vCPU-hours at 0.04048 and 30 GB-hours at
    // 0.004445 USD.
    let r = simulate(&scenario(&service("10h", 20.0, "tasks = 3\n")), 0, 0);
    let app = component(&r, "app");
    assert_eq!(app.kind, "fargate");
    assert!(
        (app.instance_hours - 30.0).abs() < 1e-9,
        "{}",
        app.instance_hours
    );
    let bill = 15.0 * 0.04048 + 30.0 * 0.004445;
    assert!(
        (app.cost_usd - bill).abs() < 1e-9,
        "{} vs {bill}",
        app.cost_usd
    );

    // Fargate Spot in a scaling service, interrupted once a task-hour:
    // task-hours × (0.5 × 0.01214 + 1 × 0.00133), and no request fails.
    let text = service(
        "2h",
        100.0,
        "purchase = \"spot\"\n[designs.d.app.autoscaling]\nmin = 6\nmax = 12\ntarget = 50\n",
    );
    let s = with_rate(scenario(&text), 1.0);
    let r = simulate(&s, 0, 0);
    let app = component(&r, "app");
    assert_eq!(r.failed, 0);
    assert!(series_sum(&r, "app", "interruptions", 0.0, 7200.0) > 3.0);
    let spot = 0.5 * 0.01214 + 0.00133;
    assert!((app.cost_usd - app.instance_hours * spot).abs() < 1e-9 * app.cost_usd);
}

#[test]
fn a_fargate_task_starts_in_the_task_start_up_time() {
    // A task that fails is replaced: the replacement starts in 30–60 s
    // (the default start-up), then passes its first health check. With an
    // mtbf of 1 h and 4 tasks over 4 h, the service is short of a task
    // only for detection + start-up + first check each time.
    let text = service("4h", 10.0, "tasks = 4\nmtbf = \"1h\"\n");
    let r = simulate(&scenario(&text), 0, 0);
    let app = component(&r, "app");
    assert!(
        app.instance_hours > 15.0 && app.instance_hours < 16.5,
        "{}",
        app.instance_hours
    );
    let pending: Vec<f64> = series(&r, "app", "pending").map(|(_, v)| v).collect();
    assert!(pending.iter().any(|&p| p > 0.0));
}

#[test]
fn fargate_keys_are_checked() {
    for (app, key, says) in [
        (
            "tasks = 2\nreserved = 20\n",
            "reserved",
            "unknown key `reserved`",
        ),
        (
            "tasks = 2\npurchase = \"mixed\"\nspot_percent = 101\n",
            "spot_percent",
            "from 0 to 100",
        ),
    ] {
        let text = service("1h", 1.0, app);
        let err = stratosim::scenario::load_str(&text, std::path::Path::new("t.toml"), &[])
            .expect_err(app)
            .to_string();
        assert!(
            err.contains(&format!("designs.d.app.{key}")),
            "{app}: {err}"
        );
        assert!(err.contains(says), "{app}: {err}");
    }
    let text = service("1h", 1.0, "tasks = 2\n").replace("memory_gb = 1\n", "");
    let err = stratosim::scenario::load_str(&text, std::path::Path::new("t.toml"), &[])
        .expect_err("no memory_gb")
        .to_string();
    assert!(err.contains("designs.d.app.memory_gb: missing"), "{err}");
}

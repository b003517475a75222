//! Availability zones against answers worked out by hand: a zone outage
//! takes the zone's share of a fleet, which comes back after its boot time
//! (a fixed fleet) or is replaced in the other zones and rebalanced (an
//! Auto Scaling group); without cross-zone balancing each zone's node
//! serves a third of the traffic whatever its instances; requests across
//! zones are billed at the inter-AZ price.

use stratosim::run::simulate;

use crate::common::*;

/// 6 × m5.large over 3 zones (2 each), called directly; zone b is lost
/// from 10 min for 5 min. Boot time 40 s, no load balancer (no health
/// check before service). `group` is empty for a fixed fleet.
fn outage(group: &str) -> String {
    format!(
        r#"
[scenario]
name = "zones"
duration = "30m"
warmup = "0s"
seed = 3
replications = 2
interval = "10s"

[workload]
arrival = "poisson"
rate = 50

[[faults]]
component = "app"
kind = "zone_outage"
zone = "b"
at = "10m"
duration = "5m"

[designs.d]
entry = "app"

[designs.d.app]
kind = "ec2"
instance_type = "m5.large"
zones = 3
workers = 4
service_time = "20ms"
boot_time = "40s"
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

#[test]
fn a_zone_outage_takes_the_zones_share_of_a_fixed_fleet_until_it_ends_plus_the_boot_time() {
    let s = scenario(&(outage("instances = 6")));
    for r in replications(&s, 0) {
        for t in [590.0, 600.0] {
            assert_eq!(at(&r, "app", "instances_b", t), 2.0, "before, t={t}");
        }
        // From the outage to its end plus the 40 s boot: zone b has none,
        // a third of the capacity; a fixed fleet moves nothing elsewhere.
        for t in [610.0, 700.0, 900.0, 930.0] {
            assert_eq!(at(&r, "app", "instances_b", t), 0.0, "during, t={t}");
            assert_eq!(at(&r, "app", "instances_a", t), 2.0);
            assert_eq!(at(&r, "app", "instances_c", t), 2.0);
        }
        // The health checks have noticed (≤ 30 s phase + 30 s + 5 s).
        assert_eq!(at(&r, "app", "instances", 700.0), 4.0);
        // Relaunched at 900 s, running (and so serving) at 940 s: the
        // sample at 940 s is taken just before the events of that instant.
        assert_eq!(at(&r, "app", "instances_b", 940.0), 0.0);
        assert_eq!(at(&r, "app", "instances_b", 950.0), 2.0);
        assert_eq!(at(&r, "app", "instances", 950.0), 6.0);
        // A direct caller knows the six addresses it started with and no
        // health check: a third of its calls go to zone b's instances from
        // the outage until they are back at 940 s, and fail (after the
        // connection timeout): 50/s × 340 s / 3 ≈ 5,667.
        assert_eq!(r.requests, r.completed + r.failed + r.lost + r.pending);
        let expected = 50.0 * 340.0 / 3.0;
        let failed = r.failed as f64;
        assert!(
            (failed / expected - 1.0).abs() < 0.05,
            "failed: {failed}, expected about {expected}"
        );
    }
}

#[test]
fn an_auto_scaling_group_replaces_a_lost_zone_in_the_others_and_rebalances_when_it_returns() {
    let s = scenario(&outage(
        "[designs.d.app.autoscaling]\nmin = 6\nmax = 6\ntarget = 50",
    ));
    for r in replications(&s, 0) {
        assert_eq!(at(&r, "app", "instances_b", 600.0), 2.0);
        // Detected within 65 s, replaced in a and c, running 40 s later.
        assert_eq!(at(&r, "app", "instances_b", 610.0), 0.0);
        for t in [710.0, 890.0] {
            assert_eq!(at(&r, "app", "instances_a", t), 3.0, "t={t}");
            assert_eq!(at(&r, "app", "instances_c", t), 3.0, "t={t}");
            assert_eq!(at(&r, "app", "instances_b", t), 0.0, "t={t}");
        }
        // Zone b is back at 900 s: two launches there, each replacing an
        // instance of a and of c once running (40 s later).
        assert_eq!(at(&r, "app", "instances_b", 930.0), 0.0);
        assert_eq!(at(&r, "app", "desired", 930.0), 6.0);
        for z in ["instances_a", "instances_b", "instances_c"] {
            assert_eq!(at(&r, "app", z, 950.0), 2.0, "{z}");
            assert_eq!(at(&r, "app", z, 1800.0), 2.0, "{z}");
        }
        assert_eq!(at(&r, "app", "instances", 1800.0), 6.0);
    }
}

/// 4 instances over 3 zones (2, 1, 1) behind a load balancer.
fn uneven(cross_zone: bool) -> String {
    uneven_with(cross_zone, 8)
}

fn uneven_with(cross_zone: bool, workers: u32) -> String {
    format!(
        r#"
[scenario]
name = "cross"
duration = "20m"
warmup = "2m"
seed = 11
replications = 2

[workload]
arrival = "poisson"
rate = 300

[designs.d]
entry = "alb"

[designs.d.alb]
kind = "load_balancer"
targets = "app"
cross_zone = {cross_zone}

[designs.d.app]
kind = "ec2"
instance_type = "m5.large"
instances = 4
zones = ["x", "y", "z"]
workers = {workers}
service_time = "20ms"
"#
    )
}

#[test]
fn without_cross_zone_balancing_the_zones_with_fewer_instances_are_overloaded() {
    // 2 workers × 20 ms: an instance serves at most 100/s. With cross-zone
    // balancing each of the 4 gets 75/s (75% busy); without it each zone's
    // node gets a third, 100/s, and the lone instances of zones y and z are
    // 100% busy: their queues grow without bound (zone x's two idle at 50%).
    let p99 = |cross_zone: bool| {
        let s = scenario(&uneven_with(cross_zone, 2));
        replications(&s, 0)
            .iter()
            .map(|r| r.response.p99)
            .fold(0.0, f64::max)
    };
    let (on, off) = (p99(true), p99(false));
    assert!(on < 200.0, "stable at 75%: p99 {on} ms");
    assert!(
        off > 5.0 * on,
        "critical at 100%: p99 {off} ms against {on} ms"
    );
}

#[test]
fn cross_zone_balancing_sends_two_thirds_across_zones_billed_out_and_in_by_an_nlb() {
    // 300/s × 20 ms = 6 busy workers over 32: nothing queues.
    let catalog = stratosim::catalog::builtin();
    let per_gb = catalog.data_transfer.inter_az_per_gb.value;
    let bytes_per_gb = catalog.units.bytes_per_gb.value;
    // An NLB pays for the bytes it sends across zones; an ALB does not.
    for (cross_zone, lb_type) in [(true, "nlb"), (false, "nlb"), (true, "alb")] {
        let text = uneven(cross_zone).replace(
            "kind = \"load_balancer\"\n",
            &format!("kind = \"load_balancer\"\ntype = \"{lb_type}\"\n"),
        );
        let s = scenario(&text);
        for r in replications(&s, 0) {
            assert_eq!(r.failed, 0);
            let gb = last(&r, "alb", "cross_zone_gb");
            let requests = component(&r, "alb").handled as f64;
            if cross_zone {
                // A node in x sends to y and z half the time (2 of 4
                // targets in its zone), a node in y or z three quarters:
                // 1/3 × 1/2 + 2/3 × 3/4 = 2/3 of the requests cross.
                let crossing = gb * bytes_per_gb / 4096.0;
                let total = series_sum(&r, "alb", "arrivals", 0.0, 1e9);
                let share = crossing / total;
                assert!((share - 2.0 / 3.0).abs() < 0.01, "share {share}");
            } else {
                assert_eq!(gb, 0.0);
            }
            // The bill holds the transfer of the measured window: out and
            // in, at the catalog price, on top of the same LCU bill as
            // without zones (the same requests, the same arrivals).
            let plain_text = text.replace("zones = [\"x\", \"y\", \"z\"]\n", "");
            let plain = simulate(&scenario(&plain_text), 0, r.replication);
            let extra = component(&r, "alb").cost_usd - component(&plain, "alb").cost_usd;
            if cross_zone && lb_type == "nlb" {
                // Two thirds of the window's requests, 4 KiB each.
                let expected = 2.0 * per_gb * (2.0 / 3.0) * requests * 4096.0 / bytes_per_gb;
                assert!(
                    (extra / expected - 1.0).abs() < 0.02,
                    "extra {extra} expected {expected}"
                );
            } else {
                assert!(extra.abs() < 1e-12, "no transfer, no extra: {extra}");
            }
        }
    }
}

/// A group of 2 × m5.large in one zone behind an ALB, at 50 requests/s
/// for 50 minutes; its zone is out from 20 min for 10 min. Boot 40 s.
fn one_zone() -> String {
    r#"
[scenario]
name = "one-zone"
duration = "50m"
warmup = "0s"
seed = 5
replications = 2
interval = "10s"

[workload]
arrival = "poisson"
rate = 50

[[faults]]
component = "app"
kind = "zone_outage"
zone = "a"
at = "20m"
duration = "10m"

[designs.d]
entry = "alb"

[designs.d.alb]
kind = "load_balancer"
targets = "app"

[designs.d.app]
kind = "ec2"
instance_type = "m5.large"
zones = 1
workers = 4
service_time = "20ms"
boot_time = "40s"

[designs.d.app.autoscaling]
min = 2
max = 2
target = 50
"#
    .to_string()
}

#[test]
fn a_one_zone_group_has_no_capacity_until_its_zone_returns() {
    let s = scenario(&one_zone());
    for r in replications(&s, 0) {
        // EC2 Auto Scaling launches only in the group's zones: nothing
        // runs from the outage until the zone returns at 30 min.
        for t in [700.0, 1190.0] {
            assert_eq!(at(&r, "app", "instances", t), 2.0, "before, t={t}");
        }
        for t in [1300.0, 1500.0, 1800.0] {
            assert_eq!(at(&r, "app", "instances", t), 0.0, "during, t={t}");
            assert_eq!(at(&r, "app", "pending", t), 0.0, "no launch, t={t}");
        }
        // Relaunched at 30 min, in service after the boot and the first
        // health check.
        assert_eq!(at(&r, "app", "instances", 1900.0), 2.0);
        // 10 of 50 minutes without capacity, plus boot and first check:
        // 20% of the requests fail (the arithmetic of one zone).
        assert_eq!(r.requests, r.completed + r.failed + r.lost + r.pending);
        let share = r.failed as f64 / r.requests as f64;
        assert!((share - 0.20).abs() <= 0.02, "failed share {share}");
    }
}

/// 2 × m5.large over zones a and b (one each), at 40 requests/s; zone b
/// is out from 10 min for 10 min. Called directly (`entry = "app"`) or
/// through an ALB.
fn direct_or_alb(entry: &str) -> String {
    format!(
        r#"
[scenario]
name = "direct"
duration = "30m"
warmup = "0s"
seed = 9
replications = 2
interval = "10s"

[workload]
arrival = "poisson"
rate = 40

[[faults]]
component = "app"
kind = "zone_outage"
zone = "b"
at = "10m"
duration = "10m"

[designs.d]
entry = "{entry}"

[designs.d.alb]
kind = "load_balancer"
targets = "app"

[designs.d.app]
kind = "ec2"
instance_type = "m5.large"
instances = 2
zones = 2
workers = 4
service_time = "20ms"
boot_time = "40s"
"#
    )
}

#[test]
fn a_direct_caller_keeps_calling_a_failed_instance_an_alb_stops_after_its_unhealthy_threshold() {
    let failed_at = |entry: &str| -> Vec<Vec<f64>> {
        let s = scenario(&direct_or_alb(entry));
        replications(&s, 0)
            .iter()
            .map(|r| {
                assert_eq!(r.requests, r.completed + r.failed + r.lost + r.pending);
                series(r, entry, "errors").map(|(_, v)| v).collect()
            })
            .collect()
    };
    // Errors per 10 s interval; interval k ends at 10(k+1) s.
    let total = |e: &[f64], from: f64, to: f64| -> f64 {
        e.iter()
            .enumerate()
            .filter(|&(k, _)| {
                let end = 10.0 * (k as f64 + 1.0);
                end > from && end <= to
            })
            .map(|(_, v)| v)
            .sum()
    };
    for e in failed_at("app") {
        // Half its calls go to zone b's instance for the whole outage, and
        // fail 10 s later (the connection timeout): about 20 a second,
        // from 610 s until the instance is back (1,240 s).
        let during = total(&e, 700.0, 1200.0) / 500.0;
        assert!((during - 20.0).abs() < 2.0, "direct: {during} errors/s");
        assert_eq!(total(&e, 1300.0, 1800.0), 0.0, "back after its boot");
    }
    for e in failed_at("alb") {
        // The ALB routes to the failed target until it has failed two
        // checks (≤ 30 s + 30 s + 5 s), then only to zone a's.
        assert!(total(&e, 600.0, 670.0) > 0.0);
        assert_eq!(total(&e, 670.0, 1800.0), 0.0, "stopped after the threshold");
    }
}

#[test]
fn the_lesson_of_one_zone_against_three_quotes_its_run() {
    // scenarios/zones-one-vs-three.toml: the failed shares its comments quote.
    let path = repo().join("scenarios/zones-one-vs-three.toml");
    let s = stratosim::scenario::load(&path, &[]).unwrap();
    let quoted = quoted_run_figures(&path);
    assert_eq!(quoted.len(), 2);
    let (one, three) = (failed_percent(&s, 0), failed_percent(&s, 1));
    assert!((one - quoted[0]).abs() < 0.05, "one zone: {one}%");
    assert!((three - quoted[1]).abs() < 0.005, "three zones: {three}%");
    // And the arithmetic: about 11 of 50 minutes, and about a third of
    // the ~50 s before the health checks notice.
    assert!((one - 22.0).abs() < 1.5);
    assert!((three - 100.0 / 3.0 * 50.0 / 3000.0).abs() < 0.3);
}

#[test]
fn the_lesson_of_an_internal_load_balancer_quotes_its_run() {
    // scenarios/internal-alb.toml: failed shares and the back end's
    // utilization, as its comments quote them.
    let path = repo().join("scenarios/internal-alb.toml");
    let s = stratosim::scenario::load(&path, &[]).unwrap();
    let quoted = quoted_run_figures(&path);
    assert_eq!(quoted.len(), 4);
    let utilization = |design: usize| {
        let runs = replications(&s, design);
        100.0
            * runs
                .iter()
                .map(|r| component(r, "app").utilization)
                .sum::<f64>()
            / runs.len() as f64
    };
    let figures = [
        failed_percent(&s, 0),
        failed_percent(&s, 1),
        utilization(0),
        utilization(1),
    ];
    for (figure, quoted) in figures.iter().zip(&quoted) {
        assert!((figure - quoted).abs() < 0.05, "{figure} against {quoted}");
    }
    assert!(figures[0] > 10.0 * figures[1], "the ALB fails far fewer");
    assert!(figures[2] < figures[3], "and uses the capacity it pays for");
}

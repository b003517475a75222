//! A fleet alone: its serving (FIFO, queue bound, utilisation, billing)
//! and its instances' lifecycle, driven by a caller and scheduled actions.

use super::*;
use crate::engine::ActorId;
use crate::model::Msg;
use crate::model::targets::TargetState;
use crate::model::testing::{Caller, Log, Replied, Rig, at_ms, replied};
use crate::model::{Endpoint, Outcome};
use crate::settings::{
    AutoScalingSpec, BatchSize, DeployPolicy, HealthCheckSpec, LifecycleSpec, PatchingSpec,
    Release, ScalingPolicy, ScheduledAction, TerminationPolicy,
};
use crate::time::SimDuration;

const FLEET: u32 = 0;
const CALLER: u32 = 1;

/// [USD/h] of an instance, and how its time is billed.
const HOURLY_USD: f64 = 0.1;
const BILLING: Ec2Billing = Ec2Billing {
    increment: SimDuration::from_secs(1),
    minimum: SimDuration::from_secs(60),
};

/// One fixed instance with `workers` workers and at most `queue_limit`
/// calls waiting, each call taking `service_ms`.
fn config(workers: u32, queue_limit: Option<u32>, service_ms: u64) -> FleetConfig {
    FleetConfig {
        instances: 1,
        workers,
        queue_limit,
        backlog_limit: u32::MAX,
        service_time: Dist::constant(SimDuration::from_millis(service_ms)),
        downstream: Downstream::default(),
        pricing: FleetPricing::Instances {
            hourly_usd: HOURLY_USD,
            spot_hourly_usd: HOURLY_USD / 3.0,
            billing: BILLING,
        },
        month: SimDuration::from_secs(730 * 3600),
        scaling: None,
        pool_size: workers,
        max_connections: None,
    }
}

/// The fleet `cfg` and a caller, and the replies the caller gets.
fn rig(cfg: FleetConfig) -> (Rig, Log<Replied>) {
    let rng = |name| crate::rng::stream(1, name);
    let fleet = Fleet::new(cfg, rng("app"), rng("lifecycle:app"), FaultState::default());
    let caller = Caller::default();
    let replies = caller.replies.clone();
    (Rig::new(vec![Box::new(fleet), Box::new(caller)]), replies)
}

#[test]
fn calls_wait_their_turn_first_come_first_served() {
    let (mut rig, replies) = rig(config(1, None, 10));
    rig.calls_at(CALLER, FLEET, &[0, 0, 0]);
    rig.run_until(at_ms(1000));
    assert_eq!(
        replies.take(),
        vec![
            replied(10, 0, Outcome::Ok),
            replied(20, 1, Outcome::Ok),
            replied(30, 2, Outcome::Ok),
        ]
    );
    let report = rig.report(FLEET as usize);
    assert_eq!(report.max_queue, 2);
    assert!(
        (report.mean_wait_ms - 10.0).abs() < 1e-9,
        "waits 0, 10, 20 ms"
    );
}

#[test]
fn a_full_queue_refuses_at_once() {
    let (mut rig, replies) = rig(config(1, Some(1), 10));
    rig.calls_at(CALLER, FLEET, &[0, 0, 0]);
    rig.run_until(at_ms(1000));
    assert_eq!(
        replies.take(),
        vec![
            replied(0, 2, Outcome::Error),
            replied(10, 0, Outcome::Ok),
            replied(20, 1, Outcome::Ok),
        ]
    );
    let report = rig.report(FLEET as usize);
    assert_eq!((report.handled, report.errors), (3, 1));
}

#[test]
fn utilisation_is_busy_workers_over_workers_and_the_bill_has_its_minimum() {
    // A 50 ms call every 100 ms keeps one of two workers busy half the time.
    let (mut rig, _) = rig(config(2, None, 50));
    let every_100_ms: Vec<u64> = (0..10).map(|k| 100 * k).collect();
    rig.calls_at(CALLER, FLEET, &every_100_ms);
    rig.run_until(at_ms(1000));
    assert_eq!(rig.sample(FLEET as usize).get(Metric::Utilization), 0.25);
    let report = rig.report(FLEET as usize);
    assert_eq!(report.utilization, 0.25);
    // One second run, 60 seconds billed.
    assert_eq!(report.instance_hours, 60.0 / 3600.0);
    assert!((report.cost_usd - HOURLY_USD * 60.0 / 3600.0).abs() < 1e-12);
    // The month runs the instance 730 hours: the minimum of a one-second
    // window is not scaled up 60 times.
    assert!((report.monthly_cost_usd - HOURLY_USD * 730.0).abs() < 1e-9);
}

/// A group of one instance (at most two), load balanced, whose instances
/// boot in 30 s and answer 5 s later, checked every 10 s; scheduled
/// actions make it two at 10 s and one again at 100 s, the oldest going.
fn group() -> FleetConfig {
    let secs = SimDuration::from_secs;
    let action = |at: u64, desired| ScheduledAction {
        at: SimTime::ZERO + secs(at),
        min: None,
        max: None,
        desired: Some(desired),
    };
    let scaling = ScalingConfig {
        group: GroupConfig {
            settings: AutoScalingSpec {
                min: 1,
                max: 2,
                desired: 1,
                policy: ScalingPolicy::None,
                scale_in_cooldown: secs(300),
                scale_out_cooldown: secs(300),
                warmup: secs(0),
                period: secs(60),
                metric_delay: secs(60),
                termination: TerminationPolicy::OldestInstance,
                max_scale_in: None,
                scheduled: vec![action(10, 2), action(100, 1)],
                policies: Vec::new(),
            },
            alarms: TrackingAlarms {
                high_datapoints: 3,
                low_datapoints: 15,
                low_fraction: 0.9,
            },
        },
        lifecycle: LifecycleSpec {
            boot_time: Dist::constant(secs(30)),
            start_time: Dist::constant(secs(5)),
            health_check: HealthCheckSpec {
                interval: secs(10),
                timeout: secs(5),
                healthy_threshold: 5,
                unhealthy_threshold: 2,
            },
            deregistration_delay: secs(300),
            mtbf: None,
        },
        slots: 4,
        load_balanced: true,
        backlog_queue: None,
        spot: None,
        zones: 1,
        rebalance: true,
        connect_timeout: secs(10),
        deploy: None,
    };
    FleetConfig {
        scaling: Some(scaling),
        ..config(1, None, 20_000)
    }
}

#[test]
fn an_instance_boots_registers_serves_then_drains_its_work_and_goes() {
    let (mut rig, replies) = rig(group());
    // A 20 s call to the first instance, in flight when it is deregistered.
    let req = rig.request();
    rig.call_to(at_ms(95_000), CALLER, FLEET, req, 7, Endpoint::Instance(0));
    let state = |rig: &mut Rig, s: u64, slot: u32| {
        rig.run_until(at_ms(s * 1000));
        rig.world.targets.state(ActorId(FLEET), slot)
    };
    use TargetState::{Absent, Draining, Healthy, Initial};
    assert_eq!(
        state(&mut rig, 1, 0),
        Some(Healthy),
        "in service from the start"
    );
    assert_eq!(
        state(&mut rig, 20, 1),
        Some(Absent),
        "launched at 10 s, booting"
    );
    // Booted at 40 s; the application answers at 45 s, and the first check
    // after that (checks every 10 s, at a phase of their own) passes.
    assert_eq!(state(&mut rig, 44, 1), Some(Initial));
    assert_eq!(state(&mut rig, 56, 1), Some(Healthy));
    assert_eq!(rig.sample(FLEET as usize).get(Metric::Instances), 2.0);
    // At 100 s the oldest instance is deregistered: it drains its call,
    // which ends at 115 s, and then it is terminated.
    assert_eq!(state(&mut rig, 101, 0), Some(Draining));
    assert_eq!(state(&mut rig, 114, 0), Some(Draining));
    assert_eq!(state(&mut rig, 116, 0), Some(Absent));
    assert_eq!(state(&mut rig, 116, 1), Some(Healthy));
    assert_eq!(replies.take(), vec![replied(115_000, 7, Outcome::Ok)]);
    let report = rig.report(FLEET as usize);
    assert_eq!(report.instances_max, 2);
    // Billed: the first instance 115 s, the second from 10 s on.
    let hours = (115.0 + 106.0) / 3600.0;
    assert!((report.instance_hours - hours).abs() < 1e-12);
}

/// A fixed fleet of `n` instances (a group that only replaces), without a
/// load balancer, whose launches boot in 30 s and answer 5 s later, with
/// one deployment at 100 s by `policy` of `batch` instances at a time.
fn deploying(n: u32, policy: DeployPolicy, batch: u32, release: Release) -> FleetConfig {
    let mut cfg = group();
    let sc = cfg.scaling.as_mut().expect("a group");
    sc.group.settings.min = n;
    sc.group.settings.max = n;
    sc.group.settings.desired = n;
    sc.group.settings.scheduled.clear();
    sc.slots = 3 * n;
    sc.load_balanced = false;
    sc.rebalance = false;
    sc.deploy = Some(DeployConfig {
        deployments: vec![DeploymentConfig {
            at: at_ms(100_000),
            policy,
            batch_size: BatchSize::Count(batch),
            release,
            rollback_on: Some(ActorId(ALARM)),
        }],
        patching: None,
        rng: crate::rng::stream(1, "deploy:app"),
    });
    FleetConfig {
        instances: n,
        ..cfg
    }
}

/// The alarm a deployment rolls back on (no actor: the test sends its
/// message).
const ALARM: u32 = 9;

/// Instances in service, sampled each second from `from` to `to` [s].
fn in_service(rig: &mut Rig, from: u64, to: u64) -> Vec<f64> {
    (from..=to)
        .map(|s| {
            rig.run_until(at_ms(s * 1000));
            rig.sample(FLEET as usize).get(Metric::Instances)
        })
        .collect()
}

#[test]
fn all_at_once_has_no_capacity_for_boot_and_start() {
    let (mut rig, _) = rig(deploying(3, DeployPolicy::AllAtOnce, 1, Release::default()));
    let n = in_service(&mut rig, 99, 140);
    // Out at 100 s; booted at 130 s, answering at 135 s.
    assert_eq!(n[0], 3.0);
    assert!(n[2..=35].iter().all(|&x| x == 0.0), "{n:?}");
    assert!(n[37..].iter().all(|&x| x == 3.0), "{n:?}");
    let s = rig.sample(FLEET as usize);
    assert_eq!(
        (s.get(Metric::NewRelease), s.get(Metric::Deploying)),
        (3.0, 0.0)
    );
}

#[test]
fn rolling_keeps_all_but_a_batch_and_takes_a_batch_per_boot_and_start() {
    let (mut rig, _) = rig(deploying(4, DeployPolicy::Rolling, 1, Release::default()));
    let n = in_service(&mut rig, 99, 250);
    // Four batches of 35 s: 100 → 240 s, never fewer than 3.
    assert!(n.iter().all(|&x| x >= 3.0), "{n:?}");
    assert_eq!(n[(239 - 99) as usize], 3.0);
    assert_eq!(n[(241 - 99) as usize], 4.0);
    let s = rig.sample(FLEET as usize);
    assert_eq!(s.get(Metric::NewRelease), 4.0);
}

#[test]
fn an_additional_batch_and_immutable_never_drop_below_the_fleet_and_bill_the_surge() {
    for (policy, extra_secs) in [
        // A batch of one beside the four for each of four 35 s batches.
        (DeployPolicy::RollingWithAdditionalBatch, 4 * 35),
        // Four beside the four for 35 s.
        (DeployPolicy::Immutable, 4 * 35),
        (DeployPolicy::BlueGreen, 4 * 35),
    ] {
        let (mut rig, _) = rig(deploying(4, policy, 1, Release::default()));
        let n = in_service(&mut rig, 99, 400);
        assert!(n.iter().all(|&x| x >= 4.0), "{policy:?}: {n:?}");
        assert_eq!(n.last(), Some(&4.0));
        // Idle instances go the moment they are taken out: the bill is four
        // instances for 400 s and the surge's seconds, to the second.
        let report = rig.report(FLEET as usize);
        let hours = f64::from(4 * 400 + extra_secs) / 3600.0;
        assert!(
            (report.instance_hours - hours).abs() < 1e-9,
            "{policy:?}: {} h, not {hours} h",
            report.instance_hours
        );
    }
}

#[test]
fn blue_green_holds_the_new_fleet_out_of_traffic_until_all_of_it_is_healthy() {
    let mut cfg = deploying(2, DeployPolicy::BlueGreen, 1, Release::default());
    let sc = cfg.scaling.as_mut().expect("a group");
    sc.load_balanced = true;
    sc.lifecycle.boot_time =
        Dist::uniform(SimDuration::from_secs(20), SimDuration::from_secs(60)).expect("a range");
    let (mut rig, _) = rig(cfg);
    let mut shifted = None;
    for s in 100..300 {
        rig.run_until(at_ms(s * 1000));
        let states: Vec<_> = (0..6)
            .map(|i| rig.world.targets.state(ActorId(FLEET), i))
            .collect();
        let healthy = states
            .iter()
            .filter(|&&x| x == Some(TargetState::Healthy))
            .count();
        assert_eq!(healthy, 2, "at {s} s: {states:?}");
        if shifted.is_none() && states[0] != Some(TargetState::Healthy) {
            shifted = Some(s);
            // Both new ones healthy at once, the old ones draining or gone.
            assert!(
                states[2..4]
                    .iter()
                    .all(|&x| x == Some(TargetState::Healthy))
            );
        }
    }
    assert!(shifted.is_some(), "traffic shifted");
}

#[test]
fn a_bad_release_fails_its_calls_until_an_alarm_rolls_it_back() {
    let bad = Release {
        service_time: None,
        error_rate: 1.0,
    };
    let (mut rig, replies) = rig(deploying(1, DeployPolicy::AllAtOnce, 1, bad));
    // In service from 135 s; the alarm fires at 200 s: the previous release
    // is back at 235 s.
    rig.engine.schedule(
        at_ms(200_000),
        ActorId(FLEET),
        Msg::AlarmChanged {
            alarm: ActorId(ALARM),
            in_alarm: true,
        },
    );
    rig.calls_at(CALLER, FLEET, &[50_000, 150_000, 240_000]);
    rig.run_until(at_ms(300_000));
    assert_eq!(
        replies.take(),
        vec![
            replied(50_000 + 20_000, 0, Outcome::Ok),
            // The work done, the bad release answers an error.
            replied(150_000 + 20_000, 1, Outcome::Error),
            replied(240_000 + 20_000, 2, Outcome::Ok),
        ]
    );
    let s = rig.sample(FLEET as usize);
    assert_eq!(s.get(Metric::Rollbacks), 1.0);
    // A second ALARM rolls nothing back: the release is the good one.
    rig.engine.schedule(
        at_ms(310_000),
        ActorId(FLEET),
        Msg::AlarmChanged {
            alarm: ActorId(ALARM),
            in_alarm: true,
        },
    );
    rig.run_until(at_ms(320_000));
    assert_eq!(rig.sample(FLEET as usize).get(Metric::Rollbacks), 0.0);
}

#[test]
fn patching_replaces_every_instance_each_period() {
    let mut cfg = deploying(2, DeployPolicy::Rolling, 1, Release::default());
    let d = cfg
        .scaling
        .as_mut()
        .and_then(|sc| sc.deploy.as_mut())
        .expect("deploys");
    d.deployments.clear();
    d.patching = Some(PatchingSpec {
        every: SimDuration::from_secs(1000),
        first: SimDuration::from_secs(500),
        batch_size: BatchSize::Count(1),
    });
    let (mut rig, _) = rig(cfg);
    // Patched at 500 s and 1,500 s, one of two at a time, 35 s each: the
    // second goes as the first's replacement enters service, so one
    // instance serves for 70 s each time.
    let n = in_service(&mut rig, 499, 1600);
    let dips = n.windows(2).filter(|w| w[0] == 2.0 && w[1] == 1.0).count();
    assert_eq!(dips, 2, "{n:?}");
    assert_eq!(n.iter().filter(|&&x| x == 1.0).count(), 2 * 70);
    assert!(n.iter().all(|&x| x >= 1.0));
    let report = rig.report(FLEET as usize);
    // Each replacement is billed from its launch; the old goes at once.
    assert!((report.instance_hours - 2.0 * 1600.0 / 3600.0).abs() < 1e-9);
}

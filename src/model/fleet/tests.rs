//! A fleet alone: its serving (FIFO, queue bound, utilisation, billing)
//! and its instances' lifecycle, driven by a caller and scheduled actions.

use super::*;
use crate::engine::ActorId;
use crate::model::targets::TargetState;
use crate::model::testing::{Caller, Log, Replied, Rig, at_ms, replied};
use crate::model::{Endpoint, Outcome};
use crate::settings::{
    HealthCheckSpec, LifecycleSpec, ScalingPolicy, ScheduledAction, TerminationPolicy,
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
            min: 1,
            max: 2,
            desired: 1,
            policy: ScalingPolicy::None,
            scale_in_cooldown: secs(300),
            warmup: secs(0),
            period: secs(60),
            metric_delay: secs(60),
            termination: TerminationPolicy::OldestInstance,
            max_scale_in: None,
            scheduled: vec![action(10, 2), action(100, 1)],
            alarms: TrackingAlarms {
                high_datapoints: 3,
                low_datapoints: 15,
                low_fraction: 0.9,
            },
            policies: Vec::new(),
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

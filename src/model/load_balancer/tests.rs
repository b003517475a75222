//! A balancer alone: it routes only to healthy targets (failing open when
//! none is), answers 503 without a registered target, and bills its hours.

use super::*;
use crate::model::testing::{Callee, Caller, Log, Replied, Rig, at_ms};

const BALANCER: u32 = 0;
const TARGETS: u32 = 1;
const CALLER: u32 = 2;

/// An ALB's prices, without inter-zone transfer.
const PRICING: LbPricing = LbPricing {
    hourly: 0.0225,
    unit_hour: 0.008,
    increment: SimDuration::from_secs(3600),
    unit: CapacityUnit {
        new_connections_per_s: 25.0,
        active_connections: 3000.0,
        processed_gb_per_h: 1.0,
        rule_evaluations_per_s: Some(1000.0),
    },
    bytes_per_gb: 1e9,
    inter_az_per_gb: None,
    month: SimDuration::from_secs(730 * 3600),
};

/// A round-robin balancer without latency over three instances of one
/// component, which answers at once; the calls it got, and the replies.
fn rig() -> (Rig, Log<Call>, Log<Replied>) {
    balancer_rig(&[None; 3], 1)
}

/// A round-robin balancer without latency and with cross-zone balancing,
/// with `zones` nodes, over one instance of one component per entry of
/// `zone_of` (its zone), which answers at once.
fn balancer_rig(zone_of: &[Option<u32>], zones: u32) -> (Rig, Log<Call>, Log<Replied>) {
    let targets = (0..)
        .zip(zone_of)
        .map(|(i, &zone)| Target {
            actor: ActorId(TARGETS),
            endpoint: Endpoint::Instance(i),
            weight: 1.0,
            zone,
        })
        .collect();
    let cfg = LoadBalancerConfig {
        pricing: PRICING,
        routing: Routing::RoundRobin,
        targets,
        latency: Dist::constant(SimDuration::ZERO),
        slow_start: SimDuration::ZERO,
        zones,
        cross_zone: true,
        zoned_fleets: Vec::new(),
    };
    let balancer = LoadBalancer::new(cfg, crate::rng::stream(1, "alb"), FaultState::default());
    let callee = Callee::new(Box::new(|_| (SimDuration::ZERO, Outcome::Ok)));
    let caller = Caller::default();
    let (calls, replies) = (callee.log.clone(), caller.replies.clone());
    let actors: Vec<Box<dyn crate::model::DynComponent>> =
        vec![Box::new(balancer), Box::new(callee), Box::new(caller)];
    (Rig::new(actors), calls, replies)
}

/// Publishes the states of the three instances.
fn publish(rig: &mut Rig, states: [TargetState; 3]) {
    for (i, state) in states.into_iter().enumerate() {
        rig.world.targets.publish(ActorId(TARGETS), i as u32, state);
    }
}

/// Sends `n` calls at `at_ms`, one a millisecond, and returns the
/// instances they reached.
fn route(rig: &mut Rig, calls: &Log<Call>, at: u64, n: u64) -> Vec<u32> {
    for k in 0..n {
        let req = rig.request();
        rig.call(at_ms(at + k), CALLER, BALANCER, req, k as u32);
    }
    rig.run_until(at_ms(at + n));
    calls
        .take()
        .iter()
        .map(|c| match c.endpoint {
            Endpoint::Instance(i) => i,
            Endpoint::Any | Endpoint::Connect | Endpoint::Session(_) | Endpoint::Event => u32::MAX,
        })
        .collect()
}

#[test]
fn only_healthy_targets_are_routed_to_failing_open_when_none_is() {
    use TargetState::{Absent, Healthy, Unhealthy};
    let (mut rig, calls, replies) = rig();
    publish(&mut rig, [Healthy, Unhealthy, Healthy]);
    let routed = route(&mut rig, &calls, 0, 4);
    assert!(routed.iter().all(|&i| i == 0 || i == 2), "{routed:?}");
    assert_ne!(routed[0], routed[1], "in turn");
    assert_eq!(routed[..2], routed[2..]);
    // No healthy target: the unhealthy ones get the traffic.
    publish(&mut rig, [Unhealthy, Absent, Unhealthy]);
    assert_eq!(route(&mut rig, &calls, 100, 2).len(), 2);
    assert!(replies.take().iter().all(|r| r.outcome == Outcome::Ok));
    // None registered: a 503 at once, nothing routed.
    publish(&mut rig, [Absent; 3]);
    assert!(route(&mut rig, &calls, 200, 2).is_empty());
    let outcomes: Vec<Outcome> = replies.take().iter().map(|r| r.outcome).collect();
    assert_eq!(outcomes, [Outcome::Error; 2]);
}

#[test]
fn the_bill_counts_the_started_hours_and_the_capacity_units() {
    let (mut rig, calls, _) = rig();
    route(&mut rig, &calls, 0, 100);
    rig.run_until(at_ms(3_600_000 + 1));
    // Hour one: 100 new connections and their bytes, connections open for
    // no time; the second hour has just begun and bills in full.
    let hours = [
        HourUsage {
            span: SimDuration::from_secs(3600),
            new_connections: 100.0,
            mean_active_connections: 0.0,
            processed_bytes: 100.0 * ASSUMED_BYTES_PER_REQUEST,
            rule_evaluations: 0.0,
        },
        HourUsage {
            span: SimDuration::from_millis(1),
            ..HourUsage::default()
        },
    ];
    let cost = rig.report(BALANCER as usize).cost_usd;
    assert_eq!(cost, PRICING.cost(&hours));
    // 2 balancer-hours, and 100 / (25 × 3600) LCU-hours.
    let expected = 2.0 * 0.0225 + 100.0 / 90_000.0 * 0.008;
    assert!((cost - expected).abs() < 1e-15, "{cost}");
}

#[test]
fn each_node_rotates_on_its_own_so_cross_zone_requests_cross_in_proportion() {
    // Two zones, one instance in each: with one rotation shared by both
    // nodes, node a would always pick a's instance and node b b's, and no
    // request would cross. Each node rotating on its own sends half of its
    // requests to the other zone, as cross-zone balancing does.
    let (mut rig, calls, _) = balancer_rig(&[Some(0), Some(1)], 2);
    let routed = route(&mut rig, &calls, 0, 100);
    assert_eq!(routed.iter().filter(|&&i| i == 0).count(), 50, "{routed:?}");
    let crossed = rig.sample(BALANCER as usize).get(Metric::CrossZoneGb);
    assert_eq!(crossed, PRICING.cross_zone_gb(50));
}

//! A function alone: cold and warm starts, reclaim after the keep-alive,
//! reserved concurrency, and its bill.

use super::*;
use crate::metric::Metric;
use crate::model::testing::{Caller, Log, Replied, Rig, at_ms, replied};

const FUNCTION: u32 = 0;
const CALLER: u32 = 1;

fn pricing() -> LambdaPricing {
    LambdaPricing {
        per_request: 0.2e-6,
        per_gb_second: 16.0e-6,
        provisioned_per_gb_second: 10.0e-6,
        provisioned_allocation_per_gb_second: 4.0e-6,
        granularity: SimDuration::from_millis(1),
        monthly_per_gb_second: crate::model::monthly::Tiers::flat(16.0e-6),
        month: SimDuration::from_secs(730 * 3600),
    }
}

/// A 1 GB function whose handler takes 10 ms, whose cold start takes
/// 100 ms and whose idle environments live 60 s.
fn config(reserved: Option<u32>) -> LambdaConfig {
    let ms = |ms| Dist::constant(SimDuration::from_millis(ms));
    LambdaConfig {
        memory_mb: 1024,
        service_time: ms(10),
        cold_start: ms(100),
        keep_alive: ms(60_000),
        reserved,
        provisioned: 0,
        timeout: SimDuration::from_secs(3),
        scale_rate: 100.0,
        scale_burst: 1000.0,
        downstream: Downstream::default(),
        pricing: pricing(),
        event_retries: 2,
        max_event_age: SimDuration::from_secs(6 * 3600),
        on_failure: None,
        backlog_limit: u32::MAX,
    }
}

/// The function `cfg` and a caller, and the replies the caller gets.
fn rig(cfg: LambdaConfig) -> (Rig, Log<Replied>) {
    let function = Lambda::new(cfg, crate::rng::stream(1, "fn"), FaultState::default());
    let caller = Caller::default();
    let replies = caller.replies.clone();
    let mut rig = Rig::new(vec![Box::new(function), Box::new(caller)]);
    rig.world.lambda_pool.limit = 1000;
    (rig, replies)
}

#[test]
fn the_first_call_starts_cold_the_next_finds_the_environment_warm() {
    let (mut rig, replies) = rig(config(None));
    rig.calls_at(CALLER, FUNCTION, &[0, 1000]);
    rig.run_until(at_ms(2000));
    assert_eq!(
        replies.take(),
        vec![replied(110, 0, Outcome::Ok), replied(1010, 1, Outcome::Ok)]
    );
    let report = rig.report(FUNCTION as usize);
    assert_eq!(report.cold_starts, 1);
    assert_eq!(report.instances_max, 1, "one environment");
    // Two requests, and 2 × 10 ms at 1 GB plus the cold start's 100 ms
    // INIT phase, billed as duration since August 2025.
    let p = pricing();
    let cost = 2.0 * p.per_request + 0.12 * p.per_gb_second;
    assert!(
        (report.cost_usd - cost).abs() < 1e-15,
        "{}",
        report.cost_usd
    );
}

#[test]
fn an_environment_idle_past_its_keep_alive_is_reclaimed() {
    let (mut rig, replies) = rig(config(None));
    rig.calls_at(CALLER, FUNCTION, &[0, 70_000]);
    rig.run_until(at_ms(65_000));
    let metrics = rig.sample(FUNCTION as usize);
    assert_eq!(
        metrics.get(Metric::Environments),
        0.0,
        "reclaimed at 60.11 s"
    );
    assert_eq!(metrics.get(Metric::ColdStarts), 1.0);
    rig.run_until(at_ms(80_000));
    assert_eq!(
        replies.take(),
        vec![
            replied(110, 0, Outcome::Ok),
            replied(70_110, 1, Outcome::Ok)
        ]
    );
    assert_eq!(rig.report(FUNCTION as usize).cold_starts, 2);
}

#[test]
fn reserved_concurrency_throttles_what_it_cannot_hold() {
    let (mut rig, replies) = rig(config(Some(1)));
    rig.calls_at(CALLER, FUNCTION, &[0, 50, 200]);
    rig.run_until(at_ms(1000));
    assert_eq!(
        replies.take(),
        vec![
            replied(50, 1, Outcome::Throttled),
            replied(110, 0, Outcome::Ok),
            replied(210, 2, Outcome::Ok),
        ]
    );
    assert_eq!(rig.sample(FUNCTION as usize).get(Metric::Throttles), 1.0);
    let report = rig.report(FUNCTION as usize);
    assert_eq!((report.handled, report.errors), (3, 1));
    // The throttled call is not billed; the one cold start's INIT is.
    let p = pricing();
    let cost = 2.0 * p.per_request + 0.12 * p.per_gb_second;
    assert!((report.cost_usd - cost).abs() < 1e-15);
}

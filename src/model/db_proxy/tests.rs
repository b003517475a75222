//! A proxy alone, in front of a scripted database: borrows, waits in
//! order, borrow timeouts, pinning and the bill.

use super::*;
use crate::model::testing::{Callee, Caller, Log, Replied, Rig, at_ms, replied};

const PROXY: u32 = 0;
const CALLER: u32 = 1;
const DB: u32 = 2;

/// A proxy of `connections` connections waiting at most `timeout_ms`,
/// pinning with chance `pinning`, in front of a database answering every
/// call in 10 ms; the replies the caller gets and the calls the database
/// sees.
fn rig(connections: u32, timeout_ms: u64, pinning: f64) -> (Rig, Log<Replied>, Log<Call>) {
    let proxy = DbProxy::new(
        DbProxyConfig {
            database: ActorId(DB),
            max_connections: connections,
            borrow_timeout: SimDuration::from_millis(timeout_ms),
            pinning,
            session_sizes: Vec::new(),
            per_hour: 0.03,
            month: SimDuration::from_secs(730 * 3600),
        },
        crate::rng::stream(1, "pinning:proxy"),
        FaultState::default(),
    );
    let caller = Caller::default();
    let replies = caller.replies.clone();
    let db = Callee::new(Box::new(|_| (SimDuration::from_millis(10), Outcome::Ok)));
    let seen = db.log.clone();
    let rig = Rig::new(vec![Box::new(proxy), Box::new(caller), Box::new(db)]);
    (rig, replies, seen)
}

/// The endpoints of the calls the database saw, in order.
fn endpoints(seen: &Log<Call>) -> Vec<Endpoint> {
    seen.borrow().iter().map(|c| c.endpoint).collect()
}

#[test]
fn a_call_borrows_a_connection_and_waits_for_one_in_order() {
    let (mut rig, replies, seen) = rig(2, 1000, 0.0);
    rig.calls_at(CALLER, PROXY, &[0, 0, 0, 5]);
    rig.run_until(at_ms(100));
    assert_eq!(
        *replies.borrow(),
        [
            replied(10, 0, Outcome::Ok),
            replied(10, 1, Outcome::Ok),
            replied(20, 2, Outcome::Ok),
            replied(20, 3, Outcome::Ok),
        ]
    );
    // Two connections opened, then reused: no third.
    assert_eq!(
        endpoints(&seen),
        [
            Endpoint::Connect,
            Endpoint::Connect,
            Endpoint::Any,
            Endpoint::Any
        ]
    );
    let m = rig.sample(PROXY as usize);
    // Waits of 0, 0, 10 and 5 ms; two of them waited.
    assert_eq!(m.get(Metric::BorrowWaitMs), 3.75);
    assert_eq!(m.get(Metric::BorrowsWaited), 2.0);
    assert_eq!(m.get(Metric::ConnectionErrors), 0.0);
    // Two connections borrowed for 20 ms of 100.
    assert!((m.get(Metric::Connections) - 0.4).abs() < 1e-9);
    let r = rig.report(PROXY as usize);
    assert_eq!((r.handled, r.errors, r.max_queue), (4, 0, 2));
    assert!((r.mean_wait_ms - 3.75).abs() < 1e-9);
}

#[test]
fn a_borrow_that_waits_past_the_timeout_fails() {
    let (mut rig, replies, seen) = rig(1, 4, 0.0);
    rig.calls_at(CALLER, PROXY, &[0, 0, 8]);
    rig.run_until(at_ms(100));
    assert_eq!(
        *replies.borrow(),
        [
            replied(4, 1, Outcome::Error),
            replied(10, 0, Outcome::Ok),
            // Waited 2 ms, within the timeout.
            replied(20, 2, Outcome::Ok),
        ]
    );
    assert_eq!(
        seen.borrow().len(),
        2,
        "the timed-out call never reached it"
    );
    let m = rig.sample(PROXY as usize);
    assert_eq!(m.get(Metric::ConnectionErrors), 1.0);
    assert_eq!(rig.report(PROXY as usize).errors, 1);
}

#[test]
fn a_pinned_session_keeps_its_connection_until_it_ends() {
    let (mut rig, replies, seen) = rig(1, 15, 1.0);
    let session = |rig: &mut Rig, ms, id, token| {
        let req = rig.request();
        rig.call_to(at_ms(ms), CALLER, PROXY, req, token, Endpoint::Session(id));
    };
    // Session 7 pins the only connection; its next call needs no borrow,
    // while session 8 waits in vain; once 7 ends, 8 gets a new connection.
    session(&mut rig, 0, 7, 0);
    session(&mut rig, 20, 8, 1);
    session(&mut rig, 25, 7, 2);
    rig.engine.schedule(
        at_ms(50),
        ActorId(PROXY),
        Msg::SessionEnd {
            caller: ActorId(CALLER),
            session: 7,
        },
    );
    session(&mut rig, 60, 8, 3);
    rig.run_until(at_ms(200));
    assert_eq!(
        *replies.borrow(),
        [
            replied(10, 0, Outcome::Ok),
            replied(35, 1, Outcome::Error),
            replied(35, 2, Outcome::Ok),
            replied(70, 3, Outcome::Ok),
        ]
    );
    assert_eq!(
        endpoints(&seen),
        [Endpoint::Connect, Endpoint::Any, Endpoint::Connect]
    );
}

#[test]
fn without_pinning_sessions_share_the_connections() {
    let (mut rig, replies, _) = rig(1, 15, 0.0);
    for (ms, id, token) in [(0, 7, 0), (20, 8, 1)] {
        let req = rig.request();
        rig.call_to(at_ms(ms), CALLER, PROXY, req, token, Endpoint::Session(id));
    }
    rig.run_until(at_ms(100));
    assert_eq!(
        *replies.borrow(),
        [replied(10, 0, Outcome::Ok), replied(30, 1, Outcome::Ok)]
    );
}

#[test]
fn the_bill_is_the_hourly_price_of_the_billed_vcpus() {
    let (mut rig, _, _) = rig(1, 15, 0.0);
    rig.run_until(SimTime::ZERO + SimDuration::from_secs(1800));
    let r = rig.report(PROXY as usize);
    assert!((r.cost_usd - 0.015).abs() < 1e-12, "{}", r.cost_usd);
    assert!((r.monthly_cost_usd - 21.9).abs() < 1e-9);
    let m = rig.sample(PROXY as usize);
    assert!((m.get(Metric::CostUsd) - 0.015).abs() < 1e-12);
}

//! A queue alone, with a scripted consumer: FIFO order, redelivery after
//! the visibility timeout, the dead-letter queue.

use super::*;
use crate::model::testing::{Callee, Caller, DeadLetters, Rig, at_ms};

/// Actors: the queue, its consumer, the senders, a dead-letter queue.
const QUEUE: u32 = 0;
const CONSUMER: u32 = 1;
const SENDERS: u32 = 2;

/// A standard queue consumed by one instance with `pollers` workers,
/// whose API calls take 1 ms.
fn config(pollers: u32) -> QueueConfig {
    QueueConfig {
        fifo: false,
        consumer: Some(Consumer {
            actor: ActorId(CONSUMER),
            instances: 1,
            workers: pollers,
            event_source_mapping: false,
        }),
        dead_letter: None,
        visibility_timeout: SimDuration::from_secs(1),
        max_receives: None,
        retention: SimDuration::from_secs(3600),
        delay: SimDuration::ZERO,
        batch_size: 1,
        batching_window: SimDuration::ZERO,
        partial_batch_responses: false,
        wait_time: SimDuration::from_secs(20),
        groups: 1,
        duplicate_probability: 0.0,
        calls_per_second: None,
        latency: Dist::constant(SimDuration::from_millis(1)),
        message_bytes: 1024,
        backlog_limit: u32::MAX,
        price_per_million: 0.5,
        chunk_bytes: 65536.0,
        month: SimDuration::from_secs(730 * 3600),
    }
}

/// A rig of the queue `cfg`, a consumer answering by `answer`, the
/// senders, and a dead-letter queue.
fn rig(cfg: QueueConfig, consumer: Callee) -> (Rig, DeadLetters) {
    let queue = Queue::new(cfg, crate::rng::stream(1, "q"), FaultState::default());
    let dead = DeadLetters::default();
    let got = DeadLetters {
        got: dead.got.clone(),
    };
    let actors: Vec<Box<dyn crate::model::DynComponent>> = vec![
        Box::new(queue),
        Box::new(consumer),
        Box::new(Caller::default()),
        Box::new(got),
    ];
    (Rig::new(actors), dead)
}

/// Sends 6 messages 10 ms apart to a one-group FIFO queue with 4
/// pollers, whose consumer takes 50 ms and fails each message its first
/// `failures` times; returns the order in which the consumer was handed
/// them.
fn delivery_order(batch_size: u32, failures: u32) -> Vec<u32> {
    let cfg = QueueConfig {
        fifo: true,
        batch_size,
        // A FIFO queue's 300 calls per second.
        calls_per_second: Some(300.0),
        ..config(4)
    };
    let consumer = Callee::new(Box::new(move |seen| {
        let outcome = if seen < failures {
            Outcome::Error
        } else {
            Outcome::Ok
        };
        (SimDuration::from_millis(50), outcome)
    }));
    let log = consumer.log.clone();
    let (mut rig, _) = rig(cfg, consumer);
    let reqs: Vec<_> = (0..6).map(|_| rig.request()).collect();
    for (i, &req) in reqs.iter().enumerate() {
        rig.call(at_ms(10 * (i as u64 + 1)), SENDERS, QUEUE, req, 0);
    }
    rig.run_until(at_ms(30_000));
    let end = rig.engine.now();
    for req in reqs {
        rig.world.requests.respond(req, end);
    }
    assert_eq!(
        rig.world.requests.outcomes.completed, 6,
        "all the work is done"
    );
    log.take().iter().map(|c| c.req.slot).collect()
}

#[test]
fn a_fifo_group_is_delivered_in_order_one_batch_at_a_time() {
    // Requests occupy slots 0..6 in sending order.
    assert_eq!(delivery_order(1, 0), vec![0, 1, 2, 3, 4, 5]);
    assert_eq!(delivery_order(2, 0), vec![0, 1, 2, 3, 4, 5]);
}

#[test]
fn failed_messages_come_back_in_their_place() {
    // Each message fails once. The first receive finds only message 0;
    // it fails and returns after the visibility timeout, ahead of 1;
    // the batch [0, 1] then succeeds on 0 and fails on 1; and so on.
    assert_eq!(
        delivery_order(2, 1),
        vec![0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    );
    // Each message fails twice: whole batches come back, and come back
    // in sending order ([0, 1], not [1, 0]).
    assert_eq!(
        delivery_order(2, 2),
        vec![0, 0, 1, 0, 1, 1, 2, 2, 3, 2, 3, 3, 4, 4, 5, 4, 5, 5]
    );
}

#[test]
fn a_consumer_slower_than_the_visibility_timeout_gets_the_message_again() {
    // The first processing takes 1.5 s; the message is visible again
    // after 1 s, and the second poller receives it, processes it in
    // 10 ms and deletes it. The first processing then finds the message
    // gone: a duplicate. The request's work is done once.
    let consumer = Callee::new(Box::new(|seen| {
        let work = if seen == 0 { 1500 } else { 10 };
        (SimDuration::from_millis(work), Outcome::Ok)
    }));
    let log = consumer.log.clone();
    let (mut rig, _) = rig(config(2), consumer);
    let req = rig.request();
    rig.call(at_ms(0), SENDERS, QUEUE, req, 0);
    rig.run_until(at_ms(10_000));
    assert_eq!(log.take().iter().filter(|c| c.req == req).count(), 2);
    let metrics = rig.sample(QUEUE as usize);
    assert_eq!(metrics.get(Metric::Received), 2.0);
    assert_eq!(metrics.get(Metric::Deleted), 1.0);
    assert_eq!(metrics.get(Metric::Duplicates), 1.0);
    assert_eq!(metrics.get(Metric::QueueDepth), 0.0);
    rig.world.requests.respond(req, rig.engine.now());
    assert_eq!(rig.world.requests.outcomes.completed, 1);
    assert_eq!(rig.world.requests.live(), 0);
}

#[test]
fn a_message_received_max_receives_times_moves_to_the_dead_letter_queue() {
    // Every processing fails: the message comes back after each
    // visibility timeout (1 s), and at the end of its second receive's
    // timeout it moves to the dead-letter queue, still carrying its work.
    let cfg = QueueConfig {
        dead_letter: Some(ActorId(3)),
        max_receives: Some(2),
        ..config(1)
    };
    let consumer = Callee::new(Box::new(|_| (SimDuration::from_millis(10), Outcome::Error)));
    let log = consumer.log.clone();
    let (mut rig, dead) = rig(cfg, consumer);
    let req = rig.request();
    rig.call(at_ms(0), SENDERS, QUEUE, req, 0);
    rig.run_until(at_ms(10_000));
    assert_eq!(log.take().len(), 2, "received twice");
    let got = dead.got.take();
    assert_eq!(got.len(), 1);
    let (when, moved, with_work) = got[0];
    assert_eq!((moved, with_work), (req, true));
    // Sent at 1 ms, received at once, visible again 1 s later and
    // received at once again: dead-lettered 1 s after that.
    assert!(when > at_ms(2000) && when < at_ms(2100), "at {when:?}");
    let metrics = rig.sample(QUEUE as usize);
    assert_eq!(metrics.get(Metric::DeadLettered), 1.0);
    assert_eq!(metrics.get(Metric::QueueDepth), 0.0);
    // The work is not lost: the dead-letter queue holds it.
    rig.world.requests.respond(req, rig.engine.now());
    assert_eq!(rig.world.requests.outcomes.lost, 0);
    assert_eq!(rig.world.requests.live(), 1);
}

/// A queue holding its limit refuses more sends and tells the world, which
/// ends the run as unstable at this load.
#[test]
fn a_queue_at_its_backlog_limit_refuses_and_marks_the_run_unstable() {
    let cfg = QueueConfig {
        consumer: None,
        backlog_limit: 3,
        ..config(1)
    };
    let queue = Queue::new(cfg, crate::rng::stream(1, "q"), FaultState::default());
    let caller = Caller::default();
    let replies = caller.replies.clone();
    let mut rig = Rig::new(vec![
        Box::new(queue),
        Box::new(Caller::default()),
        Box::new(caller),
    ]);
    // Each send is stored 1 ms later: at 3 ms the queue holds three.
    rig.calls_at(SENDERS, QUEUE, &[0, 1, 2, 3, 4]);
    rig.run_until(at_ms(100));
    let mut outcomes: Vec<(u32, Outcome)> = replies
        .borrow()
        .iter()
        .map(|r| (r.token, r.outcome))
        .collect();
    outcomes.sort_by_key(|o| o.0);
    assert_eq!(
        outcomes,
        [
            (0, Outcome::Ok),
            (1, Outcome::Ok),
            (2, Outcome::Ok),
            (3, Outcome::Error),
            (4, Outcome::Error),
        ]
    );
    let overflow = rig.world.overflow.expect("the run is unstable");
    assert_eq!((overflow.actor, overflow.at), (ActorId(QUEUE), at_ms(3)));
}

/// Sends 6 messages 10 ms apart to `cfg`'s queue, whose consumer takes
/// 100 ms for the first message it is handed and 20 ms for each other;
/// returns the queue's `out_of_order`.
fn out_of_order(cfg: QueueConfig) -> f64 {
    let handed = std::cell::Cell::new(0u32);
    let consumer = Callee::new(Box::new(move |_| {
        let n = handed.get();
        handed.set(n + 1);
        let work = if n == 0 { 100 } else { 20 };
        (SimDuration::from_millis(work), Outcome::Ok)
    }));
    let (mut rig, _) = rig(cfg, consumer);
    let reqs: Vec<_> = (0..6).map(|_| rig.request()).collect();
    for (i, &req) in reqs.iter().enumerate() {
        rig.call(at_ms(10 * (i as u64 + 1)), SENDERS, QUEUE, req, 0);
    }
    rig.run_until(at_ms(10_000));
    let end = rig.engine.now();
    for req in reqs {
        rig.world.requests.respond(req, end);
    }
    assert_eq!(rig.world.requests.outcomes.completed, 6);
    rig.sample(QUEUE as usize).get(Metric::OutOfOrder)
}

#[test]
fn work_is_done_out_of_order_only_by_concurrent_pollers_of_a_standard_queue() {
    // Four pollers: message 0 takes 100 ms, and 1 (sent 10 ms later, done
    // 20 ms after its receive) is done first; 0 alone is out of order.
    assert_eq!(out_of_order(config(4)), 1.0);
    // One poller does them one after another, in sending order.
    assert_eq!(out_of_order(config(1)), 0.0);
    // A FIFO group hands out the next message only once the previous one
    // is deleted, however many pollers.
    let fifo = QueueConfig {
        fifo: true,
        calls_per_second: Some(300.0),
        ..config(4)
    };
    assert_eq!(out_of_order(fifo), 0.0);
}

//! An SQS queue and the pollers of its consumer.
//!
//! Senders call the queue (SendMessage): after the API latency the message
//! is stored, the request gains a piece of outstanding work, and the sender
//! gets its answer. The consumer is a fleet whose every worker is a poller:
//! receive up to `batch_size` messages (long polling waits up to `wait_time`
//! for one; short polling answers at once, often empty, and is billed all the
//! same), process each (a call into the fleet, holding one of its workers),
//! delete it on success, leave it on failure. The queue runs the pollers' loop
//! on the fleet's behalf, so the fleet needs no knowledge of queues.
//!
//! Semantics follow the SQS developer guide: a received message is invisible
//! for `visibility_timeout`, then visible again and received anew (a consumer
//! slower than the timeout does the work twice; a delete with an outdated
//! receipt does not delete); after `max_receives` receives it moves to the
//! dead-letter queue (or is dropped); it expires after `retention`. A
//! standard queue may deliver a message twice (`duplicate_probability`); a
//! FIFO queue delivers each message group in order, one batch of a group at a
//! time, and throttles API calls beyond its throughput limit.

use std::collections::VecDeque;

use rand::RngExt;

use super::batch::BatchItem;
use super::faults::FaultState;
use super::requests::{RequestId, World};
use super::token_bucket::TokenBucket;
use super::{Call, Component, Ctx, Msg, Outcome, reply};
use crate::dist::Dist;
use crate::engine::{Actor, ActorId};
use crate::rng::StreamRng;
use crate::scenario::QueueType;
use crate::slab::{Key, Slab};
use crate::stats::{CallStats, ComponentReport, IntervalSink, MeanDuration, TimeAverage};
use crate::time::{SimDuration, SimTime};

/// API calls per second per action of a FIFO queue without high throughput
/// (AWS, "Troubleshoot FIFO throttling" and "message quotas"; see
/// `../shared/reference/aws-facts.md` §4).
pub const FIFO_CALLS_PER_SECOND: f64 = 300.0;
/// The same with high-throughput mode in us-east-1 (third-party report of
/// AWS's October 2023 figure, aws-facts.md §4; a later 70,000 is unconfirmed).
pub const FIFO_HIGH_THROUGHPUT_CALLS_PER_SECOND: f64 = 18_000.0;
/// How long a poller whose host is down waits before it polls again: its
/// process is gone, so this only paces the check for the host's return.
const PARKED_POLLER_RECHECK: SimDuration = SimDuration::from_secs(1);

const TIMER_SEND_DONE: u32 = 0;
const TIMER_DELAY_DONE: u32 = 1;
const TIMER_VISIBILITY: u32 = 2;
const TIMER_RETENTION: u32 = 3;
const TIMER_BATCH_ARRIVES: u32 = 4;
const TIMER_POLL: u32 = 5;
const TIMER_WAIT_EXPIRED: u32 = 6;
const TIMER_DELETE_DONE: u32 = 7;
const TIMER_SCALE_POLLERS: u32 = 8;
const TIMER_WINDOW_CLOSES: u32 = 9;

/// Concurrent batches an SQS event source mapping starts with (AWS Lambda
/// developer guide, `services-sqs-scaling.html`; aws-facts.md §4.1).
pub const ESM_INITIAL_POLLERS: u32 = 5;
/// Concurrent batches it adds per minute while messages wait (same source).
pub const ESM_POLLERS_PER_MINUTE: u32 = 300;
/// Most concurrent batches of one mapping (same source; older docs: 1,250).
pub const ESM_MAX_POLLERS: u32 = 1000;
/// An event source mapping polls with long polling.
const ESM_WAIT_TIME: SimDuration = SimDuration::from_secs(20);
/// Largest payload of one batch invocation: a mapping invokes early rather
/// than exceed it (AWS Lambda developer guide, "Batching behavior").
pub const ESM_MAX_BATCH_BYTES: u32 = 6 * 1024 * 1024;
/// Messages one ReceiveMessage returns at most.
const RECEIVE_MAX_MESSAGES: u32 = 10;

/// Who consumes the queue.
#[derive(Clone, Copy, Debug)]
pub struct Consumer {
    /// The fleet or function that processes each message.
    pub actor: ActorId,
    /// A fleet's instances (1 for a function).
    pub instances: u32,
    /// Pollers per instance: a fleet's workers, or the most concurrent
    /// batches of a function's event source mapping.
    pub workers: u32,
    /// An event source mapping (a Lambda consumer): it starts with
    /// [`ESM_INITIAL_POLLERS`] pollers and adds [`ESM_POLLERS_PER_MINUTE`]
    /// each minute while messages wait, always with long polling.
    pub event_source_mapping: bool,
}

/// The settings a queue is built from.
#[derive(Clone, Debug)]
pub struct QueueConfig {
    /// Component name.
    pub name: String,
    /// Standard or FIFO.
    pub queue_type: QueueType,
    /// Who polls it.
    pub consumer: Option<Consumer>,
    /// The dead-letter queue.
    pub dead_letter: Option<ActorId>,
    /// How long a received message stays invisible.
    pub visibility_timeout: SimDuration,
    /// Receives before dead-lettering.
    pub max_receives: Option<u32>,
    /// Lifetime of a message.
    pub retention: SimDuration,
    /// Invisibility of a new message.
    pub delay: SimDuration,
    /// Messages per receive (1–10); for an event source mapping, messages
    /// per invocation (1–10,000, gathered by several receives).
    pub batch_size: u32,
    /// How long an event source mapping gathers messages before it invokes
    /// with fewer than `batch_size` (MaximumBatchingWindowInSeconds).
    pub batching_window: SimDuration,
    /// The function reports failed items (ReportBatchItemFailures): only
    /// they return to the queue, not the whole batch.
    pub partial_batch_responses: bool,
    /// Long-polling wait; zero for short polling.
    pub wait_time: SimDuration,
    /// FIFO message groups.
    pub groups: u32,
    /// Chance of a duplicate delivery (standard).
    pub duplicate_probability: f64,
    /// FIFO API calls per second per action; `None`: unlimited (standard).
    pub calls_per_second: Option<f64>,
    /// Time of one API call.
    pub latency: Dist,
    /// Payload of one message [bytes].
    pub message_bytes: u32,
    /// Price [USD per 1M requests].
    pub price_per_million: f64,
    /// Billing chunk [bytes] (64 KiB).
    pub chunk_bytes: f64,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Place {
    Delayed,
    Visible,
    InFlight {
        deadline: SimTime,
    },
    /// Dead-lettered or expired while a poller was still processing it: no
    /// longer in the queue, kept only until that processing ends, which
    /// decides whether its work was done or lost.
    Gone,
}

#[derive(Clone, Copy, Debug)]
struct Message {
    req: RequestId,
    /// Order of sending: a FIFO group delivers by it.
    seq: u64,
    sent: SimTime,
    visible_since: SimTime,
    receives: u32,
    receipt: u32,
    group: u32,
    place: Place,
    /// No longer carries outstanding work of its request: processed
    /// already, settled as lost, or a duplicate copy.
    accounted: bool,
    /// Pollers processing it right now.
    processing: u16,
}

#[derive(Clone, Debug, Default)]
struct Group {
    visible: VecDeque<Key>,
    in_flight: u32,
    /// Listed in `ready_groups`.
    listed: bool,
}

#[derive(Clone, Debug, Default)]
struct Poller {
    instance: u32,
    generation: u32,
    waiting: bool,
    /// Beyond the event source mapping's current scale: not polling.
    parked: bool,
    /// When its batching window closes (an event source mapping with a
    /// window): until then it gathers messages, unless the batch fills first.
    window_closes: Option<SimTime>,
    /// The messages it holds and their receipts (`None`: gone meanwhile).
    batch: Vec<(Option<Key>, u32)>,
    /// The function's invocation with the batch, while it runs (an event
    /// source mapping).
    invocation: Option<Key>,
    /// The next message of the batch to process (a fleet's poller processes
    /// them one by one).
    next: u32,
}

/// Counters of message traffic (per interval, and for the window).
#[derive(Clone, Copy, Debug, Default)]
struct Traffic {
    sent: u64,
    received: u64,
    deleted: u64,
    empty_receives: u64,
    dead_lettered: u64,
    /// Messages moved in by another queue's redrive or a function's
    /// on-failure destination.
    redriven: u64,
    expired: u64,
    duplicates: u64,
    throttled: u64,
    /// Billed API requests (64 KiB chunks counted).
    requests: u64,
}

/// An SQS queue.
#[derive(Debug)]
pub struct Queue {
    cfg: QueueConfig,
    rng: StreamRng,
    faults: FaultState,
    messages: Slab<Message>,
    groups: Vec<Group>,
    ready_groups: VecDeque<u32>,
    by_age: VecDeque<Key>,
    retention_check: Option<SimTime>,
    pollers: Vec<Poller>,
    waiting: VecDeque<u32>,
    sends: Slab<(Call, SimTime)>,
    send_bucket: Option<TokenBucket>,
    receive_bucket: Option<TokenBucket>,
    chunks_per_message: u64,
    visible: TimeAverage,
    in_flight: u64,
    calls: CallStats,
    waits: MeanDuration,
    interval: Traffic,
    window: Traffic,
    total_requests: u64,
    window_start: SimTime,
    /// The time of the message being handled (for helpers without a context).
    now: SimTime,
    /// Messages stored so far (the next message's `seq`).
    stored: u64,
    /// Pollers allowed to poll (all of a fleet's; an event source
    /// mapping's current scale).
    active_pollers: u32,
    /// Pollers processing a batch now (received and handed over, not yet
    /// finished), and the most at once this minute.
    holding: u32,
    holding_peak: u32,
    /// [`TimeAverage::area`] of the visible messages at the last scaling.
    visible_area_at_scaling: u128,
}

impl Queue {
    /// A queue drawing latencies, groups and duplicates from `rng`. An
    /// outage of the queue fails sends and receives fast; the messages it
    /// holds survive it.
    pub fn new(mut cfg: QueueConfig, rng: StreamRng, faults: FaultState) -> Self {
        if cfg.consumer.is_some_and(|c| c.event_source_mapping) {
            cfg.wait_time = ESM_WAIT_TIME;
        }
        let pollers = cfg
            .consumer
            .map(|c| {
                (0..c.instances * c.workers)
                    .map(|i| Poller {
                        instance: i / c.workers,
                        ..Poller::default()
                    })
                    .collect()
            })
            .unwrap_or_default();
        let groups = match cfg.queue_type {
            QueueType::Standard => 1,
            QueueType::Fifo => cfg.groups.max(1),
        };
        let chunks_per_message = (f64::from(cfg.message_bytes) / cfg.chunk_bytes)
            .ceil()
            .max(1.0) as u64;
        Queue {
            rng,
            faults,
            messages: Slab::default(),
            groups: vec![Group::default(); groups as usize],
            ready_groups: VecDeque::new(),
            by_age: VecDeque::new(),
            retention_check: None,
            pollers,
            waiting: VecDeque::new(),
            sends: Slab::default(),
            // Bursts of up to one second's worth of calls.
            send_bucket: cfg.calls_per_second.map(|r| TokenBucket::new(r, r)),
            receive_bucket: cfg.calls_per_second.map(|r| TokenBucket::new(r, r)),
            chunks_per_message,
            visible: TimeAverage::default(),
            in_flight: 0,
            calls: CallStats::default(),
            waits: MeanDuration::default(),
            interval: Traffic::default(),
            window: Traffic::default(),
            total_requests: 0,
            window_start: SimTime::ZERO,
            now: SimTime::ZERO,
            stored: 0,
            active_pollers: cfg.consumer.map_or(0, |c| {
                let all = c.instances * c.workers;
                if c.event_source_mapping {
                    all.min(ESM_INITIAL_POLLERS)
                } else {
                    all
                }
            }),
            holding: 0,
            holding_peak: 0,
            visible_area_at_scaling: 0,
            cfg,
        }
    }

    /// The poller loop starts with every poller's first receive.
    fn start(&mut self, ctx: &mut Ctx<'_>) {
        if self.cfg.consumer.is_some_and(|c| c.event_source_mapping) {
            let tick = Key {
                slot: 0,
                generation: 0,
            };
            ctx.schedule(
                SimDuration::from_secs(60),
                self.timer(TIMER_SCALE_POLLERS, tick),
            );
        }
        // Pollers start out of step, each within one API round trip: hosts
        // and processes never start in the same nanosecond, and pollers in
        // lockstep would poll in bursts.
        let spread = self.cfg.latency.mean_secs();
        for p in 0..self.pollers.len() as u32 {
            let offset = SimDuration::from_secs_f64(self.rng.random_range(0.0..=spread));
            ctx.schedule(offset, self.timer(TIMER_POLL, self.poller_key(p)));
        }
    }

    /// Once a minute, an event source mapping adds pollers while messages
    /// wait for busy pollers, and sheds them while none do.
    fn scale_pollers(&mut self, ctx: &mut Ctx<'_>) {
        let all = self.pollers.len() as u32;
        let before = self.active_pollers;
        // Messages visible while a poller waits or gathers are on their way
        // to it: only a backlog behind busy pollers calls for more, one that
        // held at least a message on average over the minute.
        let area = self.visible.area(ctx.now());
        let minute = SimDuration::from_secs(60).0 as u128;
        let backlog = area - self.visible_area_at_scaling >= minute;
        self.visible_area_at_scaling = area;
        if backlog && self.visible.level() > 0 && self.holding >= before {
            self.active_pollers = (before + ESM_POLLERS_PER_MINUTE).min(all);
            for p in before..self.active_pollers {
                if self.pollers[p as usize].parked {
                    self.pollers[p as usize].parked = false;
                    self.poll(p, ctx);
                }
            }
        } else {
            // Nothing waits: shed the pollers that had nothing to do this
            // minute (never below the initial scale). Pollers beyond the new
            // scale park at their next poll.
            self.active_pollers = self
                .holding_peak
                .max(ESM_INITIAL_POLLERS.min(all))
                .min(before);
        }
        self.holding_peak = self.holding;
        ctx.schedule(
            SimDuration::from_secs(60),
            self.timer(
                TIMER_SCALE_POLLERS,
                Key {
                    slot: 0,
                    generation: 0,
                },
            ),
        );
    }

    fn count(&mut self, f: impl Fn(&mut Traffic)) {
        f(&mut self.interval);
        f(&mut self.window);
    }

    fn bill(&mut self, requests: u64) {
        self.total_requests += requests;
        self.count(|t| t.requests += requests);
    }

    fn latency(&mut self) -> SimDuration {
        self.cfg.latency.sample(&mut self.rng)
    }

    fn timer(&self, tag: u32, key: Key) -> Msg {
        Msg::Timer { tag, key }
    }

    fn poller_key(&self, p: u32) -> Key {
        Key {
            slot: p,
            generation: self.pollers[p as usize].generation,
        }
    }

    // ----- sending -------------------------------------------------------

    fn on_send(&mut self, call: Call, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        self.calls.arrived();
        if self.faults.is_down() {
            self.calls.answered(false, SimDuration::ZERO);
            reply(ctx, call, Outcome::Unavailable);
            return;
        }
        if let Some(bucket) = &mut self.send_bucket
            && !bucket.try_take(now)
        {
            self.count(|t| t.throttled += 1);
            self.calls.answered(false, SimDuration::ZERO);
            reply(ctx, call, Outcome::Error);
            return;
        }
        let key = self.sends.insert((call, now));
        let delay = self.latency();
        ctx.schedule(delay, self.timer(TIMER_SEND_DONE, key));
    }

    fn on_send_done(&mut self, key: Key, ctx: &mut Ctx<'_>) {
        let Some((call, arrived)) = self.sends.remove(key) else {
            return;
        };
        let now = ctx.now();
        ctx.world.work_started(call.req);
        self.bill(self.chunks_per_message);
        self.count(|t| t.sent += 1);
        self.store(call.req, false, true, ctx);
        self.calls.answered(true, now.since(arrived));
        reply(ctx, call, Outcome::Ok);
    }

    /// Stores a new message of `req` (visible now or after the delay);
    /// `wake` hands it to a waiting poller at once.
    fn store(&mut self, req: RequestId, accounted: bool, wake: bool, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        let group = if self.groups.len() > 1 {
            self.rng.random_range(0..self.groups.len() as u32)
        } else {
            0
        };
        self.stored += 1;
        let key = self.messages.insert(Message {
            req,
            seq: self.stored,
            sent: now,
            visible_since: now,
            receives: 0,
            receipt: 0,
            group,
            place: Place::Delayed,
            accounted,
            processing: 0,
        });
        self.by_age.push_back(key);
        if self.retention_check.is_none() {
            let at = now + self.cfg.retention;
            self.retention_check = Some(at);
            ctx.send_at(ctx.me(), at, self.timer(TIMER_RETENTION, key));
        }
        if self.cfg.delay > SimDuration::ZERO {
            ctx.schedule(self.cfg.delay, self.timer(TIMER_DELAY_DONE, key));
        } else {
            self.make_visible(key, false);
            if wake {
                self.wake_waiting(ctx);
            }
        }
    }

    // ----- visibility ----------------------------------------------------

    /// Puts a message among the visible ones: at the back, or for a FIFO
    /// redelivery back in its place by sending order (order within a group
    /// holds even when a whole batch comes back).
    fn make_visible(&mut self, key: Key, redelivery: bool) {
        let now = self.now;
        let Some(m) = self.messages.get_mut(key) else {
            return;
        };
        m.place = Place::Visible;
        m.visible_since = now;
        let (g, seq) = (m.group, m.seq);
        let fifo = self.cfg.queue_type == QueueType::Fifo;
        let messages = &self.messages;
        let group = &mut self.groups[g as usize];
        if fifo && redelivery {
            let at = group
                .visible
                .partition_point(|k| messages.get(*k).is_none_or(|m| m.seq < seq));
            group.visible.insert(at, key);
        } else {
            group.visible.push_back(key);
        }
        self.visible.incr(now);
        self.list_if_ready(g);
    }

    fn list_if_ready(&mut self, g: u32) {
        let fifo = self.cfg.queue_type == QueueType::Fifo;
        let group = &mut self.groups[g as usize];
        let locked = fifo && group.in_flight > 0;
        if !group.listed && !locked && !group.visible.is_empty() {
            group.listed = true;
            self.ready_groups.push_back(g);
        }
    }

    /// The next visible message of group `g`, skipping messages that
    /// expired while visible.
    fn pop_visible(&mut self, g: u32) -> Option<Key> {
        while let Some(key) = self.groups[g as usize].visible.pop_front() {
            if self
                .messages
                .get(key)
                .is_some_and(|m| m.place == Place::Visible)
            {
                return Some(key);
            }
        }
        None
    }

    /// Messages in one batch: `batch_size`, and for an event source mapping
    /// no more than its payload limit allows.
    fn batch_limit(&self) -> u32 {
        if self.cfg.consumer.is_some_and(|c| c.event_source_mapping) {
            let by_payload = ESM_MAX_BATCH_BYTES / self.cfg.message_bytes.max(1);
            self.cfg.batch_size.min(by_payload.max(1))
        } else {
            self.cfg.batch_size
        }
    }

    /// Receives visible messages for poller `p`, making them in flight and
    /// adding them to what it holds, up to a full batch; returns how many.
    /// A FIFO batch takes as many messages of one group as it can, then goes
    /// on to other groups; a group with a message in flight is locked to
    /// everyone else until it has none.
    fn take(&mut self, p: u32, ctx: &mut Ctx<'_>) -> u32 {
        let fifo = self.cfg.queue_type == QueueType::Fifo;
        let room = self
            .batch_limit()
            .saturating_sub(self.pollers[p as usize].batch.len() as u32);
        let mut n = 0u32;
        let mut current = None;
        while n < room {
            let Some(&g) = self.ready_groups.front() else {
                break;
            };
            let locked = fifo && current != Some(g) && self.groups[g as usize].in_flight > 0;
            let key = if locked { None } else { self.pop_visible(g) };
            let Some(key) = key else {
                self.unlist_front();
                continue;
            };
            current = Some(g);
            self.receive(key, p, ctx);
            n += 1;
            if fifo && (n == room || self.groups[g as usize].visible.is_empty()) {
                self.unlist_front();
            }
        }
        if n > 0 {
            self.count(|t| t.received += u64::from(n));
            // One ReceiveMessage per ten messages, each billed by its
            // payload in 64 KiB chunks.
            let mut left = n;
            while left > 0 {
                let k = left.min(RECEIVE_MAX_MESSAGES);
                let bytes = f64::from(k) * f64::from(self.cfg.message_bytes);
                self.bill((bytes / self.cfg.chunk_bytes).ceil().max(1.0) as u64);
                left -= k;
            }
        }
        n
    }

    /// Poller `p` holds messages: it hands them over, unless its batching
    /// window is open and the batch not full, in which case it receives
    /// again once this receive has returned.
    fn deliver_or_gather(&mut self, p: u32, ctx: &mut Ctx<'_>) {
        let poller = &self.pollers[p as usize];
        let full = poller.batch.len() as u32 >= self.batch_limit();
        if full || poller.window_closes.is_none() {
            self.deliver(p, ctx);
        } else {
            let d = self.latency();
            ctx.schedule(d, self.timer(TIMER_POLL, self.poller_key(p)));
        }
    }

    /// An event source mapping's poller opens a batching window: as AWS
    /// documents for SQS, the next window begins as soon as the previous
    /// invocation completes, whether or not messages wait.
    fn open_window(&mut self, p: u32, ctx: &mut Ctx<'_>) {
        let closes = ctx.now() + self.cfg.batching_window;
        self.pollers[p as usize].window_closes = Some(closes);
        // Not tied to the poller's generation, which its receives bump.
        let key = Key {
            slot: p,
            generation: 0,
        };
        ctx.send_at(ctx.me(), closes, self.timer(TIMER_WINDOW_CLOSES, key));
    }

    /// The window closes: the batch goes to the function, or, with nothing
    /// gathered, the next window opens.
    fn on_window_closed(&mut self, p: u32, ctx: &mut Ctx<'_>) {
        if self.pollers[p as usize].batch.is_empty() {
            self.open_window(p, ctx);
        } else {
            self.deliver(p, ctx);
        }
    }

    fn unlist_front(&mut self) {
        if let Some(g) = self.ready_groups.pop_front() {
            self.groups[g as usize].listed = false;
        }
    }

    /// Poller `p`'s batch goes to processing (after the receive's round trip).
    fn deliver(&mut self, p: u32, ctx: &mut Ctx<'_>) {
        let poller = &mut self.pollers[p as usize];
        poller.window_closes = None;
        // Out of the waiting line (lazily: the line skips it).
        poller.waiting = false;
        // Cancels a receive or a wait of the window.
        poller.generation = poller.generation.wrapping_add(1);
        self.holding += 1;
        self.holding_peak = self.holding_peak.max(self.holding);
        let d = self.latency();
        ctx.schedule(d, self.timer(TIMER_BATCH_ARRIVES, self.poller_key(p)));
    }

    /// Message `key` is received into poller `p`'s batch.
    fn receive(&mut self, key: Key, p: u32, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        let Some(m) = self.messages.get_mut(key) else {
            return;
        };
        self.visible.decr(now);
        m.receives += 1;
        m.receipt = m.receipt.wrapping_add(1);
        m.place = Place::InFlight {
            deadline: now + self.cfg.visibility_timeout,
        };
        let waited = now.since(m.visible_since);
        let (req, receipt, g) = (m.req, m.receipt, m.group);
        self.groups[g as usize].in_flight += 1;
        self.in_flight += 1;
        if now >= self.window_start {
            self.waits.record(waited);
        }
        ctx.schedule(
            self.cfg.visibility_timeout,
            self.timer(TIMER_VISIBILITY, key),
        );
        self.pollers[p as usize].batch.push((Some(key), receipt));
        if self.cfg.duplicate_probability > 0.0
            && self.rng.random::<f64>() < self.cfg.duplicate_probability
        {
            // At-least-once delivery: a copy stays behind, to be received
            // and processed again. It carries no work of its own.
            self.store(req, true, false, ctx);
        }
    }

    fn on_visibility_timeout(&mut self, key: Key, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        let Some(m) = self.messages.get(key) else {
            return;
        };
        let Place::InFlight { deadline } = m.place else {
            return;
        };
        if now < deadline {
            return; // received again since: a later timer stands
        }
        let (g, receives) = (m.group, m.receives);
        self.leave_flight(g);
        if self.cfg.max_receives.is_some_and(|max| receives >= max) {
            self.dead_letter(key, ctx);
        } else {
            self.make_visible(key, true);
            self.wake_waiting(ctx);
        }
    }

    fn leave_flight(&mut self, g: u32) {
        let group = &mut self.groups[g as usize];
        group.in_flight -= 1;
        self.in_flight -= 1;
        self.list_if_ready(g);
    }

    /// The message was received `max_receives` times: to the dead-letter
    /// queue, or dropped without one (its work then lost).
    fn dead_letter(&mut self, key: Key, ctx: &mut Ctx<'_>) {
        let Some(&m) = self.messages.get(key) else {
            return;
        };
        self.count(|t| t.dead_lettered += 1);
        // A processing still running decides the work's fate; the copy in
        // the dead-letter queue then carries none.
        let busy = m.processing > 0;
        match self.cfg.dead_letter {
            Some(dlq) => ctx.send(
                dlq,
                SimDuration::ZERO,
                Msg::Redrive {
                    req: m.req,
                    accounted: m.accounted || busy,
                },
            ),
            None if !m.accounted && !busy => ctx.world.work_lost(m.req),
            None => {}
        }
        self.gone(key);
    }

    /// The message leaves the queue: removed, or kept as [`Place::Gone`]
    /// while a poller still processes it.
    fn gone(&mut self, key: Key) {
        match self.messages.get_mut(key) {
            Some(m) if m.processing > 0 => m.place = Place::Gone,
            Some(_) => {
                self.messages.remove(key);
            }
            None => {}
        }
        self.trim_by_age();
    }

    fn on_redrive(&mut self, req: RequestId, accounted: bool, ctx: &mut Ctx<'_>) {
        self.count(|t| t.redriven += 1);
        // Without a consumer nothing will ever process the message: its
        // work is lost now, though the message stays for inspection.
        let lost = !accounted && self.cfg.consumer.is_none();
        if lost {
            ctx.world.work_lost(req);
        }
        self.store(req, accounted || lost, true, ctx);
    }

    // ----- retention -----------------------------------------------------

    fn trim_by_age(&mut self) {
        while let Some(&front) = self.by_age.front() {
            if self
                .messages
                .get(front)
                .is_some_and(|m| m.place != Place::Gone)
            {
                break;
            }
            self.by_age.pop_front();
        }
    }

    fn on_retention_check(&mut self, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        self.retention_check = None;
        loop {
            self.trim_by_age();
            let Some(&front) = self.by_age.front() else {
                return;
            };
            let Some(m) = self.messages.get(front) else {
                continue;
            };
            let expires = m.sent + self.cfg.retention;
            if expires > now {
                self.retention_check = Some(expires);
                ctx.send_at(ctx.me(), expires, self.timer(TIMER_RETENTION, front));
                return;
            }
            let m = *m;
            self.count(|t| t.expired += 1);
            match m.place {
                Place::Visible => self.visible.decr(now),
                Place::InFlight { .. } => self.leave_flight(m.group),
                Place::Delayed | Place::Gone => {}
            }
            if !m.accounted && m.processing == 0 {
                ctx.world.work_lost(m.req);
            }
            self.gone(front);
        }
    }

    // ----- pollers -------------------------------------------------------

    /// Poller `p` sends a ReceiveMessage.
    fn poll(&mut self, p: u32, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        // A poller gathering a batch finishes it before it parks.
        if p >= self.active_pollers && self.pollers[p as usize].batch.is_empty() {
            let poller = &mut self.pollers[p as usize];
            poller.parked = true;
            poller.window_closes = None;
            return;
        }
        if let Some(c) = self.cfg.consumer
            && !ctx
                .world
                .targets
                .polls(c.actor, self.pollers[p as usize].instance)
        {
            // Its instance is not running (booting, draining, terminated, or
            // a slot of an Auto Scaling group never filled): look again later.
            ctx.schedule(
                PARKED_POLLER_RECHECK,
                self.timer(TIMER_POLL, self.poller_key(p)),
            );
            return;
        }
        if self.pollers[p as usize].window_closes.is_none()
            && self.cfg.batching_window > SimDuration::ZERO
            && self.cfg.consumer.is_some_and(|c| c.event_source_mapping)
        {
            self.open_window(p, ctx);
        }
        if self.faults.is_down() {
            // The receive fails; the SDK tries again after the round trip.
            let d = self.latency();
            ctx.schedule(d, self.timer(TIMER_POLL, self.poller_key(p)));
            return;
        }
        if let Some(bucket) = &mut self.receive_bucket
            && !bucket.try_take(now)
        {
            // Throttled: the SDK tries again after the round trip.
            self.count(|t| t.throttled += 1);
            let d = self.latency();
            ctx.schedule(d, self.timer(TIMER_POLL, self.poller_key(p)));
            return;
        }
        if self.take(p, ctx) > 0 {
            self.deliver_or_gather(p, ctx);
            // Duplicate copies left by the receive may serve waiting pollers.
            self.wake_waiting(ctx);
        } else if self.cfg.wait_time > SimDuration::ZERO {
            self.pollers[p as usize].waiting = true;
            self.waiting.push_back(p);
            let wait = self.cfg.wait_time;
            ctx.schedule(wait, self.timer(TIMER_WAIT_EXPIRED, self.poller_key(p)));
        } else {
            self.empty_receive(p, ctx);
        }
    }

    fn empty_receive(&mut self, p: u32, ctx: &mut Ctx<'_>) {
        self.count(|t| t.empty_receives += 1);
        self.bill(1);
        let d = self.latency();
        ctx.schedule(d, self.timer(TIMER_POLL, self.poller_key(p)));
    }

    /// Long-polling pollers get the messages that became visible.
    fn wake_waiting(&mut self, ctx: &mut Ctx<'_>) {
        while let Some(&p) = self.waiting.front() {
            if self.ready_groups.is_empty() {
                return;
            }
            self.waiting.pop_front();
            let poller = &mut self.pollers[p as usize];
            if !poller.waiting {
                continue;
            }
            poller.waiting = false;
            // Cancels the poller's wait timer.
            poller.generation = poller.generation.wrapping_add(1);
            if self.take(p, ctx) > 0 {
                self.deliver_or_gather(p, ctx);
            } else {
                self.pollers[p as usize].waiting = true;
                self.waiting.push_front(p);
                return;
            }
        }
    }

    /// Processes the poller's batch: its next message (a fleet's worker),
    /// or all of it in one invocation (an event source mapping); or, the
    /// batch done, polls again.
    fn process_next(&mut self, p: u32, ctx: &mut Ctx<'_>) {
        let Some(consumer) = self.cfg.consumer else {
            return;
        };
        loop {
            let poller = &mut self.pollers[p as usize];
            let Some(&(key, _)) = poller.batch.get(poller.next as usize) else {
                self.finish_batch(p);
                self.poll(p, ctx);
                return;
            };
            if consumer.event_source_mapping {
                self.invoke(p, consumer.actor, ctx);
                return;
            }
            let Some(m) = key
                .and_then(|key| self.messages.get_mut(key))
                .filter(|m| m.place != Place::Gone)
            else {
                // Expired or dead-lettered while the batch waited.
                poller.next += 1;
                continue;
            };
            m.processing += 1;
            let (req, instance) = (m.req, poller.instance);
            let me = ctx.me();
            ctx.send(
                consumer.actor,
                SimDuration::ZERO,
                Msg::Call(Call {
                    req,
                    reply_to: me,
                    token: p,
                    endpoint: instance,
                }),
            );
            return;
        }
    }

    /// Poller `p` is done with its batch.
    fn finish_batch(&mut self, p: u32) {
        let poller = &mut self.pollers[p as usize];
        poller.batch.clear();
        poller.next = 0;
        self.holding -= 1;
    }

    /// An event source mapping invokes the function once with the batch's
    /// messages still in the queue.
    fn invoke(&mut self, p: u32, function: ActorId, ctx: &mut Ctx<'_>) {
        let batch = ctx.world.batches.open(self.cfg.partial_batch_responses);
        let poller = &mut self.pollers[p as usize];
        let mut items = 0;
        for (tag, &(key, _)) in poller.batch.iter().enumerate() {
            let Some(m) = key
                .and_then(|key| self.messages.get_mut(key))
                .filter(|m| m.place != Place::Gone)
            else {
                continue;
            };
            m.processing += 1;
            if let Some(b) = ctx.world.batches.get_mut(batch) {
                b.items.push(BatchItem {
                    req: m.req,
                    tag: tag as u32,
                    done: false,
                });
            }
            items += 1;
        }
        poller.next = poller.batch.len() as u32;
        if items == 0 {
            // Every message left the queue while the batch was gathered.
            ctx.world.batches.close(batch);
            self.process_next(p, ctx);
            return;
        }
        let me = ctx.me();
        ctx.send(
            function,
            SimDuration::ZERO,
            Msg::InvokeBatch {
                batch,
                reply_to: me,
                token: p,
            },
        );
        self.pollers[p as usize].invocation = Some(batch);
    }

    /// The processing of a message ended well: its work is done (a second
    /// time, for a redelivery or a copy). With `delete`, the consumer then
    /// deletes it, which succeeds only with the latest receipt. Returns
    /// whether it was deleted.
    fn processed(&mut self, key: Key, receipt: u32, delete: bool, ctx: &mut Ctx<'_>) -> bool {
        let Some(m) = self.messages.get_mut(key) else {
            self.count(|t| t.duplicates += 1);
            return false;
        };
        m.processing = m.processing.saturating_sub(1);
        let first = !m.accounted;
        m.accounted = true;
        let m = *m;
        if first {
            ctx.world.work_done(m.req, ctx.now());
        } else {
            self.count(|t| t.duplicates += 1);
        }
        match m.place {
            // Left the queue while processed: nothing to delete.
            Place::Gone if m.processing == 0 => {
                self.messages.remove(key);
            }
            Place::InFlight { .. } if delete && m.receipt == receipt => {
                self.messages.remove(key);
                self.leave_flight(m.group);
                self.count(|t| t.deleted += 1);
                self.trim_by_age();
                return true;
            }
            _ => {}
        }
        false
    }

    fn on_processed(&mut self, p: u32, outcome: Outcome, ctx: &mut Ctx<'_>) {
        if self.pollers[p as usize].invocation.is_some() {
            self.on_batch_processed(p, outcome, ctx);
            return;
        }
        let poller = &self.pollers[p as usize];
        let at = poller.next as usize;
        let Some(&(Some(key), receipt)) = poller.batch.get(at) else {
            return;
        };
        match outcome {
            Outcome::Ok => {
                self.processed(key, receipt, true, ctx);
                self.bill(1);
                self.pollers[p as usize].next += 1;
                let d = self.latency();
                ctx.schedule(d, self.timer(TIMER_DELETE_DONE, self.poller_key(p)));
            }
            Outcome::Error | Outcome::Throttled => {
                // Not deleted: visible again when its visibility times out;
                // if it left the queue meanwhile, its work is lost now.
                self.processing_failed(key, ctx);
                self.pollers[p as usize].next += 1;
                self.process_next(p, ctx);
            }
            Outcome::Unavailable => {
                // The poller's host is down: it never really held these
                // messages. Give the rest of the batch back and wait.
                self.processing_failed(key, ctx);
                for i in at..self.pollers[p as usize].batch.len() {
                    if let (Some(k), r) = self.pollers[p as usize].batch[i]
                        && let Some(m) = self.messages.get_mut(k)
                        && m.receipt == r
                        && matches!(m.place, Place::InFlight { .. })
                    {
                        m.receives -= 1;
                        let g = m.group;
                        self.leave_flight(g);
                        self.make_visible(k, true);
                    }
                }
                self.wake_waiting(ctx);
                self.finish_batch(p);
                ctx.schedule(
                    PARKED_POLLER_RECHECK,
                    self.timer(TIMER_POLL, self.poller_key(p)),
                );
            }
        }
    }

    /// The function answered a batch. A success deletes the items it
    /// processed, in DeleteMessageBatch calls of up to ten; the failed items
    /// (a partial batch response) stay. A failed invocation deletes
    /// nothing: the whole batch comes back when its visibility times out,
    /// though the items processed before the failure did their work.
    fn on_batch_processed(&mut self, p: u32, outcome: Outcome, ctx: &mut Ctx<'_>) {
        let Some(batch) = self.pollers[p as usize].invocation.take() else {
            return;
        };
        let mut deletes = 0u32;
        for j in 0.. {
            let Some(item) = ctx.world.batches.get(batch).and_then(|b| b.items.get(j)) else {
                break;
            };
            let item = *item;
            let Some(&(Some(key), receipt)) = self.pollers[p as usize].batch.get(item.tag as usize)
            else {
                continue;
            };
            if item.done {
                let delete = outcome.is_ok();
                self.processed(key, receipt, delete, ctx);
                deletes += u32::from(delete);
            } else {
                self.processing_failed(key, ctx);
            }
        }
        ctx.world.batches.close(batch);
        if deletes == 0 {
            self.process_next(p, ctx);
        } else {
            self.bill(u64::from(deletes.div_ceil(RECEIVE_MAX_MESSAGES)));
            let d = self.latency();
            ctx.schedule(d, self.timer(TIMER_DELETE_DONE, self.poller_key(p)));
        }
    }

    /// A processing of `key` ended without success. If the message left the
    /// queue meanwhile, nothing will ever do its work.
    fn processing_failed(&mut self, key: Key, ctx: &mut Ctx<'_>) {
        let Some(m) = self.messages.get_mut(key) else {
            return;
        };
        m.processing = m.processing.saturating_sub(1);
        let m = *m;
        if m.place == Place::Gone && m.processing == 0 {
            if !m.accounted {
                ctx.world.work_lost(m.req);
            }
            self.messages.remove(key);
        }
    }

    /// The queue's bill for `requests` API requests [USD].
    fn cost(&self, requests: u64) -> f64 {
        requests as f64 * self.cfg.price_per_million / 1e6
    }

    fn oldest_age(&mut self, now: SimTime) -> f64 {
        self.trim_by_age();
        self.by_age
            .front()
            .and_then(|&k| self.messages.get(k))
            .map_or(0.0, |m| now.since(m.sent).as_secs_f64())
    }
}

impl Actor<Msg, World> for Queue {
    fn handle(&mut self, msg: Msg, ctx: &mut Ctx<'_>) {
        self.dispatch(msg, ctx);
        // What a consumer's Auto Scaling group scales on (backlog per instance).
        let me = ctx.me();
        ctx.world.targets.set_backlog(me, self.visible.level());
    }
}

impl Queue {
    fn dispatch(&mut self, msg: Msg, ctx: &mut Ctx<'_>) {
        self.now = ctx.now();
        match msg {
            Msg::Call(call) => self.on_send(call, ctx),
            Msg::Reply { token, outcome } => self.on_processed(token, outcome, ctx),
            Msg::Redrive { req, accounted } => self.on_redrive(req, accounted, ctx),
            Msg::Timer { tag, key } => match tag {
                TIMER_SEND_DONE => self.on_send_done(key, ctx),
                TIMER_DELAY_DONE => {
                    if self
                        .messages
                        .get(key)
                        .is_some_and(|m| m.place == Place::Delayed)
                    {
                        self.make_visible(key, false);
                        self.wake_waiting(ctx);
                    }
                }
                TIMER_VISIBILITY => self.on_visibility_timeout(key, ctx),
                TIMER_RETENTION => self.on_retention_check(ctx),
                TIMER_SCALE_POLLERS => self.scale_pollers(ctx),
                TIMER_WINDOW_CLOSES => {
                    let p = key.slot as usize;
                    if self.pollers.get(p).and_then(|x| x.window_closes) == Some(ctx.now()) {
                        self.on_window_closed(key.slot, ctx);
                    }
                }
                _ => {
                    // Poller timers: a stale generation means cancelled.
                    let p = key.slot;
                    if self.pollers.get(p as usize).map(|x| x.generation) != Some(key.generation) {
                        return;
                    }
                    match tag {
                        TIMER_BATCH_ARRIVES | TIMER_DELETE_DONE => self.process_next(p, ctx),
                        TIMER_POLL => self.poll(p, ctx),
                        TIMER_WAIT_EXPIRED => {
                            let poller = &mut self.pollers[p as usize];
                            if poller.waiting {
                                poller.waiting = false;
                                self.empty_receive(p, ctx);
                            }
                        }
                        _ => {}
                    }
                }
            },
            Msg::Start => self.start(ctx),
            Msg::Fault { index, start } => {
                self.faults.apply(index, start);
            }
            Msg::NextArrival | Msg::InvokeBatch { .. } => {}
        }
    }
}

impl Component for Queue {
    fn start_window(&mut self, now: SimTime) {
        self.window_start = now;
        self.window = Traffic::default();
        self.calls.start_window();
        self.visible.start_window(now);
        self.waits.clear();
    }

    fn sample(&mut self, now: SimTime, out: &mut IntervalSink<'_>) {
        self.calls.sample(out);
        let t = std::mem::take(&mut self.interval);
        out.put("queue_depth", self.visible.level() as f64);
        out.put("in_flight", self.in_flight as f64);
        out.put("oldest_age_s", self.oldest_age(now));
        out.put("sent", t.sent as f64);
        out.put("received", t.received as f64);
        out.put("deleted", t.deleted as f64);
        out.put("empty_receives", t.empty_receives as f64);
        out.put("dead_lettered", t.dead_lettered as f64);
        out.put("redriven", t.redriven as f64);
        out.put("expired", t.expired as f64);
        out.put("duplicates", t.duplicates as f64);
        out.put("throttled", t.throttled as f64);
        out.put("cost_usd", self.cost(self.total_requests));
    }

    fn report(&mut self, now: SimTime) -> ComponentReport {
        let _ = now;
        ComponentReport {
            name: self.cfg.name.clone(),
            kind: "queue".into(),
            handled: self.calls.handled,
            errors: self.calls.errors,
            utilization: 0.0,
            mean_wait_ms: self.waits.mean_ms(),
            max_queue: self.visible.window_peak(),
            cold_starts: 0,
            instances_max: 0,
            instance_hours: 0.0,
            cost_usd: self.cost(self.window.requests),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::rc::Rc;

    use super::*;
    use crate::engine::Engine;

    /// A consumer that logs the requests it is handed and answers after
    /// `work`; it fails each message its first `failures` times.
    struct TestConsumer {
        log: Rc<RefCell<Vec<u32>>>,
        work: SimDuration,
        failures: usize,
    }

    impl Actor<Msg, World> for TestConsumer {
        fn handle(&mut self, msg: Msg, ctx: &mut Ctx<'_>) {
            if let Msg::Call(c) = msg {
                let mut log = self.log.borrow_mut();
                let seen = log.iter().filter(|&&s| s == c.req.slot).count();
                log.push(c.req.slot);
                let outcome = if seen < self.failures {
                    Outcome::Error
                } else {
                    Outcome::Ok
                };
                let reply = Msg::Reply {
                    token: c.token,
                    outcome,
                };
                ctx.send(c.reply_to, self.work, reply);
            }
        }
    }

    /// Takes the senders' replies.
    struct Sink;
    impl Actor<Msg, World> for Sink {
        fn handle(&mut self, _: Msg, _: &mut Ctx<'_>) {}
    }

    fn fifo_queue(batch_size: u32) -> Queue {
        Queue::new(
            QueueConfig {
                name: "q".into(),
                queue_type: QueueType::Fifo,
                consumer: Some(Consumer {
                    actor: ActorId(1),
                    instances: 1,
                    workers: 4,
                    event_source_mapping: false,
                }),
                dead_letter: None,
                visibility_timeout: SimDuration::from_secs(1),
                max_receives: None,
                retention: SimDuration::from_secs(3600),
                delay: SimDuration::ZERO,
                batch_size,
                batching_window: SimDuration::ZERO,
                partial_batch_responses: false,
                wait_time: SimDuration::from_secs(20),
                groups: 1,
                duplicate_probability: 0.0,
                calls_per_second: Some(FIFO_CALLS_PER_SECOND),
                latency: Dist::constant(SimDuration::from_millis(1)),
                message_bytes: 1024,
                price_per_million: 0.5,
                chunk_bytes: 65536.0,
            },
            crate::rng::stream(1, "q"),
            FaultState::default(),
        )
    }

    /// Sends 6 messages 10 ms apart to a one-group FIFO queue with 4
    /// pollers and returns the order in which the consumer was handed them.
    fn delivery_order(batch_size: u32, failures: usize) -> Vec<u32> {
        let log = Rc::new(RefCell::new(Vec::new()));
        let mut world = World::default();
        let mut engine = Engine::new();
        let mut actors: Vec<Box<dyn Actor<Msg, World>>> = vec![
            Box::new(fifo_queue(batch_size)),
            Box::new(TestConsumer {
                log: Rc::clone(&log),
                work: SimDuration::from_millis(50),
                failures,
            }),
            Box::new(Sink),
        ];
        engine.schedule(SimTime::ZERO, ActorId(0), Msg::Start);
        let reqs: Vec<_> = (0..6)
            .map(|_| world.open_request(SimTime::ZERO, true, 0))
            .collect();
        for (i, &req) in reqs.iter().enumerate() {
            let at = SimTime(10_000_000 * (i as u64 + 1));
            let call = Call {
                req,
                reply_to: ActorId(2),
                token: 0,
                endpoint: crate::model::ANY_ENDPOINT,
            };
            engine.schedule(at, ActorId(0), Msg::Call(call));
        }
        engine.run_until(&mut actors, &mut world, SimTime::from_secs_f64(30.0));
        let end = engine.now();
        for req in reqs {
            world.respond(req, end);
        }
        assert_eq!(world.outcomes.completed, 6, "all the work is done");
        log.take()
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
}

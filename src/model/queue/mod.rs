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
//!
//! One file per concept: `send` (SendMessage, and messages redriven in),
//! `visibility` (visible messages by FIFO group, receives, the visibility
//! timeout), `retention` (expiry and dead-lettering), `pollers` (the
//! consumer's receive, process and delete loop), `event_source_mapping` (a
//! Lambda consumer's scaling pollers, batching windows, batch invocations).

mod event_source_mapping;
mod pollers;
mod retention;
mod send;
mod visibility;

use std::collections::VecDeque;

use super::faults::FaultState;
use super::monthly::Projection;
use super::requests::RequestId;
use super::token_bucket::TokenBucket;
use super::{Call, Component, Ctx, Msg, Outcome, schedule_drawn};
use crate::dist::Dist;
use crate::engine::ActorId;
use crate::metric::Metric;
use crate::rng::StreamRng;
use crate::slab::{Key, Slab};
use crate::stats::{CallStats, ComponentReport, IntervalSink, MeanDuration, TimeAverage};
use crate::time::{SimDuration, SimTime};
use event_source_mapping::ESM_WAIT_TIME;
pub use event_source_mapping::{
    ESM_INITIAL_POLLERS, ESM_MAX_BATCH_BYTES, ESM_MAX_POLLERS, ESM_POLLERS_PER_MINUTE,
};
use pollers::Poller;
use visibility::Group;

/// A queue's own timers, and its pollers'.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueueTimer {
    /// The SendMessage call is done: the message is stored.
    SendDone(Key),
    /// The message's delivery delay is over.
    DelayDone(Key),
    /// The message's visibility timeout ends.
    Visibility(Key),
    /// The oldest message may have expired.
    Retention,
    /// An event source mapping reconsiders its pollers (once a minute).
    ScalePollers,
    /// Poller number `n`'s batching window closes.
    WindowCloses(u32),
    /// An event of a poller: the key is its index and its generation when
    /// the timer was set (a later receive or delivery cancels it).
    Poller(Key, PollerTimer),
}

/// What happens to a poller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PollerTimer {
    /// Its received batch arrives: processing begins.
    BatchArrives,
    /// It sends its next ReceiveMessage.
    Poll,
    /// Its long poll ends empty.
    WaitExpired,
    /// Its DeleteMessage call is done.
    DeleteDone,
}

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
    /// A FIFO queue: each message group is delivered in order, one batch
    /// of a group at a time (a standard queue: best-effort order).
    pub fifo: bool,
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
    /// Message groups a request's message is spread over (1 for a
    /// standard queue).
    pub groups: u32,
    /// Chance of a duplicate delivery (standard).
    pub duplicate_probability: f64,
    /// FIFO API calls per second per action; `None`: unlimited (standard).
    pub calls_per_second: Option<f64>,
    /// Time of one API call.
    pub latency: Dist,
    /// Payload of one message [bytes].
    pub message_bytes: u32,
    /// The messages the queue may hold, beyond which the run is unstable
    /// at this load.
    pub backlog_limit: u32,
    /// Price [USD per 1M requests].
    pub price_per_million: f64,
    /// Billing chunk [bytes] (64 KiB).
    pub chunk_bytes: f64,
    /// The month a window's bill is projected to.
    pub month: SimDuration,
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
    out_of_order: u64,
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
        let chunks_per_message = (f64::from(cfg.message_bytes) / cfg.chunk_bytes)
            .ceil()
            .max(1.0) as u64;
        Queue {
            rng,
            faults,
            messages: Slab::default(),
            groups: vec![Group::default(); cfg.groups.max(1) as usize],
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

    fn count(&mut self, f: impl Fn(&mut Traffic)) {
        f(&mut self.interval);
        f(&mut self.window);
    }

    fn bill(&mut self, requests: u64) {
        self.total_requests += requests;
        self.count(|t| t.requests += requests);
    }

    /// Schedules `msg` for the queue after one round trip of its API.
    fn after_latency(&mut self, msg: Msg, ctx: &mut Ctx<'_>) {
        schedule_drawn(ctx, &self.cfg.latency, &mut self.rng, msg);
    }

    /// Poller `p`'s `timer`, cancelled by the poller's next receive or
    /// delivery (which bump its generation).
    fn poller_timer(&self, p: u32, timer: PollerTimer) -> Msg {
        let poller = Key {
            slot: p,
            generation: self.pollers[p as usize].generation,
        };
        QueueTimer::Poller(poller, timer).into()
    }

    /// The visible messages changed: what a consumer's Auto Scaling group
    /// scales on (backlog per instance).
    fn publish_backlog(&self, ctx: &mut Ctx<'_>) {
        let me = ctx.me();
        ctx.world.targets.set_backlog(me, self.visible.level());
    }

    /// The queue's bill for `requests` API requests [USD].
    fn cost(&self, requests: u64) -> f64 {
        requests as f64 * self.cfg.price_per_million / 1e6
    }
}

impl Component for Queue {
    type Timer = QueueTimer;

    fn on_start(&mut self, ctx: &mut Ctx<'_>) {
        self.start_pollers(ctx);
    }

    fn on_call(&mut self, call: Call, ctx: &mut Ctx<'_>) {
        self.on_send(call, ctx);
    }

    fn on_reply(&mut self, token: u32, outcome: Outcome, ctx: &mut Ctx<'_>) {
        self.on_processed(token, outcome, ctx);
    }

    fn on_redrive(&mut self, req: RequestId, accounted: bool, ctx: &mut Ctx<'_>) {
        self.redriven(req, accounted, ctx);
    }

    fn on_timer(&mut self, timer: QueueTimer, ctx: &mut Ctx<'_>) {
        match timer {
            QueueTimer::SendDone(send) => self.on_send_done(send, ctx),
            QueueTimer::DelayDone(message) => {
                if self
                    .messages
                    .get(message)
                    .is_some_and(|m| m.place == Place::Delayed)
                {
                    self.make_visible(message, false, ctx);
                    self.wake_waiting(ctx);
                }
            }
            QueueTimer::Visibility(message) => self.on_visibility_timeout(message, ctx),
            QueueTimer::Retention => self.on_retention_check(ctx),
            QueueTimer::ScalePollers => self.scale_pollers(ctx),
            QueueTimer::WindowCloses(p) => {
                let closes = self.pollers.get(p as usize).and_then(|x| x.window_closes);
                if closes == Some(ctx.now()) {
                    self.on_window_closed(p, ctx);
                }
            }
            QueueTimer::Poller(poller, timer) => {
                // A stale generation means cancelled.
                let p = poller.slot;
                if self.pollers.get(p as usize).map(|x| x.generation) != Some(poller.generation) {
                    return;
                }
                match timer {
                    PollerTimer::BatchArrives | PollerTimer::DeleteDone => {
                        self.process_next(p, ctx);
                    }
                    PollerTimer::Poll => self.poll(p, ctx),
                    PollerTimer::WaitExpired => {
                        let poller = &mut self.pollers[p as usize];
                        if poller.waiting {
                            poller.waiting = false;
                            self.empty_receive(p, ctx);
                        }
                    }
                }
            }
        }
    }

    fn on_instance_polls(&mut self, instance: u32, ctx: &mut Ctx<'_>) {
        self.instance_polls(instance, ctx);
    }

    fn on_fault(&mut self, index: u32, start: bool, _ctx: &mut Ctx<'_>) {
        self.faults.apply(index, start);
    }

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
        out.put(Metric::QueueDepth, self.visible.level() as f64);
        out.put(Metric::InFlight, self.in_flight as f64);
        out.put(Metric::OldestAgeS, self.oldest_age(now));
        out.put(Metric::Sent, t.sent as f64);
        out.put(Metric::Received, t.received as f64);
        out.put(Metric::Deleted, t.deleted as f64);
        out.put(Metric::EmptyReceives, t.empty_receives as f64);
        out.put(Metric::DeadLettered, t.dead_lettered as f64);
        out.put(Metric::Redriven, t.redriven as f64);
        out.put(Metric::Expired, t.expired as f64);
        out.put(Metric::Duplicates, t.duplicates as f64);
        out.put(Metric::OutOfOrder, t.out_of_order as f64);
        out.put(Metric::Throttled, t.throttled as f64);
        out.put(Metric::CostUsd, self.cost(self.total_requests));
    }

    fn report(&mut self, now: SimTime) -> ComponentReport {
        ComponentReport {
            handled: self.calls.handled,
            errors: self.calls.errors,
            utilization: 0.0,
            mean_wait_ms: self.waits.mean_ms(),
            max_queue: self.visible.window_peak(),
            cold_starts: 0,
            instances_max: 0,
            instance_hours: 0.0,
            cost_usd: self.cost(self.window.requests),
            // Requests scale with the window; SQS's volume tiers begin at
            // 100 billion requests a month, beyond any simulated design.
            monthly_cost_usd: self.cost(self.window.requests)
                * Projection {
                    month: self.cfg.month,
                    window: now.since(self.window_start),
                }
                .windows(),
            ..ComponentReport::default()
        }
    }
}

#[cfg(test)]
mod tests;

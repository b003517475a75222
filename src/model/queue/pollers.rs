//! The consumer's pollers: receive (long or short polling), hand each
//! message to the consumer, delete it on success.

use rand::RngExt;

use super::{Place, PollerTimer, Queue, QueueTimer};
use crate::model::{Ctx, Endpoint, Outcome, call};
use crate::slab::Key;
use crate::time::{SimDuration, SimTime};

#[derive(Clone, Debug, Default)]
pub(super) struct Poller {
    pub(super) instance: u32,
    pub(super) generation: u32,
    pub(super) waiting: bool,
    /// Beyond the event source mapping's current scale: not polling.
    pub(super) parked: bool,
    /// Its instance is not running: it polls again when the fleet says the
    /// instance started ([`Queue::instance_polls`]), not before.
    pub(super) sleeping: bool,
    /// When its batching window closes (an event source mapping with a
    /// window): until then it gathers messages, unless the batch fills first.
    pub(super) window_closes: Option<SimTime>,
    /// The messages it holds and their receipts (`None`: gone meanwhile).
    pub(super) batch: Vec<(Option<Key>, u32)>,
    /// The function's invocation with the batch, while it runs (an event
    /// source mapping).
    pub(super) invocation: Option<Key>,
    /// The next message of the batch to process (a fleet's poller processes
    /// them one by one).
    pub(super) next: u32,
}

/// How long a poller whose host is in an outage waits before it polls
/// again: its process is gone, so this only paces the check for the host's
/// return. (A host that is not running at all wakes its pollers when it
/// starts, see [`Queue::instance_polls`].)
pub(super) const PARKED_POLLER_RECHECK: SimDuration = SimDuration::from_secs(1);

impl Queue {
    /// The poller loop starts with every poller's first receive.
    pub(super) fn start_pollers(&mut self, ctx: &mut Ctx<'_>) {
        if let Some(c) = self.cfg.consumer {
            if c.event_source_mapping {
                ctx.schedule(SimDuration::from_secs(60), QueueTimer::ScalePollers.into());
            } else {
                let me = ctx.me();
                ctx.world.targets.watch(c.actor, me);
            }
        }
        for p in 0..self.pollers.len() as u32 {
            self.poll_soon(p, ctx);
        }
    }

    /// Whether poller `p`'s instance is running (always, for a consumer
    /// that is not a fleet in an Auto Scaling group).
    fn host_polls(&self, p: u32, ctx: &Ctx<'_>) -> bool {
        self.cfg.consumer.is_none_or(|c| {
            ctx.world
                .targets
                .polls(c.actor, self.pollers[p as usize].instance)
        })
    }

    /// Poller `p` polls within one API round trip: hosts and processes
    /// never start in the same nanosecond, and pollers in lockstep would
    /// poll in bursts.
    fn poll_soon(&mut self, p: u32, ctx: &mut Ctx<'_>) {
        let spread = self.cfg.latency.mean_secs();
        let offset = SimDuration::from_secs_f64(self.rng.random_range(0.0..=spread));
        ctx.schedule(offset, self.poller_timer(p, PollerTimer::Poll));
    }

    /// Instance `instance` of the consumer started: its pollers that wait
    /// for it start polling. A group's empty slots cost nothing until then
    /// (they used to look every second, max × workers × 2 polls a second).
    pub(super) fn instance_polls(&mut self, instance: u32, ctx: &mut Ctx<'_>) {
        let Some(c) = self.cfg.consumer else {
            return;
        };
        let first = instance * c.workers;
        for p in first..(first + c.workers).min(self.pollers.len() as u32) {
            if std::mem::take(&mut self.pollers[p as usize].sleeping) {
                self.poll_soon(p, ctx);
            }
        }
    }

    /// Poller `p` sends a ReceiveMessage.
    pub(super) fn poll(&mut self, p: u32, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        // A poller gathering a batch finishes it before it parks.
        if p >= self.active_pollers && self.pollers[p as usize].batch.is_empty() {
            let poller = &mut self.pollers[p as usize];
            poller.parked = true;
            poller.window_closes = None;
            return;
        }
        if !self.host_polls(p, ctx) {
            // Its instance is not running (booting, draining, terminated, or
            // a slot of an Auto Scaling group never filled): wait for it.
            self.pollers[p as usize].sleeping = true;
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
            let msg = self.poller_timer(p, PollerTimer::Poll);
            self.after_latency(msg, ctx);
            return;
        }
        if let Some(bucket) = &mut self.receive_bucket
            && !bucket.try_take(now)
        {
            // Throttled: the SDK tries again after the round trip.
            self.count(|t| t.throttled += 1);
            let msg = self.poller_timer(p, PollerTimer::Poll);
            self.after_latency(msg, ctx);
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
            ctx.schedule_fixed(wait, self.poller_timer(p, PollerTimer::WaitExpired));
        } else {
            self.empty_receive(p, ctx);
        }
    }

    pub(super) fn empty_receive(&mut self, p: u32, ctx: &mut Ctx<'_>) {
        self.count(|t| t.empty_receives += 1);
        self.bill(1);
        let msg = self.poller_timer(p, PollerTimer::Poll);
        self.after_latency(msg, ctx);
    }

    /// Long-polling pollers get the messages that became visible.
    pub(super) fn wake_waiting(&mut self, ctx: &mut Ctx<'_>) {
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

    /// Poller `p` holds messages: it hands them over, unless its batching
    /// window is open and the batch not full, in which case it receives
    /// again once this receive has returned.
    fn deliver_or_gather(&mut self, p: u32, ctx: &mut Ctx<'_>) {
        let poller = &self.pollers[p as usize];
        let full = poller.batch.len() as u32 >= self.batch_limit();
        if full || poller.window_closes.is_none() {
            self.deliver(p, ctx);
        } else {
            let msg = self.poller_timer(p, PollerTimer::Poll);
            self.after_latency(msg, ctx);
        }
    }

    /// Poller `p`'s batch goes to processing (after the receive's round trip).
    pub(super) fn deliver(&mut self, p: u32, ctx: &mut Ctx<'_>) {
        let poller = &mut self.pollers[p as usize];
        poller.window_closes = None;
        // Out of the waiting line (lazily: the line skips it).
        poller.waiting = false;
        // Cancels a receive or a wait of the window.
        poller.generation = poller.generation.wrapping_add(1);
        self.holding += 1;
        self.holding_peak = self.holding_peak.max(self.holding);
        let msg = self.poller_timer(p, PollerTimer::BatchArrives);
        self.after_latency(msg, ctx);
    }

    /// Processes the poller's batch: its next message (a fleet's worker),
    /// or all of it in one invocation (an event source mapping); or, the
    /// batch done, polls again.
    pub(super) fn process_next(&mut self, p: u32, ctx: &mut Ctx<'_>) {
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
            call(ctx, consumer.actor, req, p, Endpoint::Instance(instance));
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

    /// The processing of a message ended well: its work is done (a second
    /// time, for a redelivery or a copy). With `delete`, the consumer then
    /// deletes it, which succeeds only with the latest receipt. Returns
    /// whether it was deleted.
    pub(super) fn processed(
        &mut self,
        key: Key,
        receipt: u32,
        delete: bool,
        ctx: &mut Ctx<'_>,
    ) -> bool {
        let Some(m) = self.messages.get_mut(key) else {
            self.count(|t| t.duplicates += 1);
            return false;
        };
        m.processing = m.processing.saturating_sub(1);
        let first = !m.accounted;
        m.accounted = true;
        let m = *m;
        if first {
            ctx.world.requests.work_done(m.req, ctx.now());
            // A consumer sees the work in sending order unless a message
            // sent later was done first: concurrent pollers of a standard
            // queue, or a redelivery. A FIFO group hands out one batch at a
            // time, in order, so only a failure inside a batch reorders it.
            let group = &mut self.groups[m.group as usize];
            if m.seq < group.done_up_to {
                self.count(|t| t.out_of_order += 1);
            } else {
                group.done_up_to = m.seq + 1;
            }
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

    pub(super) fn on_processed(&mut self, p: u32, outcome: Outcome, ctx: &mut Ctx<'_>) {
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
                let msg = self.poller_timer(p, PollerTimer::DeleteDone);
                self.after_latency(msg, ctx);
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
                        self.make_visible(k, true, ctx);
                    }
                }
                self.wake_waiting(ctx);
                self.finish_batch(p);
                ctx.schedule(
                    PARKED_POLLER_RECHECK,
                    self.poller_timer(p, PollerTimer::Poll),
                );
            }
        }
    }

    /// A processing of `key` ended without success. If the message left the
    /// queue meanwhile, nothing will ever do its work.
    pub(super) fn processing_failed(&mut self, key: Key, ctx: &mut Ctx<'_>) {
        let Some(m) = self.messages.get_mut(key) else {
            return;
        };
        m.processing = m.processing.saturating_sub(1);
        let m = *m;
        if m.place == Place::Gone && m.processing == 0 {
            if !m.accounted {
                ctx.world.requests.work_lost(m.req);
            }
            self.messages.remove(key);
        }
    }
}

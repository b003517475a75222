//! Sending: SendMessage calls, throttled beyond a FIFO queue's limit,
//! store a message (delayed, or visible at once); messages moved in by a
//! redrive are stored the same way.

use rand::RngExt;

use super::{Message, Place, Queue, QueueTimer};
use crate::model::backlog;
use crate::model::requests::RequestId;
use crate::model::{Call, Ctx, Outcome, refuse, reply};
use crate::slab::Key;
use crate::time::SimDuration;

impl Queue {
    pub(super) fn on_send(&mut self, call: Call, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        self.calls.arrived();
        if self.faults.is_down() {
            refuse(ctx, &mut self.calls, call, Outcome::Unavailable);
            return;
        }
        if let Some(bucket) = &mut self.send_bucket
            && !bucket.try_take(now)
        {
            self.count(|t| t.throttled += 1);
            refuse(ctx, &mut self.calls, call, Outcome::Error);
            return;
        }
        if backlog::reached(
            ctx,
            self.messages.len() + self.sends.len(),
            self.cfg.backlog_limit,
        ) {
            refuse(ctx, &mut self.calls, call, Outcome::Error);
            return;
        }
        let key = self.sends.insert((call, now));
        let msg = QueueTimer::SendDone(key).into();
        self.after_latency(msg, ctx);
    }

    pub(super) fn on_send_done(&mut self, key: Key, ctx: &mut Ctx<'_>) {
        let Some((call, arrived)) = self.sends.remove(key) else {
            return;
        };
        let now = ctx.now();
        ctx.world.requests.work_started(call.req);
        self.bill(self.chunks_per_message);
        self.count(|t| t.sent += 1);
        self.store(call.req, false, true, ctx);
        self.calls.answered(true, now.since(arrived));
        reply(ctx, call, Outcome::Ok);
    }

    /// Stores a new message of `req` (visible now or after the delay);
    /// `wake` hands it to a waiting poller at once.
    pub(super) fn store(&mut self, req: RequestId, accounted: bool, wake: bool, ctx: &mut Ctx<'_>) {
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
            ctx.send_at(ctx.me(), at, QueueTimer::Retention.into());
        }
        if self.cfg.delay > SimDuration::ZERO {
            ctx.schedule(self.cfg.delay, QueueTimer::DelayDone(key).into());
        } else {
            self.make_visible(key, false, ctx);
            if wake {
                self.wake_waiting(ctx);
            }
        }
    }

    pub(super) fn redriven(&mut self, req: RequestId, accounted: bool, ctx: &mut Ctx<'_>) {
        self.count(|t| t.redriven += 1);
        // Without a consumer nothing will ever process the message: its
        // work is lost now, though the message stays for inspection.
        let lost = !accounted && self.cfg.consumer.is_none();
        if lost {
            ctx.world.requests.work_lost(req);
        }
        self.store(req, accounted || lost, true, ctx);
    }
}

//! Leaving the queue: expiry after the retention period, and the move to
//! the dead-letter queue after `max_receives`.

use super::{Place, Queue, QueueTimer};
use crate::model::{Ctx, Msg};
use crate::slab::Key;
use crate::time::{SimDuration, SimTime};

impl Queue {
    /// The message was received `max_receives` times: to the dead-letter
    /// queue, or dropped without one (its work then lost).
    pub(super) fn dead_letter(&mut self, key: Key, ctx: &mut Ctx<'_>) {
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
            None if !m.accounted && !busy => ctx.world.requests.work_lost(m.req),
            None => {}
        }
        self.gone(key);
    }

    /// The message leaves the queue: removed, or kept as [`Place::Gone`]
    /// while a poller still processes it.
    pub(super) fn gone(&mut self, key: Key) {
        match self.messages.get_mut(key) {
            Some(m) if m.processing > 0 => m.place = Place::Gone,
            Some(_) => {
                self.messages.remove(key);
            }
            None => {}
        }
        self.trim_by_age();
    }

    pub(super) fn trim_by_age(&mut self) {
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

    pub(super) fn on_retention_check(&mut self, ctx: &mut Ctx<'_>) {
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
                ctx.send_at(ctx.me(), expires, QueueTimer::Retention.into());
                return;
            }
            let m = *m;
            self.count(|t| t.expired += 1);
            match m.place {
                Place::Visible => {
                    self.visible.decr(now);
                    self.publish_backlog(ctx);
                }
                Place::InFlight { .. } => self.leave_flight(m.group),
                Place::Delayed | Place::Gone => {}
            }
            if !m.accounted && m.processing == 0 {
                ctx.world.requests.work_lost(m.req);
            }
            self.gone(front);
        }
    }

    pub(super) fn oldest_age(&mut self, now: SimTime) -> f64 {
        self.trim_by_age();
        self.by_age
            .front()
            .and_then(|&k| self.messages.get(k))
            .map_or(0.0, |m| now.since(m.sent).as_secs_f64())
    }
}

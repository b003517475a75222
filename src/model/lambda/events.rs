//! Asynchronous invocations: accepted at once, run from Lambda's internal
//! queue, retried, and given up to the on-failure destination.

use super::{Lambda, LambdaTimer, Token};
use crate::model::backlog;
use crate::model::{Call, Ctx, Endpoint, Msg, Outcome, reply};
use crate::slab::Key;
use crate::time::{SimDuration, SimTime};

/// An asynchronous invocation waiting in Lambda's internal queue.
#[derive(Clone, Copy, Debug)]
pub(super) struct Event {
    pub(super) req: crate::model::requests::RequestId,
    pub(super) arrived: SimTime,
    /// Failed attempts so far.
    pub(super) failures: u32,
    /// Throttled attempts so far.
    pub(super) throttles: u32,
}

/// Waits before the retries of a failed event (about 1 min, then 2 min).
const EVENT_RETRY_WAITS: [SimDuration; 2] =
    [SimDuration::from_secs(60), SimDuration::from_secs(120)];

/// Backoff of a throttled event: from 1 s, doubling, up to 5 min.
const THROTTLE_BACKOFF_FIRST: SimDuration = SimDuration::from_secs(1);

const THROTTLE_BACKOFF_MAX: SimDuration = SimDuration::from_secs(300);

impl Lambda {
    /// An asynchronous invocation: accepted at once (HTTP 202), its work
    /// outstanding until the event has run.
    pub(super) fn on_event(&mut self, call: Call, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        if backlog::reached(ctx, self.events.len(), self.cfg.backlog_limit) {
            reply(ctx, call, Outcome::Throttled);
            return;
        }
        ctx.world.requests.work_started(call.req);
        reply(ctx, call, Outcome::Ok);
        let key = self.events.insert(Event {
            req: call.req,
            arrived: now,
            failures: 0,
            throttles: 0,
        });
        self.run_event(key, ctx);
    }

    /// Invokes the function for the event, answering to itself.
    pub(super) fn run_event(&mut self, key: Key, ctx: &mut Ctx<'_>) {
        let Some(e) = self.events.get(key) else {
            return;
        };
        let call = Call {
            req: e.req,
            reply_to: ctx.me(),
            token: Token::Event(key.slot).encode(),
            endpoint: Endpoint::Any,
        };
        self.on_invoke(call, None, ctx);
    }

    /// The event's invocation ended: done, retried, or given up.
    pub(super) fn on_event_result(&mut self, slot: u32, outcome: Outcome, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        let Some(key) = self.events.key_of(slot) else {
            return;
        };
        let Some(e) = self.events.get_mut(key) else {
            return;
        };
        let retry = match outcome {
            Outcome::Ok => {
                let req = e.req;
                self.events.remove(key);
                ctx.world.requests.work_done(req, now);
                return;
            }
            Outcome::Throttled | Outcome::Unavailable => {
                let wait = THROTTLE_BACKOFF_FIRST
                    .mul_f64(f64::from(1u32 << e.throttles.min(16)))
                    .min(THROTTLE_BACKOFF_MAX);
                e.throttles += 1;
                ((now + wait).since(e.arrived) < self.cfg.max_event_age).then_some(wait)
            }
            Outcome::Error => {
                let k = e.failures as usize;
                e.failures += 1;
                let wait = EVENT_RETRY_WAITS[k.min(EVENT_RETRY_WAITS.len() - 1)];
                (k < self.cfg.event_retries as usize
                    && (now + wait).since(e.arrived) < self.cfg.max_event_age)
                    .then_some(wait)
            }
        };
        match retry {
            Some(wait) => ctx.schedule(wait, LambdaTimer::EventRetry(key).into()),
            None => {
                let Some(e) = self.events.remove(key) else {
                    return;
                };
                self.count(|c| c.events_dropped += 1);
                match self.cfg.on_failure {
                    // The destination queue takes over the event's work.
                    Some(queue) => ctx.send(
                        queue,
                        SimDuration::ZERO,
                        Msg::Redrive {
                            req: e.req,
                            accounted: false,
                        },
                    ),
                    None => ctx.world.requests.work_lost(e.req),
                }
            }
        }
    }
}

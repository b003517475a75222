//! What a unit of work does after its own computation: synchronous
//! `calls`, one after another, then `sends`, each waiting for the message to
//! be accepted. Shared by every component that runs work (fleets, functions).

use rand::{Rng, RngExt};

use super::{Ctx, Endpoint, Msg, Outcome, call};
use crate::engine::ActorId;
use crate::model::requests::RequestId;
use crate::time::SimDuration;

/// Attempts of a send before it counts as failed: the AWS SDKs' "standard"
/// retry mode makes at most 3 attempts of a throttled call.
const SEND_ATTEMPTS: u32 = 3;
/// Base of the full-jitter exponential backoff between send attempts [s]
/// (a modelling assumption in line with the SDKs' defaults).
const SEND_BACKOFF_BASE_S: f64 = 0.05;

/// The calls and sends of a component.
#[derive(Clone, Debug, Default)]
pub struct Downstream {
    /// Synchronous calls, in order.
    pub calls: Vec<ActorId>,
    /// Messages sent after the calls, in order.
    pub sends: Vec<ActorId>,
}

/// Where one unit of work is among its downstream steps.
#[derive(Clone, Copy, Debug, Default)]
pub struct Progress {
    /// Index of the next step: the calls, then the sends.
    next: u32,
    /// Attempts made of the current send.
    send_attempts: u32,
}

impl Downstream {
    /// True when there is nothing to do after the work.
    pub fn is_empty(&self) -> bool {
        self.calls.is_empty() && self.sends.is_empty()
    }

    fn steps(&self) -> usize {
        self.calls.len() + self.sends.len()
    }

    /// The work's own computation, or the step in progress, ended (`ok`).
    /// Issues the next step (answered to `token`), or
    /// schedules a retry of a refused send (the owner's timer `retry`, which
    /// it answers with [`Downstream::issue`]), and returns `None`; or
    /// returns how the work ends.
    #[allow(clippy::too_many_arguments)]
    pub fn after<R: Rng + ?Sized>(
        &self,
        p: &mut Progress,
        ok: bool,
        req: RequestId,
        token: u32,
        retry: Msg,
        rng: &mut R,
        ctx: &mut Ctx<'_>,
    ) -> Option<Outcome> {
        // `next` is already past the step that just ended.
        let ended_send = p.next as usize > self.calls.len();
        if ok {
            p.send_attempts = 0;
            if (p.next as usize) < self.steps() {
                self.issue(p, req, token, ctx);
                None
            } else {
                Some(Outcome::Ok)
            }
        } else if ended_send && p.send_attempts < SEND_ATTEMPTS {
            // A refused send (throttling, an outage): the SDK tries again
            // after a jittered exponential backoff.
            p.next -= 1;
            let cap = SEND_BACKOFF_BASE_S * f64::from(1u32 << p.send_attempts.min(16));
            let wait = SimDuration::from_secs_f64(rng.random_range(0.0..=cap));
            ctx.schedule(wait, retry);
            None
        } else {
            Some(Outcome::Error)
        }
    }

    /// Issues the step `p` is at.
    pub fn issue(&self, p: &mut Progress, req: RequestId, token: u32, ctx: &mut Ctx<'_>) {
        let step = p.next as usize;
        let (target, endpoint) = if step < self.calls.len() {
            (self.calls[step], Endpoint::Any)
        } else {
            p.send_attempts += 1;
            (self.sends[step - self.calls.len()], Endpoint::Event)
        };
        p.next += 1;
        call(ctx, target, req, token, endpoint);
    }
}

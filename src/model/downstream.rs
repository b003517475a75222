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
    /// Per call (empty when none does), the database with a connection
    /// limit it needs a connection to, as an index into `databases`.
    pub connects: Vec<Option<u8>>,
    /// The databases with a connection limit the calls reach, each once
    /// (at most [`MAX_DATABASES`]).
    pub databases: Vec<ActorId>,
    /// Per call (empty when none does), true when it goes to a database
    /// proxy, on the session of the unit's holder.
    pub sessions: Vec<bool>,
    /// The database proxies the calls reach, each once: told when a
    /// holder's session ends.
    pub proxies: Vec<ActorId>,
}

/// Most databases with a connection limit one component calls (their
/// connections are a bit set per holder).
pub const MAX_DATABASES: usize = 64;

/// What a holder of connections (an execution environment, an instance's
/// pool) has for a call to a database with a connection limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Connection {
    /// An open connection, free for the call.
    Held,
    /// None free, but room to open one: the call opens it first.
    Open,
    /// None free and no room: the call waits until one is free (the
    /// holder issues it again then).
    Wait,
}

/// Where one unit of work is among its downstream steps.
#[derive(Clone, Copy, Debug, Default)]
pub struct Progress {
    /// Index of the next step: the calls, then the sends.
    next: u32,
    /// Attempts made of the current send.
    send_attempts: u32,
    /// The call in flight opens its connection.
    connecting: bool,
    /// The session of the work's holder (an environment's or instance's
    /// number), for calls through a database proxy.
    session: u32,
}

impl Progress {
    /// The start of a unit of work held by session number `session`.
    pub fn new(session: u32) -> Self {
        Progress {
            session,
            ..Progress::default()
        }
    }
}

/// How the call that just ended used a connection to a database with a
/// connection limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Used {
    /// On a connection the holder had: free again.
    Held(u8),
    /// It opened one, which the holder now has (free).
    Opened(u8),
    /// Its connection was not opened (too many, or the database is down).
    Refused(u8),
}

impl Downstream {
    /// True when there is nothing to do after the work.
    pub fn is_empty(&self) -> bool {
        self.calls.is_empty() && self.sends.is_empty()
    }

    fn steps(&self) -> usize {
        self.calls.len() + self.sends.len()
    }

    /// The call that just ended with `outcome`, if it needed a connection
    /// to a database with a limit: how it used one. A call that reached
    /// the database (answered, even with an error) had its connection.
    pub fn used(&self, p: &Progress, outcome: Outcome) -> Option<Used> {
        let step = (p.next as usize).checked_sub(1)?;
        let db = (*self.connects.get(step)?)?;
        Some(if !p.connecting {
            Used::Held(db)
        } else if matches!(outcome, Outcome::Ok | Outcome::Error) {
            Used::Opened(db)
        } else {
            Used::Refused(db)
        })
    }

    /// The work's own computation, or the step in progress, ended (`ok`).
    /// Issues the next step (answered to `token`; a call to a database with
    /// a connection limit as `connection` says, or not yet), or
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
        connection: impl FnOnce(u8) -> Connection,
    ) -> Option<Outcome> {
        // `next` is already past the step that just ended.
        let ended_send = p.next as usize > self.calls.len();
        if ok {
            p.send_attempts = 0;
            if (p.next as usize) < self.steps() {
                self.issue(p, req, token, ctx, connection);
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

    /// Issues the step `p` is at; a call to a database with a connection
    /// limit as `connection` says. Returns false when the call waits for a
    /// connection (nothing was issued).
    pub fn issue(
        &self,
        p: &mut Progress,
        req: RequestId,
        token: u32,
        ctx: &mut Ctx<'_>,
        connection: impl FnOnce(u8) -> Connection,
    ) -> bool {
        let step = p.next as usize;
        p.connecting = false;
        let (target, endpoint) = if step < self.calls.len() {
            let endpoint = match self.connects.get(step).copied().flatten().map(connection) {
                None if self.sessions.get(step) == Some(&true) => Endpoint::Session(p.session),
                None | Some(Connection::Held) => Endpoint::Any,
                Some(Connection::Open) => {
                    p.connecting = true;
                    Endpoint::Connect
                }
                Some(Connection::Wait) => return false,
            };
            (self.calls[step], endpoint)
        } else {
            p.send_attempts += 1;
            (self.sends[step - self.calls.len()], Endpoint::Event)
        };
        p.next += 1;
        call(ctx, target, req, token, endpoint);
        true
    }

    /// The holder's session number `session` ends: the proxies it may have
    /// called close it.
    pub fn end_session(&self, session: u32, ctx: &mut Ctx<'_>) {
        let caller = ctx.me();
        for &proxy in &self.proxies {
            ctx.send(
                proxy,
                SimDuration::ZERO,
                Msg::SessionEnd { caller, session },
            );
        }
    }

    /// Sends `count` closed connections to database number `db`.
    pub fn disconnect(&self, db: u8, count: u32, ctx: &mut Ctx<'_>) {
        if count > 0 {
            ctx.send(
                self.databases[db as usize],
                SimDuration::ZERO,
                Msg::Disconnect { count },
            );
        }
    }
}

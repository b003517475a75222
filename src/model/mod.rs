//! The cloud components: one module per concept, each behind [`Component`].
//!
//! Components talk only through [`Msg`]s delivered by the engine. A
//! synchronous call is a [`Msg::Call`] answered by exactly one [`Msg::Reply`]
//! carrying the caller's token back; this invariant is what lets every
//! component keep its in-flight work in a slab indexed by token.

pub mod api_gateway;
pub mod batch;
pub mod client;
pub mod concurrency;
pub mod downstream;
pub mod faults;
pub mod fleet;
pub mod lambda;
pub mod load_balancer;
pub mod queue;
pub mod requests;
pub mod targets;
pub mod token_bucket;
pub mod topic;
pub mod world;

use crate::engine::{self, ActorId};
use crate::slab::Key;
use crate::stats::{ComponentReport, IntervalSink};
use crate::time::SimTime;
use requests::RequestId;
use world::World;

/// The context every component handles messages with.
pub type Ctx<'a> = engine::Ctx<'a, Msg, World>;

/// Sent with a [`Msg::Call`]'s `endpoint` when the caller does not pick an
/// instance (the callee spreads the load itself).
pub const ANY_ENDPOINT: u32 = u32::MAX;

/// Sent with a [`Msg::Call`]'s `endpoint` for an asynchronous delivery (a
/// send, an SNS delivery to an AWS-managed endpoint): a function treats it
/// as an event, accepted at once and run later; queues and topics accept
/// every call that way anyway.
pub const EVENT_ENDPOINT: u32 = u32::MAX - 1;

/// A request for synchronous work, answered by one [`Msg::Reply`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Call {
    /// The end-user request this work belongs to.
    pub req: RequestId,
    /// Who gets the reply.
    pub reply_to: ActorId,
    /// Opaque to the callee; returned in the reply so the caller finds its state.
    pub token: u32,
    /// The instance chosen by a load balancer, or [`ANY_ENDPOINT`].
    pub endpoint: u32,
}

/// How a call ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Done.
    Ok,
    /// Refused or failed: a full queue, a failed downstream call.
    Error,
    /// Refused for want of capacity (HTTP 429): an asynchronous caller
    /// retries it differently from a failure.
    Throttled,
    /// The callee itself is down (an outage): nothing was attempted. A
    /// queue's poller that meets this knows its own host is down.
    Unavailable,
}

impl Outcome {
    /// True for [`Outcome::Ok`].
    #[inline]
    pub fn is_ok(self) -> bool {
        self == Outcome::Ok
    }
}

/// Everything components say to each other (and to themselves).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Msg {
    /// The run begins: sent to every component at time zero (pollers start
    /// polling, say).
    Start,
    /// The workload's next arrival is due.
    NextArrival,
    /// Do some work and reply.
    Call(Call),
    /// Invoke a function once for a batch of queue messages (an event
    /// source mapping), answered by one [`Msg::Reply`]; the function marks
    /// in the batch which items it processed.
    InvokeBatch {
        /// The batch, in [`World::batches`].
        batch: Key,
        /// Who gets the reply.
        reply_to: ActorId,
        /// Returned in the reply.
        token: u32,
    },
    /// The answer to a [`Msg::Call`].
    Reply {
        /// The caller's token from the call.
        token: u32,
        /// How the call ended.
        outcome: Outcome,
    },
    /// A component's own timer: `tag` says which kind, `key` which piece of
    /// its state (a key that finds nothing means the timer is stale).
    Timer {
        /// The component's own timer kind.
        tag: u32,
        /// The state it concerns, in one of the component's slabs.
        key: Key,
    },
    /// A message moved to this (dead-letter) queue by another queue's
    /// redrive policy.
    Redrive {
        /// The request the message belongs to.
        req: RequestId,
        /// The message no longer carries outstanding work of its request
        /// (it was processed already, or it is a duplicate copy).
        accounted: bool,
    },
    /// Fault number `index` of the scenario begins (`start`) or ends on the receiver.
    Fault {
        /// Index into the scenario's `[[faults]]`.
        index: u32,
        /// True when it begins.
        start: bool,
    },
}

/// Answers `call` at once.
#[inline]
pub fn reply(ctx: &mut Ctx<'_>, call: Call, outcome: Outcome) {
    ctx.send(
        call.reply_to,
        crate::time::SimDuration::ZERO,
        Msg::Reply {
            token: call.token,
            outcome,
        },
    );
}

/// A simulated component: an engine actor that also reports statistics.
pub trait Component: engine::Actor<Msg, World> {
    /// The measured window starts now (end of warmup): reset window statistics.
    fn start_window(&mut self, now: SimTime);

    /// Writes this interval's metrics (the interval ends at `now`) and resets
    /// the per-interval counters.
    fn sample(&mut self, now: SimTime, out: &mut IntervalSink<'_>);

    /// The statistics of the measured window, which ends at `now`.
    fn report(&mut self, now: SimTime) -> ComponentReport;
}

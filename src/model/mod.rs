//! The cloud components: one module per concept, each behind [`Component`].
//!
//! Components talk only through [`Msg`]s delivered by the engine. A
//! synchronous call is a [`Msg::Call`] answered by exactly one [`Msg::Reply`]
//! carrying the caller's token back; this invariant is what lets every
//! component keep its in-flight work in a slab indexed by token. A
//! component's own timers are an enum of its kind ([`timers`]), each
//! carrying the key of the state it concerns.
//!
//! A component implements the handlers of the messages it cares about;
//! the others ignore theirs by default. A run holds components of every
//! kind as [`Hosted`](hosted::Hosted)s. What they share beyond messages is the
//! [`World`]: the requests, the account's Lambda
//! concurrency, batches in flight, and the instance states fleets publish.

pub mod alarm;
pub mod api_gateway;
pub mod backlog;
pub mod batch;
pub mod client;
pub mod concurrency;
pub mod datapoints;
pub mod db_proxy;
pub mod downstream;
pub mod faults;
pub mod fleet;
pub mod hosted;
pub mod lambda;
pub mod load_balancer;
pub mod monthly;
pub mod queue;
pub mod requests;
pub mod targets;
#[cfg(test)]
mod testing;
pub mod timers;
pub mod token_bucket;
pub mod topic;
pub mod watched;
pub mod world;

use crate::dist::Dist;
use crate::engine::{self, ActorId};
use crate::rng::StreamRng;
use crate::slab::Key;
use crate::stats::{CallStats, ComponentReport, IntervalSink};
use crate::time::{SimDuration, SimTime};
use requests::RequestId;
use timers::{OwnTimer, Timer};
use world::World;

/// The context every component handles messages with.
pub type Ctx<'a> = engine::Ctx<'a, Msg, World>;

/// Where a [`Call`] goes within the callee, and how.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Endpoint {
    /// The caller picks no instance: the callee spreads the load itself.
    Any,
    /// The instance chosen by a load balancer (or the host of a queue's
    /// poller).
    Instance(u32),
    /// The caller opens a connection first (to a database with a
    /// connection limit), then makes the call on it: refused at once with
    /// [`Outcome::Throttled`] when the database has no connection left.
    Connect,
    /// A call through a database proxy on the caller's session with this
    /// number (a Lambda execution environment's slot, a fleet instance's),
    /// which lasts until the caller sends [`Msg::SessionEnd`].
    Session(u32),
    /// An asynchronous delivery (a send, an SNS delivery to an AWS-managed
    /// endpoint): a function treats it as an event, accepted at once and
    /// run later; queues and topics accept every call that way anyway.
    Event,
}

/// A request for synchronous work, answered by one [`Msg::Reply`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Call {
    /// The end-user request this work belongs to.
    pub req: RequestId,
    /// Who gets the reply.
    pub reply_to: ActorId,
    /// Opaque to the callee; returned in the reply so the caller finds its state.
    pub token: u32,
    /// Where it goes within the callee.
    pub endpoint: Endpoint,
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
///
/// `repr(u64)`: the tag takes a whole word and every variant's fields start
/// at byte 8. Left to itself the compiler put the tag in byte 0 and one
/// variant's `Outcome` in byte 1, so each message taken from the engine's
/// queue was copied as bytes 1 to 32 in two overlapping 16-byte moves, and
/// reading the copy back stalled on the store buffer: an eighth of the
/// M/M/16's samples sat on that copy. The size stays 32 bytes.
#[derive(Clone, Copy, Debug, PartialEq)]
#[repr(u64)]
pub enum Msg {
    /// The run begins: sent to every component at time zero (pollers start
    /// polling, say).
    Start,
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
    /// A component's own timer.
    Timer(Timer),
    /// A message moved to this (dead-letter) queue by another queue's
    /// redrive policy.
    Redrive {
        /// The request the message belongs to.
        req: RequestId,
        /// The message no longer carries outstanding work of its request
        /// (it was processed already, or it is a duplicate copy).
        accounted: bool,
    },
    /// A caller closes `count` connections it held to the receiver (an
    /// execution environment reclaimed, an instance terminated).
    Disconnect {
        /// Connections closed.
        count: u32,
    },
    /// A caller closes its session number `session` with the receiver (a
    /// database proxy): an execution environment reclaimed, an instance
    /// terminated.
    SessionEnd {
        /// The caller.
        caller: ActorId,
        /// Its session's number.
        session: u32,
    },
    /// An alarm changed state and publishes its notification to the
    /// receiving topic (no request of the workload: it reaches the topic's
    /// email and SMS endpoints).
    Notify,
    /// Instance `instance` of a fleet the receiver watches started taking
    /// work from queues (see [`Registry::watch`](targets::Registry::watch)).
    InstancePolls {
        /// The instance's slot.
        instance: u32,
    },
    /// An Auto Scaling group publishes a datapoint of its own metric to an
    /// alarm that watches it (NaN: no data that period).
    Datapoint {
        /// The datapoint.
        value: f64,
    },
    /// An alarm invokes the receiving group's scaling policy number
    /// `policy` on its datapoint `value` (NaN: no data) and its `threshold`.
    ScalingPolicy {
        /// The policy's number among the group's `policies`.
        policy: u32,
        /// The datapoint evaluated.
        value: f64,
        /// The alarm's threshold, which the policy's step bounds are relative to.
        threshold: f64,
    },
    /// An alarm whose state a component follows (a fleet that rolls a
    /// deployment back on it) went into ALARM (`in_alarm`) or out of it.
    AlarmChanged {
        /// The alarm.
        alarm: ActorId,
        /// True when its new state is ALARM.
        in_alarm: bool,
    },
    /// Fault number `index` of the scenario begins (`start`) or ends on the receiver.
    Fault {
        /// Index into the scenario's `[[faults]]`.
        index: u32,
        /// True when it begins.
        start: bool,
    },
}

/// A datapoint as a message carries it (NaN: no data, which keeps the
/// message as small as the others).
pub fn datapoint_value(value: Option<f64>) -> f64 {
    value.unwrap_or(f64::NAN)
}

/// A datapoint as a message carried it.
fn datapoint(value: f64) -> Option<f64> {
    (!value.is_nan()).then_some(value)
}

/// Calls `target` for `req`, to be answered to this component with `token`.
#[inline]
pub fn call(ctx: &mut Ctx<'_>, target: ActorId, req: RequestId, token: u32, endpoint: Endpoint) {
    let reply_to = ctx.me();
    let call = Call {
        req,
        reply_to,
        token,
        endpoint,
    };
    ctx.send(target, SimDuration::ZERO, Msg::Call(call));
}

/// Refuses `call` at once with `outcome`: an error answered after no
/// time, in `calls`.
#[inline]
pub fn refuse(ctx: &mut Ctx<'_>, calls: &mut CallStats, call: Call, outcome: Outcome) {
    calls.answered(false, SimDuration::ZERO);
    reply(ctx, call, outcome);
}

/// Schedules `msg` for the handling component after a delay drawn from
/// `dist`: a constant delay in the engine's lane for it (see
/// [`engine::Ctx::schedule_fixed`]), a varying one as any other event.
#[inline]
pub fn schedule_drawn(ctx: &mut Ctx<'_>, dist: &Dist, rng: &mut StreamRng, msg: Msg) {
    let delay = dist.sample(rng);
    if dist.is_constant() {
        ctx.schedule_fixed(delay, msg);
    } else {
        ctx.schedule(delay, msg);
    }
}

/// Answers `call` at once.
#[inline]
pub fn reply(ctx: &mut Ctx<'_>, call: Call, outcome: Outcome) {
    ctx.send(
        call.reply_to,
        SimDuration::ZERO,
        Msg::Reply {
            token: call.token,
            outcome,
        },
    );
}

/// A simulated component: it reacts to the messages it cares about (every
/// handler ignores its message unless the component says otherwise) and
/// reports statistics. A run holds components as [`DynComponent`]s.
pub trait Component {
    /// Its own timers ([`Infallible`](std::convert::Infallible) if it sets
    /// none): it is handed only these.
    type Timer: OwnTimer;

    /// Time zero: the run begins (pollers start polling, say).
    fn on_start(&mut self, _ctx: &mut Ctx<'_>) {}

    /// A call, to be answered by exactly one [`Msg::Reply`].
    fn on_call(&mut self, _call: Call, _ctx: &mut Ctx<'_>) {}

    /// An invocation for the batch `batch`, answered to `reply_to` with `token`.
    fn on_invoke_batch(
        &mut self,
        _batch: Key,
        _reply_to: ActorId,
        _token: u32,
        _ctx: &mut Ctx<'_>,
    ) {
    }

    /// The answer to one of the component's calls.
    fn on_reply(&mut self, _token: u32, _outcome: Outcome, _ctx: &mut Ctx<'_>) {}

    /// One of the component's own timers.
    fn on_timer(&mut self, _timer: Self::Timer, _ctx: &mut Ctx<'_>) {}

    /// A message moved in by another queue's redrive policy (or a
    /// function's on-failure destination).
    fn on_redrive(&mut self, _req: RequestId, _accounted: bool, _ctx: &mut Ctx<'_>) {}

    /// A caller closed `count` connections it held to the component.
    fn on_disconnect(&mut self, _count: u32, _ctx: &mut Ctx<'_>) {}

    /// `caller` closed its session number `session` with the component.
    fn on_session_end(&mut self, _caller: ActorId, _session: u32, _ctx: &mut Ctx<'_>) {}

    /// An alarm publishes a notification to the component (a topic).
    fn on_notify(&mut self, _ctx: &mut Ctx<'_>) {}

    /// Instance `instance` of a fleet the component watches started taking
    /// work from queues.
    fn on_instance_polls(&mut self, _instance: u32, _ctx: &mut Ctx<'_>) {}

    /// A group publishes a datapoint of its metric (`None`: no data) to
    /// the component (an alarm).
    fn on_datapoint(&mut self, _value: Option<f64>, _ctx: &mut Ctx<'_>) {}

    /// An alarm invokes the component's (a group's) scaling policy number
    /// `policy` on its datapoint and its threshold.
    fn on_scaling_policy(
        &mut self,
        _policy: u32,
        _value: Option<f64>,
        _threshold: f64,
        _ctx: &mut Ctx<'_>,
    ) {
    }

    /// An alarm the component follows changed state (see [`Msg::AlarmChanged`]).
    fn on_alarm_changed(&mut self, _alarm: ActorId, _in_alarm: bool, _ctx: &mut Ctx<'_>) {}

    /// Fault number `index` begins (`start`) or ends on the component.
    fn on_fault(&mut self, _index: u32, _start: bool, _ctx: &mut Ctx<'_>) {}

    /// The measured window starts now (end of warmup): reset window statistics.
    fn start_window(&mut self, now: SimTime);

    /// Writes this interval's metrics (the interval ends at `now`) and resets
    /// the per-interval counters.
    fn sample(&mut self, now: SimTime, out: &mut IntervalSink<'_>);

    /// The statistics of the measured window, which ends at `now` (the
    /// run that assembled the component names it and its kind).
    fn report(&mut self, now: SimTime) -> ComponentReport;
}

/// A [`Component`] of any kind, as a run holds it: an engine actor that
/// reports statistics.
pub trait DynComponent {
    /// Hands `msg` to the component's handler for it.
    fn handle(&mut self, msg: Msg, ctx: &mut Ctx<'_>);

    /// See [`Component::start_window`].
    fn start_window(&mut self, now: SimTime);

    /// See [`Component::sample`].
    fn sample(&mut self, now: SimTime, out: &mut IntervalSink<'_>);

    /// See [`Component::report`].
    fn report(&mut self, now: SimTime) -> ComponentReport;
}

impl<C: Component> DynComponent for C {
    #[inline]
    fn handle(&mut self, msg: Msg, ctx: &mut Ctx<'_>) {
        match msg {
            Msg::Call(call) => self.on_call(call, ctx),
            Msg::Reply { token, outcome } => self.on_reply(token, outcome, ctx),
            Msg::Timer(timer) => {
                if let Some(timer) = C::Timer::from_timer(timer) {
                    self.on_timer(timer, ctx);
                }
            }
            Msg::InvokeBatch {
                batch,
                reply_to,
                token,
            } => self.on_invoke_batch(batch, reply_to, token, ctx),
            Msg::Redrive { req, accounted } => self.on_redrive(req, accounted, ctx),
            Msg::Disconnect { count } => self.on_disconnect(count, ctx),
            Msg::SessionEnd { caller, session } => self.on_session_end(caller, session, ctx),
            Msg::Notify => self.on_notify(ctx),
            Msg::InstancePolls { instance } => self.on_instance_polls(instance, ctx),
            Msg::Datapoint { value } => self.on_datapoint(datapoint(value), ctx),
            Msg::ScalingPolicy {
                policy,
                value,
                threshold,
            } => self.on_scaling_policy(policy, datapoint(value), threshold, ctx),
            Msg::AlarmChanged { alarm, in_alarm } => self.on_alarm_changed(alarm, in_alarm, ctx),
            Msg::Fault { index, start } => self.on_fault(index, start, ctx),
            Msg::Start => self.on_start(ctx),
        }
    }

    fn start_window(&mut self, now: SimTime) {
        Component::start_window(self, now);
    }

    fn sample(&mut self, now: SimTime, out: &mut IntervalSink<'_>) {
        Component::sample(self, now, out);
    }

    fn report(&mut self, now: SimTime) -> ComponentReport {
        Component::report(self, now)
    }
}

impl engine::Actor<Msg, World> for dyn DynComponent + '_ {
    #[inline]
    fn handle(&mut self, msg: Msg, ctx: &mut Ctx<'_>) {
        DynComponent::handle(self, msg, ctx);
    }
}

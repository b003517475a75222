//! The timers components set themselves: one enum per kind of component,
//! each variant carrying the key of the state it concerns (a key that finds
//! nothing, or finds a later generation, means the timer is stale).
//!
//! They travel inside [`Msg::Timer`](super::Msg::Timer) as one closed
//! [`Timer`], and a component is handed back only its own kind
//! ([`OwnTimer`]).

use std::convert::Infallible;

use super::requests::RequestId;
use crate::slab::Key;

/// The workload's client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientTimer {
    /// The next arrival is due.
    NextArrival,
    /// The attempt waited its timeout.
    Timeout(Key),
    /// The request's next attempt is due.
    Retry(RequestId),
}

/// An API Gateway stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GatewayTimer {
    /// The gateway's own latency has elapsed: on to the integration.
    Forward(Key),
    /// The integration did not answer in time (a 504).
    IntegrationTimeout(Key),
}

/// An SNS topic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TopicTimer {
    /// The publish is accepted.
    Published(Key),
    /// A delivery (or its retry) is due.
    Deliver(Key),
}

/// A load balancer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BalancerTimer {
    /// The balancer's own latency has elapsed: on to a target.
    Forward(Key),
}

/// A fleet (EC2, Fargate, a database).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FleetTimer {
    /// The job's own work is done.
    ServiceDone(Key),
    /// The job tries its refused send again.
    SendRetry(Key),
    /// An event of the instance in a slot: the key is the slot and the
    /// generation of the instance the timer was set for (a relaunch in the
    /// slot makes the old instance's timers stale).
    Instance(Key, InstanceTimer),
    /// The group's metric period ends.
    Period,
    /// The oldest measured datapoint reaches the alarms.
    Datapoint,
    /// Scheduled action number `n` of the group is due.
    Scheduled(u32),
}

/// What happens to an instance of a fleet in a group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InstanceTimer {
    /// It has booted.
    Booted,
    /// Its first health check passes.
    Healthy,
    /// Its deregistration delay is over.
    DrainDeadline,
    /// It crashes.
    Fail,
    /// The health checks find the crash.
    Detected,
    /// Its Spot interruption notice comes.
    Interrupt,
}

/// A Lambda function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LambdaTimer {
    /// The invocation's cold start is over.
    Ready(Key),
    /// The handler's work is done.
    Done(Key),
    /// The invocation runs past its timeout.
    Timeout(Key),
    /// The invocation tries its refused send again.
    SendRetry(Key),
    /// An idle environment may be reclaimed, if it is still idle in the
    /// same spell.
    Reclaim {
        /// The environment's slot.
        env: u32,
        /// Its idle spell when the timer was set.
        idle_spell: u32,
    },
    /// The asynchronous event is tried again.
    EventRetry(Key),
}

/// An SQS queue and its pollers.
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

/// A component's own timer kind: it travels as a [`Timer`] and only it
/// comes back out.
pub trait OwnTimer: Sized {
    /// The component's timer, if `timer` is of its kind.
    fn from_timer(timer: Timer) -> Option<Self>;
}

/// The timer kind of a component that sets none.
impl OwnTimer for Infallible {
    fn from_timer(_: Timer) -> Option<Self> {
        None
    }
}

macro_rules! timers {
    ($($(#[$doc:meta])* $variant:ident($kind:ident),)*) => {
        /// A timer of one of the components.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Timer {
            $($(#[$doc])* $variant($kind),)*
        }

        $(
            impl From<$kind> for Timer {
                #[inline]
                fn from(timer: $kind) -> Timer {
                    Timer::$variant(timer)
                }
            }

            impl OwnTimer for $kind {
                #[inline]
                fn from_timer(timer: Timer) -> Option<Self> {
                    match timer {
                        Timer::$variant(t) => Some(t),
                        _ => None,
                    }
                }
            }
        )*
    };
}

timers! {
    /// The client's.
    Client(ClientTimer),
    /// An API Gateway's.
    Gateway(GatewayTimer),
    /// A topic's.
    Topic(TopicTimer),
    /// A load balancer's.
    Balancer(BalancerTimer),
    /// A fleet's.
    Fleet(FleetTimer),
    /// A function's.
    Lambda(LambdaTimer),
    /// A queue's.
    Queue(QueueTimer),
}

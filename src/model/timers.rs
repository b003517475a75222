//! The timers components set themselves travel inside
//! [`Msg::Timer`](super::Msg::Timer) as one closed [`Timer`], and a
//! component is handed back only its own kind ([`OwnTimer`]). Each kind of
//! component defines its timers in its own file: an enum whose variants
//! carry the key of the state they concern (a key that finds nothing, or
//! finds a later generation, means the timer is stale). A new kind adds
//! its line to [`timers!`] below.

use std::convert::Infallible;

use super::Msg;

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

/// [`Timer`], one variant per kind of component, and the conversions of
/// each kind's timers into it and into a [`Msg`].
macro_rules! timers {
    ($($(#[$doc:meta])* $variant:ident($kind:ty),)*) => {
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

            impl From<$kind> for Msg {
                #[inline]
                fn from(timer: $kind) -> Msg {
                    Msg::Timer(timer.into())
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
    Client(super::client::ClientTimer),
    /// An API Gateway's.
    Gateway(super::api_gateway::GatewayTimer),
    /// A topic's.
    Topic(super::topic::TopicTimer),
    /// A load balancer's.
    Balancer(super::load_balancer::BalancerTimer),
    /// A fleet's.
    Fleet(super::fleet::FleetTimer),
    /// A function's.
    Lambda(super::lambda::LambdaTimer),
    /// A queue's.
    Queue(super::queue::QueueTimer),
    /// An alarm's.
    Alarm(super::alarm::AlarmTimer),
    /// A database proxy's.
    Proxy(super::db_proxy::ProxyTimer),
}

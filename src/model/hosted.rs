//! The components of a run as the engine holds them: the kinds most
//! requests pass through as variants of their own, the others behind a
//! vtable.
//!
//! Why not all boxed: every event is handed to its component through one
//! call, and a call through `Box<dyn DynComponent>` is an indirect jump
//! whose target changes from event to event (the client, then the fleet,
//! then the client again). Matching on an enum lets the compiler inline
//! each hot kind's handlers into the engine's loop, so an event costs a
//! predictable compare instead of a mispredicted jump. A new kind needs no
//! line here: it runs as [`Hosted::Other`] until a measurement says it is
//! worth a variant.

use super::client::ClientActor;
use super::fleet::Fleet;
use super::lambda::Lambda;
use super::load_balancer::LoadBalancer;
use super::queue::Queue;
use super::world::World;
use super::{Ctx, DynComponent, Msg};
use crate::engine;
use crate::stats::{ComponentReport, IntervalSink};
use crate::time::SimTime;

/// [`Hosted`] with one variant per kind listed, besides `Other`, the
/// conversion of each listed kind into it, and `each_kind!`, which runs an
/// expression on the component whatever its kind.
macro_rules! hosted {
    ($($(#[$doc:meta])* $variant:ident($kind:ty),)*) => {
        /// A component of any kind, as a run holds it.
        pub enum Hosted {
            $($(#[$doc])* $variant(Box<$kind>),)*
            /// Any other kind, called through its vtable.
            Other(Box<dyn DynComponent>),
        }

        $(
            impl From<$kind> for Hosted {
                fn from(component: $kind) -> Self {
                    Hosted::$variant(Box::new(component))
                }
            }
        )*

        /// Names the kind only: the components' state is too large to print whole.
        impl std::fmt::Debug for Hosted {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                let kind = match self {
                    $(Hosted::$variant(_) => stringify!($variant),)*
                    Hosted::Other(_) => "Other",
                };
                write!(f, "Hosted::{kind}")
            }
        }

        /// Runs `$body` with `$c` bound to the component, whatever its kind.
        macro_rules! each_kind {
            ($hosted:expr, $c:ident => $body:expr) => {
                match $hosted {
                    $(Hosted::$variant($c) => $body,)*
                    Hosted::Other($c) => $body,
                }
            };
        }
    };
}

hosted! {
    /// The workload's client.
    Client(ClientActor),
    /// An EC2 or Fargate fleet, or a database.
    Fleet(Fleet),
    /// A load balancer.
    LoadBalancer(LoadBalancer),
    /// A Lambda function.
    Lambda(Lambda),
    /// An SQS queue.
    Queue(Queue),
}

impl Hosted {
    /// A component of a kind without a variant of its own.
    pub fn other(component: impl DynComponent + 'static) -> Self {
        Hosted::Other(Box::new(component))
    }

    /// See [`Component::start_window`](super::Component::start_window).
    pub fn start_window(&mut self, now: SimTime) {
        each_kind!(self, c => c.start_window(now))
    }

    /// See [`Component::sample`](super::Component::sample).
    pub fn sample(&mut self, now: SimTime, out: &mut IntervalSink<'_>) {
        each_kind!(self, c => c.sample(now, out))
    }

    /// See [`Component::report`](super::Component::report).
    pub fn report(&mut self, now: SimTime) -> ComponentReport {
        each_kind!(self, c => c.report(now))
    }
}

impl engine::Actor<Msg, World> for Hosted {
    #[inline(always)]
    fn handle(&mut self, msg: Msg, ctx: &mut Ctx<'_>) {
        each_kind!(self, c => c.handle(msg, ctx))
    }
}

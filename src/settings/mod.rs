//! Settings a scenario gives and the models follow as they are written:
//! plain data with nothing left to resolve (no price, no default, no
//! reference to another component). The scenario reads them and the models
//! act on them, so they sit below both; like [`time`](crate::time) and
//! [`dist`](crate::dist), this module uses nothing else of the crate. What
//! the models need resolved first (prices, a queue's type, the alarms a
//! scaling policy creates) is not here: each model has its own config, which
//! [`assemble`](crate::assemble) fills.
//!
//! One file per concept: `workload` (arrivals, rate, client), `routing`,
//! `lifecycle` (an instance's life), `scaling` (an Auto Scaling group and
//! its policies), `faults`, `alarms` (a CloudWatch alarm's rule), `deploy`
//! (deployments and patching).

mod alarms;
mod deploy;
mod endpoints;
mod faults;
mod lifecycle;
mod routing;
mod scaling;
mod workload;

pub use alarms::{Comparison, MissingData, Statistic};
pub use deploy::{BatchSize, DeployPolicy, PatchingSpec, Release};
pub use endpoints::Protocol;
pub use faults::FaultKind;
pub use lifecycle::{HealthCheckSpec, LifecycleSpec};
pub use routing::Routing;
pub use scaling::{
    AutoScalingSpec, ScalingMetric, ScalingPolicy, ScheduledAction, StepAdjustment, StepPolicy,
    TerminationPolicy,
};
pub use workload::{ArrivalProcess, Backoff, Client, Jitter, RateProfile, Workload};

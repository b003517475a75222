//! An instance's life in a fleet: boot, start, health checks, draining and
//! failures.

use crate::dist::Dist;
use crate::time::SimDuration;

/// How instances of an `ec2` fleet come and go. A fixed fleet without
/// `mtbf` is in service from time zero and never changes; with `mtbf` it is
/// simulated as a group of fixed size that replaces failed instances.
#[derive(Clone, Debug)]
pub struct LifecycleSpec {
    /// `boot_time`: launch → running (pending state).
    pub boot_time: Dist,
    /// `start_time` (default 0): running → the application answers (its
    /// health checks pass, its workers poll).
    pub start_time: Dist,
    /// `health_check`: the target group's health checks (when a load
    /// balancer routes to the fleet).
    pub health_check: HealthCheckSpec,
    /// `deregistration_delay` (default 300 s): how long a deregistered
    /// instance may finish its in-flight requests.
    pub deregistration_delay: SimDuration,
    /// `mtbf`: mean time between failures of one instance (exponential);
    /// `None`: instances never fail.
    pub mtbf: Option<SimDuration>,
}

/// `health_check = { interval, timeout, healthy_threshold, unhealthy_threshold }`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HealthCheckSpec {
    /// Between two checks of one target (default 30 s).
    pub interval: SimDuration,
    /// A check without an answer within it fails (default 5 s).
    pub timeout: SimDuration,
    /// Passing checks that make an unhealthy target healthy again (default 5).
    pub healthy_threshold: u32,
    /// Failing checks that make a target unhealthy (default 2).
    pub unhealthy_threshold: u32,
}

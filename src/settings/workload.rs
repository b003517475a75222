//! The traffic offered to a design: how requests arrive, at what rate over
//! time, and how the client that sends them waits, times out and retries.

use std::sync::Arc;

use crate::time::{SimDuration, SimTime};

/// `[workload]`.
#[derive(Clone, Debug)]
pub struct Workload {
    /// How arrivals are spaced.
    pub arrival: ArrivalProcess,
    /// The rate over time (or a trace of arrival times).
    pub rate: RateProfile,
    /// `[workload.client]`.
    pub client: Client,
    /// `classes`: request classes and their shares (for topic filters);
    /// one class called `default` when not given. Shares sum to 1.
    pub classes: Vec<(String, f64)>,
}

/// `[workload] arrival`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArrivalProcess {
    /// Exponential gaps (a Poisson process, non-homogeneous when the rate varies).
    Poisson,
    /// Evenly spaced arrivals at the current rate.
    Constant,
}

/// The arrival rate over time.
#[derive(Clone, Debug)]
pub enum RateProfile {
    /// Piecewise-constant rate [requests/s]: `initial` from time zero, then
    /// each step's rate from its instant on (steps sorted by time).
    Steps {
        /// Rate before the first step [1/s].
        initial: f64,
        /// `(at, rate)` pairs, strictly increasing in `at`.
        steps: Vec<(SimTime, f64)>,
    },
    /// `min + (max-min)·(1+cos(2π(t-peak_at)/period))/2` [1/s].
    Diurnal {
        /// Lowest rate [1/s].
        min_rate: f64,
        /// Highest rate, reached at `peak_at` [1/s].
        max_rate: f64,
        /// When the rate peaks, from the start.
        peak_at: SimDuration,
        /// Length of one cycle.
        period: SimDuration,
    },
    /// Replay of recorded arrival instants, sorted.
    Trace(Arc<[SimTime]>),
}

/// `[workload.client]`: how the caller behaves.
#[derive(Clone, Debug)]
pub struct Client {
    /// Per-attempt timeout; `None` waits forever.
    pub timeout: Option<SimDuration>,
    /// Retries after the first attempt fails (error or timeout).
    pub retries: u32,
    /// Wait before retry `k` (k = 0, 1, …): `min(max, base·multiplier^k)` with jitter.
    pub backoff: Backoff,
}

/// Exponential backoff with jitter between client retries.
#[derive(Clone, Debug)]
pub struct Backoff {
    /// Wait before the first retry, before jitter.
    pub base: SimDuration,
    /// Cap on the wait.
    pub max: SimDuration,
    /// Growth factor per retry (≥ 1).
    pub multiplier: f64,
    /// How the wait is randomised.
    pub jitter: Jitter,
}

/// Jitter schemes (as in the AWS Architecture Blog's "Exponential Backoff
/// and Jitter").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Jitter {
    /// Exactly the computed wait: synchronised retries, the storm case.
    None,
    /// Uniform in `[0, wait]`.
    Full,
    /// `wait/2` plus uniform in `[0, wait/2]`.
    Equal,
}

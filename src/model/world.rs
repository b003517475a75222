//! The shared state of one run, which every component reaches through its
//! context: the requests, and what components publish for each other.

use super::backlog::Overflow;
use super::batch::Batches;
use super::concurrency::ConcurrencyPool;
use super::requests::Requests;
use super::targets::Registry;
use super::watched::{GroupAlarms, Watched};

/// What components share, beyond the messages they send each other.
#[derive(Debug, Default)]
pub struct World {
    /// The live requests and the tally of their outcomes.
    pub requests: Requests,
    /// The account's unreserved Lambda concurrency, shared by the design's
    /// functions.
    pub lambda_pool: ConcurrencyPool,
    /// Batches of queue messages in flight to functions.
    pub batches: Batches,
    /// Instance states published by scaling fleets, queue backlogs
    /// published for them.
    pub targets: Registry,
    /// The first backlog that reached its limit, if any: the run ends as
    /// unstable at this load.
    pub overflow: Option<Overflow>,
    /// The latest values of the metrics alarms watch.
    pub watched: Watched,
    /// The alarms on the groups' own metrics.
    pub group_alarms: GroupAlarms,
}

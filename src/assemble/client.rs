//! `[workload]` → the [`ClientActor`] that offers a design its traffic:
//! arrivals, request classes and the client's retries, each from a stream
//! of its own.

use super::site::actor_of;
use crate::model::client::{Arrivals, ClientActor, ClientConfig};
use crate::rng;
use crate::scenario::{Design, Scenario};
use crate::time::SimTime;

/// Name of the random stream of the arrival process. The colon keeps it
/// apart from every component name (names may not contain one).
const ARRIVAL_STREAM: &str = "arrivals:workload";
/// Name of the random stream of the client's retry jitter.
const CLIENT_STREAM: &str = "jitter:client";
/// Name of the random stream of the requests' classes.
const CLASS_STREAM: &str = "classes:workload";

/// The client of `scenario`'s workload, sending to `design`'s entry, for
/// the replication whose seed is `seed`.
pub(super) fn assemble(scenario: &Scenario, design: &Design, seed: u64) -> ClientActor {
    let workload = &scenario.workload;
    ClientActor::new(
        Arrivals::new(workload, rng::stream(seed, ARRIVAL_STREAM)),
        ClientConfig {
            client: workload.client.clone(),
            class_shares: workload.classes.iter().map(|c| c.1).collect(),
            entry: actor_of(design.entry),
            warmup_end: SimTime::ZERO + scenario.warmup,
        },
        rng::stream(seed, CLIENT_STREAM),
        rng::stream(seed, CLASS_STREAM),
    )
}

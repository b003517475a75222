//! What an assembler knows of its component's place in the run: the design
//! around it (whose references become engine actors), its random streams
//! and the faults that target it.

use crate::catalog::{self, TierList};
use crate::engine::ActorId;
use crate::model::downstream::{Downstream, MAX_DATABASES};
use crate::model::faults::FaultState;
use crate::model::monthly::Tiers;
use crate::rng::{self, StreamRng};
use crate::scenario::{Component, ComponentId, ComponentSpec, Design, Scenario};
use crate::time::SimDuration;

/// A catalog's tier list as the models price a month by it: prices per
/// `units` units (1e6 for prices per million) made prices per unit. The
/// list holds only while its first tier is the flat price in effect
/// (`flat`); a `[prices]` override, or a region whose flat price differs
/// from the tiers' sourced one, prices the whole month at `flat` instead.
pub(super) fn tiers(list: TierList<'_>, flat: f64, units: f64) -> Tiers {
    if list.prices.first() != Some(&flat) {
        return Tiers::new(&[], &[flat / units]);
    }
    let prices: Vec<f64> = list.prices.iter().map(|p| p / units).collect();
    Tiers::new(list.sizes, &prices)
}

/// Prefix of the name of a fleet's lifecycle stream (boot times, failures,
/// health check phases, terminations), apart from its service times.
const LIFECYCLE_STREAM: &str = "lifecycle:";
/// Prefix of the name of a fleet's Spot interruption stream.
const SPOT_STREAM: &str = "spot:";
/// Prefix of the name of the stream of a fleet's bad releases.
const DEPLOY_STREAM: &str = "deploy:";

/// The engine actor of a component: the workload is actor 0, the
/// components follow in design order.
pub(super) fn actor_of(c: ComponentId) -> ActorId {
    ActorId(c.0 as u32 + 1)
}

/// The component of an engine actor; `None` for the workload.
pub(super) fn component_of(a: ActorId) -> Option<ComponentId> {
    (a.0 as usize).checked_sub(1).map(ComponentId)
}

/// One component of a design being assembled for one replication.
#[derive(Clone, Copy, Debug)]
pub(super) struct Site<'a> {
    scenario: &'a Scenario,
    design: &'a Design,
    /// The component's place in the design.
    pub(super) id: ComponentId,
    /// The replication's seed, which every stream is derived from.
    seed: u64,
}

impl<'a> Site<'a> {
    /// Component `id` of `design` in `scenario`, for the replication whose
    /// seed is `seed`.
    pub(super) fn new(
        scenario: &'a Scenario,
        design: &'a Design,
        id: ComponentId,
        seed: u64,
    ) -> Self {
        Site {
            scenario,
            design,
            id,
            seed,
        }
    }

    /// The run's sampling interval (`[scenario] interval`).
    pub(super) fn interval(&self) -> SimDuration {
        self.scenario.interval
    }

    /// The month a window's bill is projected to (catalog).
    pub(super) fn month(&self) -> SimDuration {
        catalog::builtin().month.duration()
    }

    /// The backlog a queue or a fleet may hold before the run is unstable
    /// at this load (`[scenario] backlog_limit`).
    pub(super) fn backlog_limit(&self) -> u32 {
        self.scenario.backlog_limit
    }

    /// The component.
    pub(super) fn component(&self) -> &'a Component {
        &self.design.components[self.id.0]
    }

    /// The spec of component `id` of the design (a reference's target).
    pub(super) fn spec_of(&self, id: ComponentId) -> &'a ComponentSpec {
        &self.design.components[id.0].spec
    }

    /// Every component of the design with its place.
    pub(super) fn components(&self) -> impl Iterator<Item = (ComponentId, &'a ComponentSpec)> {
        let components = &self.design.components;
        components
            .iter()
            .enumerate()
            .map(|(i, c)| (ComponentId(i), &c.spec))
    }

    /// The component's calls and sends, as actors.
    /// A call to a database with `max_connections` needs a connection
    /// (to the first [`MAX_DATABASES`] such databases a component calls,
    /// far beyond any design; past them the limit is not enforced).
    pub(super) fn downstream(&self, calls: &[ComponentId], sends: &[ComponentId]) -> Downstream {
        let mut databases: Vec<ComponentId> = Vec::new();
        let connects: Vec<Option<u8>> = calls
            .iter()
            .map(|&c| match self.spec_of(c) {
                ComponentSpec::Database(db) if db.max_connections.is_some() => {
                    let index = databases.iter().position(|&d| d == c).unwrap_or_else(|| {
                        databases.push(c);
                        databases.len() - 1
                    });
                    (index < MAX_DATABASES).then_some(index as u8)
                }
                _ => None,
            })
            .collect();
        // A call to a database proxy goes on the caller's session.
        let is_proxy = |c: &ComponentId| matches!(self.spec_of(*c), ComponentSpec::DbProxy(_));
        let sessions: Vec<bool> = calls.iter().map(is_proxy).collect();
        let mut proxies: Vec<ActorId> = Vec::new();
        for &c in calls.iter().filter(|c| is_proxy(c)) {
            if !proxies.contains(&actor_of(c)) {
                proxies.push(actor_of(c));
            }
        }
        Downstream {
            calls: calls.iter().map(|&c| actor_of(c)).collect(),
            sends: sends.iter().map(|&c| actor_of(c)).collect(),
            connects: if connects.iter().any(Option::is_some) {
                connects
            } else {
                Vec::new()
            },
            databases: databases.into_iter().map(actor_of).collect(),
            sessions: if proxies.is_empty() {
                Vec::new()
            } else {
                sessions
            },
            proxies,
        }
    }

    /// The component's own stream (service times, latencies, choices),
    /// named after it.
    pub(super) fn stream(&self) -> StreamRng {
        rng::stream(self.seed, &self.component().name)
    }

    /// A fleet's lifecycle stream.
    pub(super) fn lifecycle_stream(&self) -> StreamRng {
        self.named_stream(LIFECYCLE_STREAM)
    }

    /// A fleet's Spot interruption stream.
    pub(super) fn spot_stream(&self) -> StreamRng {
        self.named_stream(SPOT_STREAM)
    }

    /// The component's stream of one concern, named `prefix` and its name,
    /// apart from its other streams.
    pub(super) fn named_stream(&self, prefix: &str) -> StreamRng {
        let name = &self.component().name;
        rng::stream(self.seed, &format!("{prefix}{name}"))
    }

    /// The stream of a fleet's bad releases (which calls they fail).
    pub(super) fn deploy_stream(&self) -> StreamRng {
        let name = &self.component().name;
        rng::stream(self.seed, &format!("{DEPLOY_STREAM}{name}"))
    }

    /// The scenario's faults that target the component, by their index in
    /// `[[faults]]`.
    pub(super) fn faults(&self) -> FaultState {
        let name = &self.component().name;
        FaultState::new(
            self.scenario
                .faults
                .iter()
                .enumerate()
                .filter(|(_, f)| &f.component == name)
                .map(|(i, f)| (i as u32, f.kind))
                .collect(),
        )
    }

    /// The catalog the scenario is billed at: its region's, with its
    /// `[prices]`.
    pub(super) fn catalog(&self) -> &'a crate::catalog::Catalog {
        &self.scenario.pricing.catalog
    }
}

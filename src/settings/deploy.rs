//! Deployments of a new release to a fleet, and recurring patching: how
//! the instances are replaced (the Elastic Beanstalk and CodeDeploy
//! policies) and what the release changes.

use crate::dist::Dist;
use crate::time::SimDuration;

/// How a deployment replaces a fleet's instances.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeployPolicy {
    /// `all_at_once`: every instance is taken out at once; the fleet has no
    /// capacity until the replacements are in service.
    AllAtOnce,
    /// `rolling`: a batch at a time is taken out, the next once its
    /// replacements are in service.
    Rolling,
    /// `rolling_with_additional_batch`: a batch is launched first, so the
    /// instances in service never drop below the fleet's size.
    RollingWithAdditionalBatch,
    /// `immutable`: a full new set is launched beside the old, which is
    /// taken out once the new set is in service.
    Immutable,
    /// `blue_green`: a new fleet is launched and health-checked out of
    /// traffic; then traffic shifts to it at once and the old one drains.
    BlueGreen,
}

impl DeployPolicy {
    /// The name scenarios write.
    pub fn name(self) -> &'static str {
        match self {
            DeployPolicy::AllAtOnce => "all_at_once",
            DeployPolicy::Rolling => "rolling",
            DeployPolicy::RollingWithAdditionalBatch => "rolling_with_additional_batch",
            DeployPolicy::Immutable => "immutable",
            DeployPolicy::BlueGreen => "blue_green",
        }
    }

    /// Whether it works a batch at a time (`batch_size` applies).
    pub fn batched(self) -> bool {
        matches!(
            self,
            DeployPolicy::Rolling | DeployPolicy::RollingWithAdditionalBatch
        )
    }
}

/// `batch_size`: a count of instances or a share of the fleet.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum BatchSize {
    /// That many instances.
    Count(u32),
    /// That percentage of the fleet's size, rounded up (at least one).
    Percent(f64),
}

impl BatchSize {
    /// The batch for a fleet of `size` instances (at least one).
    pub fn of(self, size: u32) -> u32 {
        match self {
            BatchSize::Count(n) => n.max(1),
            BatchSize::Percent(p) => ((f64::from(size) * p / 100.0).ceil() as u32).max(1),
        }
    }
}

/// What a release changes: its work per call, and the share of the calls
/// it fails (a bad release).
#[derive(Clone, Debug, Default)]
pub struct Release {
    /// `service_time`: the new release's work per call (`None`: as before).
    pub service_time: Option<Dist>,
    /// `error_rate`: the share of the calls it serves that end in an error
    /// after their work (0–1).
    pub error_rate: f64,
}

/// `patching = { every, batch_size, at }` on a fleet: every `every`, a
/// rolling replacement of its instances by patched ones (the same release).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PatchingSpec {
    /// Between two patchings.
    pub every: SimDuration,
    /// The first patching (default `every` after the start).
    pub first: SimDuration,
    /// Instances replaced at a time.
    pub batch_size: BatchSize,
}

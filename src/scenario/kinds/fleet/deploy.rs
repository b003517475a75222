//! What a fleet deploys: the `[[deployments]]` that name it (resolved in
//! each design, see `sections::deployments`) and its own `patching`.

use crate::scenario::kinds::ComponentId;
use crate::scenario::reader::values::{ANY_DURATION, POSITIVE_DURATION};
use crate::scenario::reader::{Ctx, Table};
use crate::settings::{BatchSize, DeployPolicy, PatchingSpec, Release};
use crate::time::SimTime;

/// A fleet's deployments and patching.
#[derive(Clone, Debug, Default)]
pub struct DeploySpec {
    /// The `[[deployments]]` of the fleet, in file order.
    pub deployments: Vec<DeploymentSpec>,
    /// `patching`.
    pub patching: Option<PatchingSpec>,
}

impl DeploySpec {
    /// Nothing is deployed.
    pub fn is_empty(&self) -> bool {
        self.deployments.is_empty() && self.patching.is_none()
    }
}

/// One deployment of a fleet, its alarm resolved in the design.
#[derive(Clone, Debug)]
pub struct DeploymentSpec {
    /// `at`.
    pub at: SimTime,
    /// `policy`.
    pub policy: DeployPolicy,
    /// `batch_size`.
    pub batch_size: BatchSize,
    /// `service_time` and `error_rate`.
    pub release: Release,
    /// `rollback_on`: the alarm of the design.
    pub rollback_on: Option<ComponentId>,
}

/// The default batch: one instance at a time (CodeDeploy's default
/// deployment configuration, `CodeDeployDefault.OneAtATime`).
pub const DEFAULT_BATCH: BatchSize = BatchSize::Count(1);

/// `batch_size`: a count of instances or a share such as `"25%"`.
pub(crate) fn batch_size(ctx: &mut Ctx, t: &Table) -> Option<BatchSize> {
    let v = t.get("batch_size")?;
    let expected = "a number of instances from 1 or a share such as \"25%\"";
    match v.get_ref() {
        toml::de::DeValue::String(s) => {
            let p = s
                .strip_suffix('%')
                .and_then(|n| n.trim().parse::<f64>().ok())
                .filter(|p| *p > 0.0 && *p <= 100.0);
            match p {
                Some(p) => Some(BatchSize::Percent(p)),
                None => {
                    ctx.unexpected(t.key("batch_size"), v, expected);
                    None
                }
            }
        }
        toml::de::DeValue::Integer(_) => t
            .u32(ctx, "batch_size", 1, super::MAX_INSTANCES)
            .map(BatchSize::Count),
        _ => {
            ctx.unexpected(t.key("batch_size"), v, expected);
            None
        }
    }
}

/// `patching = { every, batch_size, at }`; `Ok(None)` when absent.
pub(crate) fn read_patching(ctx: &mut Ctx, t: &Table) -> Result<Option<PatchingSpec>, ()> {
    let Some(p) = t.sub(ctx, "patching") else {
        return if t.has("patching") { Err(()) } else { Ok(None) };
    };
    p.check_keys(ctx, &["every", "batch_size", "at"]);
    let every = p.req_dur(ctx, "every", POSITIVE_DURATION);
    let first = p.dur(ctx, "at", ANY_DURATION);
    let batch = if p.has("batch_size") {
        batch_size(ctx, &p).ok_or(())?
    } else {
        DEFAULT_BATCH
    };
    let every = every.ok_or(())?;
    Ok(Some(PatchingSpec {
        every,
        first: first.unwrap_or(every),
        batch_size: batch,
    }))
}

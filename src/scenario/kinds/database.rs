//! `kind = "database"`: a generic database with a capacity and a queue.

use crate::dist::Dist;
use crate::scenario::kinds::ComponentSpec;
use crate::scenario::kinds::{Kind, Reading, Role};
use crate::scenario::reader::values::NON_NEGATIVE;
use crate::scenario::reader::{Ctx, Table};

/// `kind = "database"`.
#[derive(Clone, Debug)]
pub struct DatabaseSpec {
    /// Operations in service at once.
    pub capacity: u32,
    /// Time per operation.
    pub service_time: Dist,
    /// Bound on waiting operations; beyond it an operation is throttled (error).
    pub queue_limit: Option<u32>,
    /// `cost_per_hour` [USD/h], user-supplied (no catalog price for a generic database).
    pub cost_per_hour: f64,
    /// `cost_per_million` [USD per 1M operations], user-supplied.
    pub cost_per_million: f64,
}

pub(crate) const KIND: Kind = Kind {
    name: "database",
    named_by: &[Role::Target, Role::Call],
    read,
};

/// Most operations a database serves at once.
const MAX_CAPACITY: u32 = 1_000_000;

fn read(ctx: &mut Ctx, t: &Table, _reading: &mut Reading) -> Option<ComponentSpec> {
    t.check_keys(
        ctx,
        &[
            "kind",
            "capacity",
            "service_time",
            "queue_limit",
            "cost_per_hour",
            "cost_per_million",
        ],
    );
    let capacity = t.u32(ctx, "capacity", 1, MAX_CAPACITY);
    let service_time = t.req_dist(ctx, "service_time");
    let queue_limit = t.u32(ctx, "queue_limit", 0, u32::MAX);
    let cost_per_hour = t.num(ctx, "cost_per_hour", NON_NEGATIVE);
    let cost_per_million = t.num(ctx, "cost_per_million", NON_NEGATIVE);
    Some(ComponentSpec::Database(DatabaseSpec {
        capacity: capacity.unwrap_or(1),
        service_time: service_time?,
        queue_limit,
        cost_per_hour: cost_per_hour.unwrap_or(0.0),
        cost_per_million: cost_per_million.unwrap_or(0.0),
    }))
}

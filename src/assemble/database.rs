//! `kind = "database"` → a [`Fleet`] of one server with `capacity` workers,
//! at the prices the scenario gives.

use super::site::Site;
use crate::model::downstream::Downstream;
use crate::model::fleet::{Fleet, FleetConfig, FleetPricing};
use crate::scenario::DatabaseSpec;

/// The database of `db`.
pub(super) fn assemble(db: &DatabaseSpec, site: &Site<'_>) -> Fleet {
    Fleet::new(
        FleetConfig {
            instances: 1,
            workers: db.capacity,
            queue_limit: db.queue_limit,
            backlog_limit: site.backlog_limit(),
            service_time: db.service_time.clone(),
            downstream: Downstream::default(),
            pricing: FleetPricing::Database {
                per_hour: db.cost_per_hour,
                per_million: db.cost_per_million,
            },
            month: site.month(),
            scaling: None,
            pool_size: 0,
            max_connections: db.max_connections,
        },
        site.stream(),
        site.lifecycle_stream(),
        site.faults(),
    )
}

//! `kind = "db_proxy"` → a [`DbProxy`] holding its share of the database's
//! connections, billed per vCPU-hour of the database instance.

use super::site::{Site, actor_of};
use crate::model::db_proxy::{DbProxy, DbProxyConfig};
use crate::scenario::{ComponentSpec, DbProxySpec};

/// Prefix of the name of a proxy's pinning stream.
const PINNING_STREAM: &str = "pinning:";

/// The proxy of `p`. Its target is a database with `max_connections` and
/// `vcpus` (the scenario checked it).
pub(super) fn assemble(p: &DbProxySpec, site: &Site<'_>) -> DbProxy {
    let (max_connections, vcpus) = match site.spec_of(p.target) {
        ComponentSpec::Database(db) => (db.max_connections.unwrap_or(1), db.vcpus.unwrap_or(0)),
        _ => (1, 0),
    };
    let prices = &site.catalog().rds_proxy;
    let billed_vcpus = f64::from(vcpus).max(prices.minimum_vcpus.value);
    // A fleet instance's session stands for its pool of client connections.
    let me = site.id;
    let session_sizes = site
        .components()
        .filter_map(|(id, spec)| match spec {
            ComponentSpec::Ec2(e) if e.calls.contains(&me) => Some((actor_of(id), e.pool_size)),
            _ => None,
        })
        .collect();
    DbProxy::new(
        DbProxyConfig {
            database: actor_of(p.target),
            max_connections: p.connections(max_connections),
            borrow_timeout: p.borrow_timeout,
            pinning: p.pinning,
            session_sizes,
            per_hour: prices.vcpu_hour.value * billed_vcpus,
            month: site.month(),
        },
        site.named_stream(PINNING_STREAM),
        site.faults(),
    )
}

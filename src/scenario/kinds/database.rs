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
    /// Most connections open at once; `None`: no limit.
    pub max_connections: Option<u32>,
    /// vCPUs of the instance, which an RDS Proxy in front of it is billed
    /// by; `None` when not given.
    pub vcpus: Option<u32>,
    /// `cost_per_hour` [USD/h], user-supplied (no catalog price for a generic database).
    pub cost_per_hour: f64,
    /// `cost_per_million` [USD per 1M operations], user-supplied.
    pub cost_per_million: f64,
}

pub(crate) const KIND: Kind = Kind {
    name: "database",
    named_by: &[Role::Target, Role::Call, Role::Watched, Role::ProxyTarget],
    read,
    writes: super::fleet::WRITES,
};

/// Most operations a database serves at once.
const MAX_CAPACITY: u32 = 1_000_000;
/// Most connections a database may allow.
const MAX_CONNECTIONS: u32 = 1_000_000;
/// Most vCPUs of a database instance (RDS's largest classes have 192).
const MAX_VCPUS: u32 = 1024;

fn read(ctx: &mut Ctx, t: &Table, _reading: &mut Reading) -> Option<ComponentSpec> {
    t.check_keys(
        ctx,
        &[
            "kind",
            "capacity",
            "service_time",
            "queue_limit",
            "max_connections",
            "vcpus",
            "cost_per_hour",
            "cost_per_million",
        ],
    );
    let capacity = t.u32(ctx, "capacity", 1, MAX_CAPACITY);
    let service_time = t.req_dist(ctx, "service_time");
    let queue_limit = t.u32(ctx, "queue_limit", 0, u32::MAX);
    let max_connections = t.u32(ctx, "max_connections", 1, MAX_CONNECTIONS);
    let vcpus = t.u32(ctx, "vcpus", 1, MAX_VCPUS);
    let cost_per_hour = t.num(ctx, "cost_per_hour", NON_NEGATIVE);
    let cost_per_million = t.num(ctx, "cost_per_million", NON_NEGATIVE);
    Some(ComponentSpec::Database(DatabaseSpec {
        capacity: capacity.unwrap_or(1),
        service_time: service_time?,
        queue_limit,
        max_connections,
        vcpus,
        cost_per_hour: cost_per_hour.unwrap_or(0.0),
        cost_per_million: cost_per_million.unwrap_or(0.0),
    }))
}

#[cfg(test)]
mod tests {
    use crate::scenario::ComponentSpec;
    use crate::scenario::test_support::*;

    /// MINI's app calling a database `db` with `keys`.
    fn with_db(app_keys: &str, keys: &str) -> String {
        format!(
            "{}calls = [\"db\"]\n{app_keys}\n[designs.d.db]\nkind = \"database\"\nservice_time = \"5ms\"\n{keys}\n",
            MINI
        )
    }

    #[test]
    fn connections_are_read_with_their_defaults_and_checked() {
        let s = load_text(&with_db("", "max_connections = 100")).unwrap();
        let db = component(&s.designs[0], "db");
        let ComponentSpec::Database(db) = &db.spec else {
            panic!()
        };
        assert_eq!(db.max_connections, Some(100));
        // A pool defaults to the instance's workers.
        let ComponentSpec::Ec2(app) = &component(&s.designs[0], "app").spec else {
            panic!()
        };
        assert_eq!(app.pool_size, 4);
        let s = load_text(&with_db("pool_size = 2", "")).unwrap();
        let ComponentSpec::Database(db) = &component(&s.designs[0], "db").spec else {
            panic!()
        };
        assert_eq!(db.max_connections, None, "no limit by default");
        expect_one(
            &with_db("", "max_connections = 0"),
            "designs.d.db.max_connections",
            "max_connections",
            &["from 1 to 1000000", "(0)"],
        );
        expect_one(
            &with_db("pool_size = 0", ""),
            "designs.d.app.pool_size",
            "pool_size",
            &["from 1 to 1000000", "(0)"],
        );
        expect_one(
            &with_db("", "max_conections = 5"),
            "designs.d.db.max_conections",
            "max_conections",
            &["max_connections"],
        );
    }
}

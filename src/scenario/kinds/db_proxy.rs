//! `kind = "db_proxy"`: Amazon RDS Proxy in front of one database.

use crate::scenario::kinds::{ComponentId, ComponentSpec};
use crate::scenario::kinds::{Kind, Reading, Role, single_name};
use crate::scenario::reader::values::{DurRange, NumRange, Unit};
use crate::scenario::reader::{Ctx, Table};
use crate::time::SimDuration;

/// `kind = "db_proxy"`.
#[derive(Clone, Debug)]
pub struct DbProxySpec {
    /// `target`: the database (with `max_connections` and `vcpus`, checked
    /// once the design is resolved).
    pub target: ComponentId,
    /// `max_connections_percent`: the share of the database's
    /// `max_connections` the proxy may open (1–100, default 100).
    pub max_connections_percent: u32,
    /// `borrow_timeout`: longest wait for a connection (default 120 s).
    pub borrow_timeout: SimDuration,
    /// `pinning`: the chance that a client connection pins the database
    /// connection it borrows (0–1, default 0).
    pub pinning: f64,
}

impl DbProxySpec {
    /// The connections the proxy may open to a database allowing
    /// `max_connections`: its percentage, rounded down, at least one.
    pub fn connections(&self, max_connections: u32) -> u32 {
        (u64::from(max_connections) * u64::from(self.max_connections_percent) / 100).max(1) as u32
    }
}

pub(crate) const KIND: Kind = Kind {
    name: "db_proxy",
    named_by: &[Role::Call, Role::Watched],
    read,
    writes: &[
        "connections",
        "connection_errors",
        "borrow_wait_ms",
        "borrows_waited",
        "waiting",
    ],
};

fn read(ctx: &mut Ctx, t: &Table, reading: &mut Reading) -> Option<ComponentSpec> {
    t.check_keys(
        ctx,
        &[
            "kind",
            "target",
            "max_connections_percent",
            "borrow_timeout",
            "pinning",
        ],
    );
    let defaults = &crate::catalog::builtin().rds_proxy;
    let has_target = t.require(ctx, "target", "the name of a database");
    single_name(ctx, t, "target");
    let target = reading.refer(ctx, t, "target", Role::ProxyTarget);
    let percent = t.u32(ctx, "max_connections_percent", 1, 100);
    let timeouts = DurRange::between(
        SimDuration::ZERO,
        defaults.borrow_timeout_max_s.secs(),
        [Unit::Secs, Unit::Secs],
    );
    let borrow_timeout = t.dur(ctx, "borrow_timeout", timeouts);
    let pinning = t.num(ctx, "pinning", NumRange::closed(0.0, 1.0, "from 0 to 1"));
    if !has_target {
        return None;
    }
    Some(ComponentSpec::DbProxy(DbProxySpec {
        target: *target.first()?,
        max_connections_percent: percent
            .unwrap_or(defaults.max_connections_percent_default.value as u32),
        borrow_timeout: borrow_timeout.unwrap_or(defaults.borrow_timeout_default_s.secs()),
        pinning: pinning.unwrap_or(0.0),
    }))
}

#[cfg(test)]
mod tests {
    use crate::scenario::ComponentSpec;
    use crate::scenario::test_support::*;
    use crate::time::SimDuration;

    /// MINI's app calling a proxy with `keys` in front of a database with `db`.
    fn with_proxy(keys: &str, db: &str) -> String {
        format!(
            "{MINI}calls = [\"proxy\"]\n\n[designs.d.proxy]\nkind = \"db_proxy\"\n{keys}\n\n[designs.d.db]\nkind = \"database\"\nservice_time = \"5ms\"\n{db}\n"
        )
    }

    const DB: &str = "max_connections = 100\nvcpus = 2";

    #[test]
    fn keys_are_read_with_their_defaults() {
        let s = load_text(&with_proxy("target = \"db\"", DB)).unwrap();
        let ComponentSpec::DbProxy(p) = &component(&s.designs[0], "proxy").spec else {
            panic!()
        };
        assert_eq!(p.max_connections_percent, 100);
        assert_eq!(p.borrow_timeout, SimDuration::from_secs(120));
        assert_eq!(p.pinning, 0.0);
        assert_eq!(p.connections(100), 100);
        let s = load_text(&with_proxy(
            "target = \"db\"\nmax_connections_percent = 55\nborrow_timeout = \"2s\"\npinning = 0.25",
            DB,
        ))
        .unwrap();
        let ComponentSpec::DbProxy(p) = &component(&s.designs[0], "proxy").spec else {
            panic!()
        };
        assert_eq!(p.max_connections_percent, 55);
        assert_eq!(p.borrow_timeout, SimDuration::from_secs(2));
        assert_eq!(p.pinning, 0.25);
        assert_eq!(p.connections(101), 55, "rounded down");
        assert_eq!(p.connections(1), 1, "at least one");
    }

    #[test]
    fn bad_keys_are_refused_with_their_path() {
        for (keys, key, parts) in [
            (
                "target = \"db\"\nmax_connections_percent = 0",
                "max_connections_percent",
                &["from 1 to 100"][..],
            ),
            (
                "target = \"db\"\nmax_connections_percent = 101",
                "max_connections_percent",
                &["from 1 to 100"],
            ),
            (
                "target = \"db\"\nborrow_timeout = \"2h\"",
                "borrow_timeout",
                &["3600s"],
            ),
            (
                "target = \"db\"\npinning = 1.5",
                "pinning",
                &["from 0 to 1"],
            ),
            ("target = \"db\"\npining = 0.5", "pining", &["pinning"]),
            ("target = \"dbb\"", "target", &["no component named", "db"]),
            ("target = \"app\"", "target", &["must name a database"]),
        ] {
            expect_one(
                &with_proxy(keys, DB),
                &format!("designs.d.proxy.{key}"),
                keys.lines().last().unwrap(),
                parts,
            );
        }
        let errs = errors(&with_proxy("", DB));
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(errs[0].message.contains("missing `target`"));
    }

    #[test]
    fn the_database_needs_a_connection_limit_and_its_vcpus() {
        expect_one(
            &with_proxy("target = \"db\"", "vcpus = 2"),
            "designs.d.proxy.target",
            "target = \"db\"",
            &["max_connections"],
        );
        expect_one(
            &with_proxy("target = \"db\"", "max_connections = 100"),
            "designs.d.proxy.target",
            "target = \"db\"",
            &["vcpus", "per vCPU-hour"],
        );
        let errs = errors(&with_proxy(
            "target = \"db\"",
            "max_connections = 100\nvcpus = 0",
        ));
        assert!(
            errs.iter()
                .any(|e| e.key == "designs.d.db.vcpus" && e.message.contains("from 1 to 1024")),
            "{errs:?}"
        );
    }
}

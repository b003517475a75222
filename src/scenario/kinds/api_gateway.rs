//! `kind = "api_gateway"`: an HTTP or REST API with its throttle and timeout.

use crate::dist::Dist;
use crate::scenario::kinds::{ComponentId, ComponentSpec};
use crate::scenario::kinds::{Kind, Reading, Role, targets};
use crate::scenario::reader::values::{DurRange, POSITIVE, Unit};
use crate::scenario::reader::{Ctx, Table};
use crate::time::SimDuration;

/// API Gateway flavours (pricing).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApiType {
    /// HTTP API (default).
    Http,
    /// REST API.
    Rest,
}

/// `kind = "api_gateway"`.
#[derive(Clone, Debug)]
pub struct ApiGatewaySpec {
    /// `type`.
    pub api_type: ApiType,
    /// `targets`: requests are spread over them in turn.
    pub targets: Vec<ComponentId>,
    /// `rate`: token-bucket refill [requests/s] (default 10,000, the
    /// account-level default).
    pub rate: f64,
    /// `burst`: token-bucket capacity (default 5,000).
    pub burst: u32,
    /// `timeout`: integration timeout (50 ms–29 s, default 29 s).
    pub timeout: SimDuration,
    /// `latency` the gateway adds (default 1 ms, an assumption).
    pub latency: Dist,
}

pub(crate) const KIND: Kind = Kind {
    name: "api_gateway",
    named_by: &[Role::Call, Role::Subscriber, Role::Watched],
    read,
    writes: &["throttles"],
};

/// Defaults are the account-level ones (aws-facts.md §8).
fn read(ctx: &mut Ctx, t: &Table, reading: &mut Reading) -> Option<ComponentSpec> {
    t.check_keys(
        ctx,
        &[
            "kind", "type", "targets", "rate", "burst", "timeout", "latency",
        ],
    );
    let limits = &crate::catalog::builtin().api_gateway;
    let api_type = t.choice(
        ctx,
        "type",
        &[("http", ApiType::Http), ("rest", ApiType::Rest)],
    );
    let targets = targets(ctx, t, reading);
    let rate = t.num(ctx, "rate", POSITIVE);
    let burst = t.u32(ctx, "burst", 1, u32::MAX);
    let max_timeout = limits.integration_timeout_s.secs();
    let timeouts = DurRange::between(
        limits.min_integration_timeout_ms.millis(),
        max_timeout,
        [Unit::Millis, Unit::Secs],
    );
    let timeout = t.dur(ctx, "timeout", timeouts);
    let latency = t.dist(ctx, "latency");
    Some(ComponentSpec::ApiGateway(ApiGatewaySpec {
        api_type: api_type.unwrap_or(ApiType::Http),
        targets,
        rate: rate.unwrap_or(limits.throttle_rate_per_s.value),
        burst: burst.unwrap_or(limits.throttle_burst.value as u32),
        timeout: timeout.unwrap_or(max_timeout),
        latency: latency.unwrap_or_else(|| Dist::constant(limits.latency_ms.millis())),
    }))
}

#[cfg(test)]
mod tests {
    use crate::scenario::test_support::*;

    #[test]
    fn api_gateway_defaults_and_ranges() {
        let gw = |keys: &str| {
            format!("{MINI}\n[designs.d.gw]\nkind = \"api_gateway\"\ntargets = \"app\"\n{keys}")
        };
        let s = load_text(&gw("")).unwrap();
        let a = api_of(&s, 0, "gw");
        assert_eq!(a.api_type, ApiType::Http);
        assert_eq!(a.targets, [ComponentId(0)]);
        assert_eq!((a.rate, a.burst), (10_000.0, 5000));
        assert_eq!(a.timeout, SimDuration::from_secs(29));
        assert_dist(&a.latency, &Dist::constant(SimDuration::from_millis(1)));
        let s = load_text(&gw(
            "type = \"rest\"\nrate = 0.5\nburst = 1\ntimeout = \"50ms\"\nlatency = { dist = \"exp\", mean = \"3ms\" }\n",
        ))
        .unwrap();
        let a = api_of(&s, 0, "gw");
        assert_eq!(a.api_type, ApiType::Rest);
        assert_eq!((a.rate, a.burst), (0.5, 1));
        assert_eq!(a.timeout, SimDuration::from_millis(50));
        assert_dist(&a.latency, &Dist::exp(SimDuration::from_millis(3)).unwrap());
        load_text(&gw("timeout = \"29s\"\n")).unwrap();
        for (keys, key, parts) in [
            ("timeout = \"49ms\"", "timeout", &["from 50ms to 29s"][..]),
            ("timeout = \"29001ms\"", "timeout", &["from 50ms to 29s"]),
            ("rate = 0", "rate", &["> 0"]),
            ("burst = 0", "burst", &["an integer ≥ 1"]),
            ("type = \"websocket\"", "type", &["\"http\" or \"rest\""]),
            ("latency = 1", "latency", &["a distribution"]),
        ] {
            expect_one(&gw(keys), &format!("designs.d.gw.{key}"), keys, parts);
        }
        let text = format!("{MINI}\n[designs.d.gw]\nkind = \"api_gateway\"\n");
        let errs = errors(&text);
        assert_eq!(errs.len(), 1);
        assert!(errs[0].message.contains("missing `targets`"));
    }
}

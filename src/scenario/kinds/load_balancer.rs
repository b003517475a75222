//! `kind = "load_balancer"`: an Application or Network Load Balancer.

use crate::dist::Dist;
use crate::scenario::kinds::{ComponentId, ComponentSpec};
use crate::scenario::kinds::{Kind, Reading, Role, targets};
use crate::scenario::reader::values::{DurRange, POSITIVE, Unit, num_value};
use crate::scenario::reader::{Ctx, Table, Val, array};
use crate::settings::Routing;
use crate::time::SimDuration;

/// Load balancer flavour, for pricing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LbType {
    /// Application Load Balancer (LCU pricing).
    Alb,
    /// Network Load Balancer (NLCU pricing).
    Nlb,
}

/// `kind = "load_balancer"`.
#[derive(Clone, Debug)]
pub struct LoadBalancerSpec {
    /// `type`: `alb` (default) or `nlb`.
    pub lb_type: LbType,
    /// `routing` (default `round_robin`, the ALB default).
    pub routing: Routing,
    /// The components routed to; each instance of a fleet is one target.
    pub targets: Vec<ComponentId>,
    /// `weights`: one per entry of `targets` for `weighted` routing;
    /// `None` weighs each instance by its vCPUs.
    pub weights: Option<Vec<f64>>,
    /// Time the load balancer adds to each request on the way in.
    pub latency: Dist,
    /// `slow_start` (0 = off, the default): a newly healthy target's share
    /// of requests ramps up linearly over this long.
    pub slow_start: SimDuration,
    /// `cross_zone` (default on, as ALB): each zone's node routes to the
    /// healthy targets of every zone; off, only to its own zone's.
    pub cross_zone: bool,
}

pub(crate) const KIND: Kind = Kind {
    name: "load_balancer",
    named_by: &[Role::Target, Role::Call, Role::Subscriber, Role::Watched],
    read,
    writes: &["cross_zone_gb"],
};

const ROUTINGS: &[(&str, Routing)] = &[
    ("round_robin", Routing::RoundRobin),
    ("least_outstanding", Routing::LeastOutstanding),
    ("random", Routing::Random),
    ("power_of_two", Routing::PowerOfTwo),
    ("weighted", Routing::Weighted),
];

fn read(ctx: &mut Ctx, t: &Table, reading: &mut Reading) -> Option<ComponentSpec> {
    t.check_keys(
        ctx,
        &[
            "kind",
            "type",
            "routing",
            "targets",
            "weights",
            "latency",
            "slow_start",
            "cross_zone",
        ],
    );
    let lb_type = t.choice(ctx, "type", &[("alb", LbType::Alb), ("nlb", LbType::Nlb)]);
    let routing = t.choice(ctx, "routing", ROUTINGS);
    let targets = targets(ctx, t, reading);
    let weights = match t.get("weights") {
        None => None,
        Some(v) => {
            if t.has("routing") && routing.is_some() && routing != Some(Routing::Weighted) {
                t.err(
                    ctx,
                    "weights",
                    "`weights` only applies with routing = \"weighted\"",
                );
            } else if !t.has("routing") {
                t.err(ctx, "weights", "`weights` needs routing = \"weighted\"");
            }
            weights(ctx, &t.key("weights"), v, targets.len())
        }
    };
    let latency = t.dist(ctx, "latency");
    let catalog = crate::catalog::builtin();
    let tg = &catalog.target_group;
    // A linear ramp within the target group's bounds, or 0 to turn it off
    // (the default).
    let (min, max) = (tg.slow_start_min_s.secs(), tg.slow_start_max_s.secs());
    let off_or_between = format!(
        "0s (off) or from {} to {}",
        Unit::Secs.write(min),
        Unit::Secs.write(max)
    );
    let slow_start = t.dur(
        ctx,
        "slow_start",
        DurRange::closed(SimDuration::ZERO, max, off_or_between.clone()),
    );
    if let Some(d) = slow_start {
        if d > SimDuration::ZERO && d < min {
            t.err(
                ctx,
                "slow_start",
                format!("expected {off_or_between}, found {}s", d.as_secs_f64()),
            );
        }
        if routing == Some(Routing::LeastOutstanding) && d > SimDuration::ZERO {
            t.err(
                ctx,
                "slow_start",
                "ALB cannot combine slow start with routing = \"least_outstanding\"",
            );
        }
    }
    Some(ComponentSpec::LoadBalancer(LoadBalancerSpec {
        lb_type: lb_type.unwrap_or(LbType::Alb),
        routing: routing.unwrap_or(Routing::RoundRobin),
        targets,
        weights,
        latency: latency.unwrap_or_else(|| Dist::constant(catalog.elb.latency_ms.millis())),
        slow_start: slow_start.unwrap_or(SimDuration::ZERO),
        // ALB: cross-zone load balancing is on by default.
        cross_zone: t.bool(ctx, "cross_zone").unwrap_or(true),
    }))
}

fn weights(ctx: &mut Ctx, key: &str, v: &Val<'_>, n_targets: usize) -> Option<Vec<f64>> {
    let items = array(ctx, key, v, "an array of numbers > 0, one per target")?;
    let ws: Vec<Option<f64>> = items
        .iter()
        .map(|w| num_value(ctx, key, w, POSITIVE))
        .collect();
    if ws.len() != n_targets && n_targets > 0 {
        ctx.error(
            v.span().start,
            key,
            format!(
                "expected {n_targets} weights (one per target), found {}",
                ws.len()
            ),
        );
        return None;
    }
    ws.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use crate::scenario::test_support::*;

    #[test]
    fn load_balancer_checks() {
        let lb = "\n[designs.d.lb]\nkind = \"load_balancer\"\n";
        let text = format!("{MINI}{lb}targets = \"app\"\nweights = [1]\n");
        expect_one(
            &text,
            "designs.d.lb.weights",
            "weights",
            &["routing = \"weighted\""],
        );
        let text =
            format!("{MINI}{lb}targets = [\"app\"]\nrouting = \"weighted\"\nweights = [1, 2]\n");
        expect_one(
            &text,
            "designs.d.lb.weights",
            "weights",
            &["expected 1 weights", "found 2"],
        );
        let text =
            format!("{MINI}{lb}targets = [\"app\"]\nrouting = \"weighted\"\nweights = [0]\n");
        expect_one(&text, "designs.d.lb.weights", "weights", &["> 0"]);
        let text = format!("{MINI}{lb}targets = []\n");
        expect_one(
            &text,
            "designs.d.lb.targets",
            "targets",
            &["at least one target"],
        );
        let text = format!("{MINI}{lb}\n");
        expect_one(
            &text,
            "designs.d.lb.targets",
            "[designs.d.lb]",
            &["missing `targets`"],
        );
        let text = format!("{MINI}{lb}targets = \"q\"\n[designs.d.q]\nkind = \"queue\"\n");
        expect_one(
            &text,
            "designs.d.lb.targets",
            "targets",
            &[
                "`q` is a queue",
                "ec2, fargate, lambda, database or load_balancer",
            ],
        );
        let text = format!("{MINI}{lb}targets = \"app\"\nrouting = \"round_robbin\"\n");
        expect_one(
            &text,
            "designs.d.lb.routing",
            "routing",
            &["did you mean \"round_robin\"?"],
        );
        let text = format!(
            "{MINI}{lb}targets = [\"app\"]\nrouting = \"weighted\"\nweights = [3]\ntype = \"nlb\"\nlatency = \"2ms\"\n"
        );
        let s = load_text(&text).unwrap();
        let ComponentSpec::LoadBalancer(l) = &s.designs[0].components[1].spec else {
            panic!()
        };
        assert_eq!(l.weights, Some(vec![3.0]));
        assert_eq!(l.lb_type, LbType::Nlb);
        assert_dist(&l.latency, &Dist::constant(SimDuration::from_millis(2)));
    }
}

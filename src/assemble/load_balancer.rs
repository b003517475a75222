//! `kind = "load_balancer"` → a [`LoadBalancer`]: one target per instance
//! slot of each fleet it routes to (weighed by vCPUs unless the scenario
//! weighs them), one node per availability zone of its fleets, and the
//! prices of its type.

use super::ec2;
use super::site::{Site, actor_of};
use crate::catalog::{self, Catalog};
use crate::model::Endpoint;
use crate::model::load_balancer::{
    CapacityUnit, LbPricing, LoadBalancer, LoadBalancerConfig, Target,
};
use crate::scenario::{ComponentSpec, LbType, LoadBalancerSpec};

/// The load balancer of `lb`.
pub(super) fn assemble(lb: &LoadBalancerSpec, site: &Site<'_>) -> LoadBalancer {
    let mut targets = Vec::new();
    let mut zones = 1;
    let mut zoned_fleets = Vec::new();
    for (i, &t) in lb.targets.iter().enumerate() {
        let weight = lb.weights.as_ref().map(|w| w[i]);
        let actor = actor_of(t);
        match site.spec_of(t) {
            ComponentSpec::Ec2(e) => {
                // A group has one target per instance slot; the balancer
                // routes only to the healthy ones.
                let fleet_zones = ec2::zones(e);
                if fleet_zones > 1 {
                    zones = zones.max(fleet_zones);
                    zoned_fleets.push(actor);
                }
                // Without explicit weights an instance (or task) weighs
                // its vCPUs.
                let weight = weight.unwrap_or_else(|| ec2::vcpus(e));
                targets.extend((0..ec2::slots(e)).map(|instance| Target {
                    actor,
                    endpoint: Endpoint::Instance(instance),
                    weight,
                    zone: (fleet_zones > 1).then_some(instance % fleet_zones),
                }));
            }
            _ => targets.push(Target {
                actor,
                endpoint: Endpoint::Any,
                weight: weight.unwrap_or(1.0),
                zone: None,
            }),
        }
    }
    LoadBalancer::new(
        LoadBalancerConfig {
            pricing: pricing(catalog::builtin(), lb.lb_type),
            routing: lb.routing,
            targets,
            latency: lb.latency.clone(),
            slow_start: lb.slow_start,
            zones,
            cross_zone: lb.cross_zone,
            zoned_fleets,
        },
        site.stream(),
        site.faults(),
    )
}

/// The prices of a load balancer of type `lb_type` (catalog): an NLB's
/// capacity units are those of a TCP listener.
fn pricing(catalog: &Catalog, lb_type: LbType) -> LbPricing {
    let bytes_per_gb = catalog.units.bytes_per_gb.value;
    match lb_type {
        LbType::Alb => {
            let (p, d) = (&catalog.alb, &catalog.alb.lcu);
            LbPricing {
                hourly: p.hourly.value,
                unit_hour: p.lcu_hour.value,
                increment: p.billing_increment_s.secs(),
                unit: CapacityUnit {
                    new_connections_per_s: d.new_connections_per_s.value,
                    active_connections: d.active_connections_per_min.value,
                    processed_gb_per_h: d.processed_gb_per_h_ec2.value,
                    rule_evaluations_per_s: Some(d.rule_evaluations_per_s.value),
                },
                bytes_per_gb,
                // The ALB guide, where cross-zone balancing is always on,
                // names no transfer charge.
                inter_az_per_gb: None,
            }
        }
        LbType::Nlb => {
            let (p, d) = (&catalog.nlb, &catalog.nlb.nlcu_tcp);
            LbPricing {
                hourly: p.hourly.value,
                unit_hour: p.nlcu_hour.value,
                increment: p.billing_increment_s.secs(),
                unit: CapacityUnit {
                    new_connections_per_s: d.new_flows_per_s.value,
                    active_connections: d.active_flows.value,
                    processed_gb_per_h: d.processed_gb_per_h.value,
                    rule_evaluations_per_s: None,
                },
                bytes_per_gb,
                // AWS: "When enabling cross-zone load balancing for a
                // Network Load Balancer, EC2 data transfer charges apply"
                // (ELB guide, network/target-group-cross-zone.html).
                inter_az_per_gb: Some(catalog.data_transfer.inter_az_per_gb.value),
            }
        }
    }
}

/// Load balancers' bills against AWS's examples.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::assemble::assert_usd;
    use crate::model::load_balancer::HourUsage;
    use crate::time::SimDuration;

    #[test]
    fn alb_for_90_minutes_at_100_requests_per_second() {
        // 100 requests/s of 10 KB (10,000 bytes), one new connection each, each connection
        // open ~50 ms → 5 open on average (Little's law); ≤10 rules per request → no billable
        // rule evaluations. Hour 1 (3,600 s) and a half hour (1,800 s):
        //   new connections: 100/s ÷ 25 = 4 LCU          ← dominates
        //   processed bytes: 1 MB/s = 3.6 GB/h ÷ 1 = 3.6 LCU
        //   active connections: 5 ÷ 3,000 = 0.0017 LCU
        // LCU-hours = 4 × 1 h + 4 × 0.5 h = 6 → 6 × 0.008 = 0.048 USD
        // ALB-hours = 2 (the half hour bills in full) → 2 × 0.0225 = 0.045 USD
        // Total 0.093 USD.
        let alb = pricing(catalog::builtin(), LbType::Alb);
        let bucket = |secs: u64| HourUsage {
            span: SimDuration::from_secs(secs),
            new_connections: 100.0 * secs as f64,
            mean_active_connections: 5.0,
            processed_bytes: 100.0 * 10_000.0 * secs as f64,
            rule_evaluations: 0.0,
        };
        let usage = [bucket(3600), bucket(1800)];
        assert_usd(alb.unit_hours(&usage[0]), 4.0);
        assert_usd(alb.unit_hours(&usage[1]), 2.0);
        assert_usd(alb.cost(&usage), 0.093);
    }

    #[test]
    fn nlb_for_one_hour() {
        // 1,000 new TCP flows/s (3.6 M in the hour), 20,000 active flows, 5 GB processed:
        //   new flows: 1,000 ÷ 800 = 1.25 NLCU
        //   active flows: 20,000 ÷ 100,000 = 0.2 NLCU
        //   processed bytes: 5 GB/h ÷ 1 = 5 NLCU                ← dominates
        // 5 NLCU-h × 0.006 = 0.030 USD + 1 NLB-hour × 0.0225 = 0.0525 USD.
        let usage = [HourUsage {
            span: SimDuration::from_secs(3600),
            new_connections: 3_600_000.0,
            mean_active_connections: 20_000.0,
            processed_bytes: 5e9,
            rule_evaluations: 0.0,
        }];
        let nlb = pricing(catalog::builtin(), LbType::Nlb);
        assert_usd(nlb.cost(&usage), 0.0525);
    }

    #[test]
    fn an_hour_that_never_started_costs_nothing() {
        let alb = pricing(catalog::builtin(), LbType::Alb);
        assert_usd(alb.cost(&[HourUsage::default()]), 0.0);
        // One nanosecond into an hour bills the whole ALB-hour.
        let tick = HourUsage {
            span: SimDuration(1),
            ..HourUsage::default()
        };
        assert_usd(alb.cost(&[tick]), 0.0225);
    }
}

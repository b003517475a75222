//! `kind = "ec2"` and `kind = "fargate"` → a [`Fleet`] of instances (or
//! tasks): their prices (list, Savings Plan or Reserved discount, Spot),
//! their Auto Scaling group with its defaults, and what the load balancers
//! and queues that reach the fleet know of it (its instance slots, zones
//! and vCPUs).

use super::site::{Site, actor_of};
use crate::catalog::{self, Catalog, InstanceType};
use crate::model::fleet::{
    DeployConfig, DeploymentConfig, Ec2Billing, Fleet, FleetConfig, FleetPricing, GroupConfig,
    ScalingConfig, SpotConfig, TrackingAlarms,
};
use crate::scenario::{ComponentSpec, Ec2Spec};
use crate::settings::{AutoScalingSpec, ScalingPolicy, TerminationPolicy};

/// The fleet of `e`.
pub(super) fn assemble(e: &Ec2Spec, site: &Site<'_>) -> Fleet {
    let catalog = site.catalog();
    let (hourly_usd, spot_hourly_usd) = prices(e, catalog);
    let scaling = group(e, catalog).map(|group| ScalingConfig {
        group,
        lifecycle: e.lifecycle.clone(),
        slots: slots(e),
        load_balanced: site.components().any(|(_, spec)| match spec {
            ComponentSpec::LoadBalancer(lb) => lb.targets.contains(&site.id),
            _ => false,
        }),
        backlog_queue: site
            .components()
            .find(
                |(_, spec)| matches!(spec, ComponentSpec::Queue(q) if q.consumer == Some(site.id)),
            )
            .map(|(queue, _)| actor_of(queue)),
        spot: spot(e, catalog, site),
        zones: zones(e),
        rebalance: e.autoscaling.is_some(),
        connect_timeout: catalog.connections.connect_timeout_s.secs(),
        deploy: deploy(e, site),
    });
    Fleet::new(
        FleetConfig {
            instances: e.instances,
            workers: e.workers,
            queue_limit: e.queue_limit,
            backlog_limit: site.backlog_limit(),
            service_time: e.service_time.clone(),
            downstream: site.downstream(&e.calls, &e.sends),
            pricing: FleetPricing::Instances {
                hourly_usd,
                spot_hourly_usd,
                billing: billing(catalog),
            },
            month: site.month(),
            scaling,
            pool_size: e.pool_size,
            max_connections: None,
        },
        site.stream(),
        site.lifecycle_stream(),
        site.faults(),
    )
}

/// The catalog's instance type of an `ec2` fleet (`None` for Fargate, or a
/// type the catalog lacks).
fn instance_type<'c>(e: &Ec2Spec, catalog: &'c Catalog) -> Option<&'c InstanceType> {
    match e.fargate {
        Some(_) => None,
        None => catalog.instance_type(&e.instance_type),
    }
}

/// What an instance (or task) costs on demand and on Spot [USD/h].
fn prices(e: &Ec2Spec, catalog: &Catalog) -> (f64, f64) {
    let fargate = &catalog.fargate;
    // A task is priced by its vCPUs and memory.
    let list_usd = match e.fargate {
        Some(task) => {
            task.vcpu * fargate.vcpu_hour_x86.value + task.memory_gb * fargate.gb_hour_x86.value
        }
        None => instance_type(e, catalog).map_or(0.0, |t| t.hourly_usd),
    };
    let p = &e.purchase;
    // Without a discount the list price is billed as it is (the bills of
    // existing scenarios stay bit for bit the same).
    let hourly_usd = if p.on_demand_discount_pct > 0.0 {
        list_usd * (1.0 - p.on_demand_discount_pct / 100.0)
    } else {
        list_usd
    };
    let spot_hourly_usd = match e.fargate {
        // Fargate Spot at the catalog's prices, unless the scenario gives
        // its own discount.
        Some(task) if !p.spot_discount_given => {
            task.vcpu * fargate.spot_vcpu_hour_x86.value
                + task.memory_gb * fargate.spot_gb_hour_x86.value
        }
        _ => list_usd * (1.0 - p.spot_discount_pct / 100.0),
    };
    (hourly_usd, spot_hourly_usd)
}

/// How EC2 bills running time (catalog).
fn billing(catalog: &Catalog) -> Ec2Billing {
    Ec2Billing {
        increment: catalog.ec2_billing.increment_s.secs(),
        minimum: catalog.ec2_billing.minimum_s.secs(),
    }
}

/// Which instances run on Spot and how they are interrupted, when some may.
fn spot(e: &Ec2Spec, catalog: &Catalog, site: &Site<'_>) -> Option<SpotConfig> {
    let p = &e.purchase;
    let bands = &catalog.ec2_purchase;
    p.uses_spot().then(|| SpotConfig {
        on_demand_base: p.on_demand_base,
        spot_percent: p.spot_percent,
        rate_per_hour: p.interruptions_per_month_pct / 100.0 / bands.hours_per_month.value,
        notice: bands.spot_notice_s.secs(),
        rebalance: e.autoscaling.is_some(),
        rng: site.spot_stream(),
    })
}

/// The fleet's deployments and patching, if any.
fn deploy(e: &Ec2Spec, site: &Site<'_>) -> Option<DeployConfig> {
    (!e.deploy.is_empty()).then(|| DeployConfig {
        deployments: e
            .deploy
            .deployments
            .iter()
            .map(|d| DeploymentConfig {
                at: d.at,
                policy: d.policy,
                batch_size: d.batch_size,
                release: d.release.clone(),
                rollback_on: d.rollback_on.map(actor_of),
            })
            .collect(),
        patching: e.deploy.patching,
        rng: site.deploy_stream(),
    })
}

/// The instances of the fleet come and go: it has an `[autoscaling]`
/// group, or its instances fail, are interrupted (Spot), are spread over
/// zones (which may go down) or are replaced by deployments.
fn in_group(e: &Ec2Spec) -> bool {
    e.autoscaling.is_some()
        || e.lifecycle.mtbf.is_some()
        || e.purchase.uses_spot()
        || !e.zones.is_empty()
        || !e.deploy.is_empty()
}

/// The group of a fleet whose instances come and go: its `[autoscaling]`,
/// or for a fixed fleet a group of its size without a policy, which only
/// replaces its instances, with the catalog's defaults.
fn group(e: &Ec2Spec, catalog: &Catalog) -> Option<GroupConfig> {
    if !in_group(e) {
        return None;
    }
    let a = &catalog.autoscaling;
    let alarms = TrackingAlarms {
        high_datapoints: a.tt_high_datapoints.value as u32,
        low_datapoints: a.tt_low_datapoints.value as u32,
        low_fraction: a.tt_low_threshold.value,
    };
    let settings = match &e.autoscaling {
        Some(g) => g.clone(),
        None => AutoScalingSpec {
            min: e.instances,
            max: e.instances,
            desired: e.instances,
            policy: ScalingPolicy::None,
            scale_in_cooldown: a.default_cooldown_s.secs(),
            scale_out_cooldown: a.default_cooldown_s.secs(),
            warmup: a.default_warmup_s.secs(),
            period: a.metric_period_s.secs(),
            metric_delay: a.metric_delay_s.secs(),
            termination: TerminationPolicy::Default,
            max_scale_in: None,
            scheduled: Vec::new(),
            policies: Vec::new(),
        },
    };
    Some(GroupConfig { settings, alarms })
}

/// The instance slots of a fleet: its instances when fixed; for a group,
/// twice the largest `max` it may ever have (room for as many instances
/// draining as running), three times when it deploys (an immutable
/// deployment's new set beside the old, and the old draining), in every
/// zone (slot `i` is in zone `i % zones`, and all the capacity may have to
/// fit in one zone). A load balancer has one target per slot, a queue a
/// poller per worker of each.
pub(super) fn slots(e: &Ec2Spec) -> u32 {
    if !in_group(e) {
        return e.instances;
    }
    let max = match &e.autoscaling {
        Some(g) => g
            .scheduled
            .iter()
            .filter_map(|a| a.max)
            .fold(g.max, u32::max),
        None => e.instances,
    };
    let room = if e.deploy.is_empty() { 2 } else { 3 };
    max.saturating_mul(room).max(1).saturating_mul(zones(e))
}

/// How many availability zones the fleet spreads over (at least one).
pub(super) fn zones(e: &Ec2Spec) -> u32 {
    (e.zones.len() as u32).max(1)
}

/// The weight of one instance (or task) of the fleet in a load balancer's
/// weighted routing without explicit weights: its vCPUs.
pub(super) fn vcpus(e: &Ec2Spec) -> f64 {
    match e.fargate {
        Some(task) => task.vcpu,
        None => instance_type(e, catalog::builtin()).map_or(1.0, |t| f64::from(t.vcpus)),
    }
}

/// EC2's bills against AWS's examples.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::assemble::assert_usd;
    use crate::time::SimDuration;

    /// What one launch that ran `running` costs at `hourly_usd` [USD].
    fn ec2_cost(hourly_usd: f64, running: SimDuration) -> f64 {
        let billed = billing(catalog::builtin()).billed(running, true);
        hourly_usd * billed.as_secs_f64() / 3600.0
    }

    #[test]
    fn four_m5_large_for_80_minutes() {
        // 80 min = 4,800 s, billed per second: 0.096 USD/h × 4,800/3,600 h = 0.128 USD each;
        // × 4 instances = 0.512 USD.
        let cat = catalog::builtin();
        let hourly = cat.instance_type("m5.large").unwrap().hourly_usd;
        let one = ec2_cost(hourly, SimDuration::from_secs(80 * 60));
        assert_usd(4.0 * one, 0.512);
    }

    #[test]
    fn twenty_seconds_is_billed_as_sixty() {
        // 20 s < 60 s minimum → 60 s billed: 0.096 × 60/3,600 = 0.0016 USD.
        assert_usd(ec2_cost(0.096, SimDuration::from_secs(20)), 0.0016);
        // A started second counts in full: 90.2 s → 91 s = 0.096 × 91/3,600 = 0.0024266… USD.
        assert_usd(
            ec2_cost(0.096, SimDuration::from_millis(90_200)),
            0.096 * 91.0 / 3600.0,
        );
    }
}

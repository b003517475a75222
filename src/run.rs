//! Assembling and running simulations: one design × replication per run, many
//! runs in parallel, results in a fixed order whatever the thread count.

use crate::catalog;
use crate::engine::{ActorId, Engine};
use crate::metric::Metric;
use crate::model::api_gateway::{ApiGateway, ApiGatewayConfig};
use crate::model::client::{Arrivals, ClientActor, ClientConfig};
use crate::model::downstream::Downstream;
use crate::model::faults::FaultState;
use crate::model::fleet::{
    Ec2Billing, Fleet, FleetConfig, FleetKind, FleetPricing, ScalingConfig, SpotConfig,
    TrackingAlarms,
};
use crate::model::lambda::{Lambda, LambdaConfig, LambdaPricing};
use crate::model::load_balancer::{
    CapacityUnit, LbPricing, LoadBalancer, LoadBalancerConfig, Target,
};
use crate::model::queue::{
    Consumer, ESM_MAX_POLLERS, FIFO_CALLS_PER_SECOND, FIFO_HIGH_THROUGHPUT_CALLS_PER_SECOND, Queue,
    QueueConfig,
};
use crate::model::timers::ClientTimer;
use crate::model::topic::{DeliveryPolicy, Subscriber, Topic, TopicConfig};
use crate::model::world::World;
use crate::model::{DynComponent, Endpoint, Msg};
use crate::rng;
use crate::scenario::{
    ApiType, Architecture, AutoScalingSpec, ComponentSpec, Design, Ec2Spec, LbType, QueueType,
    ScalingPolicy, Scenario, TerminationPolicy,
};
use crate::stats::{IntervalSink, LatencySummary, RunResult};
use crate::time::{SimDuration, SimTime};

/// Name of the random stream of the arrival process. The colon keeps it
/// apart from every component name (names may not contain one).
const ARRIVAL_STREAM: &str = "arrivals:workload";
/// Name of the random stream of the client's retry jitter.
const CLIENT_STREAM: &str = "jitter:client";
/// Name of the random stream of the requests' classes.
const CLASS_STREAM: &str = "classes:workload";
/// Prefix of the name of a fleet's lifecycle stream (boot times, failures,
/// health check phases, terminations), apart from its service times.
const LIFECYCLE_STREAM: &str = "lifecycle:";
/// Prefix of the name of a fleet's Spot interruption stream.
const SPOT_STREAM: &str = "spot:";

/// Simulates design `design` of `scenario`, replication `replication`.
pub fn simulate(scenario: &Scenario, design: usize, replication: u32) -> RunResult {
    simulate_reporting(scenario, design, replication, &mut |_| {})
}

/// [`simulate`], telling `progress` the simulated time reached at each
/// stop of the loop (every interval boundary): the hook of the progress
/// bar's estimate of the time left.
pub fn simulate_reporting(
    scenario: &Scenario,
    design: usize,
    replication: u32,
    progress: &mut dyn FnMut(SimTime),
) -> RunResult {
    let d = &scenario.designs[design];
    let seed = rng::replication_seed(scenario.seed, replication);
    let warmup_end = SimTime::ZERO + scenario.warmup;
    let end = SimTime::ZERO + scenario.duration;

    let mut client = ClientActor::new(
        Arrivals::new(&scenario.workload, rng::stream(seed, ARRIVAL_STREAM)),
        ClientConfig {
            client: scenario.workload.client.clone(),
            class_shares: scenario.workload.classes.iter().map(|c| c.1).collect(),
            entry: actor_of(d.entry),
            warmup_end,
        },
        rng::stream(seed, CLIENT_STREAM),
        rng::stream(seed, CLASS_STREAM),
    );
    let first_arrival = client.first_arrival();

    let mut actors: Vec<Box<dyn DynComponent>> = vec![Box::new(client)];
    for c in &d.components {
        let faults = FaultState::new(
            scenario
                .faults
                .iter()
                .enumerate()
                .filter(|(_, f)| f.component == c.name)
                .map(|(i, f)| (i as u32, f.kind))
                .collect(),
        );
        let stream = rng::stream(seed, &c.name);
        let lifecycle = rng::stream(seed, &format!("{LIFECYCLE_STREAM}{}", c.name));
        let spot = rng::stream(seed, &format!("{SPOT_STREAM}{}", c.name));
        actors.push(build_component(d, c, [stream, lifecycle, spot], faults));
    }

    let mut engine = Engine::new();
    let mut world = World::default();
    // Reserved concurrency is carved out of the account's; the rest is
    // shared by the functions without a reservation.
    let reserved: u32 = d
        .components
        .iter()
        .filter_map(|c| match &c.spec {
            ComponentSpec::Lambda(l) => l.concurrency,
            _ => None,
        })
        .sum();
    world.lambda_pool.limit = account_concurrency().saturating_sub(reserved);
    for i in 0..actors.len() {
        engine.schedule(SimTime::ZERO, ActorId(i as u32), Msg::Start);
    }
    if let Some(t) = first_arrival {
        engine.schedule(t, ActorId(0), ClientTimer::NextArrival.into());
    }
    for (i, f) in scenario.faults.iter().enumerate() {
        if let Some(pos) = d.components.iter().position(|c| c.name == f.component) {
            let target = ActorId(pos as u32 + 1);
            let index = i as u32;
            engine.schedule(f.at, target, Msg::Fault { index, start: true });
            engine.schedule(
                f.at + f.duration,
                target,
                Msg::Fault {
                    index,
                    start: false,
                },
            );
        }
    }

    // Stops: every interval boundary, the end of the warmup, and the end.
    let mut stops: Vec<SimTime> = Vec::new();
    let mut t = SimTime::ZERO + scenario.interval;
    while t < end {
        stops.push(t);
        t += scenario.interval;
    }
    stops.push(end);
    stops.push(warmup_end);
    stops.sort();
    stops.dedup();

    let mut samples = Vec::new();
    if warmup_end == SimTime::ZERO {
        actors
            .iter_mut()
            .for_each(|a| a.start_window(SimTime::ZERO));
    }
    let mut last_sample = SimTime::ZERO;
    for stop in stops {
        engine.run_until(&mut actors, &mut world, stop);
        progress(stop);
        if stop == warmup_end {
            actors.iter_mut().for_each(|a| a.start_window(stop));
        }
        let is_boundary = stop == end || stop.0 % scenario.interval.0.max(1) == 0;
        if is_boundary && stop > last_sample {
            last_sample = stop;
            let first = samples.len();
            for (i, a) in actors.iter_mut().enumerate() {
                let mut sink = IntervalSink {
                    time: stop,
                    component: i as u32,
                    rows: &mut samples,
                };
                a.sample(stop, &mut sink);
            }
            let total_cost: f64 = samples[first..]
                .iter()
                .filter(|s| s.metric == Metric::CostUsd)
                .map(|s| s.value)
                .sum();
            let live = world.requests.live() as f64;
            let outcomes = std::mem::take(&mut world.requests.interval);
            let mut sink = IntervalSink {
                time: stop,
                component: 0,
                rows: &mut samples,
            };
            sink.put(Metric::Completions, outcomes.completed as f64);
            sink.put(Metric::Errors, outcomes.failed as f64);
            sink.put(Metric::Lost, outcomes.lost as f64);
            sink.put(Metric::ResponseP99Ms, outcomes.responses.quantile_ms(0.99));
            sink.put(Metric::InFlight, live);
            sink.put(Metric::CostUsd, total_cost);
        }
    }

    let client_report = actors[0].report(end);
    let components: Vec<_> = actors[1..].iter_mut().map(|a| a.report(end)).collect();
    let cost_usd = components.iter().map(|c| c.cost_usd).sum();
    let pending = world.requests.pending();
    let window = end.since(warmup_end);
    let o = world.requests.outcomes;
    let (requests, completed, failed, lost) = (o.requests, o.completed, o.failed, o.lost);
    debug_assert_eq!(requests, completed + failed + lost + pending);
    RunResult {
        design: d.name.clone(),
        replication,
        seed,
        requests,
        completed,
        failed,
        lost,
        pending,
        retries: client_report.handled,
        timeouts: client_report.errors,
        response: LatencySummary::of(&o.responses()),
        completion: LatencySummary::of(&o.completions()),
        throughput_rps: if window > SimDuration::ZERO {
            completed as f64 / window.as_secs_f64()
        } else {
            0.0
        },
        cost_usd,
        components,
        series_names: std::iter::once("workload".to_string())
            .chain(d.components.iter().map(|c| c.name.clone()))
            .collect(),
        series_zones: std::iter::once(Vec::new())
            .chain(d.components.iter().map(|c| match &c.spec {
                ComponentSpec::Ec2(e) => e.zones.clone(),
                _ => Vec::new(),
            }))
            .collect(),
        samples,
        events: engine.delivered(),
    }
}

/// The engine actor of a component: the workload is actor 0, the
/// components follow in design order.
fn actor_of(c: crate::scenario::ComponentId) -> ActorId {
    ActorId(c.0 as u32 + 1)
}

/// The account's Lambda concurrency (catalog).
fn account_concurrency() -> u32 {
    catalog::builtin().lambda.account_concurrency.value as u32
}

/// The group of an `ec2` fleet whose instances come and go: its
/// `[autoscaling]`, or for a fixed fleet whose instances fail, are
/// interrupted (Spot) or spread over zones (which may go down), a group of
/// its size without a policy, which only replaces them.
fn group_of(e: &Ec2Spec) -> Option<AutoScalingSpec> {
    if let Some(g) = &e.autoscaling {
        return Some(g.clone());
    }
    if e.lifecycle.mtbf.is_none() && !e.purchase.uses_spot() && e.zones.is_empty() {
        return None;
    }
    let defaults = &catalog::builtin().autoscaling;
    Some(AutoScalingSpec {
        min: e.instances,
        max: e.instances,
        desired: e.instances,
        policy: ScalingPolicy::None,
        scale_in_cooldown: secs(&defaults.default_cooldown_s),
        scale_out_cooldown: secs(&defaults.default_cooldown_s),
        warmup: secs(&defaults.default_warmup_s),
        period: secs(&defaults.metric_period_s),
        metric_delay: secs(&defaults.metric_delay_s),
        termination: TerminationPolicy::Default,
        scheduled: Vec::new(),
        max_scale_in: None,
    })
}

/// The instance slots of an `ec2` fleet: its instances when fixed; for a
/// group, twice the largest `max` it may ever have (room for as many
/// instances draining as running), in every zone (slot `i` is in zone
/// `i % zones`, and all the capacity may have to fit in one zone).
fn fleet_slots(e: &Ec2Spec) -> u32 {
    match group_of(e) {
        None => e.instances,
        Some(g) => {
            let max = g
                .scheduled
                .iter()
                .filter_map(|a| a.max)
                .fold(g.max, u32::max);
            let zones = (e.zones.len() as u32).max(1);
            max.saturating_mul(2).max(1).saturating_mul(zones)
        }
    }
}

/// A catalog duration [s].
fn secs(q: &catalog::Sourced) -> SimDuration {
    SimDuration::from_secs_f64(q.value)
}

/// How EC2 bills running time (catalog).
fn ec2_billing(catalog: &catalog::Catalog) -> Ec2Billing {
    Ec2Billing {
        increment: secs(&catalog.ec2_billing.increment_s),
        minimum: secs(&catalog.ec2_billing.minimum_s),
    }
}

/// The alarms of target tracking (catalog).
fn tracking_alarms(catalog: &catalog::Catalog) -> TrackingAlarms {
    let a = &catalog.autoscaling;
    TrackingAlarms {
        high_datapoints: a.tt_high_datapoints.value as u32,
        low_datapoints: a.tt_low_datapoints.value as u32,
        low_fraction: a.tt_low_threshold.value,
    }
}

/// The prices of a load balancer of type `lb_type` (catalog): an NLB's
/// capacity units are those of a TCP listener.
fn lb_pricing(catalog: &catalog::Catalog, lb_type: LbType) -> LbPricing {
    let bytes_per_gb = catalog.units.bytes_per_gb.value;
    match lb_type {
        LbType::Alb => {
            let (p, d) = (&catalog.alb, &catalog.alb.lcu);
            LbPricing {
                hourly: p.hourly.value,
                unit_hour: p.lcu_hour.value,
                increment: secs(&p.billing_increment_s),
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
                increment: secs(&p.billing_increment_s),
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

/// Builds the simulated component for `c`, drawing from `stream` (a
/// scaling fleet's lifecycle from `lifecycle`, its Spot interruptions from
/// `spot`), subject to `faults`.
fn build_component(
    d: &Design,
    c: &crate::scenario::Component,
    [stream, lifecycle, spot]: [rng::StreamRng; 3],
    faults: FaultState,
) -> Box<dyn DynComponent> {
    let me = d
        .components
        .iter()
        .position(|x| std::ptr::eq(x, c))
        .map(crate::scenario::ComponentId);
    match &c.spec {
        ComponentSpec::Ec2(e) => {
            let catalog = catalog::builtin();
            let fargate = &catalog.fargate;
            // A task is priced by its vCPUs and memory.
            let list_usd = match e.fargate {
                Some(task) => {
                    task.vcpu * fargate.vcpu_hour_x86.value
                        + task.memory_gb * fargate.gb_hour_x86.value
                }
                None => catalog
                    .instance_type(&e.instance_type)
                    .map_or(0.0, |t| t.hourly_usd),
            };
            let p = &e.purchase;
            // Without a discount the list price is billed as it is (the
            // bills of existing scenarios stay bit for bit the same).
            let hourly_usd = if p.on_demand_discount_pct > 0.0 {
                list_usd * (1.0 - p.on_demand_discount_pct / 100.0)
            } else {
                list_usd
            };
            let spot_hourly_usd = match e.fargate {
                // Fargate Spot at the catalog's prices, unless the scenario
                // gives its own discount.
                Some(task) if !p.spot_discount_given => {
                    task.vcpu * fargate.spot_vcpu_hour_x86.value
                        + task.memory_gb * fargate.spot_gb_hour_x86.value
                }
                _ => list_usd * (1.0 - p.spot_discount_pct / 100.0),
            };
            let bands = &catalog.ec2_purchase;
            let spot_config = p.uses_spot().then(|| SpotConfig {
                on_demand_base: p.on_demand_base,
                spot_percent: p.spot_percent,
                rate_per_hour: p.interruptions_per_month_pct / 100.0 / bands.hours_per_month.value,
                notice: SimDuration::from_secs_f64(bands.spot_notice_s.value),
                rebalance: e.autoscaling.is_some(),
                rng: spot,
            });
            let scaling = group_of(e).map(|group| ScalingConfig {
                group,
                alarms: tracking_alarms(catalog),
                lifecycle: e.lifecycle.clone(),
                slots: fleet_slots(e),
                load_balanced: d.components.iter().any(|x| match &x.spec {
                    ComponentSpec::LoadBalancer(lb) => me.is_some_and(|m| lb.targets.contains(&m)),
                    _ => false,
                }),
                backlog_queue: d
                    .components
                    .iter()
                    .position(|x| match &x.spec {
                        ComponentSpec::Queue(q) => me.is_some() && q.consumer == me,
                        _ => false,
                    })
                    .map(|i| actor_of(crate::scenario::ComponentId(i))),
                spot: spot_config,
                zones: e.zones.clone(),
                rebalance: e.autoscaling.is_some(),
            });
            Box::new(Fleet::new(
                FleetConfig {
                    name: c.name.clone(),
                    kind: if e.fargate.is_some() {
                        FleetKind::Fargate
                    } else {
                        FleetKind::Ec2
                    },
                    instances: e.instances,
                    workers: e.workers,
                    queue_limit: e.queue_limit,
                    service_time: e.service_time.clone(),
                    downstream: Downstream {
                        calls: e.calls.iter().map(|&t| actor_of(t)).collect(),
                        sends: e.sends.iter().map(|&t| actor_of(t)).collect(),
                    },
                    pricing: FleetPricing::Ec2 {
                        hourly_usd,
                        spot_hourly_usd,
                        billing: ec2_billing(catalog),
                    },
                    scaling,
                },
                stream,
                lifecycle,
                faults,
            ))
        }
        ComponentSpec::Database(db) => Box::new(Fleet::new(
            FleetConfig {
                name: c.name.clone(),
                kind: FleetKind::Database,
                instances: 1,
                workers: db.capacity,
                queue_limit: db.queue_limit,
                service_time: db.service_time.clone(),
                downstream: Downstream::default(),
                pricing: FleetPricing::Database {
                    per_hour: db.cost_per_hour,
                    per_million: db.cost_per_million,
                },
                scaling: None,
            },
            stream,
            lifecycle,
            faults,
        )),
        ComponentSpec::LoadBalancer(lb) => {
            let mut targets = Vec::new();
            let mut zones = 1;
            let mut zoned_fleets = Vec::new();
            for (i, &t) in lb.targets.iter().enumerate() {
                let weight_of_target = lb.weights.as_ref().map(|w| w[i]);
                match &d.components[t.0].spec {
                    ComponentSpec::Ec2(e) => {
                        // Without explicit weights an instance (or task)
                        // weighs its vCPUs.
                        let vcpus = match e.fargate {
                            Some(task) => task.vcpu,
                            None => catalog::builtin()
                                .instance_type(&e.instance_type)
                                .map_or(1.0, |t| f64::from(t.vcpus)),
                        };
                        // A group has one target per instance slot; the
                        // balancer routes only to the healthy ones.
                        let fleet_zones = e.zones.len() as u32;
                        if fleet_zones > 1 {
                            zones = zones.max(fleet_zones);
                            zoned_fleets.push(actor_of(t));
                        }
                        for instance in 0..fleet_slots(e) {
                            targets.push(Target {
                                actor: actor_of(t),
                                endpoint: Endpoint::Instance(instance),
                                weight: weight_of_target.unwrap_or(vcpus),
                                zone: (fleet_zones > 1).then(|| instance % fleet_zones),
                            });
                        }
                    }
                    _ => targets.push(Target {
                        actor: actor_of(t),
                        endpoint: Endpoint::Any,
                        weight: weight_of_target.unwrap_or(1.0),
                        zone: None,
                    }),
                }
            }
            Box::new(LoadBalancer::new(
                LoadBalancerConfig {
                    name: c.name.clone(),
                    pricing: lb_pricing(catalog::builtin(), lb.lb_type),
                    routing: lb.routing,
                    targets,
                    latency: lb.latency.clone(),
                    slow_start: lb.slow_start,
                    zones,
                    cross_zone: lb.cross_zone,
                    zoned_fleets,
                },
                stream,
                faults,
            ))
        }
        ComponentSpec::Queue(q) => {
            let catalog = catalog::builtin();
            let consumer = q.consumer.and_then(|c| match &d.components[c.0].spec {
                // A group's pollers poll only while their instance runs.
                ComponentSpec::Ec2(e) => Some(Consumer {
                    actor: actor_of(c),
                    instances: fleet_slots(e),
                    workers: e.workers,
                    event_source_mapping: false,
                }),
                // An event source mapping: at most one batch per unit of
                // the function's concurrency.
                ComponentSpec::Lambda(l) => Some(Consumer {
                    actor: actor_of(c),
                    instances: 1,
                    workers: l
                        .concurrency
                        .unwrap_or(account_concurrency())
                        .min(ESM_MAX_POLLERS),
                    event_source_mapping: true,
                }),
                _ => None,
            });
            let (price, calls_per_second) = match q.queue_type {
                QueueType::Standard => (catalog.sqs.standard_per_million.value, None),
                QueueType::Fifo => (
                    catalog.sqs.fifo_per_million.value,
                    Some(if q.high_throughput {
                        FIFO_HIGH_THROUGHPUT_CALLS_PER_SECOND
                    } else {
                        FIFO_CALLS_PER_SECOND
                    }),
                ),
            };
            Box::new(Queue::new(
                QueueConfig {
                    name: c.name.clone(),
                    queue_type: q.queue_type,
                    consumer,
                    dead_letter: q.dead_letter.map(actor_of),
                    visibility_timeout: q.visibility_timeout,
                    max_receives: q.max_receives,
                    retention: q.retention,
                    delay: q.delay,
                    batch_size: q.batch_size,
                    batching_window: q.batching_window,
                    partial_batch_responses: q.report_batch_item_failures,
                    wait_time: q.wait_time,
                    groups: q.groups,
                    duplicate_probability: q.duplicate_probability,
                    calls_per_second,
                    latency: q.latency.clone(),
                    message_bytes: q.message_bytes,
                    price_per_million: price,
                    chunk_bytes: catalog.sqs.billing_chunk_bytes.value,
                },
                stream,
                faults,
            ))
        }
        ComponentSpec::Topic(t) => {
            let sns = &catalog::builtin().sns;
            let subscribers = t
                .subscriptions
                .iter()
                .map(|sub| Subscriber {
                    actor: actor_of(sub.target),
                    filter: sub
                        .filter
                        .as_ref()
                        .map(|f| f.iter().map(|&i| i as u8).collect()),
                    policy: match d.components[sub.target.0].spec {
                        ComponentSpec::Queue(_) | ComponentSpec::Lambda(_) => {
                            DeliveryPolicy::AwsManaged
                        }
                        _ => DeliveryPolicy::Http,
                    },
                })
                .collect();
            Box::new(Topic::new(
                TopicConfig {
                    name: c.name.clone(),
                    subscribers,
                    latency: t.latency.clone(),
                    publish_per_million: sns.publish_per_million.value,
                    http_delivery_per_million: sns.http_delivery_per_million.value,
                },
                stream,
                faults,
            ))
        }
        ComponentSpec::Lambda(l) => {
            let catalog = catalog::builtin();
            let lp = &catalog.lambda;
            let per_gb_second = match l.architecture {
                Architecture::X86_64 => lp.gb_second_x86.value,
                Architecture::Arm64 => lp.gb_second_arm64.value,
            };
            let per_10s = lp.scale_up_per_10s.value;
            Box::new(Lambda::new(
                LambdaConfig {
                    name: c.name.clone(),
                    memory_mb: l.memory_mb,
                    service_time: l.service_time.clone(),
                    cold_start: l.cold_start.clone(),
                    keep_alive: l.keep_alive.clone(),
                    reserved: l.concurrency,
                    provisioned: l.provisioned,
                    timeout: l.timeout,
                    scale_rate: per_10s / 10.0,
                    scale_burst: per_10s,
                    downstream: Downstream {
                        calls: l.calls.iter().map(|&t| actor_of(t)).collect(),
                        sends: l.sends.iter().map(|&t| actor_of(t)).collect(),
                    },
                    pricing: LambdaPricing {
                        per_request: lp.request_per_million.value / 1e6,
                        per_gb_second,
                        // The reference gives x86 provisioned prices only.
                        provisioned_per_gb_second: lp.provisioned_gb_second_x86.value,
                        provisioned_allocation_per_gb_second: lp
                            .provisioned_allocation_gb_second_x86
                            .value,
                        granularity: SimDuration::from_secs_f64(
                            lp.billing_granularity_ms.value / 1e3,
                        ),
                    },
                    event_retries: l.async_retries,
                    max_event_age: l.max_event_age,
                    on_failure: l.on_failure.map(actor_of),
                },
                stream,
                faults,
            ))
        }
        ComponentSpec::ApiGateway(a) => {
            let prices = &catalog::builtin().api_gateway;
            let per_million = match a.api_type {
                ApiType::Http => prices.http_per_million.value,
                ApiType::Rest => prices.rest_per_million.value,
            };
            Box::new(ApiGateway::new(
                ApiGatewayConfig {
                    name: c.name.clone(),
                    targets: a.targets.iter().map(|&t| actor_of(t)).collect(),
                    rate: a.rate,
                    burst: f64::from(a.burst),
                    timeout: a.timeout,
                    latency: a.latency.clone(),
                    per_request: per_million / 1e6,
                },
                stream,
                faults,
            ))
        }
    }
}

/// The catalog's prices as the models bill them, against AWS's examples.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::load_balancer::HourUsage;

    /// Dollar amounts are compared to a millionth of a cent: far tighter than "to the cent",
    /// loose enough for f64 rounding.
    fn assert_usd(actual: f64, expected: f64) {
        assert!(
            (actual - expected).abs() < 1e-8,
            "expected ${expected}, got ${actual}"
        );
    }

    /// What one launch that ran `running` costs at `hourly_usd` [USD].
    fn ec2_cost(hourly_usd: f64, running: SimDuration) -> f64 {
        let billed = ec2_billing(catalog::builtin()).billed(running, true);
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
        let alb = lb_pricing(catalog::builtin(), LbType::Alb);
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
        let nlb = lb_pricing(catalog::builtin(), LbType::Nlb);
        assert_usd(nlb.cost(&usage), 0.0525);
    }

    #[test]
    fn an_hour_that_never_started_costs_nothing() {
        let alb = lb_pricing(catalog::builtin(), LbType::Alb);
        assert_usd(alb.cost(&[HourUsage::default()]), 0.0);
        // One nanosecond into an hour bills the whole ALB-hour.
        let tick = HourUsage {
            span: SimDuration(1),
            ..HourUsage::default()
        };
        assert_usd(alb.cost(&[tick]), 0.0225);
    }
}

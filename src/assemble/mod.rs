//! Assembling and running one simulation: the only layer that knows both
//! the scenario and the models.
//!
//! For one design × replication it turns every component's spec into its
//! model, with the catalog's prices and defaults resolved and its
//! references made engine actors, wires them on a fresh engine with their
//! random streams and faults, and runs the engine, sampling every component
//! at each interval boundary.
//!
//! One file per kind turns a spec into a model: `ec2` (EC2 and Fargate
//! fleets), `database`, `db_proxy`, `load_balancer`, `queue`, `topic`, `lambda`,
//! `api_gateway`, and `client` for the workload. `site` is what they know
//! of the design around their component. [`model_of`] is where a new kind
//! gets its line.

mod alarm;
mod api_gateway;
mod client;
mod database;
mod db_proxy;
mod ec2;
mod lambda;
mod load_balancer;
mod queue;
mod site;
mod topic;
mod transfer;

use crate::catalog;
use crate::engine::{ActorId, Engine};
use crate::metric::Metric;
use crate::model::Msg;
use crate::model::client::ClientTimer;
use crate::model::hosted::Hosted;
use crate::model::monthly::Projection;
use crate::model::world::World;
use crate::rng;
use crate::scenario::{ComponentId, ComponentSpec, Scenario};
use crate::stats::{ComponentReport, IntervalSink, LatencySummary, RunResult, Unstable};
use crate::time::{SimDuration, SimTime};
use site::{Site, actor_of, component_of};

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

    let mut client = client::assemble(scenario, d, seed);
    let first_arrival = client.first_arrival();
    let mut actors: Vec<Hosted> = vec![client.into()];
    for i in 0..d.components.len() {
        actors.push(model_of(&Site::new(scenario, d, ComponentId(i), seed)));
    }

    let mut engine = Engine::new();
    let mut world = World::default();
    world.lambda_pool.limit = lambda::unreserved(d);
    for i in 0..actors.len() {
        engine.schedule(SimTime::ZERO, ActorId(i as u32), Msg::Start);
    }
    if let Some(t) = first_arrival {
        engine.schedule_in_series(t, ActorId(0), ClientTimer::NextArrival.into());
    }
    for (i, f) in scenario.faults.iter().enumerate() {
        if let Some(pos) = d.components.iter().position(|c| c.name == f.component) {
            let target = actor_of(ComponentId(pos));
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
    // A backlog that reached its limit ends the run at the next stop: what
    // follows would only measure a queue growing without bound.
    let mut ended = end;
    for stop in stops {
        engine.run_until(&mut actors, &mut world, stop);
        if stop == warmup_end {
            actors.iter_mut().for_each(|a| a.start_window(stop));
        }
        let is_boundary = stop == end || stop.0 % scenario.interval.0.max(1) == 0;
        let unstable = world.overflow.is_some();
        if (is_boundary || unstable) && stop > last_sample {
            last_sample = stop;
            sample(&mut actors, &mut world, stop, &mut samples);
        }
        if unstable {
            ended = stop;
            progress(end);
            break;
        }
        progress(stop);
    }
    let end = ended;

    let client_report = actors[0].report(end);
    let mut components: Vec<_> = actors[1..]
        .iter_mut()
        .zip(&d.components)
        .map(|(a, c)| ComponentReport {
            name: c.name.clone(),
            kind: c.spec.kind_name().to_string(),
            ..a.report(end)
        })
        .collect();
    let pending = world.requests.pending();
    let window = if end > warmup_end {
        end.since(warmup_end)
    } else {
        SimDuration::ZERO
    };
    world.requests.settle_interval();
    let o = world.requests.outcomes;
    transfer::bill(
        &scenario.pricing.catalog,
        d,
        o.responses().count(),
        window,
        &mut components,
    );
    let cost_usd = components.iter().map(|c| c.cost_usd).sum();
    let monthly_cost_usd = components.iter().map(|c| c.monthly_cost_usd).sum();
    let per_second = |n: u64| {
        if window > SimDuration::ZERO {
            n as f64 / window.as_secs_f64()
        } else {
            0.0
        }
    };
    let (requests, completed, failed, lost) = (o.requests, o.completed, o.failed, o.lost);
    debug_assert_eq!(requests, completed + failed + lost + pending);
    let unserved = requests - completed;
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
        response_p99_all_ms: o.completed_responses().percentile_counting_ms(99, unserved),
        completion_p99_all_ms: o.completions().percentile_counting_ms(99, unserved),
        throughput_rps: per_second(completed + failed + lost),
        goodput_rps: per_second(completed),
        cost_usd,
        monthly_cost_usd,
        windows_per_month: Projection {
            month: catalog::builtin().month.duration(),
            window,
        }
        .windows(),
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
        unstable: world.overflow.map(|o| Unstable {
            component: component_of(o.actor)
                .map_or("workload", |c| &d.components[c.0].name)
                .to_string(),
            at: o.at,
        }),
    }
}

/// The model of the component at `site`. The compiler makes this match name
/// every kind of component: a new kind adds its line here.
fn model_of(site: &Site<'_>) -> Hosted {
    match &site.component().spec {
        ComponentSpec::LoadBalancer(lb) => load_balancer::assemble(lb, site).into(),
        ComponentSpec::Ec2(e) => ec2::assemble(e, site).into(),
        ComponentSpec::Database(db) => database::assemble(db, site).into(),
        ComponentSpec::Queue(q) => queue::assemble(q, site).into(),
        ComponentSpec::Topic(t) => Hosted::other(topic::assemble(t, site)),
        ComponentSpec::Lambda(l) => lambda::assemble(l, site).into(),
        ComponentSpec::ApiGateway(a) => Hosted::other(api_gateway::assemble(a, site)),
        ComponentSpec::Alarm(a) => Hosted::other(alarm::assemble(a, site)),
        ComponentSpec::DbProxy(p) => Hosted::other(db_proxy::assemble(p, site)),
    }
}

/// Samples every actor for the interval that ends at `now`, then the run's
/// own series (as the workload's): outcomes, requests in flight, and the
/// total of the components' costs.
fn sample(
    actors: &mut [Hosted],
    world: &mut World,
    now: SimTime,
    samples: &mut Vec<crate::stats::Sample>,
) {
    let first = samples.len();
    for (i, a) in actors.iter_mut().enumerate() {
        let mut sink = IntervalSink {
            time: now,
            component: i as u32,
            rows: samples,
        };
        a.sample(now, &mut sink);
    }
    let total_cost: f64 = samples[first..]
        .iter()
        .filter(|s| s.metric == Metric::CostUsd)
        .map(|s| s.value)
        .sum();
    let live = world.requests.live() as f64;
    let outcomes = world.requests.end_interval();
    let mut sink = IntervalSink {
        time: now,
        component: 0,
        rows: samples,
    };
    sink.put(Metric::Completions, outcomes.completed as f64);
    sink.put(Metric::Errors, outcomes.failed as f64);
    sink.put(Metric::Lost, outcomes.lost as f64);
    sink.put(Metric::ResponseP99Ms, outcomes.response_p99_ms);
    sink.put(Metric::InFlight, live);
    sink.put(Metric::CostUsd, total_cost);
    if !world.watched.is_empty() {
        world.watched.publish(&samples[first..]);
    }
}

/// Dollar amounts are compared to a millionth of a cent: far tighter than
/// "to the cent", loose enough for f64 rounding.
#[cfg(test)]
fn assert_usd(actual: f64, expected: f64) {
    assert!(
        (actual - expected).abs() < 1e-8,
        "expected ${expected}, got ${actual}"
    );
}

/// The checklist of a new kind, run: every kind scenarios may write is
/// read, assembled into a model, simulated, and reported under its name.
#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use super::*;
    use crate::scenario::{kind_names, load_str};

    /// One component of every kind, all reached by the workload: a gateway
    /// before a balancer before a fleet that calls a database, sends to a
    /// queue a function consumes and publishes to a topic a Fargate service
    /// subscribes to, and an alarm on the fleet's errors notifying that
    /// topic. A new kind joins it here.
    const EVERY_KIND: &str = r#"[scenario]
name = "every-kind"
duration = "2min"

[workload]
rate = 20

[designs.all]
entry = "gateway"

[designs.all.gateway]
kind = "api_gateway"
targets = "balancer"

[designs.all.balancer]
kind = "load_balancer"
targets = "app"

[designs.all.app]
kind = "ec2"
instance_type = "m5.large"
workers = 8
service_time = "5ms"
calls = ["db", "proxy"]
sends = ["jobs", "events"]

[designs.all.db]
kind = "database"
capacity = 8
service_time = "2ms"
cost_per_hour = 0.5
max_connections = 100
vcpus = 2

[designs.all.proxy]
kind = "db_proxy"
target = "db"

[designs.all.jobs]
kind = "queue"
consumer = "worker"

[designs.all.worker]
kind = "lambda"
runtime = "python3.12"
service_time = "5ms"

[designs.all.events]
kind = "topic"
subscribers = "tasks"

[designs.all.tasks]
kind = "fargate"
vcpu = 0.25
memory_gb = 0.5
service_time = "5ms"

[designs.all.app-errors]
kind = "alarm"
component = "app"
metric = "errors"
statistic = "sum"
evaluation_periods = 1
comparison = ">"
threshold = 0
ok_actions = "events"
"#;

    #[test]
    fn every_kind_is_read_assembled_run_and_reported() {
        let scenario = load_str(EVERY_KIND, Path::new("every-kind.toml"), &[])
            .unwrap_or_else(|e| panic!("{e}"));
        let run = simulate(&scenario, 0, 0);
        let reported: BTreeSet<&str> = run.components.iter().map(|c| c.kind.as_str()).collect();
        let kinds: BTreeSet<&str> = kind_names().collect();
        assert_eq!(
            reported, kinds,
            "EVERY_KIND lacks a kind, or has one too many"
        );
        for c in &run.components {
            assert!(c.handled > 0, "{} ({}) handled nothing", c.name, c.kind);
            // Every kind that bills the window projects its month too.
            assert!(
                c.cost_usd == 0.0 || c.monthly_cost_usd > c.cost_usd,
                "{} ({}) bills ${} in 2 minutes but ${} a month",
                c.name,
                c.kind,
                c.cost_usd,
                c.monthly_cost_usd
            );
        }
        assert_eq!(run.failed + run.lost, 0);
    }
}

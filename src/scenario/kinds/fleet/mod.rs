//! What EC2 and Fargate fleets share: their keys and bounds, and the reader
//! of their size or Auto Scaling group, work, health checks, draining,
//! failures and purchase options.

mod autoscaling;
pub(crate) mod deploy;
mod health_check;
mod purchase;

use crate::dist::Dist;
use crate::scenario::kinds::ComponentId;
use crate::scenario::kinds::{Reading, Role};
use crate::scenario::reader::values::{DurRange, POSITIVE_DURATION, Unit};
use crate::scenario::reader::{Ctx, Table};
use crate::settings::{AutoScalingSpec, LifecycleSpec};
use crate::time::SimDuration;
pub use deploy::{DeploySpec, DeploymentSpec};
pub use purchase::PurchaseSpec;

// Our own bounds, not AWS's: far above any real fleet, low enough that
// instances × workers (every worker a queue poller) can neither overflow nor
// exhaust memory.

/// Most instances of a fleet.
pub(crate) const MAX_INSTANCES: u32 = 10_000;

/// Most workers per instance.
const MAX_WORKERS: u32 = 1_000;

/// What may name a fleet: load balancers and gateways route to it, other
/// components call it, queues feed its workers, topics deliver to it.
/// The metrics of its own a fleet (ec2, fargate, a database) writes to
/// `timeseries.csv` each interval.
pub(crate) const WRITES: &[&str] = &[
    "utilization",
    "waiting",
    "instances",
    "pending",
    "draining",
    "desired",
    "scaling_events",
    "interruptions",
    "connections",
    "connection_errors",
    "deploying",
    "new_release",
    "rollbacks",
];

pub(crate) const NAMED_BY: &[Role] = &[
    Role::Target,
    Role::Call,
    Role::Consumer,
    Role::Subscriber,
    Role::Watched,
    Role::ScalingAction,
];

/// Most connections an instance's pool holds to one database.
const MAX_POOL_SIZE: u32 = 1_000_000;

/// The keys every fleet has, besides its kind's own.
const KEYS: &[&str] = &[
    "workers",
    "queue_limit",
    "service_time",
    "calls",
    "pool_size",
    "sends",
    "autoscaling",
    "health_check",
    "deregistration_delay",
    "mtbf",
    "purchase",
    "on_demand_base",
    "spot_percent",
    "interruption_frequency",
    "spot_discount",
    "savings_plan",
    "patching",
];

/// `kind = "ec2"`: a fleet of identical instances, fixed or in an Auto
/// Scaling group.
#[derive(Clone)]
pub struct Ec2Spec {
    /// A type from the catalog, e.g. `m5.large`.
    pub instance_type: String,
    /// Number of instances (the group's `desired` at time zero when it scales).
    pub instances: u32,
    /// Requests served at once per instance.
    pub workers: u32,
    /// Per-instance accept queue bound; beyond it a request gets a 503.
    pub queue_limit: Option<u32>,
    /// Connections an instance keeps to each database with a connection
    /// limit it calls (`pool_size`; default its workers).
    pub pool_size: u32,
    /// Compute time per request (before the calls).
    pub service_time: Dist,
    /// Synchronous calls made one after another while the worker is held.
    pub calls: Vec<ComponentId>,
    /// Asynchronous sends (queues, topics, functions) after the work.
    pub sends: Vec<ComponentId>,
    /// `[autoscaling]`: an Auto Scaling group sizes the fleet; `instances`
    /// is then its initial desired capacity.
    pub autoscaling: Option<AutoScalingSpec>,
    /// The instance lifecycle (boot, health checks, draining, failures).
    pub lifecycle: LifecycleSpec,
    /// `purchase` and its options: on demand, Spot, or a mix; discounts.
    pub purchase: PurchaseSpec,
    /// `Some` for a `fargate` service: a fleet whose instances are its
    /// tasks (`tasks`), started in the task start-up time (`start_time`,
    /// held in `lifecycle.boot_time`) and billed per vCPU and GB.
    pub fargate: Option<FargateSpec>,
    /// `zones`: the availability zones the fleet spreads over, by name;
    /// empty when not given (one zone, no zone model).
    pub zones: Vec<String>,
    /// Its deployments (from `[[deployments]]`) and `patching`.
    pub deploy: DeploySpec,
}

/// Written by hand only to leave out `deploy` when the fleet deploys
/// nothing: the scenario's run keys hash this text, and fleets that deploy
/// nothing keep the keys they had before deployments existed (their
/// folders stay reusable). The destructuring has no `..`, so a new field
/// does not compile until it is added here.
impl std::fmt::Debug for Ec2Spec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Ec2Spec {
            instance_type,
            instances,
            workers,
            queue_limit,
            pool_size,
            service_time,
            calls,
            sends,
            autoscaling,
            lifecycle,
            purchase,
            fargate,
            zones,
            deploy,
        } = self;
        let mut s = f.debug_struct("Ec2Spec");
        s.field("instance_type", instance_type)
            .field("instances", instances)
            .field("workers", workers)
            .field("queue_limit", queue_limit)
            .field("pool_size", pool_size)
            .field("service_time", service_time)
            .field("calls", calls)
            .field("sends", sends)
            .field("autoscaling", autoscaling)
            .field("lifecycle", lifecycle)
            .field("purchase", purchase)
            .field("fargate", fargate)
            .field("zones", zones);
        if !deploy.is_empty() {
            s.field("deploy", deploy);
        }
        s.finish()
    }
}

/// `kind = "fargate"`: the size of one task.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FargateSpec {
    /// `vcpu`: 0.25, 0.5, 1, 2, 4, 8 or 16.
    pub vcpu: f64,
    /// `memory_gb`.
    pub memory_gb: f64,
}

/// What a fleet kind reads itself; [`read`] reads the rest.
#[derive(Debug)]
pub(crate) struct Own {
    /// The EC2 instance type (empty for Fargate tasks).
    pub(crate) instance_type: String,
    /// The size of a Fargate task.
    pub(crate) fargate: Option<FargateSpec>,
    /// The availability zones, empty for one zone.
    pub(crate) zones: Vec<String>,
    /// Launch → running.
    pub(crate) boot_time: Dist,
    /// Running → the application answers.
    pub(crate) start_time: Dist,
}

/// The keys of a fleet kind.
#[derive(Debug)]
pub(crate) struct Keys {
    /// Those the kind reads itself, besides the size.
    pub(crate) own: &'static [&'static str],
    /// The size of a fixed fleet: `instances`, `tasks`.
    pub(crate) size: &'static str,
    /// The message when the size is given with `autoscaling`.
    pub(crate) size_with_autoscaling: String,
}

/// Reads what EC2 and Fargate fleets share: their size (or Auto Scaling
/// group), workers, work, calls and sends, health checks, draining,
/// failures and purchase options; reports every key that is neither the
/// kind's nor a fleet's. `own` is what the kind read itself, `None` after a
/// problem.
pub(crate) fn read(
    ctx: &mut Ctx,
    t: &Table,
    reading: &mut Reading,
    keys: Keys,
    own: Option<Own>,
) -> Option<Ec2Spec> {
    t.check_keys(ctx, &[keys.own, &[keys.size], KEYS].concat());
    let purchase = purchase::read(ctx, t);
    let scaling = t.sub(ctx, "autoscaling");
    let group = scaling
        .as_ref()
        .map(|a| autoscaling::read(ctx, a, MAX_INSTANCES));
    if t.has("autoscaling") && t.has(keys.size) {
        t.err(ctx, keys.size, keys.size_with_autoscaling);
    }
    let instances = t.u32(ctx, keys.size, 1, MAX_INSTANCES);
    let workers = t.u32(ctx, "workers", 1, MAX_WORKERS);
    let queue_limit = t.u32(ctx, "queue_limit", 0, u32::MAX);
    let pool_size = t.u32(ctx, "pool_size", 1, MAX_POOL_SIZE);
    let service_time = t.req_dist(ctx, "service_time");
    let calls = reading.refer(ctx, t, "calls", Role::Call);
    let sends = reading.refer(ctx, t, "sends", Role::Send);
    let health_check = health_check::read(ctx, t);
    let tg = &crate::catalog::builtin().target_group;
    let delays = DurRange::between(
        SimDuration::ZERO,
        tg.deregistration_delay_max_s.secs(),
        [Unit::Secs, Unit::Secs],
    );
    let deregistration_delay = t.dur(ctx, "deregistration_delay", delays);
    let mtbf = t.dur(ctx, "mtbf", POSITIVE_DURATION);
    let patching = deploy::read_patching(ctx, t);
    let autoscaling = match group {
        Some(g) => Some(g?),
        None => None,
    };
    let own = own?;
    Some(Ec2Spec {
        instance_type: own.instance_type,
        instances: autoscaling
            .as_ref()
            .map_or(instances.unwrap_or(1), |g| g.desired),
        workers: workers.unwrap_or(1),
        queue_limit,
        pool_size: pool_size.or(workers).unwrap_or(1),
        service_time: service_time?,
        calls,
        sends,
        autoscaling,
        lifecycle: LifecycleSpec {
            boot_time: own.boot_time,
            start_time: own.start_time,
            health_check: health_check?,
            deregistration_delay: deregistration_delay.unwrap_or(tg.deregistration_delay_s.secs()),
            mtbf,
        },
        purchase: purchase?,
        fargate: own.fargate,
        zones: own.zones,
        deploy: DeploySpec {
            deployments: Vec::new(),
            patching: patching.ok()?,
        },
    })
}

#[cfg(test)]
mod tests {
    use crate::scenario::test_support::*;

    #[test]
    fn autoscaling_policies_and_lifecycle() {
        let auto = "\n[designs.d.app.autoscaling]\nmin = 1\nmax = 4\n";
        // Step scaling: steps sorted from the most extreme bound.
        let steps = "policy = \"step\"\nsteps = [{ above = 70, change = 1 }, { above = 90, change = 3 }, { below = 20, change = -1 }]\ndatapoints = 2\nevaluation_periods = 3\n";
        let s = load_text(&format!("{MINI}{auto}{steps}")).unwrap();
        let ComponentSpec::Ec2(e) = &s.designs[0].components[0].spec else {
            panic!()
        };
        let ScalingPolicy::Step {
            steps,
            datapoints,
            evaluation_periods,
            ..
        } = &e.autoscaling.as_ref().unwrap().policy
        else {
            panic!()
        };
        assert_eq!((*datapoints, *evaluation_periods), (2, 3));
        let bounds: Vec<f64> = steps.iter().map(|s| s.bound).collect();
        assert_eq!(bounds, [90.0, 70.0, 20.0]);
        let text =
            format!("{MINI}{auto}policy = \"step\"\nsteps = [{{ above = 70, change = -1 }}]\n");
        expect_one(
            &text,
            "designs.d.app.autoscaling.steps[0].change",
            "change = -1",
            &["expected `change` > 0"],
        );
        let text =
            format!("{MINI}{auto}policy = \"step\"\nsteps = [{{ abve = 70, change = 1 }}]\n");
        let errors = errors(&text);
        expect(
            &errors,
            "designs.d.app.autoscaling.steps[0].abve",
            Some(line_of(&text, "abve")),
            &["did you mean `above`?"],
        );
        let text = format!("{MINI}{auto}target = 50\nscale_in_cooldwn = \"1m\"\n");
        expect_one(
            &text,
            "designs.d.app.autoscaling.scale_in_cooldwn",
            "scale_in_cooldwn",
            &["did you mean `scale_in_cooldown`?"],
        );
        // Scheduled actions, in order.
        let sched = "policy = \"scheduled\"\nscheduled = [{ at = \"8h\", min = 3, desired = 4 }, { at = \"20h\", desired = 1 }]\n";
        let s = load_text(&format!("{MINI}{auto}{sched}")).unwrap();
        let ComponentSpec::Ec2(e) = &s.designs[0].components[0].spec else {
            panic!()
        };
        let g = e.autoscaling.as_ref().unwrap();
        assert_eq!(g.policy, ScalingPolicy::None);
        assert_eq!(g.scheduled.len(), 2);
        assert_eq!(
            g.scheduled[0].at,
            SimTime::ZERO + SimDuration::from_secs(8 * 3600)
        );
        assert_eq!(
            (
                g.scheduled[0].min,
                g.scheduled[0].max,
                g.scheduled[0].desired
            ),
            (Some(3), None, Some(4))
        );
        let text = format!(
            "{MINI}{auto}policy = \"scheduled\"\nscheduled = [{{ at = \"8h\", desired = 4 }}, {{ at = \"2h\", desired = 1 }}]\n"
        );
        expect_one(
            &text,
            "designs.d.app.autoscaling.scheduled[1].at",
            "scheduled = [",
            &["strictly increasing"],
        );
        // Health checks and draining.
        let text = edit(
            "workers = 4",
            "workers = 4\nhealth_check = { interval = \"10s\", healthy_threshold = 3 }\nderegistration_delay = \"30s\"\nmtbf = \"2h\"",
        );
        let s = load_text(&text).unwrap();
        let ComponentSpec::Ec2(e) = &s.designs[0].components[0].spec else {
            panic!()
        };
        let hc = e.lifecycle.health_check;
        assert_eq!(hc.interval, SimDuration::from_secs(10));
        assert_eq!(hc.timeout, SimDuration::from_secs(5));
        assert_eq!((hc.healthy_threshold, hc.unhealthy_threshold), (3, 2));
        assert_eq!(e.lifecycle.deregistration_delay, SimDuration::from_secs(30));
        assert_eq!(e.lifecycle.mtbf, Some(SimDuration::from_secs(7200)));
        let text = edit(
            "workers = 4",
            "workers = 4\nhealth_check = { interval = \"5s\", timeout = \"6s\" }",
        );
        expect_one(
            &text,
            "designs.d.app.health_check.timeout",
            "health_check",
            &["shorter than the interval"],
        );
        let text = edit(
            "workers = 4",
            "workers = 4\nhealth_check = { intervall = \"5s\" }",
        );
        expect_one(
            &text,
            "designs.d.app.health_check.intervall",
            "health_check",
            &["did you mean `interval`?"],
        );
        let text = format!("{MINI}{auto}metric = \"backlog_per_instance\"\ntarget = 100\n");
        expect_one(
            &text,
            "designs.d.app.autoscaling.metric",
            "[designs.d.app]",
            &["needs a queue whose `consumer` is `app`"],
        );
        let lb = "[designs.d]\nentry = \"alb\"\n\n[designs.d.alb]\nkind = \"load_balancer\"\ntargets = \"app\"\n";
        let with_lb = MINI.replace("[designs.d]\nentry = \"app\"\n", lb);
        let s = load_text(&with_lb.replace(
            "targets = \"app\"",
            "targets = \"app\"\nslow_start = \"2m\"",
        ))
        .unwrap();
        let ComponentSpec::LoadBalancer(l) = &s.designs[0].components[0].spec else {
            panic!()
        };
        assert_eq!(l.slow_start, SimDuration::from_secs(120));
        let text = with_lb.replace(
            "targets = \"app\"",
            "targets = \"app\"\nrouting = \"least_outstanding\"\nslow_start = \"2m\"",
        );
        expect_one(
            &text,
            "designs.d.alb.slow_start",
            "slow_start",
            &["cannot combine slow start"],
        );
        let text = with_lb.replace(
            "targets = \"app\"",
            "targets = \"app\"\nslow_start = \"10s\"",
        );
        expect_one(
            &text,
            "designs.d.alb.slow_start",
            "slow_start",
            &["from 30s to 900s"],
        );
        let text = edit("workers = 4", "workers = 4\nderegistration_delay = \"2h\"");
        expect_one(
            &text,
            "designs.d.app.deregistration_delay",
            "deregistration_delay",
            &["from 0s to 3600s"],
        );
    }
}

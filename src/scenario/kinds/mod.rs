//! Component kinds: what `kind = "…"` may be, which references may name
//! each kind, and the reader of each kind's table (one file per kind).

pub(crate) mod api_gateway;
pub(crate) mod database;
pub(crate) mod ec2;
pub(crate) mod fargate;
pub(crate) mod fleet;
pub(crate) mod lambda;
pub(crate) mod load_balancer;
pub(crate) mod queue;
pub(crate) mod topic;

use crate::dist::Dist;
use crate::scenario::kinds::api_gateway::component_api_gateway;
use crate::scenario::kinds::database::component_database;
use crate::scenario::kinds::ec2::component_ec2;
use crate::scenario::kinds::fargate::component_fargate;
use crate::scenario::kinds::lambda::component_lambda;
use crate::scenario::kinds::load_balancer::component_load_balancer;
use crate::scenario::kinds::queue::component_queue;
use crate::scenario::kinds::topic::component_topic;
use crate::scenario::reader::text::one_of;
use crate::scenario::reader::{Ctx, NameRef, Table, Val, check_name};
use crate::scenario::spec::{
    ApiGatewaySpec, AutoScalingSpec, ComponentId, ComponentSpec, DatabaseSpec, Ec2Spec,
    FargateSpec, LambdaSpec, LbType, LifecycleSpec, LoadBalancerSpec, PurchaseSpec, QueueSpec,
    Routing, Subscription, TopicSpec,
};
use crate::time::SimDuration;
use toml::Spanned;
use toml::de::DeValue;

/// Component kinds, as written in `kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    LoadBalancer,
    ApiGateway,
    Ec2,
    Fargate,
    Lambda,
    Database,
    Queue,
    Topic,
}

pub(crate) const KINDS: &[(&str, Kind)] = &[
    ("load_balancer", Kind::LoadBalancer),
    ("api_gateway", Kind::ApiGateway),
    ("ec2", Kind::Ec2),
    ("fargate", Kind::Fargate),
    ("lambda", Kind::Lambda),
    ("database", Kind::Database),
    ("queue", Kind::Queue),
    ("topic", Kind::Topic),
];

impl Kind {
    pub(crate) fn name(self) -> &'static str {
        KINDS
            .iter()
            .find(|(_, k)| *k == self)
            .map_or("?", |(n, _)| n)
    }
}

/// What load balancers route to.
pub(crate) const SYNC_TARGETS: &[Kind] = &[
    Kind::Ec2,
    Kind::Fargate,
    Kind::Lambda,
    Kind::Database,
    Kind::LoadBalancer,
];

/// What `calls` may name.
pub(crate) const CALLABLE: &[Kind] = &[
    Kind::Ec2,
    Kind::Fargate,
    Kind::Lambda,
    Kind::Database,
    Kind::LoadBalancer,
    Kind::ApiGateway,
];

/// What `sends` may name.
pub(crate) const SENDABLE: &[Kind] = &[Kind::Queue, Kind::Topic, Kind::Lambda];

/// What consumes a queue.
pub(crate) const CONSUMERS: &[Kind] = &[Kind::Ec2, Kind::Fargate, Kind::Lambda];

/// What a topic delivers to (queues, functions, HTTP endpoints).
pub(crate) const SUBSCRIBERS: &[Kind] = &[
    Kind::Queue,
    Kind::Lambda,
    Kind::Ec2,
    Kind::Fargate,
    Kind::LoadBalancer,
    Kind::ApiGateway,
];

pub(crate) const QUEUES: &[Kind] = &[Kind::Queue];

pub(crate) const ANY_KIND: &[Kind] = &[
    Kind::LoadBalancer,
    Kind::ApiGateway,
    Kind::Ec2,
    Kind::Fargate,
    Kind::Lambda,
    Kind::Database,
    Kind::Queue,
    Kind::Topic,
];

/// How a component refers to another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    /// Load balancer or API gateway target (synchronous).
    Target,
    /// `calls` (synchronous).
    Call,
    /// `sends` (asynchronous).
    Send,
    /// A queue's `consumer`.
    Consumer,
    /// A queue's `dead_letter`.
    DeadLetter,
    /// One of a topic's `subscribers`.
    Subscriber,
    /// A function's `on_failure` destination.
    OnFailure,
}

impl Role {
    pub(crate) fn is_sync(self) -> bool {
        matches!(self, Role::Target | Role::Call)
    }
}

/// A reference to another component, before resolution.
#[derive(Clone, Debug)]
pub(crate) struct Ref {
    pub(crate) to: NameRef,
    pub(crate) role: Role,
    pub(crate) allowed: &'static [Kind],
}

/// A component's settings, all valid, waiting for its references to be
/// resolved within a design.
#[derive(Clone, Debug)]
pub(crate) enum Partial {
    LoadBalancer {
        lb_type: LbType,
        routing: Routing,
        weights: Option<Vec<f64>>,
        latency: Dist,
        slow_start: SimDuration,
        cross_zone: bool,
    },
    Ec2 {
        instance_type: String,
        instances: u32,
        workers: u32,
        queue_limit: Option<u32>,
        service_time: Dist,
        /// Boxed: far larger than the other settings.
        autoscaling: Option<Box<AutoScalingSpec>>,
        lifecycle: Box<LifecycleSpec>,
        purchase: PurchaseSpec,
        fargate: Option<FargateSpec>,
        zones: Vec<String>,
    },
    Database(DatabaseSpec),
    /// `consumer` and `dead_letter` are filled in from the references.
    Queue(QueueSpec),
    Topic {
        /// One per `Role::Subscriber` reference, in the same order.
        filters: Vec<Option<Vec<usize>>>,
        latency: Dist,
    },
    /// `calls` and `sends` are filled in from the references. Boxed: by far
    /// the largest variant.
    Lambda(Box<LambdaSpec>),
    /// `targets` are filled in from the references.
    ApiGateway(ApiGatewaySpec),
}

impl Partial {
    pub(crate) fn build(&self, refs: &[(Role, ComponentId)]) -> ComponentSpec {
        let with = |role: Role| -> Vec<ComponentId> {
            refs.iter()
                .filter(|(r, _)| *r == role)
                .map(|(_, id)| *id)
                .collect()
        };
        match self {
            Partial::LoadBalancer {
                lb_type,
                routing,
                weights,
                latency,
                slow_start,
                cross_zone,
            } => ComponentSpec::LoadBalancer(LoadBalancerSpec {
                lb_type: *lb_type,
                routing: *routing,
                targets: with(Role::Target),
                weights: weights.clone(),
                latency: latency.clone(),
                slow_start: *slow_start,
                cross_zone: *cross_zone,
            }),
            Partial::Ec2 {
                instance_type,
                instances,
                workers,
                queue_limit,
                service_time,
                autoscaling,
                lifecycle,
                purchase,
                fargate,
                zones,
            } => ComponentSpec::Ec2(Ec2Spec {
                instance_type: instance_type.clone(),
                instances: *instances,
                workers: *workers,
                queue_limit: *queue_limit,
                service_time: service_time.clone(),
                calls: with(Role::Call),
                sends: with(Role::Send),
                autoscaling: autoscaling.as_deref().cloned(),
                lifecycle: (**lifecycle).clone(),
                purchase: purchase.clone(),
                fargate: *fargate,
                zones: zones.clone(),
            }),
            Partial::Database(spec) => ComponentSpec::Database(spec.clone()),
            Partial::Queue(spec) => ComponentSpec::Queue(QueueSpec {
                consumer: with(Role::Consumer).first().copied(),
                dead_letter: with(Role::DeadLetter).first().copied(),
                ..spec.clone()
            }),
            Partial::Topic { filters, latency } => ComponentSpec::Topic(TopicSpec {
                subscriptions: with(Role::Subscriber)
                    .into_iter()
                    .zip(filters)
                    .map(|(target, filter)| Subscription {
                        target,
                        filter: filter.clone(),
                    })
                    .collect(),
                latency: latency.clone(),
            }),
            Partial::Lambda(spec) => ComponentSpec::Lambda(LambdaSpec {
                calls: with(Role::Call),
                sends: with(Role::Send),
                on_failure: with(Role::OnFailure).first().copied(),
                ..(**spec).clone()
            }),
            Partial::ApiGateway(spec) => ComponentSpec::ApiGateway(ApiGatewaySpec {
                targets: with(Role::Target),
                ..spec.clone()
            }),
        }
    }
}

/// A component as read, before it is placed in a design.
#[derive(Debug)]
pub(crate) struct Raw {
    pub(crate) name: String,
    pub(crate) path: String,
    pub(crate) at: usize,
    /// `None` when `kind` is missing or unknown (then nothing else was read).
    pub(crate) kind: Option<Kind>,
    pub(crate) refs: Vec<Ref>,
    /// `None` when the component has problems.
    pub(crate) spec: Option<Partial>,
}

/// Reads the component `name` at `path`; `classes` are the request classes
/// of `[workload] classes` (`None` when they are invalid), for topic filters.
pub(crate) fn component(
    ctx: &mut Ctx,
    path: String,
    name: &str,
    name_at: usize,
    value: &Val<'_>,
    classes: Option<&[&str]>,
) -> Option<Raw> {
    let t = Table::of(ctx, path.clone(), value, "a component table with a `kind`")?;
    check_name(ctx, name_at, &path, name, "component");
    let kinds: Vec<&str> = KINDS.iter().map(|(n, _)| *n).collect();
    let kind = if t.require(ctx, "kind", &one_of(&kinds, false)) {
        t.choice(ctx, "kind", KINDS)
    } else {
        None
    };
    let mut refs = Vec::new();
    let r = &mut refs;
    let spec = match kind {
        // Without a kind we cannot tell which keys are valid: say nothing more.
        None => None,
        Some(Kind::LoadBalancer) => component_load_balancer(ctx, &t, r),
        Some(Kind::ApiGateway) => component_api_gateway(ctx, &t, r),
        Some(Kind::Ec2) => component_ec2(ctx, &t, r),
        Some(Kind::Fargate) => component_fargate(ctx, &t, r),
        Some(Kind::Lambda) => component_lambda(ctx, &t, r),
        Some(Kind::Database) => component_database(ctx, &t, r),
        Some(Kind::Queue) => component_queue(ctx, &t, r, name),
        Some(Kind::Topic) => component_topic(ctx, &t, r, classes),
    };
    Some(Raw {
        name: name.to_string(),
        path,
        at: t.at,
        kind,
        refs,
        spec,
    })
}

/// `targets`: at least one, of a synchronous kind. Returns how many.
pub(crate) fn targets(ctx: &mut Ctx, t: &Table, refs: &mut Vec<Ref>) -> usize {
    if !t.require(ctx, "targets", "a component name or an array of names") {
        return 0;
    }
    let n = t.refs(ctx, refs, "targets", Role::Target, SYNC_TARGETS);
    if n == 0
        && matches!(t.get("targets").map(Spanned::get_ref), Some(DeValue::Array(a)) if a.is_empty())
    {
        t.err(
            ctx,
            "targets",
            "expected at least one target, found an empty array",
        );
    }
    n
}

#[cfg(test)]
mod tests {
    use crate::scenario::test_support::*;

    #[test]
    fn other_kinds_validate() {
        let extra = r#"
[designs.d.gw]
kind = "api_gateway"
type = "rest"
targets = ["fn"]
rate = 100
burst = 50
timeout = "30s"

[designs.d.fn]
kind = "lambda"
runtime = "python3.13"
memory_mb = 64
service_time = "5ms"
concurrency = 5
provisioned = 6
timeout = "901s"
architecture = "arm"

[designs.d.f]
kind = "fargate"
vcpu = 3
memory_gb = 4
tasks = 2
service_time = "5ms"

[designs.d.q]
kind = "queue"
type = "standard"
groups = 2
retention = "30s"
wait_time = "21s"
batch_size = 11
max_receives = 0
duplicate_probability = 1.5
high_throughput = "yes"
"#;
        let text = format!("{MINI}{extra}");
        let errs = errors(&text);
        let at = |n: &str| Some(line_of(&text, n));
        expect(
            &errs,
            "designs.d.gw.timeout",
            at("\"30s\""),
            &["from 50ms to 29s", "\"30s\""],
        );
        expect(
            &errs,
            "designs.d.fn.memory_mb",
            at("memory_mb"),
            &["from 128 to 10240"],
        );
        expect(
            &errs,
            "designs.d.fn.provisioned",
            at("provisioned"),
            &["at most `concurrency` (5)"],
        );
        expect(
            &errs,
            "designs.d.fn.timeout",
            at("901s"),
            &["from 1s to 900s"],
        );
        expect(
            &errs,
            "designs.d.fn.architecture",
            at("arm\""),
            &["\"x86_64\" or \"arm64\""],
        );
        expect(&errs, "designs.d.f.vcpu", at("vcpu"), &["0.25"]);
        expect(&errs, "designs.d.q.groups", at("groups"), &["fifo"]);
        expect(
            &errs,
            "designs.d.q.retention",
            at("retention"),
            &["from 60s to 14d"],
        );
        expect(
            &errs,
            "designs.d.q.wait_time",
            at("wait_time"),
            &["from 0s to 20s"],
        );
        expect(
            &errs,
            "designs.d.q.batch_size",
            at("batch_size"),
            &["batch of 11", "`batching_window` of at least 1s"],
        );
        expect(
            &errs,
            "designs.d.q.max_receives",
            at("max_receives"),
            &["from 1 to 1000"],
        );
        expect(
            &errs,
            "designs.d.q.duplicate_probability",
            at("duplicate"),
            &["from 0 to 1"],
        );
        expect(
            &errs,
            "designs.d.q.high_throughput",
            at("high_throughput"),
            &["true or false"],
        );
        assert_eq!(errs.len(), 13, "{}", ScenarioErrors(errs.clone()));
        let bad_runtime = format!(
            "{MINI}\n[designs.d.fn]\nkind = \"lambda\"\nruntime = \"python3.8\"\nservice_time = \"1ms\"\n"
        );
        expect_one(
            &bad_runtime,
            "designs.d.fn.runtime",
            "python3.8",
            &["did you mean \"python3.9\"?"],
        );
    }
}

//! Component kinds, one file each: the kind's spec (what the simulation
//! reads), its name, the references that may name it, the reader of its
//! table (its keys, defaults and checks) and its tests. [`KINDS`] lists
//! them. Adding a kind is adding its file, a `mod` line, a line to
//! [`KINDS`] and its variant of [`ComponentSpec`] (whose matches the
//! compiler then asks to complete); ARCHITECTURE.md has the whole
//! checklist, model and assembler included.

pub(crate) mod alarm;
mod api_gateway;
mod database;
mod db_proxy;
mod ec2;
mod fargate;
pub(crate) mod fleet;
mod lambda;
mod load_balancer;
mod queue;
mod topic;

use toml::Spanned;
use toml::de::DeValue;

use crate::scenario::reader::text::{Quoted, one_of};
use crate::scenario::reader::{Ctx, NameRef, Table, Val, check_name};
use crate::settings::Protocol;
pub use alarm::{AlarmMetric, AlarmSpec, PolicyRef};
pub use api_gateway::{ApiGatewaySpec, ApiType};
pub use database::DatabaseSpec;
pub use db_proxy::DbProxySpec;
pub use fleet::{DeploySpec, DeploymentSpec, Ec2Spec, FargateSpec, PurchaseSpec};
pub use lambda::{Architecture, LambdaSpec};
pub use load_balancer::{LbType, LoadBalancerSpec};
pub use queue::{QueueSpec, QueueType};
pub use topic::{EndpointSpec, Subscription, TopicSpec};

/// Index of a component within its design.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ComponentId(pub usize);

/// The kinds of component and their validated settings: a new kind adds
/// its variant, and the compiler asks for its arms in the matches on it.
// Specs are built once per run and read while components are assembled:
// the size of the largest variant costs nothing worth boxing for.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug)]
pub enum ComponentSpec {
    /// `kind = "load_balancer"`.
    LoadBalancer(LoadBalancerSpec),
    /// `kind = "ec2"`.
    Ec2(Ec2Spec),
    /// `kind = "database"`.
    Database(DatabaseSpec),
    /// `kind = "queue"` (SQS).
    Queue(QueueSpec),
    /// `kind = "topic"` (SNS).
    Topic(TopicSpec),
    /// `kind = "lambda"`.
    Lambda(LambdaSpec),
    /// `kind = "api_gateway"`.
    ApiGateway(ApiGatewaySpec),
    /// `kind = "alarm"` (CloudWatch).
    Alarm(AlarmSpec),
    /// `kind = "db_proxy"` (RDS Proxy).
    DbProxy(DbProxySpec),
}

impl ComponentSpec {
    /// The `kind` string as written in scenarios and in `components.csv`.
    pub fn kind_name(&self) -> &'static str {
        self.kind().name
    }

    /// The kind of the component.
    fn kind(&self) -> &'static Kind {
        match self {
            ComponentSpec::LoadBalancer(_) => &load_balancer::KIND,
            ComponentSpec::Ec2(e) if e.fargate.is_some() => &fargate::KIND,
            ComponentSpec::Ec2(_) => &ec2::KIND,
            ComponentSpec::Database(_) => &database::KIND,
            ComponentSpec::Queue(_) => &queue::KIND,
            ComponentSpec::Topic(_) => &topic::KIND,
            ComponentSpec::Lambda(_) => &lambda::KIND,
            ComponentSpec::ApiGateway(_) => &api_gateway::KIND,
            ComponentSpec::Alarm(_) => &alarm::KIND,
            ComponentSpec::DbProxy(_) => &db_proxy::KIND,
        }
    }

    /// The component hands work on asynchronously: a queue or a topic, or
    /// a fleet or function with `sends`. Whoever sent it was answered
    /// before that work was done.
    pub fn hands_work_on(&self) -> bool {
        match self {
            ComponentSpec::Queue(_) | ComponentSpec::Topic(_) => true,
            ComponentSpec::Ec2(e) => !e.sends.is_empty(),
            ComponentSpec::Lambda(l) => !l.sends.is_empty(),
            ComponentSpec::LoadBalancer(_)
            | ComponentSpec::Database(_)
            | ComponentSpec::ApiGateway(_)
            | ComponentSpec::DbProxy(_)
            | ComponentSpec::Alarm(_) => false,
        }
    }

    /// Every link to another component, in the spec's order, with what the
    /// link is: `routes` (a load balancer's or API's targets) and `calls`
    /// are synchronous; `sends`, `consumer` (a queue's poller),
    /// `dead_letter`, `subscription` and `on_failure` hand work on
    /// asynchronously. The report's diagram draws these.
    pub fn links(&self) -> Vec<(ComponentId, &'static str)> {
        let tag = |ids: &[ComponentId], what: &'static str| -> Vec<(ComponentId, &'static str)> {
            ids.iter().map(|&id| (id, what)).collect()
        };
        match self {
            ComponentSpec::LoadBalancer(lb) => tag(&lb.targets, "routes"),
            ComponentSpec::ApiGateway(a) => tag(&a.targets, "routes"),
            // The proxy forwards every call to its database.
            ComponentSpec::DbProxy(p) => tag(&[p.target], "routes"),
            ComponentSpec::Ec2(e) => [tag(&e.calls, "calls"), tag(&e.sends, "sends")].concat(),
            ComponentSpec::Database(_) => Vec::new(),
            ComponentSpec::Queue(q) => [
                tag(q.consumer.as_slice(), "consumer"),
                tag(q.dead_letter.as_slice(), "dead_letter"),
            ]
            .concat(),
            ComponentSpec::Topic(t) => t
                .subscriptions
                .iter()
                .map(|s| (s.target, "subscription"))
                .collect(),
            ComponentSpec::Lambda(l) => [
                tag(&l.calls, "calls"),
                tag(&l.sends, "sends"),
                tag(l.on_failure.as_slice(), "on_failure"),
            ]
            .concat(),
            // An alarm watches a component's metric and notifies topics
            // (a topic of both its ALARM and OK actions is one link).
            // and scales groups by their policies (once per group).
            ComponentSpec::Alarm(a) => {
                let once = |ids: &mut dyn Iterator<Item = ComponentId>| {
                    let mut unique: Vec<ComponentId> = Vec::new();
                    for t in ids {
                        if !unique.contains(&t) {
                            unique.push(t);
                        }
                    }
                    unique
                };
                let topics = once(&mut a.alarm_actions.iter().chain(&a.ok_actions).copied());
                let groups = once(
                    &mut a
                        .alarm_policies
                        .iter()
                        .chain(&a.ok_policies)
                        .map(|p| p.group),
                );
                [
                    tag(&[a.component], "watches"),
                    tag(&topics, "notifies"),
                    tag(&groups, "scales"),
                ]
                .concat()
            }
        }
    }

    /// Every reference to another component, to fill in or rewrite.
    pub fn references_mut(&mut self) -> Vec<&mut ComponentId> {
        match self {
            ComponentSpec::LoadBalancer(lb) => lb.targets.iter_mut().collect(),
            ComponentSpec::Ec2(e) => e.calls.iter_mut().chain(&mut e.sends).collect(),
            ComponentSpec::Database(_) => Vec::new(),
            ComponentSpec::Queue(q) => q.consumer.iter_mut().chain(&mut q.dead_letter).collect(),
            ComponentSpec::Topic(t) => t.subscriptions.iter_mut().map(|s| &mut s.target).collect(),
            ComponentSpec::Lambda(l) => l
                .calls
                .iter_mut()
                .chain(&mut l.sends)
                .chain(&mut l.on_failure)
                .collect(),
            ComponentSpec::ApiGateway(a) => a.targets.iter_mut().collect(),
            ComponentSpec::DbProxy(p) => vec![&mut p.target],
            ComponentSpec::Alarm(a) => std::iter::once(&mut a.component)
                .chain(&mut a.alarm_actions)
                .chain(&mut a.ok_actions)
                .chain(a.alarm_policies.iter_mut().map(|p| &mut p.group))
                .chain(a.ok_policies.iter_mut().map(|p| &mut p.group))
                .collect(),
        }
    }

    /// The catalog prices the component's bill uses (their `[prices]`
    /// keys): a region that lacks one of them cannot bill the component
    /// unless the scenario sets it.
    pub fn billed_prices(&self) -> Vec<String> {
        let keys = |keys: &[&str]| keys.iter().map(|k| k.to_string()).collect();
        match self {
            ComponentSpec::LoadBalancer(lb) => match lb.lb_type {
                LbType::Alb => keys(&["alb.hourly", "alb.lcu_hour"]),
                // Cross-zone transfer is billed on an NLB.
                LbType::Nlb => keys(&[
                    "nlb.hourly",
                    "nlb.nlcu_hour",
                    "data_transfer.inter_az_per_gb",
                ]),
            },
            ComponentSpec::Ec2(e) => {
                // Spot at the catalog's prices, unless the fleet gives its
                // own discount.
                let spot = e.purchase.uses_spot() && !e.purchase.spot_discount_given;
                match e.fargate {
                    Some(_) if spot => keys(&[
                        "fargate.vcpu_hour_x86",
                        "fargate.gb_hour_x86",
                        "fargate.spot_vcpu_hour_x86",
                        "fargate.spot_gb_hour_x86",
                    ]),
                    Some(_) => keys(&["fargate.vcpu_hour_x86", "fargate.gb_hour_x86"]),
                    None => {
                        let mut k = vec![format!("ec2.{}", e.instance_type)];
                        if spot {
                            k.push("ec2_purchase.spot_discount_pct".into());
                        }
                        k
                    }
                }
            }
            ComponentSpec::Database(_) => Vec::new(),
            ComponentSpec::Queue(q) => match q.queue_type {
                QueueType::Standard => keys(&["sqs.standard_per_million"]),
                QueueType::Fifo => keys(&["sqs.fifo_per_million"]),
            },
            ComponentSpec::Topic(t) => {
                let mut k = keys(&["sns.publish_per_million", "sns.http_delivery_per_million"]);
                let uses = |p| t.endpoints.iter().any(|e| e.protocol == p);
                if uses(Protocol::Email) {
                    k.push("sns.email_delivery_per_million".into());
                }
                if uses(Protocol::Sms) {
                    k.push("sns.sms_per_message".into());
                }
                k
            }
            ComponentSpec::Alarm(a) => vec![alarm::price_key(a).into()],
            ComponentSpec::DbProxy(_) => keys(&["rds_proxy.vcpu_hour"]),
            ComponentSpec::Lambda(l) => {
                let mut k = keys(&["lambda.request_per_million"]);
                k.push(
                    match l.architecture {
                        Architecture::X86_64 => "lambda.gb_second_x86",
                        Architecture::Arm64 => "lambda.gb_second_arm64",
                    }
                    .into(),
                );
                if l.provisioned > 0 {
                    let (duration, allocation) = match l.architecture {
                        Architecture::X86_64 => (
                            "lambda.provisioned_gb_second_x86",
                            "lambda.provisioned_allocation_gb_second_x86",
                        ),
                        Architecture::Arm64 => (
                            "lambda.provisioned_gb_second_arm64",
                            "lambda.provisioned_allocation_gb_second_arm64",
                        ),
                    };
                    k.push(duration.into());
                    k.push(allocation.into());
                }
                k
            }
            ComponentSpec::ApiGateway(a) => match a.api_type {
                ApiType::Http => keys(&["api_gateway.http_per_million"]),
                ApiType::Rest => keys(&["api_gateway.rest_per_million"]),
            },
        }
    }
}

/// A component kind: how scenarios write it, which references may name it
/// and how its table is read.
#[derive(Debug)]
pub(crate) struct Kind {
    /// As written in `kind = "…"`.
    pub(crate) name: &'static str,
    /// The references that may name a component of this kind.
    pub(crate) named_by: &'static [Role],
    /// Reads the component's table, whose `kind` is this one; `None` when a
    /// problem was reported. The spec's `ComponentId`s number the references
    /// recorded in the [`Reading`] until the design resolves them.
    pub(crate) read: fn(&mut Ctx, &Table, &mut Reading) -> Option<ComponentSpec>,
    /// The metrics of its own it writes to `timeseries.csv` each interval,
    /// besides those every component writes ([`EVERY_COMPONENT_WRITES`]):
    /// what an alarm may watch.
    pub(crate) writes: &'static [&'static str],
}

/// The metrics every component writes to `timeseries.csv` each interval.
const EVERY_COMPONENT_WRITES: [&str; 6] = [
    "arrivals",
    "completions",
    "errors",
    "response_p99_ms",
    "in_flight",
    "cost_usd",
];

/// Every kind, in the order messages list them.
const KINDS: &[&Kind] = &[
    &queue::KIND,
    &topic::KIND,
    &ec2::KIND,
    &fargate::KIND,
    &lambda::KIND,
    &database::KIND,
    &load_balancer::KIND,
    &api_gateway::KIND,
    &alarm::KIND,
    &db_proxy::KIND,
];

/// The name of every kind scenarios may write, in the order messages list
/// them.
pub fn kind_names() -> impl Iterator<Item = &'static str> {
    KINDS.iter().map(|k| k.name)
}

impl Kind {
    /// Every metric a component of this kind writes to `timeseries.csv`
    /// each interval.
    pub(crate) fn writes(&self) -> Vec<&'static str> {
        EVERY_COMPONENT_WRITES
            .iter()
            .chain(self.writes)
            .copied()
            .collect()
    }

    /// The kinds a reference in `role` may name, for messages:
    /// "queue, topic or lambda".
    pub(crate) fn named_by_text(role: Role) -> String {
        let names: Vec<&str> = KINDS
            .iter()
            .filter(|k| k.named_by.contains(&role))
            .map(|k| k.name)
            .collect();
        one_of(&names, Quoted::No)
    }
}

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
    /// The `component` an alarm watches.
    Watched,
    /// A topic of an alarm's `alarm_actions` or `ok_actions`.
    AlarmAction,
    /// A database proxy's `target` (synchronous).
    ProxyTarget,
    /// The fleet of a scaling policy in an alarm's actions (`"app.scale_out"`).
    ScalingAction,
}

impl Role {
    /// The caller waits for the answer (so a loop of these is a deadlock).
    pub(crate) fn is_sync(self) -> bool {
        matches!(self, Role::Target | Role::Call | Role::ProxyTarget)
    }
}

/// A reference to another component, before resolution.
#[derive(Clone, Debug)]
pub(crate) struct Ref {
    pub(crate) to: NameRef,
    pub(crate) role: Role,
}

/// What a kind's reader has besides the component's table.
#[derive(Debug)]
pub(crate) struct Reading<'r> {
    /// The component's name.
    pub(crate) name: &'r str,
    /// The request classes of `[workload] classes`, for topic filters;
    /// `None` when they are invalid.
    pub(crate) classes: Option<&'r [&'r str]>,
    /// The references read so far, in order: a reference's number is its
    /// place here.
    pub(crate) refs: Vec<Ref>,
}

impl Reading<'_> {
    /// Records the components named under `name` (a name or an array of
    /// names) as references in `role`; returns their numbers.
    pub(crate) fn refer(
        &mut self,
        ctx: &mut Ctx,
        t: &Table,
        name: &str,
        role: Role,
    ) -> Vec<ComponentId> {
        let names = t.names(ctx, name);
        names.into_iter().map(|to| self.push(to, role)).collect()
    }

    /// Records one reference; returns its number.
    pub(crate) fn push(&mut self, to: NameRef, role: Role) -> ComponentId {
        self.refs.push(Ref { to, role });
        ComponentId(self.refs.len() - 1)
    }
}

/// `name` must be one component name, not an array: a queue has one
/// consumer, a function one failure destination.
pub(crate) fn single_name(ctx: &mut Ctx, t: &Table, name: &str) {
    if let Some(v) = t.get(name)
        && !matches!(v.get_ref(), DeValue::String(_))
    {
        ctx.unexpected(t.key(name), v, "one component name");
    }
}

/// A component as read, before it is placed in a design.
#[derive(Debug)]
pub(crate) struct Raw {
    pub(crate) name: String,
    pub(crate) path: String,
    pub(crate) at: usize,
    /// `None` when `kind` is missing or unknown (then nothing else was read).
    pub(crate) kind: Option<&'static Kind>,
    pub(crate) refs: Vec<Ref>,
    /// `None` when the component has problems. Its `ComponentId`s are
    /// numbers of `refs` until the design links them.
    pub(crate) spec: Option<ComponentSpec>,
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
    let kinds: Vec<(&str, &'static Kind)> = KINDS.iter().map(|k| (k.name, *k)).collect();
    let names: Vec<&str> = kind_names().collect();
    let kind = if t.require(ctx, "kind", &one_of(&names, Quoted::Value)) {
        t.choice(ctx, "kind", &kinds)
    } else {
        None
    };
    let mut reading = Reading {
        name,
        classes,
        refs: Vec::new(),
    };
    // Without a kind we cannot tell which keys are valid: say nothing more.
    let spec = kind.and_then(|k| (k.read)(ctx, &t, &mut reading));
    if let Some(spec) = &spec {
        bill(ctx, &t, spec);
    }
    Some(Raw {
        name: name.to_string(),
        path,
        at: t.at,
        kind,
        refs: reading.refs,
        spec,
    })
}

/// Records the prices `spec` bills, and reports those the region's catalog
/// lacks, with the `[prices]` lines that would set them.
fn bill(ctx: &mut Ctx, t: &Table, spec: &ComponentSpec) {
    let keys = spec.billed_prices();
    let lacking: Vec<&String> = keys
        .iter()
        .filter(|key| ctx.catalog.missing.contains_key(*key))
        .collect();
    if !lacking.is_empty() {
        let named: Vec<String> = lacking
            .iter()
            .map(|key| {
                let unit = ctx.catalog.price(key).map_or("", |p| p.unit.as_str());
                format!("{key} ({unit})")
            })
            .collect();
        let lines: Vec<String> = lacking.iter().map(|k| format!("\"{k}\" = …")).collect();
        let region = &ctx.catalog.region;
        let message = format!(
            "the {region} catalog has no price for {}: no public source for {region} was found \
             (`stratosim prices --region {region}` says what was searched); set {} in [prices]: {}",
            match named.split_last() {
                Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
                _ => named.join(""),
            },
            if lines.len() == 1 { "it" } else { "them" },
            lines.join(", ")
        );
        ctx.error(t.at, t.path.clone(), message);
    }
    ctx.billed.extend(keys);
}

/// `targets`: at least one, of a synchronous kind.
pub(crate) fn targets(ctx: &mut Ctx, t: &Table, reading: &mut Reading) -> Vec<ComponentId> {
    if !t.require(ctx, "targets", "a component name or an array of names") {
        return Vec::new();
    }
    let targets = reading.refer(ctx, t, "targets", Role::Target);
    if targets.is_empty()
        && matches!(t.get("targets").map(Spanned::get_ref), Some(DeValue::Array(a)) if a.is_empty())
    {
        t.err(
            ctx,
            "targets",
            "expected at least one target, found an empty array",
        );
    }
    targets
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

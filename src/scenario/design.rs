//! Designs: placing components (a design's own, then the shared ones it
//! reaches), resolving references, and the checks across components (call
//! cycles, dead-letter queues, event source mappings, backlog metrics,
//! unreached shared components).

use std::collections::{HashMap, HashSet};

use crate::scenario::kinds::alarm::{GROUP_METRICS, statistic_name};
use crate::scenario::kinds::{AlarmMetric, Kind, Raw, Role};
use crate::scenario::reader::text::{Quoted, did_you_mean_value, one_of, quote, with_article};
use crate::scenario::reader::{Ctx, NameRef};
use crate::scenario::spec::{
    AutoScalingSpec, Component, ComponentId, ComponentSpec, Design, Ec2Spec, QueueType,
    ScalingMetric, ScalingPolicy,
};
use crate::time::SimDuration;

/// `[designs.NAME]` as read.
pub(crate) struct RawDesign {
    pub(crate) name: String,
    pub(crate) entry: Option<NameRef>,
    pub(crate) response_size: Option<u32>,
    pub(crate) own: Vec<Raw>,
}

/// Places a design's components (its own, then the shared ones it reaches),
/// resolves every reference and rejects synchronous call cycles.
pub(crate) fn place(ctx: &mut Ctx, d: &RawDesign, shared: &[Raw]) -> Option<Design> {
    let errors_before = ctx.errors.len();
    let shared_index: HashMap<&str, usize> = shared
        .iter()
        .enumerate()
        .map(|(i, c)| (c.name.as_str(), i))
        .collect();
    let mut own_index: HashMap<&str, usize> = HashMap::new();
    for (i, c) in d.own.iter().enumerate() {
        own_index.entry(c.name.as_str()).or_insert(i);
        if let Some(&s) = shared_index.get(c.name.as_str()) {
            ctx.error(
                c.at,
                c.path.clone(),
                format!(
                    "design `{}` defines `{}`, which is already a shared component ({}); rename one of them",
                    d.name, c.name, shared[s].path
                ),
            );
        }
    }
    // The shared components reached from the design's own, transitively.
    let mut reached = vec![false; shared.len()];
    let mut stack: Vec<&str> = d.entry.iter().map(|e| e.name.as_str()).collect();
    stack.extend(
        d.own
            .iter()
            .flat_map(|c| c.refs.iter().map(|r| r.to.name.as_str())),
    );
    while let Some(name) = stack.pop() {
        if own_index.contains_key(name) {
            continue;
        }
        if let Some(&i) = shared_index.get(name)
            && !reached[i]
        {
            reached[i] = true;
            stack.extend(shared[i].refs.iter().map(|r| r.to.name.as_str()));
        }
    }
    let members: Vec<&Raw> = d
        .own
        .iter()
        .chain(
            shared
                .iter()
                .zip(&reached)
                .filter(|(_, r)| **r)
                .map(|(c, _)| c),
        )
        .collect();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (i, c) in members.iter().enumerate() {
        index.entry(c.name.as_str()).or_insert(i);
    }
    // Every name the design could mean, for suggestions.
    let known: Vec<&str> = d
        .own
        .iter()
        .chain(shared)
        .map(|c| c.name.as_str())
        .collect();
    // `role` is `None` for the entry, which may be of any kind.
    let resolve = |ctx: &mut Ctx, r: &NameRef, field: &str, role: Option<Role>| -> Option<usize> {
        let Some(&i) = index.get(r.name.as_str()) else {
            let hint = did_you_mean_value(&r.name, known.iter().copied());
            ctx.error(
                r.at,
                r.key.clone(),
                format!(
                    "no component named {} in design `{}` or in [components]{hint}",
                    quote(&r.name),
                    d.name
                ),
            );
            return None;
        };
        if let (Some(kind), Some(role)) = (members[i].kind, role)
            && !kind.named_by.contains(&role)
        {
            ctx.error(
                r.at,
                r.key.clone(),
                format!(
                    "`{}` is {}, but {field} must name {} component",
                    r.name,
                    with_article(kind.name),
                    with_article(&Kind::named_by_text(role))
                ),
            );
            return None;
        }
        Some(i)
    };
    let entry = d
        .entry
        .as_ref()
        .and_then(|e| resolve(ctx, e, "`entry`", None));
    let mut resolved: Vec<Vec<(Role, Option<usize>)>> = Vec::with_capacity(members.len());
    for c in &members {
        let list = c
            .refs
            .iter()
            .map(|r| {
                let field = r.to.key.rsplit('.').next().unwrap_or_default();
                (
                    r.role,
                    resolve(ctx, &r.to, &format!("`{field}`"), Some(r.role)),
                )
            })
            .collect();
        resolved.push(list);
    }
    find_cycles(ctx, &members, &resolved);
    check_dead_letters(ctx, &members, &resolved);
    check_event_source_mappings(ctx, &members, &resolved);
    check_backlog_metrics(ctx, &d.name, &members, &resolved);
    check_alarm_metrics(ctx, &members, &resolved);
    check_proxy_targets(ctx, &members, &resolved);
    check_alarm_policies(ctx, &members, &resolved);
    if ctx.errors.len() > errors_before {
        return None;
    }
    let mut components = Vec::with_capacity(members.len());
    for (c, refs) in members.iter().zip(&resolved) {
        let members: Option<Vec<usize>> = refs.iter().map(|(_, i)| *i).collect();
        let members = members?;
        let mut spec = c.spec.clone()?;
        // A reference's number becomes the index of the member it names.
        for id in spec.references_mut() {
            *id = ComponentId(members[id.0]);
        }
        components.push(Component {
            name: c.name.clone(),
            spec,
        });
    }
    Some(Design {
        name: d.name.clone(),
        entry: ComponentId(entry?),
        response_size: d.response_size,
        components,
    })
}

/// The Auto Scaling group of a fleet, if it has one.
fn group_of(c: &Raw) -> Option<&AutoScalingSpec> {
    match &c.spec {
        Some(ComponentSpec::Ec2(e)) => e.autoscaling.as_ref(),
        _ => None,
    }
}

/// An alarm's `metric` must be one its `component` writes, or, for an
/// alarm on an Auto Scaling group's own metric, the component must have a
/// group, and the alarm must take its datapoints as the group makes them
/// (its period, the statistic AWS's policies use).
fn check_alarm_metrics(ctx: &mut Ctx, members: &[&Raw], resolved: &[Vec<(Role, Option<usize>)>]) {
    for (c, refs) in members.iter().zip(resolved) {
        let Some(ComponentSpec::Alarm(a)) = &c.spec else {
            continue;
        };
        let watched = refs
            .iter()
            .find(|(role, _)| *role == Role::Watched)
            .and_then(|(_, to)| *to);
        let Some(w) = watched.map(|i| members[i]) else {
            continue;
        };
        let Some(kind) = w.kind else {
            continue;
        };
        let (at, key) = (a.metric_at.0, a.metric_at.1.clone());
        let written = kind.writes();
        let metric = match a.metric {
            AlarmMetric::Series(m) => m.name(&[]).into_owned(),
            AlarmMetric::Group(m) => {
                let Some(&(name, _, statistic, wanted)) = GROUP_METRICS.iter().find(|g| g.1 == m)
                else {
                    continue;
                };
                let Some(g) = group_of(w) else {
                    ctx.error(
                        at,
                        key,
                        format!(
                            "`{name}` is the metric of an Auto Scaling group, and `{}` is {} without one ([….autoscaling]); it writes {}",
                            w.name,
                            with_article(kind.name),
                            one_of(&written, Quoted::Value)
                        ),
                    );
                    continue;
                };
                if a.period != g.period {
                    ctx.error(
                        at,
                        key.clone(),
                        format!(
                            "the group of `{}` makes one `{name}` datapoint every {}s (its `period`), so the alarm's `period` must be {}s, found {}s",
                            w.name,
                            g.period.as_secs_f64(),
                            g.period.as_secs_f64(),
                            a.period.as_secs_f64()
                        ),
                    );
                }
                if a.statistic != statistic {
                    ctx.error(
                        at,
                        key,
                        format!(
                            "the group's `{name}` datapoints are its {wanted} over the period, so the alarm's `statistic` must be \"{wanted}\", found \"{}\"",
                            statistic_name(a.statistic)
                        ),
                    );
                }
                continue;
            }
        };
        if !written.contains(&metric.as_str()) {
            ctx.error(
                at,
                key,
                format!(
                    "`{}` is {}, which writes no `{metric}` to timeseries.csv; it writes {}",
                    w.name,
                    with_article(kind.name),
                    one_of(&written, Quoted::Value)
                ),
            );
        }
    }
}

/// A database proxy's `target` must have a connection limit (the proxy
/// shares it out) and its `vcpus` (the proxy is billed by them).
fn check_proxy_targets(ctx: &mut Ctx, members: &[&Raw], resolved: &[Vec<(Role, Option<usize>)>]) {
    for (c, refs) in members.iter().zip(resolved) {
        for (r, (role, to)) in c.refs.iter().zip(refs) {
            let Some(ComponentSpec::Database(db)) = to
                .filter(|_| *role == Role::ProxyTarget)
                .and_then(|i| members[i].spec.as_ref())
            else {
                continue;
            };
            let mut lacks = Vec::new();
            if db.max_connections.is_none() {
                lacks.push("`max_connections` (the connections the proxy shares out)");
            }
            if db.vcpus.is_none() {
                lacks.push("`vcpus` (RDS Proxy is billed per vCPU-hour of the database instance)");
            }
            if !lacks.is_empty() {
                ctx.error(
                    r.to.at,
                    r.to.key.clone(),
                    format!(
                        "`{}` is the target of a db_proxy, so it needs {}",
                        r.to.name,
                        lacks.join(" and ")
                    ),
                );
            }
        }
    }
}

/// A scaling policy an alarm's actions name (`"app.scale_out"`) must be
/// one of the `policies` of that fleet's Auto Scaling group.
fn check_alarm_policies(ctx: &mut Ctx, members: &[&Raw], resolved: &[Vec<(Role, Option<usize>)>]) {
    for (c, refs) in members.iter().zip(resolved) {
        let Some(ComponentSpec::Alarm(a)) = &c.spec else {
            continue;
        };
        for p in a.alarm_policies.iter().chain(&a.ok_policies) {
            let Some(g) = refs.get(p.group.0).and_then(|(_, to)| *to) else {
                continue;
            };
            let fleet = members[g];
            let (at, key) = (p.at.0, p.at.1.clone());
            let written = format!("\"{}.{}\"", fleet.name, p.name);
            let Some(group) = group_of(fleet) else {
                ctx.error(
                    at,
                    key,
                    format!(
                        "{written} names a scaling policy of `{}`, which has no Auto Scaling group; give it [….autoscaling] with policies.{} = {{ steps = [...] }}",
                        fleet.name, p.name
                    ),
                );
                continue;
            };
            if group.policies.iter().any(|q| q.name == p.name) {
                continue;
            }
            let message = if group.policies.is_empty() {
                format!(
                    "{written}: the Auto Scaling group of `{}` has no `policies`; give it policies.{} = {{ steps = [...] }}",
                    fleet.name, p.name
                )
            } else {
                let names = group.policies.iter().map(|q| q.name.as_str());
                let hint = did_you_mean_value(&p.name, names.clone());
                let all: Vec<String> = names.map(|n| format!("\"{}.{n}\"", fleet.name)).collect();
                let hint = if hint.is_empty() {
                    format!("; it has {}", all.join(", "))
                } else {
                    hint
                };
                format!(
                    "no policy named {} in the Auto Scaling group of `{}`{hint}",
                    quote(&p.name),
                    fleet.name
                )
            };
            ctx.error(at, key, message);
        }
    }
}

/// A group that scales on `backlog_per_instance` needs the queue it
/// consumes: some queue of the design must name it as its `consumer`.
fn check_backlog_metrics(
    ctx: &mut Ctx,
    design: &str,
    members: &[&Raw],
    resolved: &[Vec<(Role, Option<usize>)>],
) {
    for (i, c) in members.iter().enumerate() {
        let Some(ComponentSpec::Ec2(Ec2Spec {
            autoscaling: Some(g),
            ..
        })) = &c.spec
        else {
            continue;
        };
        let policy_backlog = match &g.policy {
            ScalingPolicy::TargetTracking { metric, .. } | ScalingPolicy::Step { metric, .. } => {
                *metric == ScalingMetric::BacklogPerInstance
            }
            ScalingPolicy::None => false,
        };
        // An alarm on the group's backlog per instance needs it as well.
        let alarm_backlog = members.iter().zip(resolved).any(|(a, refs)| {
            matches!(&a.spec, Some(ComponentSpec::Alarm(a))
                if a.metric == AlarmMetric::Group(ScalingMetric::BacklogPerInstance))
                && refs
                    .iter()
                    .any(|(r, to)| *r == Role::Watched && *to == Some(i))
        });
        let backlog = policy_backlog || alarm_backlog;
        let consumed = resolved.iter().any(|refs| {
            refs.iter()
                .any(|(r, to)| *r == Role::Consumer && *to == Some(i))
        });
        if backlog && !consumed {
            ctx.error(
                c.at,
                format!("{}.autoscaling.metric", c.path),
                format!(
                    "metric = \"backlog_per_instance\" needs a queue whose `consumer` is `{}`, and no queue of design `{design}` names it",
                    c.name
                ),
            );
        }
    }
}

/// A queue's dead-letter queue must be of the same type: AWS requires the
/// dead-letter queue of a FIFO queue to be FIFO, of a standard queue standard.
fn check_dead_letters(ctx: &mut Ctx, members: &[&Raw], resolved: &[Vec<(Role, Option<usize>)>]) {
    let type_name = |q: QueueType| match q {
        QueueType::Standard => "standard",
        QueueType::Fifo => "FIFO",
    };
    for (c, refs) in members.iter().zip(resolved) {
        let Some(ComponentSpec::Queue(queue)) = &c.spec else {
            continue;
        };
        for (r, (role, to)) in c.refs.iter().zip(refs) {
            if *role != Role::DeadLetter {
                continue;
            }
            let Some(ComponentSpec::Queue(dlq)) = to.and_then(|i| members[i].spec.as_ref()) else {
                continue;
            };
            if dlq.queue_type != queue.queue_type {
                let want = type_name(queue.queue_type);
                ctx.error(
                    r.to.at,
                    r.to.key.clone(),
                    format!(
                        "`{}` is a {} queue, but the dead-letter queue of a {want} queue must also be {want} (type = \"{}\")",
                        r.to.name,
                        type_name(dlq.queue_type),
                        want.to_lowercase()
                    ),
                );
            }
        }
    }
}

/// Batches above ten messages, batching windows and partial batch
/// responses are settings of a Lambda event source mapping: an EC2
/// consumer's ReceiveMessage returns at most ten messages, one by one.
/// (Ten is the catalog's `sqs.batch_max_messages`.)
fn check_event_source_mappings(
    ctx: &mut Ctx,
    members: &[&Raw],
    resolved: &[Vec<(Role, Option<usize>)>],
) {
    let batch_max = crate::catalog::builtin().sqs.batch_max_messages.value as u32;
    for (c, refs) in members.iter().zip(resolved) {
        let Some(ComponentSpec::Queue(queue)) = &c.spec else {
            continue;
        };
        for (r, (role, to)) in c.refs.iter().zip(refs) {
            let Some(consumer) = to.filter(|_| *role == Role::Consumer).map(|i| members[i]) else {
                continue;
            };
            if matches!(consumer.spec, Some(ComponentSpec::Lambda(_))) || consumer.spec.is_none() {
                continue;
            }
            let mut lambda_only = Vec::new();
            if queue.batch_size > batch_max {
                lambda_only.push(format!("batch_size = {}", queue.batch_size));
            }
            if queue.batching_window > SimDuration::ZERO {
                lambda_only.push("batching_window".to_string());
            }
            if queue.report_batch_item_failures {
                lambda_only.push("report_batch_item_failures".to_string());
            }
            if !lambda_only.is_empty() {
                ctx.error(
                    r.to.at,
                    r.to.key.clone(),
                    format!(
                        "`{}` is not a Lambda function, but {} {} to a Lambda consumer only (an event source mapping); a fleet receives at most {batch_max} messages at a time",
                        r.to.name,
                        lambda_only
                            .iter()
                            .map(|k| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(" and "),
                        if lambda_only.len() == 1 { "applies" } else { "apply" }
                    ),
                );
            }
        }
    }
}

/// Reports each synchronous call cycle (`app → db → app`) at the reference
/// that closes it, and each cycle that a message follows on success through
/// at least one asynchronous hop (`worker → topic → queue → worker`): every
/// message would start another, and a request's work would never end. A
/// loop closed only through a dead-letter queue or an `on_failure`
/// destination is allowed: only failing messages go round it, as retries.
fn find_cycles(ctx: &mut Ctx, members: &[&Raw], resolved: &[Vec<(Role, Option<usize>)>]) {
    find_cycles_of(ctx, members, resolved, false);
    find_cycles_of(ctx, members, resolved, true);
}

/// Reports each cycle at the reference that closes it: of calls alone, or
/// with `asynchronous`, of every reference a message follows on success,
/// through at least one asynchronous one (the others are call cycles).
/// Iterative depth-first search: no recursion limit.
fn find_cycles_of(
    ctx: &mut Ctx,
    members: &[&Raw],
    resolved: &[Vec<(Role, Option<usize>)>],
    asynchronous: bool,
) {
    const WHITE: u8 = 0;
    const GREY: u8 = 1;
    const BLACK: u8 = 2;
    let follows = |role: Role| {
        if asynchronous {
            !matches!(role, Role::DeadLetter | Role::OnFailure)
        } else {
            role.is_sync()
        }
    };
    let mut colour = vec![WHITE; members.len()];
    for start in 0..members.len() {
        if colour[start] != WHITE {
            continue;
        }
        colour[start] = GREY;
        // (component, index of the next reference to follow)
        let mut path: Vec<(usize, usize)> = vec![(start, 0)];
        while let Some(&(node, next)) = path.last() {
            let Some(&(role, to)) = resolved[node].get(next) else {
                colour[node] = BLACK;
                path.pop();
                continue;
            };
            if let Some(top) = path.last_mut() {
                top.1 += 1;
            }
            let Some(to) = to.filter(|_| follows(role)) else {
                continue;
            };
            match colour[to] {
                WHITE => {
                    colour[to] = GREY;
                    path.push((to, 0));
                }
                GREY => {
                    let from = path.iter().position(|&(n, _)| n == to).unwrap_or(0);
                    // The reference each step took is the one before its
                    // next; the last step is `role`.
                    let any_async = !role.is_sync()
                        || path[from..path.len() - 1]
                            .iter()
                            .any(|&(n, next)| !resolved[n][next - 1].0.is_sync());
                    if any_async != asynchronous {
                        continue;
                    }
                    let mut names: Vec<&str> = path[from..]
                        .iter()
                        .map(|&(n, _)| members[n].name.as_str())
                        .collect();
                    names.push(members[to].name.as_str());
                    let r = &members[node].refs[next].to;
                    let message = if asynchronous {
                        format!(
                            "asynchronous cycle: {}: every message would start another, so the work of a request would never end",
                            names.join(" → ")
                        )
                    } else {
                        format!("synchronous call cycle: {}", names.join(" → "))
                    };
                    ctx.error(r.at, r.key.clone(), message);
                }
                _ => {}
            }
        }
    }
}

/// Shared components no design uses are still checked: their references
/// must name a component defined somewhere.
pub(crate) fn check_unreached(ctx: &mut Ctx, designs: &[RawDesign], shared: &[Raw]) {
    let mut used: HashSet<&str> = HashSet::new();
    for d in designs {
        let mut stack: Vec<&str> = d.entry.iter().map(|e| e.name.as_str()).collect();
        stack.extend(
            d.own
                .iter()
                .flat_map(|c| c.refs.iter().map(|r| r.to.name.as_str())),
        );
        while let Some(n) = stack.pop() {
            if let Some(c) = shared.iter().find(|c| c.name == n)
                && used.insert(n)
            {
                stack.extend(c.refs.iter().map(|r| r.to.name.as_str()));
            }
        }
    }
    let mut all: Vec<&str> = shared.iter().map(|c| c.name.as_str()).collect();
    all.extend(
        designs
            .iter()
            .flat_map(|d| d.own.iter().map(|c| c.name.as_str())),
    );
    for c in shared.iter().filter(|c| !used.contains(c.name.as_str())) {
        for r in &c.refs {
            if !all.contains(&r.to.name.as_str()) {
                let hint = did_you_mean_value(&r.to.name, all.iter().copied());
                ctx.error(
                    r.to.at,
                    r.to.key.clone(),
                    format!(
                        "no component named {} in [components] or in any design{hint}",
                        quote(&r.to.name)
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::scenario::test_support::*;

    #[test]
    fn a_design_that_hands_work_on_answers_early() {
        // The contract's flash sale: the monolith answers when the order is
        // done; the decoupled design once the queue has it.
        let (_, s) = crate::scenario::test_support::example("flash-sale.toml");
        let early: Vec<(&str, bool)> = s
            .designs
            .iter()
            .map(|d| (d.name.as_str(), d.answers_early()))
            .collect();
        assert_eq!(early, [("monolith", false), ("decoupled", true)]);
    }

    #[test]
    fn components_and_designs() {
        let text =
            format!("{MINI}\n[components.app]\nkind = \"database\"\nservice_time = \"1ms\"\n");
        expect_one(
            &text,
            "designs.d.app",
            "[designs.d.app]",
            &["already a shared component (components.app)"],
        );
        let text = edit("[designs.d.app]", "[designs.d.\"my app\"]");
        let errs = errors(&text);
        expect(
            &errs,
            "designs.d.\"my app\"",
            Some(line_of(&text, "my app")),
            &["component name"],
        );
        let text = edit("kind = \"ec2\"\n", "");
        expect_one(
            &text,
            "designs.d.app.kind",
            "[designs.d.app]",
            &["missing `kind`", "\"ec2\""],
        );
        let text = edit("kind = \"ec2\"", "kind = \"ec3\"");
        expect_one(
            &text,
            "designs.d.app.kind",
            "ec3",
            &["did you mean \"ec2\"?"],
        );
        let text = edit("entry = \"app\"", "entry = \"app\"\nentyr = 1");
        expect_one(
            &text,
            "designs.d.entyr",
            "entyr",
            &["did you mean `entry`?"],
        );
        let text = edit("entry = \"app\"", "entry = \"app\"\nresponse_sise = 1");
        expect_one(
            &text,
            "designs.d.response_sise",
            "response_sise",
            &["did you mean `response_size`?"],
        );
        for bad in ["0", "-5", "\"4KB\"", "5000000000"] {
            let text = edit(
                "entry = \"app\"",
                &format!("entry = \"app\"\nresponse_size = {bad}"),
            );
            expect_one(&text, "designs.d.response_size", "response_size", &[]);
        }
        let text = edit("entry = \"app\"", "entry = \"app\"\nresponse_size = 4096");
        let s = crate::scenario::load_str(&text, std::path::Path::new("t.toml"), &[]).unwrap();
        assert_eq!(s.designs[0].response_size, Some(4096));
        let text = edit("entry = \"app\"\n", "");
        expect_one(
            &text,
            "designs.d.entry",
            "[designs.d]",
            &["missing `entry`"],
        );
        let text = edit("entry = \"app\"", "entry = \"ap\"");
        expect_one(
            &text,
            "designs.d.entry",
            "entry",
            &["no component named \"ap\"", "did you mean \"app\"?"],
        );
        let text =
            edit("[designs.d]", "[designs.\"a b\"]").replace("designs.d.", "designs.\"a b\".");
        let errs = errors(&text);
        expect(
            &errs,
            "designs.\"a b\"",
            Some(line_of(&text, "a b")),
            &["design name"],
        );
        let text = edit("[designs.d.app]", "[designs.d.app.x]");
        assert!(load_text(&text).is_err());
        // Hangul names, quoted in TOML, are names like any other.
        let text = MINI
            .replace("[designs.d]", "[designs.\"모놀리스\"]")
            .replace("[designs.d.app]", "[designs.\"모놀리스\".\"웹-서버\"]")
            .replace("entry = \"app\"", "entry = \"웹-서버\"");
        let s = load_text(&text).unwrap();
        assert_eq!(s.designs[0].name, "모놀리스");
        assert_eq!(component_names(&s, 0), ["웹-서버"]);
        let text =
            edit("[designs.d]", "[designs.\"v1.2\"]").replace("designs.d.", "designs.\"v1.2\".");
        expect(
            &errors(&text),
            "designs.\"v1.2\"",
            Some(line_of(&text, "v1.2")),
            &["would split the key paths of `--set`"],
        );
    }

    /// Shared components reached transitively come after the design's own, in
    /// `[components]` file order; unreached ones are left out.
    #[test]
    fn shared_components_order() {
        let text = edit("workers = 4", "workers = 4\ncalls = [\"cache\"]")
            + "\n[components.unused]\nkind = \"database\"\nservice_time = \"1ms\"\n"
            + "\n[components.db]\nkind = \"database\"\nservice_time = \"1ms\"\n"
            + "\n[components.cache]\nkind = \"ec2\"\ninstance_type = \"t3.micro\"\nservice_time = \"1ms\"\ncalls = [\"db\"]\n";
        let s = load_text(&text).unwrap();
        let names = component_names(&s, 0);
        assert_eq!(names, ["app", "db", "cache"]);
        let ComponentSpec::Ec2(cache) = &s.designs[0].components[2].spec else {
            panic!()
        };
        assert_eq!(cache.calls, [ComponentId(1)]);
    }

    #[test]
    fn references_and_kinds() {
        let shared = "\n[components.db]\nkind = \"database\"\nservice_time = \"1ms\"\n";
        let text = format!(
            "{}{shared}",
            edit("workers = 4", "workers = 4\ncalls = [\"dbb\"]")
        );
        expect_one(
            &text,
            "designs.d.app.calls",
            "dbb",
            &["no component named \"dbb\"", "did you mean \"db\"?"],
        );
        let text = format!(
            "{}{shared}",
            edit("workers = 4", "workers = 4\nsends = [\"db\"]")
        );
        expect_one(
            &text,
            "designs.d.app.sends",
            "sends",
            &[
                "`db` is a database",
                "`sends` must name a queue, topic or lambda",
            ],
        );
        for (extra, key, needle, parts) in [
            (
                "\n[designs.d.q]\nkind = \"queue\"\nconsumer = \"app\"\ndead_letter = \"q\"\n",
                "designs.d.q.dead_letter",
                "dead_letter",
                &["its own dead-letter"][..],
            ),
            (
                "\n[designs.d.q]\nkind = \"queue\"\nconsumer = \"nobody\"\n",
                "designs.d.q.consumer",
                "consumer",
                &["no component named \"nobody\""],
            ),
            (
                "\n[designs.d.t]\nkind = \"topic\"\nsubscribers = [\"app\", { target = \"q\", filter = [\"default\"] }, { target = \"zz\" }]\n[designs.d.q]\nkind = \"queue\"\n",
                "designs.d.t.subscribers[2].target",
                "subscribers",
                &["\"zz\""],
            ),
        ] {
            expect_one(&format!("{MINI}{extra}"), key, needle, parts);
        }
    }

    /// Shared queues, topics and their consumers are reached through
    /// `sends`, `consumer`, `dead_letter` and `subscribers`, transitively.
    #[test]
    fn shared_messaging_components_are_reached() {
        let text = edit("workers = 4", "workers = 4\nsends = \"t\"")
            + "\n[components.unused]\nkind = \"queue\"\n"
            + "\n[components.worker]\nkind = \"ec2\"\ninstance_type = \"t3.micro\"\nservice_time = \"1ms\"\n"
            + "\n[components.dlq]\nkind = \"queue\"\n"
            + "\n[components.q]\nkind = \"queue\"\nconsumer = \"worker\"\ndead_letter = \"dlq\"\nmax_receives = 2\n"
            + "\n[components.t]\nkind = \"topic\"\nsubscribers = [{ target = \"q\", filter = [\"default\"] }]\n";
        let s = load_text(&text).unwrap();
        let names = component_names(&s, 0);
        assert_eq!(names, ["app", "worker", "dlq", "q", "t"]);
        let q = queue(&s, "q");
        assert_eq!(
            (q.consumer, q.dead_letter),
            (Some(ComponentId(1)), Some(ComponentId(2)))
        );
        assert_eq!(topic(&s, "t").subscriptions[0].target, ComponentId(3));
        // An asynchronous loop through a topic is no call cycle, but each
        // message would start another without end: refused (issue 11).
        let looped = text.replace(
            "service_time = \"1ms\"\n",
            "service_time = \"1ms\"\nsends = \"t\"\n",
        );
        let errs = errors(&looped);
        assert_eq!(errs.len(), 1, "{}", ScenarioErrors(errs.clone()));
        assert_eq!(errs[0].key, "components.worker.sends");
        assert!(
            errs[0]
                .message
                .contains("asynchronous cycle: t → q → worker → t"),
            "{}",
            errs[0]
        );
        // A loop closed by a dead-letter queue carries only failed messages.
        let retried = text.replace(
            "[components.dlq]\nkind = \"queue\"\n",
            "[components.dlq]\nkind = \"queue\"\nconsumer = \"worker\"\n",
        );
        load_text(&retried).unwrap();
        // References of unreached shared components are still checked.
        let text =
            format!("{MINI}\n[components.t]\nkind = \"topic\"\nsubscribers = [\"nobody\"]\n");
        expect_one(
            &text,
            "components.t.subscribers",
            "nobody",
            &["no component named \"nobody\""],
        );
    }

    #[test]
    fn call_cycles() {
        let text = edit("workers = 4", "workers = 4\ncalls = [\"b\"]")
            + "\n[designs.d.b]\nkind = \"ec2\"\ninstance_type = \"t3.micro\"\nservice_time = \"1ms\"\ncalls = [\"app\"]\n";
        expect_one(
            &text,
            "designs.d.b.calls",
            "calls = [\"app\"]",
            &["cycle: app → b → app"],
        );
        let text = edit("workers = 4", "workers = 4\ncalls = \"app\"");
        expect_one(&text, "designs.d.app.calls", "calls", &["cycle: app → app"]);
        // An asynchronous loop is no deadlock, but it never ends.
        let text = edit("workers = 4", "workers = 4\nsends = [\"q\"]")
            + "\n[designs.d.q]\nkind = \"queue\"\nconsumer = \"app\"\n";
        expect_one(
            &text,
            "designs.d.q.consumer",
            "consumer",
            &["asynchronous cycle: app → q → app"],
        );
    }

    #[test]
    fn serverless_references() {
        // A shared function and the shared database it calls are part of the
        // design that reaches them through the gateway.
        let text = format!(
            "{}\n[designs.e]\nentry = \"gw\"\n[designs.e.gw]\nkind = \"api_gateway\"\ntargets = \"fn\"\n\
             [components.fn]\nkind = \"lambda\"\nruntime = \"go\"\nservice_time = \"1ms\"\ncalls = \"db\"\nsends = \"q\"\n\
             [components.db]\nkind = \"database\"\nservice_time = \"1ms\"\n\
             [components.q]\nkind = \"queue\"\nconsumer = \"worker\"\n\
             [components.worker]\nkind = \"lambda\"\nruntime = \"python3.13\"\nservice_time = \"1ms\"\n",
            MINI
        );
        let s = load_text(&text).unwrap();
        let names = component_names(&s, 0);
        assert_eq!(names, ["app"]);
        let names = component_names(&s, 1);
        assert_eq!(names, ["gw", "fn", "db", "q", "worker"]);
        assert_eq!(api_of(&s, 1, "gw").targets, [ComponentId(1)]);
        let f = lambda_of(&s, 1, "fn");
        assert_eq!(
            (f.calls.as_slice(), f.sends.as_slice()),
            (&[ComponentId(2)][..], &[ComponentId(3)][..])
        );
        assert_eq!(queue_of(&s, 1, "q").consumer, Some(ComponentId(4)));
        // A function's calls and a gateway's targets are synchronous edges.
        let text = with_lambda(
            "runtime = \"go\"\nservice_time = \"1ms\"\ncalls = \"gw\"\n\
             [designs.d.gw]\nkind = \"api_gateway\"\ntargets = \"fn\"\n",
        );
        expect_one(
            &text,
            "designs.d.gw.targets",
            "targets",
            &["cycle: fn → gw → fn"],
        );
        // Its sends are not: a loop of them is an asynchronous cycle.
        let text = with_lambda("runtime = \"go\"\nservice_time = \"1ms\"\nsends = \"fn\"\n");
        expect_one(
            &text,
            "designs.d.fn.sends",
            "sends",
            &["asynchronous cycle: fn → fn"],
        );
        let text = with_lambda("runtime = \"go\"\nservice_time = \"1ms\"\ncalls = \"fn\"\n");
        expect_one(&text, "designs.d.fn.calls", "calls", &["cycle: fn → fn"]);
        // What they may name.
        let text = with_lambda(
            "runtime = \"go\"\nservice_time = \"1ms\"\ncalls = \"q\"\n[designs.d.q]\nkind = \"queue\"\n",
        );
        expect_one(&text, "designs.d.fn.calls", "calls", &["`q` is a queue"]);
        let text = format!(
            "{MINI}\n[designs.d.gw]\nkind = \"api_gateway\"\ntargets = \"q\"\n[designs.d.q]\nkind = \"queue\"\n"
        );
        expect_one(
            &text,
            "designs.d.gw.targets",
            "targets",
            &["`q` is a queue"],
        );
    }
}

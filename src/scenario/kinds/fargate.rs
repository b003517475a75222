//! `kind = "fargate"`: an ECS service on Fargate, a fleet whose instances
//! are its tasks.

use crate::dist::Dist;
use crate::scenario::kinds::fleet::autoscaling::autoscaling;
use crate::scenario::kinds::fleet::health_check::health_check;
use crate::scenario::kinds::fleet::purchase::purchase;
use crate::scenario::kinds::fleet::{MAX_INSTANCES, MAX_WORKERS};
use crate::scenario::kinds::{CALLABLE, Partial, Ref, Role, SENDABLE};
use crate::scenario::reader::values::{POSITIVE, POSITIVE_DURATION, dur_range};
use crate::scenario::reader::{Ctx, Table};
use crate::scenario::spec::{FargateSpec, LifecycleSpec};
use crate::time::SimDuration;

pub(crate) fn component_fargate(ctx: &mut Ctx, t: &Table, refs: &mut Vec<Ref>) -> Option<Partial> {
    t.check_keys(
        ctx,
        &[
            "kind",
            "vcpu",
            "memory_gb",
            "tasks",
            "workers",
            "service_time",
            "calls",
            "sends",
            "start_time",
            "autoscaling",
            "queue_limit",
            "health_check",
            "deregistration_delay",
            "mtbf",
            "purchase",
            "on_demand_base",
            "spot_percent",
            "interruption_frequency",
            "spot_discount",
            "savings_plan",
        ],
    );
    let purchase = purchase(ctx, t);
    const VCPUS: &[f64] = &[0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0];
    let mut vcpu = t.req_num(ctx, "vcpu", POSITIVE);
    if let Some(v) = vcpu
        && !VCPUS.contains(&v)
    {
        t.err(
            ctx,
            "vcpu",
            format!("expected one of 0.25, 0.5, 1, 2, 4, 8 or 16, found {v}"),
        );
        vcpu = None;
    }
    let memory_gb = t.req_num(ctx, "memory_gb", POSITIVE);
    let scaling = t.sub(ctx, "autoscaling");
    let group = scaling.as_ref().map(|a| autoscaling(ctx, a, MAX_INSTANCES));
    if t.has("autoscaling") && t.has("tasks") {
        t.err(ctx, "tasks", "`tasks` cannot be combined with `autoscaling`: the service's size comes from its min, max and desired");
    }
    let tasks = t.u32(ctx, "tasks", 1, MAX_INSTANCES);
    let workers = t.u32(ctx, "workers", 1, MAX_WORKERS);
    let queue_limit = t.u32(ctx, "queue_limit", 0, u32::MAX);
    let service_time = t.req_dist(ctx, "service_time");
    t.refs(ctx, refs, "calls", Role::Call, CALLABLE);
    t.refs(ctx, refs, "sends", Role::Send, SENDABLE);
    // The task start-up (PROVISIONING → RUNNING, the image pull most of
    // it) plays the part of an instance's boot.
    let start_time = t.dist(ctx, "start_time");
    let health = health_check(ctx, t);
    let catalog = crate::catalog::builtin();
    let deregistration_delay = t.dur(
        ctx,
        "deregistration_delay",
        dur_range(
            SimDuration::ZERO,
            SimDuration::from_secs(3600),
            "from 0s to 3600s",
        ),
    );
    let mtbf = t.dur(ctx, "mtbf", POSITIVE_DURATION);
    let f = &catalog.fargate;
    let lifecycle = LifecycleSpec {
        boot_time: start_time.unwrap_or_else(|| {
            let min = SimDuration::from_secs_f64(f.task_start_min_s.value);
            let max = SimDuration::from_secs_f64(f.task_start_max_s.value);
            Dist::uniform(min, max).unwrap_or_else(|_| Dist::constant(min))
        }),
        start_time: Dist::constant(SimDuration::ZERO),
        health_check: health?,
        deregistration_delay: deregistration_delay.unwrap_or(SimDuration::from_secs_f64(
            catalog.target_group.deregistration_delay_s.value,
        )),
        mtbf,
    };
    let autoscaling = match group {
        Some(g) => Some(g?),
        None => None,
    };
    Some(Partial::Ec2 {
        instance_type: String::new(),
        instances: autoscaling
            .as_ref()
            .map_or(tasks.unwrap_or(1), |g| g.desired),
        workers: workers.unwrap_or(1),
        queue_limit,
        service_time: service_time?,
        autoscaling: autoscaling.map(Box::new),
        lifecycle: Box::new(lifecycle),
        purchase: purchase?,
        fargate: Some(FargateSpec {
            vcpu: vcpu?,
            memory_gb: memory_gb?,
        }),
        // Zones are an `ec2` fleet's setting so far.
        zones: Vec::new(),
    })
}

//! `kind = "fargate"`: an ECS service on Fargate, a fleet whose instances
//! are its tasks.

use crate::dist::Dist;
use crate::scenario::kinds::fleet::{self, Keys, Own};
use crate::scenario::kinds::{ComponentSpec, FargateSpec};
use crate::scenario::kinds::{Kind, Reading};
use crate::scenario::reader::text::{Quoted, one_of};
use crate::scenario::reader::values::POSITIVE;
use crate::scenario::reader::{Ctx, Table};
use crate::time::SimDuration;

pub(crate) const KIND: Kind = Kind {
    name: "fargate",
    named_by: fleet::NAMED_BY,
    read,
    writes: fleet::WRITES,
};

fn read(ctx: &mut Ctx, t: &Table, reading: &mut Reading) -> Option<ComponentSpec> {
    let f = &crate::catalog::builtin().fargate;
    let mut vcpu = t.req_num(ctx, "vcpu", POSITIVE);
    if let Some(v) = vcpu
        && !f.task_vcpus.values.contains(&v)
    {
        let sizes: Vec<String> = f.task_vcpus.values.iter().map(f64::to_string).collect();
        let sizes: Vec<&str> = sizes.iter().map(String::as_str).collect();
        t.err(
            ctx,
            "vcpu",
            format!("expected one of {}, found {v}", one_of(&sizes, Quoted::No)),
        );
        vcpu = None;
    }
    let memory_gb = t.req_num(ctx, "memory_gb", POSITIVE);
    // The task start-up (PROVISIONING → RUNNING, the image pull most of
    // it) plays the part of an instance's boot.
    let start_time = t.dist(ctx, "start_time");
    let keys = Keys {
        own: &["kind", "vcpu", "memory_gb", "start_time"],
        size: "tasks",
        size_with_autoscaling: "`tasks` cannot be combined with `autoscaling`: the service's size comes from its min, max and desired".into(),
    };
    let own = vcpu.zip(memory_gb).map(|(vcpu, memory_gb)| Own {
        instance_type: String::new(),
        fargate: Some(FargateSpec { vcpu, memory_gb }),
        // Zones are an `ec2` fleet's setting so far.
        zones: Vec::new(),
        boot_time: start_time.unwrap_or_else(|| {
            let (min, max) = (f.task_start_min_s.secs(), f.task_start_max_s.secs());
            Dist::uniform(min, max).unwrap_or_else(|_| Dist::constant(min))
        }),
        start_time: Dist::constant(SimDuration::ZERO),
    });
    fleet::read(ctx, t, reading, keys, own).map(ComponentSpec::Ec2)
}

//! `[[deployments]]`: new releases of named `ec2` and `fargate` fleets,
//! each applied to every design that has the fleet, with its rollback
//! alarm resolved in that design.

use crate::scenario::kinds::fleet::deploy::{DEFAULT_BATCH, batch_size};
use crate::scenario::reader::names::names_a_component;
use crate::scenario::reader::text::{Quoted, did_you_mean_value, one_of, quote};
use crate::scenario::reader::values::{ANY_DURATION, NumRange};
use crate::scenario::reader::{Ctx, Table, table_items};
use crate::scenario::spec::{ComponentId, ComponentSpec, Deployment, DeploymentSpec, Design};
use crate::settings::{DeployPolicy, Release};
use crate::time::SimTime;

const POLICIES: [(&str, DeployPolicy); 5] = [
    ("all_at_once", DeployPolicy::AllAtOnce),
    ("rolling", DeployPolicy::Rolling),
    (
        "rolling_with_additional_batch",
        DeployPolicy::RollingWithAdditionalBatch,
    ),
    ("immutable", DeployPolicy::Immutable),
    ("blue_green", DeployPolicy::BlueGreen),
];

/// Reads `[[deployments]]` and gives each fleet of `designs` the
/// deployments that name it.
pub(crate) fn read(
    ctx: &mut Ctx,
    root: &Table,
    components: &[&str],
    designs: &mut [Option<Design>],
) -> Option<Vec<Deployment>> {
    table_items(
        ctx,
        root,
        "deployments",
        "an array of tables ([[deployments]])",
        "a table ([[deployments]])",
        |ctx, t| read_one(ctx, t, components, designs),
    )
}

fn read_one(
    ctx: &mut Ctx,
    t: &Table,
    components: &[&str],
    designs: &mut [Option<Design>],
) -> Option<Deployment> {
    t.check_keys(
        ctx,
        &[
            "component",
            "at",
            "policy",
            "batch_size",
            "service_time",
            "error_rate",
            "rollback_on",
        ],
    );
    let component = t.req_str(ctx, "component", "the name of an ec2 or fargate fleet");
    if let Some(c) = component {
        names_a_component(ctx, t, "component", c, components);
    }
    let names: Vec<&str> = POLICIES.iter().map(|p| p.0).collect();
    let policy = if t.require(ctx, "policy", &one_of(&names, Quoted::Value)) {
        t.choice(ctx, "policy", &POLICIES)
    } else {
        None
    };
    if let Some(p) = policy
        && !p.batched()
        && t.has("batch_size")
    {
        t.err(
            ctx,
            "batch_size",
            format!(
                "`batch_size` only applies to policy = \"rolling\" or \"rolling_with_additional_batch\" ({} replaces every instance at once)",
                p.name()
            ),
        );
    }
    let batch = batch_size(ctx, t);
    let at = t.req_dur(ctx, "at", ANY_DURATION);
    let service_time = t.dist(ctx, "service_time");
    let error_rate = t.num(
        ctx,
        "error_rate",
        NumRange::closed(0.0, 1.0, "from 0 to 1 (a share of the calls)"),
    );
    let rollback_on = t.str(ctx, "rollback_on", "the name of an alarm of the design");
    let resolved = component.and_then(|c| attach_to(ctx, t, c, rollback_on, designs));
    let deployment = Deployment {
        component: component?.to_string(),
        at: SimTime(at?.0),
        policy: policy?,
        batch_size: batch.unwrap_or(DEFAULT_BATCH),
        release: Release {
            service_time,
            error_rate: error_rate.unwrap_or(0.0),
        },
        rollback_on: rollback_on.map(str::to_string),
    };
    if t.has("batch_size") && batch.is_none() {
        return None;
    }
    // Each design's fleet of that name gets it, with its own alarm.
    for (design, fleet, alarm) in resolved? {
        let Some(Some(d)) = designs.get_mut(design) else {
            continue;
        };
        if let ComponentSpec::Ec2(e) = &mut d.components[fleet.0].spec {
            e.deploy.deployments.push(DeploymentSpec {
                at: deployment.at,
                policy: deployment.policy,
                batch_size: deployment.batch_size,
                release: deployment.release.clone(),
                rollback_on: alarm,
            });
        }
    }
    Some(deployment)
}

/// Where a deployment goes in one design: the design, the fleet and the
/// `rollback_on` alarm.
type Place = (usize, ComponentId, Option<ComponentId>);

/// Where deployment `t` of `component` goes: per design that has the
/// component, its place and that of the `rollback_on` alarm. The component
/// must be an `ec2` or `fargate` fleet and the alarm an alarm in every
/// design that has the fleet.
fn attach_to(
    ctx: &mut Ctx,
    t: &Table,
    component: &str,
    rollback_on: Option<&str>,
    designs: &[Option<Design>],
) -> Option<Vec<Place>> {
    let mut places = Vec::new();
    for (i, d) in designs.iter().enumerate() {
        let Some(d) = d else {
            continue;
        };
        let find = |name: &str| d.components.iter().position(|c| c.name == name);
        let Some(fleet) = find(component) else {
            continue;
        };
        let spec = &d.components[fleet].spec;
        if !matches!(spec, ComponentSpec::Ec2(_)) {
            t.err(
                ctx,
                "component",
                format!(
                    "{} is {} in design {}; deployments apply to `ec2` and `fargate` fleets",
                    quote(component),
                    crate::scenario::reader::text::with_article(spec.kind_name()),
                    quote(&d.name)
                ),
            );
            return None;
        }
        let alarm = match rollback_on {
            None => None,
            Some(name) => match find(name) {
                Some(a) if matches!(d.components[a].spec, ComponentSpec::Alarm(_)) => {
                    Some(ComponentId(a))
                }
                found => {
                    let alarms = d.components.iter().filter_map(|c| match c.spec {
                        ComponentSpec::Alarm(_) => Some(c.name.as_str()),
                        _ => None,
                    });
                    let hint = did_you_mean_value(name, alarms);
                    let what = match found {
                        Some(a) => format!(
                            "{} is {}, not an alarm",
                            quote(name),
                            crate::scenario::reader::text::with_article(
                                d.components[a].spec.kind_name()
                            )
                        ),
                        None => format!("no alarm named {}", quote(name)),
                    };
                    t.err(
                        ctx,
                        "rollback_on",
                        format!("{what} in design {}{hint}", quote(&d.name)),
                    );
                    return None;
                }
            },
        };
        places.push((i, ComponentId(fleet), alarm));
    }
    Some(places)
}

#[cfg(test)]
mod tests {
    use crate::scenario::test_support::*;
    use crate::settings::{BatchSize, DeployPolicy};

    const DEPLOY: &str = "\n[[deployments]]\ncomponent = \"app\"\nat = \"10m\"\npolicy = \"rolling\"\nbatch_size = \"25%\"\n";

    fn fleet_deployments(text: &str) -> Vec<crate::scenario::kinds::fleet::DeploymentSpec> {
        let s = load_text(text).unwrap();
        let ComponentSpec::Ec2(e) = &s.designs[0].components[0].spec else {
            panic!("ec2")
        };
        e.deploy.deployments.clone()
    }

    #[test]
    fn deployments_reach_their_fleet() {
        let d = fleet_deployments(&format!("{MINI}{DEPLOY}"));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].policy, DeployPolicy::Rolling);
        assert_eq!(d[0].batch_size, BatchSize::Percent(25.0));
        assert_eq!(d[0].at, SimTime(600 * NANOS));
        assert_eq!(d[0].release.error_rate, 0.0);
        // Default batch: one instance.
        let d = fleet_deployments(&format!(
            "{MINI}{}",
            DEPLOY.replace("batch_size = \"25%\"\n", "")
        ));
        assert_eq!(d[0].batch_size, BatchSize::Count(1));
    }

    #[test]
    fn bad_deployments_name_the_key() {
        let text = format!("{MINI}{}", DEPLOY.replace("\"app\"", "\"ap\""));
        expect_one(
            &text,
            "deployments[0].component",
            "\"ap\"",
            &["no component named \"ap\"", "did you mean \"app\"?"],
        );
        let text = format!("{MINI}{}", DEPLOY.replace("\"rolling\"", "\"rollin\""));
        expect_one(
            &text,
            "deployments[0].policy",
            "rollin",
            &["did you mean \"rolling\"?"],
        );
        let text = format!("{MINI}{}", DEPLOY.replace("batch_size", "batch_sise"));
        expect_one(
            &text,
            "deployments[0].batch_sise",
            "batch_sise",
            &["did you mean `batch_size`?"],
        );
        let text = format!("{MINI}{}", DEPLOY.replace("\"25%\"", "\"250%\""));
        expect_one(&text, "deployments[0].batch_size", "250%", &["\"25%\""]);
        let text = format!("{MINI}{}", DEPLOY.replace("\"rolling\"", "\"immutable\""));
        expect_one(
            &text,
            "deployments[0].batch_size",
            "batch_size",
            &["only applies to policy = \"rolling\""],
        );
        let text = format!("{MINI}{DEPLOY}error_rate = 2\n");
        expect_one(
            &text,
            "deployments[0].error_rate",
            "error_rate",
            &["from 0 to 1"],
        );
        let text = format!("{MINI}{DEPLOY}rollback_on = \"app\"\n");
        expect_one(
            &text,
            "deployments[0].rollback_on",
            "rollback_on",
            &["\"app\" is an ec2, not an alarm"],
        );
        let text = format!("{MINI}{DEPLOY}rollback_on = \"errors\"\n");
        expect_one(
            &text,
            "deployments[0].rollback_on",
            "rollback_on",
            &["no alarm named \"errors\""],
        );
        let text = format!("{MINI}\n[deployments]\ncomponent = \"app\"\n");
        expect_one(&text, "deployments", "[deployments]", &["[[deployments]]"]);
    }

    #[test]
    fn patching_is_read_with_its_defaults() {
        let text = edit("workers = 4", "workers = 4\npatching = { every = \"30d\" }");
        let s = load_text(&text).unwrap();
        let ComponentSpec::Ec2(e) = &s.designs[0].components[0].spec else {
            panic!("ec2")
        };
        let p = e.deploy.patching.unwrap();
        assert_eq!(p.every, SimDuration::from_secs(30 * 86_400));
        assert_eq!(p.first, p.every);
        assert_eq!(p.batch_size, BatchSize::Count(1));
        let text = edit(
            "workers = 4",
            "workers = 4\npatching = { every = \"1d\", at = \"2h\", batch_size = \"50%\" }",
        );
        let s = load_text(&text).unwrap();
        let ComponentSpec::Ec2(e) = &s.designs[0].components[0].spec else {
            panic!("ec2")
        };
        let p = e.deploy.patching.unwrap();
        assert_eq!(p.first, SimDuration::from_secs(7200));
        assert_eq!(p.batch_size, BatchSize::Percent(50.0));
        let text = edit("workers = 4", "workers = 4\npatching = { evry = \"1d\" }");
        let errors = errors(&text);
        expect(
            &errors,
            "designs.d.app.patching.evry",
            Some(line_of(&text, "evry")),
            &["did you mean `every`?"],
        );
    }
}

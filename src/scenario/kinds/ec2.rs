//! `kind = "ec2"`: a fleet of identical EC2 instances, fixed or in an Auto
//! Scaling group, over one or more availability zones.

use toml::de::DeValue;

use crate::dist::Dist;
use crate::scenario::kinds::ComponentSpec;
use crate::scenario::kinds::fleet::{self, Keys, Own};
use crate::scenario::kinds::{Kind, Reading};
use crate::scenario::reader::text::{did_you_mean_value, quote};
use crate::scenario::reader::{Ctx, Table};
use crate::time::SimDuration;

pub(crate) const KIND: Kind = Kind {
    name: "ec2",
    named_by: fleet::NAMED_BY,
    read,
    writes: fleet::WRITES,
};

fn read(ctx: &mut Ctx, t: &Table, reading: &mut Reading) -> Option<ComponentSpec> {
    let instance_type = t.req_str(
        ctx,
        "instance_type",
        "an EC2 instance type such as \"m5.large\"",
    );
    if let Some(name) = instance_type {
        let catalog = &ctx.catalog;
        if catalog.instance_type(name).is_none() {
            let known: Vec<&str> = catalog.instance_type_names().collect();
            let hint = did_you_mean_value(name, known.iter().copied());
            t.err(
                ctx,
                "instance_type",
                format!(
                    "unknown instance type {}{hint} (known types: {})",
                    quote(name),
                    known.join(", ")
                ),
            );
        }
    }
    // A fixed fleet is up from the start: its boot time matters only to
    // the replacements of failed instances. Without a boot time an instance
    // is running at once.
    let boot_time = t.dist(ctx, "boot_time");
    let start_time = t.dist(ctx, "start_time");
    let zones = zones(ctx, t);
    let keys = Keys {
        own: &[
            "kind",
            "instance_type",
            "boot_time",
            "start_time",
            "reserved",
            "zones",
        ],
        size: "instances",
        size_with_autoscaling: format!(
            "`instances` cannot be combined with `autoscaling` ({}): the group's size comes from its min, max and desired",
            t.key("autoscaling")
        ),
    };
    let own = instance_type.zip(zones).map(|(instance_type, zones)| Own {
        instance_type: instance_type.to_string(),
        fargate: None,
        zones,
        boot_time: boot_time.unwrap_or_else(|| Dist::constant(SimDuration::ZERO)),
        start_time: start_time.unwrap_or_else(|| Dist::constant(SimDuration::ZERO)),
    });
    fleet::read(ctx, t, reading, keys, own).map(ComponentSpec::Ec2)
}

/// Most availability zones of a fleet (zone names `a` to `z`).
const MAX_ZONES: u32 = 26;

/// `zones`: a count (zones `a`, `b`, … as in `us-east-1a`) or an array of
/// distinct names; empty when absent.
fn zones(ctx: &mut Ctx, t: &Table) -> Option<Vec<String>> {
    let Some(v) = t.get("zones") else {
        return Some(Vec::new());
    };
    let key = t.key("zones");
    let expected = format!("a number of zones from 1 to {MAX_ZONES} or an array of zone names");
    match v.get_ref() {
        DeValue::Integer(_) => {
            let n = t.u32(ctx, "zones", 1, MAX_ZONES)?;
            Some(
                (0..n)
                    .map(|i| char::from(b'a' + i as u8).to_string())
                    .collect(),
            )
        }
        DeValue::Array(items) if !items.is_empty() && items.len() <= MAX_ZONES as usize => {
            let mut names: Vec<String> = Vec::new();
            let mut ok = true;
            for item in items {
                match item.get_ref() {
                    DeValue::String(s) if !s.is_empty() && !names.iter().any(|n| n == s) => {
                        names.push(s.to_string());
                    }
                    DeValue::String(s) => {
                        let problem = if s.is_empty() {
                            "an empty zone name".to_string()
                        } else {
                            format!("zone {} twice", quote(s))
                        };
                        ctx.error(
                            item.span().start,
                            key.clone(),
                            format!("expected distinct zone names, found {problem}"),
                        );
                        ok = false;
                    }
                    _ => {
                        ctx.unexpected_item(key.clone(), item, &expected);
                        ok = false;
                    }
                }
            }
            ok.then_some(names)
        }
        _ => {
            ctx.unexpected(key, v, &expected);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::scenario::test_support::*;

    #[test]
    fn ec2_checks() {
        let text = edit("\"m5.large\"", "\"m5.larg\"");
        expect_one(
            &text,
            "designs.d.app.instance_type",
            "m5.larg",
            &[
                "unknown instance type \"m5.larg\"",
                "did you mean \"m5.large\"?",
                "t3.micro",
            ],
        );
        let auto = "\n[designs.d.app.autoscaling]\nmin = 1\nmax = 4\ntarget = 50\n";
        let s = load_text(&format!("{MINI}{auto}")).unwrap();
        let ComponentSpec::Ec2(e) = &s.designs[0].components[0].spec else {
            panic!()
        };
        assert_eq!(e.autoscaling.as_ref().map(|g| g.desired), Some(1));
        let text = format!(
            "{}{auto}",
            edit("workers = 4", "workers = 4\ninstances = 2")
        );
        expect_one(
            &text,
            "designs.d.app.instances",
            "instances",
            &["cannot be combined with `autoscaling`"],
        );
        let text = format!("{MINI}{}", auto.replace("target = 50", "target = 120"));
        expect_one(
            &text,
            "designs.d.app.autoscaling.target",
            "target",
            &["≤ 100", "120"],
        );
        let text = format!("{MINI}{}", auto.replace("min = 1", "min = 5"));
        expect_one(
            &text,
            "designs.d.app.autoscaling.min",
            "min = 5",
            &["≤ `max` (4)"],
        );
        let text = format!("{MINI}{}", auto.replace("min = 1", "min = 1\ndesired = 9"));
        expect_one(
            &text,
            "designs.d.app.autoscaling.desired",
            "desired",
            &["between `min` and `max`"],
        );
        let text = format!(
            "{MINI}{}",
            auto.replace("min = 1", "min = 1\npolicy = \"stepp\"")
        );
        expect_one(
            &text,
            "designs.d.app.autoscaling.policy",
            "stepp",
            &["did you mean \"step\"?"],
        );
        let text = edit("service_time = \"10ms\"\n", "");
        expect_one(
            &text,
            "designs.d.app.service_time",
            "[designs.d.app]",
            &["missing `service_time`"],
        );
    }
}

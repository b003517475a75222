//! `[[faults]]`: outages, slowdowns and zone outages of named components.

use toml::de::DeValue;

use crate::scenario::reader::names::names_a_component;
use crate::scenario::reader::text::{did_you_mean_value, quote};
use crate::scenario::reader::values::{ANY_DURATION, POSITIVE, POSITIVE_DURATION};
use crate::scenario::reader::{Ctx, Table, table_items};
use crate::scenario::spec::{Fault, FaultKind};
use crate::time::SimTime;

pub(crate) fn read(
    ctx: &mut Ctx,
    root: &Table,
    components: &[&str],
    zoned: &[(&str, &[String])],
) -> Option<Vec<Fault>> {
    table_items(
        ctx,
        root,
        "faults",
        "an array of tables ([[faults]])",
        "a table ([[faults]])",
        |ctx, t| fault(ctx, t, components, zoned),
    )
}

/// One `[[faults]]` table.
fn fault(
    ctx: &mut Ctx,
    t: &Table,
    components: &[&str],
    zoned: &[(&str, &[String])],
) -> Option<Fault> {
    t.check_keys(
        ctx,
        &["component", "kind", "factor", "zone", "at", "duration"],
    );
    let component = t.req_str(ctx, "component", "a component name");
    let named = component.is_none_or(|c| names_a_component(ctx, t, "component", c, components));
    let kinds = [
        ("outage", "outage"),
        ("slowdown", "slowdown"),
        ("zone_outage", "zone_outage"),
    ];
    let kind = if t.require(ctx, "kind", "\"outage\", \"slowdown\" or \"zone_outage\"") {
        t.choice(ctx, "kind", &kinds)
    } else {
        None
    };
    let factor = match kind {
        Some("slowdown") => t.req_num(ctx, "factor", POSITIVE),
        _ => {
            if t.has("factor") && kind.is_some() {
                t.err(
                    ctx,
                    "factor",
                    "`factor` only applies to kind = \"slowdown\"",
                );
            }
            None
        }
    };
    let zone = match kind {
        Some("zone_outage") => fault_zone(ctx, t, component, zoned),
        _ => {
            if t.has("zone") && kind.is_some() {
                t.err(ctx, "zone", "`zone` only applies to kind = \"zone_outage\"");
            }
            None
        }
    };
    // A fault after the end never happens (allowed, as for schedule steps).
    let at = t.req_dur(ctx, "at", ANY_DURATION);
    let length = t.req_dur(ctx, "duration", POSITIVE_DURATION);
    let kind = match (kind, factor, zone) {
        (Some("outage"), _, _) => Some(FaultKind::Outage),
        (Some("zone_outage"), _, Some(zone)) => Some(FaultKind::ZoneOutage { zone }),
        (Some("slowdown"), Some(factor), _) => Some(FaultKind::Slowdown { factor }),
        _ => None,
    };
    match (component, kind, at, length) {
        (Some(c), Some(kind), Some(at), Some(duration)) if named => Some(Fault {
            component: c.to_string(),
            kind,
            at: SimTime(at.0),
            duration,
        }),
        _ => None,
    }
}

/// The `zone` of a zone outage of fleet `component`: a zone name of the
/// fleet or an index into its `zones` (from 0). Every fleet of that name
/// (in any design) must have the zone, at the same index.
fn fault_zone(
    ctx: &mut Ctx,
    t: &Table,
    component: Option<&str>,
    zoned: &[(&str, &[String])],
) -> Option<u32> {
    if !t.require(ctx, "zone", "a zone name such as \"b\" or an index from 0") {
        return None;
    }
    let v = t.get("zone")?;
    let component = component?;
    let fleets: Vec<&[String]> = zoned
        .iter()
        .filter(|(n, _)| *n == component)
        .map(|(_, z)| *z)
        .collect();
    if fleets.is_empty() || fleets.iter().any(|z| z.is_empty()) {
        t.err(
            ctx,
            "zone",
            format!(
                "a zone outage needs an `ec2` fleet with `zones`; {} has no zones",
                quote(component)
            ),
        );
        return None;
    }
    let zones = fleets[0];
    let listed = || {
        zones
            .iter()
            .map(|z| quote(z))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let index = match v.get_ref() {
        DeValue::String(s) => match zones.iter().position(|z| z == s) {
            Some(i) => i,
            None => {
                let hint = did_you_mean_value(s, zones.iter().map(String::as_str));
                t.err(
                    ctx,
                    "zone",
                    format!(
                        "{} has no zone {}{hint} (its zones: {})",
                        quote(component),
                        quote(s),
                        listed()
                    ),
                );
                return None;
            }
        },
        DeValue::Integer(_) => {
            let i = t.int(ctx, "zone", 0, zones.len() as i128 - 1)?;
            i as usize
        }
        _ => {
            ctx.unexpected(t.key("zone"), v, "a zone name or an index from 0");
            return None;
        }
    };
    let name = &zones[index];
    if fleets.iter().any(|z| z.get(index) != Some(name)) {
        t.err(
            ctx,
            "zone",
            format!(
                "the fleets named {} in the designs do not all have zone {} at the same place in `zones`",
                quote(component),
                quote(name)
            ),
        );
        return None;
    }
    Some(index as u32)
}

#[cfg(test)]
mod tests {
    use crate::scenario::test_support::*;

    #[test]
    fn faults() {
        let fault = "\n[[faults]]\ncomponent = \"ap\"\nkind = \"outage\"\nat = \"10m\"\nduration = \"1m\"\n";
        let text = format!("{MINI}{fault}");
        expect_one(
            &text,
            "faults[0].component",
            "\"ap\"",
            &["did you mean \"app\"?"],
        );
        let text = format!(
            "{MINI}{}",
            fault
                .replace("\"ap\"", "\"app\"")
                .replace("\"outage\"", "\"slowdown\"")
        );
        expect_one(
            &text,
            "faults[0].factor",
            "[[faults]]",
            &["missing `factor`"],
        );
        let text = format!(
            "{MINI}{}",
            fault
                .replace("\"ap\"", "\"app\"")
                .replace("\"10m\"", "\"10m\"\nfactor = 2")
        );
        expect_one(
            &text,
            "faults[0].factor",
            "factor",
            &["only applies to kind = \"slowdown\""],
        );
        let text = format!(
            "{MINI}{}",
            fault
                .replace("\"ap\"", "\"app\"")
                .replace("\"1m\"", "\"0s\"")
        );
        expect_one(&text, "faults[0].duration", "0s", &["> 0"]);
        let text = format!("{MINI}\n[faults]\ncomponent = \"app\"\n");
        expect_one(&text, "faults", "[faults]", &["[[faults]]"]);
        let text = format!(
            "{MINI}{}",
            fault
                .replace("\"ap\"", "\"app\"")
                .replace("\"outage\"", "\"slowdown\"\nfactor = 3")
        );
        let s = load_text(&text).unwrap();
        assert_eq!(s.faults[0].kind, FaultKind::Slowdown { factor: 3.0 });
    }

    #[test]
    fn zones_and_zone_outages() {
        let zoned = edit("workers = 4", "workers = 4\nzones = [\"east\", \"west\"]");
        let fault = "\n[[faults]]\ncomponent = \"app\"\nkind = \"zone_outage\"\nzone = \"west\"\nat = \"10m\"\nduration = \"1m\"\n";
        let s = load_text(&format!("{zoned}{fault}")).unwrap();
        assert_eq!(s.faults[0].kind, FaultKind::ZoneOutage { zone: 1 });
        let ComponentSpec::Ec2(e) = &s.designs[0].components[0].spec else {
            panic!("ec2")
        };
        assert_eq!(e.zones, ["east", "west"]);
        // A count names the zones a, b, …; an index picks one from 0.
        let three = edit("workers = 4", "workers = 4\nzones = 3");
        let text = format!("{three}{}", fault.replace("\"west\"", "2"));
        let s = load_text(&text).unwrap();
        assert_eq!(s.faults[0].kind, FaultKind::ZoneOutage { zone: 2 });
        // A zone the fleet does not have: the fleet's zones are named.
        let text = format!("{zoned}{}", fault.replace("\"west\"", "\"wesst\""));
        expect_one(
            &text,
            "faults[0].zone",
            "\"wesst\"",
            &[
                "no zone \"wesst\"",
                "did you mean \"west\"?",
                "\"east\", \"west\"",
            ],
        );
        let text = format!("{three}{}", fault.replace("\"west\"", "3"));
        expect_one(&text, "faults[0].zone", "zone = 3", &["from 0 to 2"]);
        // A fleet without zones has none to lose.
        let text = format!("{MINI}{fault}");
        expect_one(&text, "faults[0].zone", "\"west\"", &["has no zones"]);
        let text = format!("{zoned}{}", fault.replace("zone = \"west\"\n", ""));
        expect_one(&text, "faults[0].zone", "[[faults]]", &["missing `zone`"]);
        let text = format!("{zoned}{}", fault.replace("\"zone_outage\"", "\"outage\""));
        expect_one(
            &text,
            "faults[0].zone",
            "zone =",
            &["only applies to kind = \"zone_outage\""],
        );
        // `zones` itself.
        let text = edit("workers = 4", "workers = 4\nzones = 0");
        expect_one(&text, "designs.d.app.zones", "zones", &["from 1 to 26"]);
        let text = edit("workers = 4", "workers = 4\nzones = [\"a\", \"a\"]");
        expect_one(&text, "designs.d.app.zones", "zones", &["zone \"a\" twice"]);
        let text = edit("workers = 4", "workers = 4\nzones = \"a\"");
        expect_one(
            &text,
            "designs.d.app.zones",
            "zones",
            &["a number of zones from 1 to 26 or an array of zone names"],
        );
        let text = edit("workers = 4", "workers = 4\nzone = 3");
        expect_one(
            &text,
            "designs.d.app.zone",
            "zone",
            &["did you mean `zones`?"],
        );
    }
}

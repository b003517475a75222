//! The design diagram of every shipped scenario names every component and
//! every link of every design, as the scenario file writes them: what the
//! diagram should show is read here from the TOML text itself, not from the
//! manifest the diagram is drawn from.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use toml::{Table, Value};

use crate::common::*;

/// The names a key of a component's table gives: one name or an array of
/// names (or, for `subscribers`, tables with a `target`).
fn names(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items
            .iter()
            .filter_map(|v| match v {
                Value::String(s) => Some(s.clone()),
                Value::Table(t) => t.get("target").and_then(Value::as_str).map(String::from),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// A component's links as the scenario writes them: (to, kind).
fn links(table: &Table) -> Vec<(String, &'static str)> {
    const KEYS: [(&str, &str); 10] = [
        ("targets", "routes"),
        ("calls", "calls"),
        ("sends", "sends"),
        ("consumer", "consumer"),
        ("dead_letter", "dead_letter"),
        ("subscribers", "subscription"),
        ("on_failure", "on_failure"),
        // An alarm's (only an alarm's table has `component`).
        ("component", "watches"),
        ("alarm_actions", "notifies"),
        ("ok_actions", "notifies"),
    ];
    KEYS.iter()
        .filter_map(|(key, kind)| table.get(*key).map(|v| (v, *kind)))
        .flat_map(|(v, kind)| names(v).into_iter().map(move |n| (n, kind)))
        // An action `group.policy` invokes a scaling policy of the group:
        // the diagram draws it as one arrow to the group.
        .map(|(to, kind)| match to.split_once('.') {
            Some((group, _)) if kind == "notifies" => (group.to_string(), "scales"),
            _ => (to, kind),
        })
        .collect()
}

/// Each design's expected box titles and arrow titles, from the file.
fn expected(path: &Path) -> Vec<(String, BTreeSet<String>)> {
    let text = fs::read_to_string(path).unwrap();
    let doc: Table = toml::from_str(&text).unwrap();
    let shared = doc
        .get("components")
        .and_then(Value::as_table)
        .cloned()
        .unwrap_or_default();
    let designs = doc["designs"].as_table().unwrap();
    let mut out = Vec::new();
    for (design, body) in designs {
        let body = body.as_table().unwrap();
        let own: Vec<(String, Table)> = body
            .iter()
            .filter_map(|(k, v)| {
                let t = v.as_table()?;
                t.contains_key("kind").then(|| (k.clone(), t.clone()))
            })
            .collect();
        // The shared components the design's own reach, transitively.
        let mut members: Vec<(String, Table)> = own.clone();
        let mut i = 0;
        while i < members.len() {
            for (to, _) in links(&members[i].1) {
                if !members.iter().any(|(n, _)| *n == to)
                    && let Some(t) = shared.get(&to).and_then(Value::as_table)
                {
                    members.push((to, t.clone()));
                }
            }
            i += 1;
        }
        let mut titles = BTreeSet::new();
        for (name, table) in &members {
            titles.insert(format!("<title>{name} ("));
            for (to, kind) in links(table) {
                titles.insert(format!("<title>{name} -&gt; {to} ({kind})</title>"));
            }
        }
        out.push((design.clone(), titles));
    }
    out
}

#[test]
fn every_shipped_scenarios_diagram_names_every_component_and_link() {
    let tmp = tempfile::tempdir().unwrap();
    let scenarios = shipped_scenarios();
    assert!(scenarios.len() >= 20, "{} scenarios", scenarios.len());
    let mut checked = 0;
    for (k, scenario) in scenarios.iter().enumerate() {
        let out = tmp.path().join(k.to_string());
        let o = stratosim(&[
            "run",
            scenario.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--replications",
            "1",
            "--set",
            "scenario.duration=2m",
            "--set",
            "scenario.warmup=0s",
            "--quiet",
        ]);
        assert!(
            o.status.success(),
            "{}: {}",
            scenario.display(),
            String::from_utf8_lossy(&o.stderr)
        );
        let svg = fs::read_to_string(out.join("charts/design-diagram.svg")).unwrap();
        assert!(
            fs::read(out.join("charts/design-diagram.png"))
                .unwrap()
                .starts_with(b"\x89PNG")
        );
        let report = fs::read_to_string(out.join("report.html")).unwrap();
        let first = report.find("<figure id=").unwrap();
        assert!(
            report[first..].starts_with("<figure id=\"design-diagram\">"),
            "{}: the diagram is the report's first chart",
            scenario.display()
        );
        // Each band says what became of its design's requests, since a
        // client's timeouts show in no box.
        assert!(
            svg.contains("of requests failed, lost or pending")
                || svg.contains("every request completed")
                || svg.contains("no request in the measured window"),
            "{}: no outcome in the diagram",
            scenario.display()
        );
        for (design, titles) in expected(scenario) {
            assert!(
                svg.contains(&format!("<g><title>{design}</title>")),
                "{}: design {design}",
                scenario.display()
            );
            // Within the design's own group.
            let start = svg.find(&format!("<g><title>{design}</title>")).unwrap();
            let group = &svg[start..start + svg[start..].find("</g>").unwrap()];
            for title in titles {
                assert!(
                    group.contains(&title),
                    "{}: design {design} lacks {title}",
                    scenario.display()
                );
                checked += 1;
            }
        }
        // An alarm handles no calls: its box says how often it fired
        // (alarms.csv), not a rate of 0.00/s.
        assert_eq!(
            svg.matches("into ALARM ").count(),
            svg.matches(" (alarm)</title>").count(),
            "{}: the alarms' boxes",
            scenario.display()
        );
    }
    note(&format!(
        "diagrams of {} scenarios name their {checked} components and links",
        scenarios.len()
    ));
}

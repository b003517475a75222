//! `[sweep]`: the axes of a parameter sweep, every value checked as `--set`
//! would apply it.

use std::collections::{HashMap, HashSet};

use toml::de::DeValue;

use crate::scenario::error::ScenarioError;
use crate::scenario::overrides::set_path;
use crate::scenario::reader::text::{found, quote, render, render_short};
use crate::scenario::reader::values::integer_value;
use crate::scenario::reader::{Ctx, Table, Val};
use crate::scenario::sections::walk;
use crate::scenario::spec::SweepAxis;
use crate::time::SimDuration;

/// One swept key path and its values, as written.
#[derive(Clone, Debug)]
pub(crate) struct Axis<'i> {
    /// The dotted key path.
    pub(crate) key: String,
    /// The values, with their places in the file.
    pub(crate) values: Vec<Val<'i>>,
}

impl Axis<'_> {
    /// The axis as the validated scenario lists it: each value as a TOML
    /// literal.
    pub(crate) fn to_spec(&self) -> SweepAxis {
        SweepAxis {
            key: self.key.clone(),
            values: self.values.iter().map(|v| render(v.get_ref())).collect(),
        }
    }
}

/// `[sweep]` (`sweep`, taken out of the document `root`): every value of
/// every axis is applied to `root` like `--set` and the result validated;
/// new problems are reported at the sweep entry. Nested tables are read as
/// dotted keys, so an unquoted `designs.a.b = [...]` works too. Each value
/// costs one walk of the document without its sweep, so validation grows
/// linearly with the number of values.
pub(crate) fn read<'i>(
    ctx: &mut Ctx,
    sweep: Option<&Val<'i>>,
    root: &DeValue<'i>,
    base_errors: &[ScenarioError],
) -> Vec<Axis<'i>> {
    let Some(v) = sweep else {
        return Vec::new();
    };
    let Some(t) = Table::of(ctx, "sweep".into(), v, "a table of key path = [values]") else {
        return Vec::new();
    };
    let mut axes_in = Vec::new();
    flatten(&t, "", &mut axes_in);
    let known: HashSet<(&str, &str)> = base_errors
        .iter()
        .map(|e| (e.key.as_str(), e.message.as_str()))
        .collect();
    // Each value is validated on the document without its sweep: copying
    // the sweep's values for each of them would make the work grow with
    // their square.
    let mut without_sweep = root.clone();
    if let DeValue::Table(map) = &mut without_sweep {
        map.remove("sweep");
    }
    let mut seen = HashSet::new();
    let mut axes = Vec::new();
    for (key, key_at, value) in axes_in {
        let path = format!("sweep.{}", quote(&key));
        if !seen.insert(key.clone()) {
            ctx.error(key_at, path, "this key path is swept twice");
            continue;
        }
        let items = match value.get_ref() {
            DeValue::Array(items) if !items.is_empty() => items,
            other => {
                let what = if matches!(other, DeValue::Array(_)) {
                    "an empty array".to_string()
                } else {
                    found(other)
                };
                ctx.error(
                    value.span().start,
                    path,
                    format!(
                        "expected a non-empty array of values such as [40, 50, 60], found {what}"
                    ),
                );
                continue;
            }
        };
        check_repeats(ctx, &path, items);
        for item in items.iter() {
            let mut doc = without_sweep.clone();
            if let Err(message) = set_path(&mut doc, &key, item.clone()) {
                ctx.error(key_at, path.clone(), message);
                break;
            }
            let mut sub = Ctx::new(ctx.file, ctx.lines, ctx.dir);
            // Each CSV file is read once for all the sweep points.
            std::mem::swap(&mut sub.cache, &mut ctx.cache);
            walk(&mut sub, &doc);
            std::mem::swap(&mut sub.cache, &mut ctx.cache);
            let shown = render_short(item.get_ref());
            for e in sub.errors {
                if !known.contains(&(e.key.as_str(), e.message.as_str())) {
                    ctx.error(
                        item.span().start,
                        path.clone(),
                        if e.key == key {
                            format!("with {key} = {shown}: {}", e.message)
                        } else {
                            format!("with {key} = {shown}: {}: {}", e.key, e.message)
                        },
                    );
                }
            }
        }
        axes.push(Axis {
            key,
            values: items.iter().cloned().collect(),
        });
    }
    axes
}

/// Reports every value of an axis that repeats an earlier one: the same
/// runs would be simulated twice and counted as more replications, making
/// the confidence intervals falsely narrow. Numbers are compared as
/// numbers (`8` and `8.0`) and durations as durations (`"60s"` and `"1m"`).
fn check_repeats(ctx: &mut Ctx, path: &str, items: &[Val<'_>]) {
    let mut first: HashMap<String, usize> = HashMap::new();
    for (i, item) in items.iter().enumerate() {
        let identity = identity(item.get_ref());
        match first.get(&identity) {
            Some(&j) => ctx.error(
                item.span().start,
                path,
                format!(
                    "the value {} repeats value {} ({}): each sweep value may appear once, or the same runs would count twice",
                    render_short(item.get_ref()),
                    j + 1,
                    render_short(items[j].get_ref())
                ),
            ),
            None => {
                first.insert(identity, i);
            }
        }
    }
}

/// What a swept value means, for finding repeats.
fn identity(value: &DeValue<'_>) -> String {
    let number = match value {
        DeValue::Integer(_) => integer_value(value).map(|i| i as f64),
        DeValue::Float(f) => f.as_str().parse::<f64>().ok(),
        _ => None,
    };
    if let Some(x) = number {
        // -0.0 and 0.0 are the same value.
        return format!("number {}", x + 0.0);
    }
    if let DeValue::String(s) = value
        && let Ok(d) = SimDuration::parse(s)
    {
        return format!("duration {}", d.0);
    }
    render(value)
}

/// Collects `(dotted key, key offset, value)` for every non-table value under `t`.
pub(crate) fn flatten<'a, 'i>(
    t: &Table<'a, 'i>,
    prefix: &str,
    out: &mut Vec<(String, usize, &'a Val<'i>)>,
) {
    for (k, at, v) in t.entries() {
        let key = if prefix.is_empty() {
            k.to_string()
        } else {
            format!("{prefix}.{k}")
        };
        match v.get_ref() {
            DeValue::Table(map) => flatten(
                &Table {
                    path: String::new(),
                    at,
                    map,
                },
                &key,
                out,
            ),
            _ => out.push((key, at, v)),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::scenario::test_support::*;

    #[test]
    fn sweeps() {
        let text = format!("{MINI}\n[sweep]\n\"designs.d.app.workers\" = [1, 0, 2.5]\n");
        let errs = errors(&text);
        let line = Some(line_of(&text, "[1, 0, 2.5]"));
        expect(
            &errs,
            "sweep.\"designs.d.app.workers\"",
            line,
            &["with designs.d.app.workers = 0", "from 1 to 1000"],
        );
        expect(
            &errs,
            "sweep.\"designs.d.app.workers\"",
            line,
            &["= 2.5", "found a float (2.5)"],
        );
        assert_eq!(errs.len(), 2);
        let text = format!("{MINI}\n[sweep]\n\"designs.d.ap.workers\" = [1]\n");
        expect_one(
            &text,
            "sweep.\"designs.d.ap.workers\"",
            "ap.workers",
            &["did you mean `app`?"],
        );
        let text = format!("{MINI}\n[sweep]\n\"designs.d.app.workers\" = []\n");
        expect_one(
            &text,
            "sweep.\"designs.d.app.workers\"",
            "[]",
            &["non-empty array"],
        );
        let text = format!("{MINI}\n[sweep]\n\"designs.d.app.workers\" = 3\n");
        expect_one(
            &text,
            "sweep.\"designs.d.app.workers\"",
            "= 3",
            &["non-empty array"],
        );
        let text = format!(
            "{MINI}\n[sweep]\n\"designs.d.app.instance_type\" = [\"m5.large\", \"c5.large\"]\ndesigns.d.app.workers = [1, 2]\n"
        );
        let s = load_text(&text).unwrap();
        assert_eq!(s.sweep[0].values, ["\"m5.large\"", "\"c5.large\""]);
        assert_eq!(s.sweep[1].key, "designs.d.app.workers");
        // The rendered values work as overrides.
        let o = Override {
            key: s.sweep[0].key.clone(),
            value: s.sweep[0].values[1].clone(),
        };
        let s = load_str(&text, Path::new("t.toml"), &[o]).unwrap();
        let ComponentSpec::Ec2(e) = &s.designs[0].components[0].spec else {
            panic!()
        };
        assert_eq!(e.instance_type, "c5.large");
    }

    /// A value given twice would count the same runs as more replications
    /// (issue 11): numbers compare as numbers, durations as durations.
    #[test]
    fn repeated_values_are_refused() {
        for (values, repeated) in [
            ("[8, 8]", "the value 8 repeats value 1 (8)"),
            ("[2, 4, 2]", "the value 2 repeats value 1 (2)"),
            (
                "[\"60s\", \"1m\"]",
                "the value \"1m\" repeats value 1 (\"60s\")",
            ),
        ] {
            let key = if values.contains('s') {
                "designs.d.app.service_time"
            } else {
                "designs.d.app.workers"
            };
            let text = format!("{MINI}\n[sweep]\n\"{key}\" = {values}\n");
            let errs = errors(&text);
            assert_eq!(errs.len(), 1, "{}", ScenarioErrors(errs.clone()));
            assert_eq!(errs[0].key, format!("sweep.\"{key}\""));
            assert!(errs[0].message.contains(repeated), "{}", errs[0]);
        }
        let text = format!("{MINI}\n[sweep]\n\"workload.rate\" = [8, 8.0]\n");
        assert!(errors(&text)[0].message.contains("repeats"));
    }

    /// Points are built one at a time from one document; with two axes,
    /// every combination is checked.
    #[test]
    fn points_of_a_grid() {
        let text = format!(
            "{MINI}\n[sweep]\n\"designs.d.app.workers\" = [1, 2, 3]\n\"workload.rate\" = [5, 10]\n"
        );
        let p = Path::new("t.toml");
        let loaded = load_sweep(&text, p, &[]).unwrap();
        assert_eq!(loaded.points(), 6);
        // The first axis varies slowest.
        assert_eq!(loaded.point_values(0), ["1", "5"]);
        assert_eq!(loaded.point_values(1), ["1", "10"]);
        assert_eq!(loaded.point_values(5), ["3", "10"]);
        let s = loaded.point(3).unwrap();
        let ComponentSpec::Ec2(e) = &s.designs[0].components[0].spec else {
            panic!()
        };
        assert_eq!(e.workers, 2);
        assert!(s.sweep.is_empty());
        let o = loaded.point_overrides(3);
        assert_eq!(o[1], set("workload.rate", "10"));
        // A combination that fails on its own is reported at the sweep.
        let text = format!(
            "{MINI}\n[workload.client]\nbackoff = {{ base = \"1s\", max = \"10s\" }}\n[sweep]\n\"workload.client.backoff.base\" = [\"1s\", \"5s\"]\n\"workload.client.backoff.max\" = [\"10s\", \"2s\"]\n"
        );
        load_text(&text).unwrap();
        let e = load_sweep(&text, p, &[]).unwrap_err();
        assert_eq!(e.0.len(), 1, "{e}");
        assert_eq!(e.0[0].key, "sweep");
        assert_eq!(e.0[0].line, Some(line_of(&text, "[\"1s\", \"5s\"]")));
        assert!(
            e.0[0].message.contains(
                "at the sweep point workload.client.backoff.base = \"5s\", workload.client.backoff.max = \"2s\""
            ),
            "{e}"
        );
    }

    /// `--set` sets an axis by its quoted key path, and refuses to set what
    /// the sweep sets at every point.
    #[test]
    fn set_and_sweep() {
        let p = Path::new("t.toml");
        let o = [set("sweep.\"workload.rate\"", "[1, 2]")];
        let loaded = load_sweep(MINI, p, &o).unwrap();
        assert_eq!(loaded.points(), 2);
        assert_eq!(loaded.base.sweep[0].key, "workload.rate");
        let o = [set("sweep.workload.rate", "[1, 2, 3]")];
        assert_eq!(load_sweep(MINI, p, &o).unwrap().points(), 3);
        let text = format!("{MINI}\n[sweep]\n\"workload.rate\" = [5, 10]\n");
        for key in ["workload.rate", "workload"] {
            let o = [set(
                key,
                if key == "workload" {
                    "{ rate = 3 }"
                } else {
                    "3"
                },
            )];
            let e = load_sweep(&text, p, &o).unwrap_err();
            assert_eq!(e.0.len(), 1, "{e}");
            assert_eq!(e.0[0].file, PathBuf::from("--set"));
            assert_eq!(e.0[0].key, key);
            assert!(e.0[0].message.contains("is swept by [sweep]"), "{e}");
        }
        // The sweep itself may be replaced.
        let o = [set("sweep.\"workload.rate\"", "[7]")];
        let loaded = load_sweep(&text, p, &o).unwrap();
        assert_eq!(loaded.base.sweep[0].values, ["7"]);
    }
}

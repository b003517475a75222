//! Scenario files: TOML text → validated, typed [`Scenario`], with every
//! problem reported at once.
//!
//! The `toml` crate parses the text into a *spanned* document (every key and
//! value keeps its byte range). This module walks that document by hand
//! rather than through serde's derive, because a hand walk knows where it is:
//! each message names the key path (`designs.monolith.app.workers`), the
//! line, what was expected and what was found, and suggests the nearest
//! valid key or name. The walk never stops at the first problem; it collects
//! them all, and builds the typed [`spec`] only when there are none.
//!
//! Layout: `reader` is the table reader that tracks the key path, rejects
//! unknown keys and reads typed values; `sections` reads each top-level
//! table; `kinds` reads each component kind, one file per kind; `design`
//! places components in designs, resolves their references and checks them
//! across components. The scenario layer knows nothing of the engine or the
//! simulation models.

mod catalogs;
mod design;
mod dist;
mod error;
mod kinds;
mod overrides;
mod points;
mod reader;
mod sections;
pub mod spec;
#[cfg(test)]
mod test_support;

use std::path::{Path, PathBuf};

use toml::de::{DeTable, DeValue};

use crate::scenario::overrides::{key_parts, override_value, set_path};
use crate::scenario::reader::text::quote;
use crate::scenario::reader::{Ctx, FROM_SET, LineIndex, Val};
use crate::scenario::sections::sweep::Axis;
use crate::scenario::sections::walk;

pub use error::{ScenarioError, ScenarioErrors};
pub use kinds::kind_names;
pub use overrides::Override;
pub use points::Loaded;
pub use spec::*;

/// Reads the scenario at `path` (and any trace or empirical CSV it names,
/// relative to the scenario's folder), applies `overrides` and validates it.
pub fn load(path: &Path, overrides: &[Override]) -> Result<Scenario, ScenarioErrors> {
    load_str(&read_text(path)?, path, overrides)
}

/// The text of the scenario file at `path`.
pub fn read_text(path: &Path) -> Result<String, ScenarioErrors> {
    let bytes = std::fs::read(path)
        .map_err(|e| ScenarioErrors::single(path, format!("cannot read the scenario: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        ScenarioErrors::single(
            path,
            format!(
                "the scenario is not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

/// Like [`load`], from text already read; `path` is used in messages and to
/// find the CSV files the scenario names. Each value of a sweep is checked
/// on its own; [`load_sweep`] checks every sweep point.
pub fn load_str(
    text: &str,
    path: &Path,
    overrides: &[Override],
) -> Result<Scenario, ScenarioErrors> {
    read(text, path, overrides).map(|loaded| loaded.base)
}

/// What `run` and `check` load: the scenario of `text` (read from `path`)
/// with `overrides` applied, every sweep point validated, each point's
/// scenario built on demand from the one document. An override of a swept
/// key path is refused (every sweep point would override it); an override
/// `sweep."key.path"=[…]` sets a sweep axis.
pub fn load_sweep<'t>(
    text: &'t str,
    path: &Path,
    overrides: &'t [Override],
) -> Result<Loaded<'t>, ScenarioErrors> {
    let loaded = read(text, path, overrides)?;
    let mut errors = Vec::new();
    for o in overrides {
        let Ok(parts) = key_parts(&o.key) else {
            continue;
        };
        if parts.first().is_some_and(|p| p == "sweep") {
            continue;
        }
        for axis in &loaded.axes {
            let Ok(swept) = key_parts(&axis.key) else {
                continue;
            };
            let n = parts.len().min(swept.len());
            if parts[..n] == swept[..n] {
                errors.push(ScenarioError {
                    file: PathBuf::from("--set"),
                    line: None,
                    key: o.key.clone(),
                    message: format!(
                        "`{}` is swept by [sweep] (line {}), which sets it at every point; change the sweep instead: --set 'sweep.{}=[…]'",
                        axis.key,
                        axis.values.first().map_or(0, |v| loaded.lines.line(v.span().start)),
                        quote(&axis.key)
                    ),
                });
            }
        }
    }
    if !errors.is_empty() {
        return Err(ScenarioErrors::new(errors));
    }
    loaded.check_points()?;
    Ok(loaded)
}

/// Parses and validates `text`: the base scenario, and the document and
/// sweep axes each point is built from.
fn read<'t>(
    text: &'t str,
    path: &Path,
    overrides: &'t [Override],
) -> Result<Loaded<'t>, ScenarioErrors> {
    let hash = scenario_hash(text, overrides);
    let lines = LineIndex::new(text);
    let (doc, syntax) = DeTable::parse_recoverable(text);
    if !syntax.is_empty() {
        // The recovered document would only produce confusing follow-on errors.
        let errors = syntax
            .iter()
            .map(|e| ScenarioError {
                file: path.to_path_buf(),
                line: e.span().map(|s| lines.line(s.start)),
                key: String::new(),
                message: syntax_message(text, e),
            })
            .collect();
        return Err(ScenarioErrors::new(errors));
    }
    let mut root = DeValue::Table(doc.into_inner());
    // The sweep is applied point by point, to a document without it: a
    // copy per value then costs the scenario's size, not the sweep's.
    let mut sweep: Option<Val<'t>> = match &mut root {
        DeValue::Table(t) => t.remove("sweep"),
        _ => None,
    };
    let mut set_errors = Vec::new();
    for o in overrides {
        if let Err(message) = apply(&mut root, &mut sweep, o) {
            set_errors.push(ScenarioError {
                file: PathBuf::from("--set"),
                line: None,
                key: o.key.clone(),
                message,
            });
        }
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut ctx = Ctx::new(path, &lines, &dir);
    let scenario = walk(&mut ctx, &root);
    let base_errors = ctx.errors.clone();
    let axes = sections::sweep::read(&mut ctx, sweep.as_ref(), &root, &base_errors);
    ctx.errors.extend(set_errors);
    if !ctx.errors.is_empty() {
        return Err(ScenarioErrors::new(ctx.errors));
    }
    let Some(mut base) = scenario else {
        return Err(ScenarioErrors::single(
            path,
            "internal error: the scenario was rejected without a message".into(),
        ));
    };
    base.sweep = axes.iter().map(Axis::to_spec).collect();
    base.hash = hash;
    let cache = std::mem::take(&mut ctx.cache);
    Ok(Loaded::new(base, root, axes, lines, dir, cache))
}

/// Applies one override: `sweep.KEY` (or `sweep."KEY"`) sets the sweep
/// axis `KEY`; any other key path is set in the document.
fn apply<'t>(
    root: &mut DeValue<'t>,
    sweep: &mut Option<Val<'t>>,
    o: &'t Override,
) -> Result<(), String> {
    let parts = key_parts(&o.key)?;
    if parts.first().map(String::as_str) != Some("sweep") {
        return set_path(root, &o.key, override_value(&o.value));
    }
    let value = override_value(&o.value);
    if parts.len() == 1 {
        *sweep = Some(value);
        return Ok(());
    }
    let table = sweep
        .get_or_insert_with(|| Val::new(FROM_SET..FROM_SET, DeValue::Table(Default::default())));
    let DeValue::Table(t) = table.get_mut() else {
        return Err("[sweep] is not a table, so no axis can be set in it".into());
    };
    let axis = parts[1..].join(".");
    let key = toml::Spanned::new(FROM_SET..FROM_SET, std::borrow::Cow::Owned(axis.clone()));
    t.remove(axis.as_str());
    t.insert(key, value);
    Ok(())
}

/// A TOML syntax error's message; a duplicate key is named, which the
/// parser's own message does not do.
fn syntax_message(text: &str, e: &toml::de::Error) -> String {
    let message = e.message().trim_end().to_string();
    if !message.contains("duplicate key") {
        return message;
    }
    let key = e
        .span()
        .and_then(|s| text.get(s))
        .map(|k| k.trim().trim_matches(['[', ']']).trim())
        .filter(|k| !k.is_empty() && !k.contains('\n'));
    match key {
        Some(k) => format!(
            "duplicate key `{}`: a key may be given once in its table",
            reader::text::cut(k)
        ),
        None => message,
    }
}

/// The scenario's fingerprint: FNV-1a (64 bit) of the text, then of each
/// override as `key=value\n`, in hex.
fn scenario_hash(text: &str, overrides: &[Override]) -> String {
    let mut parts = vec![text.as_bytes()];
    for o in overrides {
        parts.extend([o.key.as_bytes(), b"=", o.value.as_bytes(), b"\n"]);
    }
    format!("{:016x}", crate::rng::fnv1a_concat(parts))
}

#[cfg(test)]
mod tests {
    use super::scenario_hash;
    use crate::scenario::test_support::*;

    #[test]
    fn mini_loads() {
        let s = load_text(MINI).unwrap();
        assert_eq!(s.name, "t");
        assert_eq!(s.seed, 1);
        assert_eq!(s.replications, 1);
        assert_eq!(s.interval, SimDuration::from_secs(60));
        assert_eq!(s.warmup, SimDuration::ZERO);
        assert_eq!(s.baseline, 0);
        assert!(s.workload.client.timeout.is_none());
        assert_eq!(s.workload.client.backoff.jitter, Jitter::Full);
        let ComponentSpec::Ec2(e) = &s.designs[0].components[0].spec else {
            panic!()
        };
        assert_eq!((e.instances, e.workers, e.queue_limit), (1, 4, None));
        assert_dist(
            &e.service_time,
            &Dist::constant(SimDuration::from_millis(10)),
        );
        assert_eq!(s.hash.len(), 16);
    }

    #[test]
    fn example_flash_sale() {
        let (_, s) = example("flash-sale.toml");
        assert_eq!(s.name, "flash-sale");
        assert_eq!(s.duration, SimDuration::from_secs(90 * 60));
        assert_eq!(s.warmup, SimDuration::from_secs(600));
        assert_eq!((s.seed, s.replications), (7, 8));
        let names: Vec<&str> = s.designs.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["monolith", "decoupled"]);
        let RateProfile::Steps { initial, steps } = &s.workload.rate else {
            panic!()
        };
        assert_eq!(*initial, 150.0);
        assert_eq!(
            steps,
            &[
                (SimTime(40 * 60 * NANOS), 900.0),
                (SimTime(50 * 60 * NANOS), 150.0)
            ]
        );
        assert_eq!(s.workload.client.timeout, Some(SimDuration::from_secs(10)));
        assert_eq!(s.workload.client.retries, 1);
        assert_eq!(s.faults.len(), 1);
        assert_eq!(s.faults[0].component, "db");
        assert_eq!(s.faults[0].kind, FaultKind::Outage);
        assert_eq!(s.faults[0].at, SimTime(65 * 60 * NANOS));
        assert_eq!(s.faults[0].duration, SimDuration::from_secs(240));
        // Own components first, then the shared `db` in both designs.
        let mono = component_names(&s, 0);
        assert_eq!(mono, ["alb", "app", "db"]);
        let dec = component_names(&s, 1);
        assert_eq!(dec, ["alb", "web", "orders", "worker", "db"]);
        assert_eq!(s.designs[0].entry, ComponentId(0));
        let ComponentSpec::Database(db) = &component(&s.designs[0], "db").spec else {
            panic!()
        };
        assert_eq!(db.capacity, 200);
        assert_dist(
            &db.service_time,
            &Dist::lognormal_median_p99(SimDuration::from_millis(5), SimDuration::from_millis(40))
                .unwrap(),
        );
        let ComponentSpec::Ec2(app) = &component(&s.designs[0], "app").spec else {
            panic!()
        };
        assert_eq!(app.calls, [ComponentId(2)]);
        assert_eq!((app.instances, app.workers), (4, 16));
        let ComponentSpec::LoadBalancer(lb) = &component(&s.designs[1], "alb").spec else {
            panic!()
        };
        assert_eq!(lb.routing, Routing::LeastOutstanding);
        assert_eq!(lb.targets, [ComponentId(1)]);
        assert_dist(&lb.latency, &Dist::constant(SimDuration::from_millis(1)));
        let ComponentSpec::Ec2(web) = &component(&s.designs[1], "web").spec else {
            panic!()
        };
        assert_eq!(web.sends, [ComponentId(2)]);
        let ComponentSpec::Queue(orders) = &component(&s.designs[1], "orders").spec else {
            panic!()
        };
        assert_eq!(orders.queue_type, QueueType::Standard);
        assert_eq!(orders.consumer, Some(ComponentId(3)));
        // `max_receives` without `dead_letter`: discarded after 10 receives.
        assert_eq!((orders.max_receives, orders.dead_letter), (Some(10), None));
        assert_eq!(orders.retention, SimDuration::from_secs(4 * 24 * 3600));
        assert_eq!(orders.visibility_timeout, SimDuration::from_secs(30));
        assert_eq!(s.workload.classes, [("default".to_string(), 1.0)]);
        let ComponentSpec::Lambda(worker) = &component(&s.designs[1], "worker").spec else {
            panic!()
        };
        assert_eq!(worker.runtime, "python3.12");
        assert_eq!(worker.memory_mb, 1024);
        assert_eq!(worker.architecture, Architecture::X86_64);
        assert_eq!(worker.concurrency, Some(50));
        assert_eq!(worker.provisioned, 0);
        assert_eq!(worker.timeout, SimDuration::from_secs(3));
        assert_eq!(worker.calls, [ComponentId(4)]);
        assert!(worker.sends.is_empty());
        assert_dist(
            &worker.service_time,
            &Dist::lognormal_median_p99(
                SimDuration::from_millis(55),
                SimDuration::from_millis(240),
            )
            .unwrap(),
        );
        assert_dist(
            &worker.keep_alive,
            &Dist::constant(SimDuration::from_secs(600)),
        );
        assert_median(&worker.cold_start, 0.071);
        assert!(s.sweep.is_empty());
    }

    #[test]
    fn example_autoscaling() {
        let (_, s) = example("autoscaling.toml");
        let RateProfile::Diurnal {
            min_rate,
            max_rate,
            peak_at,
            period,
        } = s.workload.rate
        else {
            panic!()
        };
        assert_eq!((min_rate, max_rate), (50.0, 400.0));
        assert_eq!(peak_at, SimDuration::from_secs(14 * 3600));
        assert_eq!(period, SimDuration::from_secs(24 * 3600));
        assert!(matches!(
            component(&s.designs[0], "app").spec,
            ComponentSpec::Ec2(_)
        ));
        let ComponentSpec::Ec2(app) = &component(&s.designs[1], "app").spec else {
            panic!()
        };
        let g = app.autoscaling.as_ref().expect("a group");
        assert_eq!((g.min, g.max, g.desired), (2, 20, 2));
        assert_eq!(app.instances, 2, "the initial desired capacity");
        assert_eq!(
            g.policy,
            ScalingPolicy::TargetTracking {
                metric: ScalingMetric::Cpu,
                target: 50.0,
                disable_scale_in: false
            }
        );
        assert_eq!(g.scale_in_cooldown, SimDuration::from_secs(300));
        // AWS defaults for everything not given.
        assert_eq!(g.scale_out_cooldown, SimDuration::from_secs(300));
        assert_eq!(g.warmup, SimDuration::from_secs(300));
        assert_eq!(g.period, SimDuration::from_secs(60));
        assert_eq!(g.termination, TerminationPolicy::Default);
        let hc = app.lifecycle.health_check;
        assert_eq!(hc.interval, SimDuration::from_secs(30));
        assert_eq!(hc.timeout, SimDuration::from_secs(5));
        assert_eq!((hc.healthy_threshold, hc.unhealthy_threshold), (5, 2));
        assert_eq!(
            app.lifecycle.deregistration_delay,
            SimDuration::from_secs(300)
        );
        assert_eq!(app.lifecycle.mtbf, None);
        assert_mean(&app.lifecycle.boot_time, 90.0);
        assert_eq!(s.sweep.len(), 1);
        assert_eq!(s.sweep[0].key, "designs.scaled.app.autoscaling.target");
        assert_eq!(s.sweep[0].values, ["40", "50", "60", "70"]);
    }

    #[test]
    fn example_lambda_keepalive_and_mmc() {
        {
            let (_, s) = example("lambda-keepalive.toml");
            let names: Vec<&str> = s.designs.iter().map(|d| d.name.as_str()).collect();
            assert_eq!(names, ["python", "java"]);
            let mut medians = Vec::new();
            for (d, runtime) in s.designs.iter().zip(["python3.12", "java21"]) {
                let ComponentSpec::ApiGateway(api) = &d.components[0].spec else {
                    panic!("{:?}", d.components[0])
                };
                assert_eq!(api.api_type, ApiType::Http);
                assert_eq!(api.targets, [ComponentId(1)]);
                assert_eq!((api.rate, api.burst), (10_000.0, 5000));
                assert_eq!(api.timeout, SimDuration::from_secs(29));
                let ComponentSpec::Lambda(f) = &d.components[1].spec else {
                    panic!("{:?}", d.components[1])
                };
                assert_eq!(f.runtime, runtime);
                assert_eq!(f.memory_mb, 512);
                assert_dist(&f.keep_alive, &Dist::constant(SimDuration::from_secs(600)));
                assert_dist(
                    &f.service_time,
                    &Dist::gamma_mean_cv(SimDuration::from_millis(120), 0.5).unwrap(),
                );
                medians.push(f.cold_start.quantile_secs(0.5).unwrap());
            }
            // Catalog: python3.12 71 ms, java21 262 ms (maxday/lambda-perf).
            assert_median(&lambda_of(&s, 0, "fn").cold_start, 0.071);
            assert_median(&lambda_of(&s, 1, "fn").cold_start, 0.262);
            assert!(medians[1] > medians[0]);
            let RateProfile::Steps { steps, .. } = &s.workload.rate else {
                panic!()
            };
            assert_eq!(steps[1], (SimTime(7800 * NANOS), 0.001));
            assert_eq!(s.warmup, SimDuration::ZERO);
        }
        {
            let (_, s) = example("mmc.toml");
            let ComponentSpec::Ec2(e) = &s.designs[0].components[0].spec else {
                panic!()
            };
            assert_dist(
                &e.service_time,
                &Dist::exp(SimDuration::from_millis(100)).unwrap(),
            );
            assert_eq!((e.instances, e.workers), (1, 8));
            assert_eq!(s.workload.arrival, ArrivalProcess::Poisson);
        }
    }

    #[test]
    fn syntax_error_has_line_and_no_key() {
        let text = edit("workers = 4", "workers = = 4");
        let errs = errors(&text);
        assert_eq!(errs[0].key, "");
        assert_eq!(errs[0].line, Some(line_of(&text, "workers")));
        assert!(
            errs[0]
                .to_string()
                .starts_with(&format!("t.toml:{}: ", errs[0].line.unwrap()))
        );
    }

    /// The messages of issue 11, each naming the real problem.
    #[test]
    fn messages_name_the_problem() {
        // A duplicate key is named.
        let text = edit("workers = 4", "workers = 4\nworkers = 5");
        let errs = errors(&text);
        assert!(
            errs[0].message.contains("duplicate key `workers`"),
            "{}",
            errs[0]
        );
        // A bare number for a duration: seconds or milliseconds?
        let text = edit("service_time = \"10ms\"", "service_time = 60");
        expect_one(
            &text,
            "designs.d.app.service_time",
            "service_time",
            &["\"60s\" for seconds", "\"60ms\" for milliseconds"],
        );
        let text = edit(
            "service_time = \"10ms\"",
            "service_time = { dist = \"exp\", mean = 60 }",
        );
        let errs = errors(&text);
        assert!(
            errs[0].message.contains("\"60s\"") && errs[0].message.contains("\"60ms\""),
            "{}",
            errs[0]
        );
        // Units the table names are reachable; spaces and exponents work.
        for ok in ["\"5 min\"", "\"5µs\"", "\"1e1ms\""] {
            let text = edit("service_time = \"10ms\"", &format!("service_time = {ok}"));
            load_text(&text).unwrap();
        }
        let text = edit("duration = \"1h\"", "duration = \"1e309s\"");
        expect_one(&text, "scenario.duration", "duration", &["too long"]);
        // A huge value makes a short message, on one line.
        let huge = "x".repeat(100_000);
        let text = edit(
            "instance_type = \"m5.large\"",
            &format!("instance_type = \"{huge}\""),
        );
        let shown = load_text(&text).unwrap_err().to_string();
        assert!(shown.len() < 2_000, "{} bytes", shown.len());
        let text = edit(
            "instance_type = \"m5.large\"",
            "instance_type = \"m5.\\nlarge\"",
        );
        let shown = load_text(&text).unwrap_err().to_string();
        assert_eq!(shown.lines().count(), 1, "{shown}");
        assert!(!shown.contains("did you mean \"\""), "{shown}");
    }

    #[test]
    fn override_from_str_and_hash() {
        let o: Override = "designs.monolith.app.instances=8".parse().unwrap();
        assert_eq!(o, set("designs.monolith.app.instances", "8"));
        let o: Override = " a.b = x=y ".parse().unwrap();
        assert_eq!(o, set("a.b", "x=y"));
        assert!("novalue".parse::<Override>().is_err());
        assert!("=3".parse::<Override>().is_err());
        assert_eq!(o.to_string(), "a.b=x=y");
        // FNV-1a 64 test vectors.
        assert_eq!(scenario_hash("", &[]), "cbf29ce484222325");
        assert_eq!(scenario_hash("a", &[]), "af63dc4c8601ec8c");
        assert_eq!(
            scenario_hash("", &[set("a", "")]),
            scenario_hash("a=\n", &[])
        );
        let p = Path::new("t.toml");
        let a = load_str(MINI, p, &[]).unwrap().hash;
        let b = load_str(MINI, p, &[set("designs.d.app.workers", "4")])
            .unwrap()
            .hash;
        assert_ne!(a, b);
        assert_eq!(a, scenario_hash(MINI, &[]));
    }

    /// Mutated and truncated texts never panic.
    #[test]
    fn never_panics_on_truncations_and_mutations() {
        let mut texts = vec![MINI.to_string()];
        let dir = std::fs::read_dir(EXAMPLES).expect("the contract examples ship with the project");
        let mut paths: Vec<PathBuf> = dir.flatten().map(|e| e.path()).collect();
        paths.sort();
        assert!(!paths.is_empty());
        texts.extend(paths.iter().map(|p| std::fs::read_to_string(p).unwrap()));
        let p = Path::new(EXAMPLES).join("x.toml");
        let replacements = [
            "0",
            "-1",
            "nan",
            "\"x\"",
            "[]",
            "{}",
            "[1, \"a\"]",
            "9223372036854775807",
            "1979-05-27T07:32:00Z",
            "\"1000000000d\"",
            "[{}]",
        ];
        for text in &texts {
            // A sample of truncations at arbitrary places.
            for (i, _) in text.char_indices().step_by(13) {
                let _ = load_str(&text[..i], &p, &[]);
            }
            let lines: Vec<&str> = text.lines().collect();
            for i in 0..lines.len() {
                let mut dropped = lines.clone();
                dropped.remove(i);
                let _ = load_str(&dropped.join("\n"), &p, &[]);
                if let Some((k, _)) = lines[i].split_once(" = ") {
                    for r in replacements {
                        let mut changed = lines.clone();
                        let line = format!("{k} = {r}");
                        changed[i] = &line;
                        let _ = load_str(&changed.join("\n"), &p, &[]);
                    }
                }
                // Headers turned into values and arrays of tables.
                if lines[i].starts_with('[') && !lines[i].starts_with("[[") {
                    let mut changed = lines.clone();
                    let line = format!("[{}]", lines[i]);
                    changed[i] = &line;
                    let _ = load_str(&changed.join("\n"), &p, &[]);
                }
            }
            for o in [
                "scenario=1",
                "designs=[]",
                "designs.x=1",
                "workload.rate={}",
                "sweep=5",
                "faults.0=1",
            ] {
                let o: Override = o.parse().unwrap();
                let _ = load_str(text, &p, &[o]);
            }
        }
    }

    /// A value a user might write anywhere: numbers at the edges, durations
    /// with odd units and spacing, strings with newlines, arrays and tables.
    fn any_value() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        prop_oneof![
            any::<i64>().prop_map(|n| n.to_string()),
            any::<f64>().prop_map(|x| format!("{x:?}")),
            (
                "-?[0-9]{0,4}(\\.[0-9]{0,3})?(e[0-9]{1,3})?",
                " ?",
                "(ns|µs|us|ms|s|m|min|h|d|x|)"
            )
                .prop_map(|(n, sp, u)| format!("\"{n}{sp}{u}\"")),
            "[a-z.\\\\ \n\t]{0,20}".prop_map(|t| format!("{t:?}")),
            proptest::collection::vec(0u32..20, 0..6).prop_map(|v| format!("{v:?}")),
            Just("{ dist = \"exp\", mean = \"1ms\" }".to_string()),
            Just("{}".to_string()),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]
        /// The parser's fuzz target: a contract example with one value
        /// replaced never panics, and each problem is one line naming a key
        /// or a line.
        #[test]
        fn any_value_anywhere_is_read_or_refused_on_one_line(
            example in 0usize..64,
            line in 0usize..400,
            value in any_value(),
        ) {
            let dir = std::fs::read_dir(EXAMPLES).unwrap();
            let mut paths: Vec<PathBuf> = dir.flatten().map(|e| e.path()).collect();
            paths.sort();
            let path = &paths[example % paths.len()];
            let text = std::fs::read_to_string(path).unwrap();
            let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
            let settable: Vec<usize> =
                (0..lines.len()).filter(|&i| lines[i].contains(" = ")).collect();
            let i = settable[line % settable.len()];
            let key = lines[i].split_once(" = ").unwrap().0.to_string();
            lines[i] = format!("{key} = {value}");
            if let Err(errs) = load_str(&lines.join("\n"), path, &[]) {
                for e in &errs.0 {
                    proptest::prop_assert!(!e.message.contains('\n') && !e.key.contains('\n'), "{e}");
                    proptest::prop_assert!(e.line.is_some() || !e.key.is_empty(), "{e}");
                }
            }
        }

        #[test]
        fn never_panics_on_random_edits(at in 0usize..400, junk in "[\\[\\]{}=\",.a-z0-9 \n]{0,12}") {
            let mut text = MINI.to_string();
            let at = at.min(text.len());
            text.insert_str(at, &junk);
            let _ = load_text(&text);
        }
    }
}

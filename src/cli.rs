//! What the commands do, apart from argument parsing: load and validate,
//! expand sweeps, run in parallel, write the outputs.

use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use crate::output::csv_files::{self, RunRecord};
use crate::output::designs;
use crate::output::format::cell;
use crate::output::lang::{Key, Lang, Line, say, text};
use crate::output::lesson::{self, Lesson};
use crate::output::manifest::{
    FaultWindow, Manifest, PriceOverride, read_manifest, write_manifest,
};
use crate::output::merge::{Source, combine};
use crate::output::slo::SloTargets;
use crate::output::table;
use crate::run;
use crate::scenario::{self, Override, Scenario, ScenarioErrors};
use crate::time::SimDuration;

/// Why a command failed, and so its exit code.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Invalid scenarios or arguments: exit 2, nothing written.
    #[error("{0}")]
    Invalid(String),
    /// The simulation or the output failed: exit 1.
    #[error("error: {0:#}")]
    Failed(#[from] anyhow::Error),
    /// `--fail-on-slo` and no design met the SLO: exit 3.
    #[error("{0}")]
    SloMissed(String),
}

impl CliError {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Invalid(_) => 2,
            CliError::Failed(_) => 1,
            CliError::SloMissed(_) => 3,
        }
    }
}

impl From<ScenarioErrors> for CliError {
    fn from(e: ScenarioErrors) -> Self {
        let n = e.0.len();
        CliError::Invalid(format!(
            "{e}\n{n} problem{} found; nothing was written.",
            if n == 1 { "" } else { "s" }
        ))
    }
}

/// The options of `stratosim run`.
#[derive(Debug, Clone)]
pub struct RunArgs {
    /// Scenario files.
    pub scenarios: Vec<PathBuf>,
    /// `--out`.
    pub out: Option<PathBuf>,
    /// `--seed`.
    pub seed: Option<u64>,
    /// `--replications`.
    pub replications: Option<u32>,
    /// `--jobs`.
    pub jobs: Option<usize>,
    /// `--set KEY=VALUE`, in order.
    pub set: Vec<String>,
    /// `--quiet`.
    pub quiet: bool,
    /// `--shard K/N`.
    pub shard: Option<String>,
    /// How the results are reported on the terminal.
    pub report: ReportArgs,
    /// The command line for the manifest.
    pub command_line: Vec<String>,
}

/// How a finished folder is reported: by `run` and by `merge`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReportArgs {
    /// `--format`.
    pub format: Format,
    /// `--fail-on-slo`.
    pub fail_on_slo: bool,
    /// `--quiet`.
    pub quiet: bool,
    /// `--no-charts`: write the files, but no charts or report.
    pub no_charts: bool,
    /// `--lang`: the language of the terminal's and the report's words.
    pub lang: Lang,
}

/// The terminal summary's format.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A table of means ± 95% half-widths (default).
    #[default]
    Table,
    /// `designs.csv`.
    Csv,
    /// Everything of `designs.csv` and `comparisons.csv`, and the SLO's answer.
    Json,
}

/// `K/N` → (K, N), 1 ≤ K ≤ N.
fn parse_shard(text: &str) -> Result<(u32, u32), CliError> {
    let bad = || {
        CliError::Invalid(format!(
            "--shard {text}: expected K/N with 1 ≤ K ≤ N, like 2/8"
        ))
    };
    let (k, n) = text.split_once('/').ok_or_else(bad)?;
    let (k, n): (u32, u32) = (
        k.trim().parse().map_err(|_| bad())?,
        n.trim().parse().map_err(|_| bad())?,
    );
    if k == 0 || k > n {
        return Err(bad());
    }
    Ok((k, n))
}

/// `stratosim check`: validates every file and reports on each.
pub fn check(paths: &[PathBuf]) -> Result<(), CliError> {
    let mut problems = Vec::new();
    for path in paths {
        match scenario::load(path, &[]) {
            Ok(s) => print_out(&format!(
                "{}: ok ({} design{}, {} fault{}, {} sweep point{})\n",
                path.display(),
                s.designs.len(),
                plural(s.designs.len()),
                s.faults.len(),
                plural(s.faults.len()),
                sweep_points(&s).len(),
                plural(sweep_points(&s).len()),
            )),
            Err(e) => problems.push(CliError::from(e).to_string()),
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(CliError::Invalid(problems.join("\n")))
    }
}

/// The prices `pricing` sets, with what its region's catalog holds, for
/// the manifest.
fn prices_overridden(pricing: &scenario::Pricing) -> Vec<PriceOverride> {
    let region = crate::catalog::region(&pricing.region);
    pricing
        .overrides
        .iter()
        .map(|(key, value)| {
            let listed = region.and_then(|c| c.price(key));
            PriceOverride {
                key: key.clone(),
                value: *value,
                catalog_value: listed.and_then(|p| p.value),
                unit: listed.map_or_else(String::new, |p| p.unit.clone()),
            }
        })
        .collect()
}

/// `stratosim prices [--region R] [INSTANCE_TYPE…]`: what the catalog of
/// region `region` (default us-east-1) holds, every price or those of the
/// instance types named, as a table.
pub fn prices(region: Option<&str>, instance_types: &[String]) -> Result<(), CliError> {
    let name = region.unwrap_or(crate::catalog::DEFAULT_REGION);
    let catalog = crate::catalog::region(name).ok_or_else(|| {
        let regions: Vec<&str> = crate::catalog::region_names().collect();
        let hint = crate::suggest::nearest(name, regions.iter().copied())
            .map_or(String::new(), |r| format!("; did you mean \"{r}\"?"));
        CliError::Invalid(format!(
            "--region {name}: the catalog holds no region \"{name}\"{hint} (regions: {})",
            regions.join(", ")
        ))
    })?;
    let mut rows = Vec::new();
    if instance_types.is_empty() {
        rows.extend(&catalog.prices);
    }
    for t in instance_types {
        match catalog.price(&format!("ec2.{t}")) {
            Some(p) => rows.push(p),
            None => {
                let hint = crate::suggest::nearest(t, catalog.instance_type_names())
                    .map_or(String::new(), |n| format!("; did you mean \"{n}\"?"));
                return Err(CliError::Invalid(format!(
                    "unknown instance type \"{t}\"{hint} (`stratosim prices` lists every type)"
                )));
            }
        }
    }
    print_out(&price_table(catalog, &rows));
    Ok(())
}

/// The rows as a table: item (the `[prices]` key), price, unit, date,
/// confidence, and the source last, as long as it is.
fn price_table(catalog: &crate::catalog::Catalog, rows: &[&crate::catalog::Price]) -> String {
    let cells: Vec<[String; 5]> = rows
        .iter()
        .map(|p| {
            [
                p.key.clone(),
                p.value.map_or_else(|| "missing".into(), |v| v.to_string()),
                p.unit.clone(),
                catalog.catalog_date.clone(),
                p.tag.clone(),
            ]
        })
        .collect();
    let head = ["item", "price", "unit", "date", "confidence"];
    let mut widths = head.map(str::len);
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cols: [&str; 5], last: &str| {
        let mut s = String::new();
        for (c, w) in cols.iter().zip(widths) {
            s.push_str(c);
            s.push_str(&" ".repeat(w - c.chars().count() + 2));
        }
        s.push_str(last);
        s.push('\n');
        s
    };
    let mut out = format!(
        "Prices of the {} catalog (USD, compiled {}). A missing price has no public source: \
         a scenario that bills it sets it in [prices], keyed by its item.\n\n",
        catalog.region, catalog.catalog_date
    );
    out.push_str(&line(head, "source"));
    for (row, p) in cells.iter().zip(rows) {
        let cols = [
            row[0].as_str(),
            row[1].as_str(),
            row[2].as_str(),
            row[3].as_str(),
            row[4].as_str(),
        ];
        out.push_str(&line(cols, &p.source));
    }
    out
}

/// `stratosim plot DIR`: redraws every chart and `report.html` (its words
/// in `lang`) from the files a run wrote into `dir`.
pub fn plot(dir: &Path, lang: Lang) -> Result<(), CliError> {
    let missing: Vec<&str> = crate::output::REQUIRED_FILES
        .iter()
        .copied()
        .filter(|f| !dir.join(f).is_file())
        .collect();
    if !missing.is_empty() {
        return Err(CliError::Invalid(format!(
            "{}: not a stratosim output folder: {} missing (write one with `stratosim run`)",
            dir.display(),
            missing.join(", ")
        )));
    }
    let written = crate::output::draw_charts_and_report(dir, lang)?;
    let line = say(
        lang,
        Line::PlotWritten {
            charts: written.charts.len(),
            folder: &dir.display().to_string(),
        },
    );
    print_out(&format!("{line}\n"));
    Ok(())
}

/// Writes to standard output; a closed pipe (`stratosim run … | head`) is
/// not an error worth a panic, so write errors are ignored.
fn print_out(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The overrides of every sweep point: the grid of all combinations, the
/// first axis varying slowest. One empty point without a sweep.
pub fn sweep_points(s: &Scenario) -> Vec<Vec<Override>> {
    let mut points: Vec<Vec<Override>> = vec![Vec::new()];
    for axis in &s.sweep {
        points = points
            .into_iter()
            .flat_map(|p| {
                axis.values.iter().map(move |v| {
                    let mut q = p.clone();
                    q.push(Override {
                        key: axis.key.clone(),
                        value: v.clone(),
                    });
                    q
                })
            })
            .collect();
    }
    points
}

/// A scenario ready to run: every sweep point validated.
struct Prepared {
    path: PathBuf,
    base: Scenario,
    overrides: Vec<Override>,
    points: Vec<(Vec<String>, Scenario)>,
}

fn prepare(path: &Path, args: &RunArgs) -> Result<Prepared, CliError> {
    let mut overrides = Vec::new();
    for s in &args.set {
        let o: Override = s
            .parse()
            .map_err(|e: String| CliError::Invalid(format!("--set {s}: {e}")))?;
        overrides.push(o);
    }
    if let Some(seed) = args.seed {
        overrides.push(Override {
            key: "scenario.seed".into(),
            value: seed.to_string(),
        });
    }
    if let Some(r) = args.replications {
        overrides.push(Override {
            key: "scenario.replications".into(),
            value: r.to_string(),
        });
    }
    let base = scenario::load(path, &overrides)?;
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::Invalid(format!("{}: cannot read: {e}", path.display())))?;
    let mut points = Vec::new();
    for point in sweep_points(&base) {
        let values = point.iter().map(|o| o.value.clone()).collect();
        let mut all = overrides.clone();
        all.extend(point);
        let s = scenario::load_str(&text, path, &all)?;
        points.push((values, s));
    }
    Ok(Prepared {
        path: path.to_path_buf(),
        base,
        overrides,
        points,
    })
}

/// `stratosim run`.
pub fn run(args: &RunArgs) -> Result<(), CliError> {
    if args.jobs == Some(0) {
        return Err(CliError::Invalid("--jobs must be at least 1".into()));
    }
    let shard = args.shard.as_deref().map(parse_shard).transpose()?;
    // Validate everything before anything runs or is written.
    let prepared = args
        .scenarios
        .iter()
        .map(|p| prepare(p, args))
        .collect::<Result<Vec<_>, _>>()?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.unwrap_or(0))
        .build()
        .map_err(|e| CliError::Failed(e.into()))?;
    for p in &prepared {
        let out = match (&args.out, prepared.len()) {
            (Some(dir), 1) => dir.clone(),
            (Some(dir), _) => dir.join(&p.base.name),
            (None, _) => PathBuf::from("results").join(&p.base.name),
        };
        pool.install(|| run_one(p, &out, args, shard))?;
    }
    Ok(())
}

fn run_one(
    p: &Prepared,
    out: &Path,
    args: &RunArgs,
    shard: Option<(u32, u32)>,
) -> Result<(), CliError> {
    let base = &p.base;
    let reps = base.replications;
    let axes: Vec<String> = base.sweep.iter().map(|a| a.key.clone()).collect();
    let manifest = Manifest {
        stratosim_version: env!("CARGO_PKG_VERSION").to_string(),
        scenario: base.name.clone(),
        scenario_file: p.path.display().to_string(),
        scenario_hash: base.hash.clone(),
        seed: base.seed,
        replications: reps,
        replication_seeds: (0..reps)
            .map(|r| crate::rng::replication_seed(base.seed, r))
            .collect(),
        designs: base.designs.iter().map(|d| d.name.clone()).collect(),
        // Every design is simulated: none is skipped.
        skipped_designs: Vec::new(),
        sweep_keys: axes.clone(),
        sweep_points: p.points.len(),
        overrides: p
            .overrides
            .iter()
            .map(|o| format!("{}={}", o.key, o.value))
            .collect(),
        catalog_region: base.pricing.catalog.region.clone(),
        catalog_date: base.pricing.catalog.catalog_date.clone(),
        command_line: args.command_line.clone(),
        sweep_values: p
            .points
            .iter()
            .map(|(values, _)| values.iter().map(|v| cell(v)).collect())
            .collect(),
        baseline: base.designs[base.baseline].name.clone(),
        answers_early: base
            .designs
            .iter()
            .filter(|d| d.answers_early())
            .map(|d| d.name.clone())
            .collect(),
        description: base.description.clone(),
        faults: base.faults.iter().map(fault_window).collect(),
        window_s: SimDuration(base.duration.0.saturating_sub(base.warmup.0)).as_secs_f64(),
        slo: slo_targets(&base.slo),
        runs_key: base.runs_key(),
        shard: shard.map(|(k, n)| format!("{k}/{n}")),
        prices_overridden: prices_overridden(&base.pricing),
    };
    // Replications already in `out` from the same runs are kept, and only
    // the others run: replication r is the same whatever the total.
    let kept = if shard.is_none() {
        reusable_replications(out, &manifest)
    } else {
        0
    };
    // A shard takes every N-th run: the parts are disjoint, cover every
    // run, and are about equally long whatever the grid's shape.
    let jobs: Vec<(usize, usize, u32)> = (0..p.points.len())
        .flat_map(|pt| {
            (0..base.designs.len()).flat_map(move |d| (0..reps).map(move |r| (pt, d, r)))
        })
        .enumerate()
        .filter(|(i, _)| shard.is_none_or(|(k, n)| *i as u32 % n == k - 1))
        .map(|(_, job)| job)
        .filter(|&(_, _, r)| r >= kept)
        .collect();
    let lang = args.report.lang;
    if kept > 0 && !args.quiet {
        let line = Line::KeptReplications {
            scenario: &base.name,
            kept,
            folder: &out.display().to_string(),
            new_runs: jobs.len(),
        };
        eprintln!("{}", say(lang, line));
    }
    let bar = if args.quiet || !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        ProgressBar::hidden()
    } else {
        let b = ProgressBar::new(jobs.len() as u64);
        b.set_style(
            ProgressStyle::with_template(&say(lang, Line::ProgressTemplate))
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        b.set_message(base.name.clone());
        // Elapsed time and ETA move even while a long run is in progress.
        b.enable_steady_tick(std::time::Duration::from_millis(250));
        b
    };
    // Simulated time done, for the bar's speed: how much faster than real
    // time the runs go, all threads together.
    let simulated_ns = std::sync::atomic::AtomicU64::new(0);
    let started = std::time::Instant::now();
    // A design that no swept key reaches runs the same at every sweep
    // point: each distinct run is simulated once and its result reused.
    let mut design_keys: std::collections::HashMap<(usize, usize), u64> =
        std::collections::HashMap::new();
    let mut first_of: std::collections::HashMap<(u64, u32), usize> =
        std::collections::HashMap::new();
    let same_as: Vec<usize> = jobs
        .iter()
        .enumerate()
        .map(|(i, &(pt, d, r))| {
            let key = *design_keys
                .entry((pt, d))
                .or_insert_with(|| p.points[pt].1.design_key(d));
            *first_of.entry((key, r)).or_insert(i)
        })
        .collect();
    let distinct: Vec<usize> = (0..jobs.len()).filter(|&i| same_as[i] == i).collect();
    bar.set_length(distinct.len() as u64);
    let results: Vec<crate::stats::RunResult> = distinct
        .par_iter()
        .map(|&i| {
            let (pt, d, r) = jobs[i];
            let scenario = &p.points[pt].1;
            let result = run::simulate(scenario, d, r);
            if !bar.is_hidden() {
                let done = simulated_ns
                    .fetch_add(scenario.duration.0, std::sync::atomic::Ordering::Relaxed)
                    + scenario.duration.0;
                let speed = done as f64 / 1e9 / started.elapsed().as_secs_f64().max(1e-9);
                bar.set_message(say(
                    lang,
                    Line::Speed {
                        scenario: &base.name,
                        speed,
                    },
                ));
            }
            bar.inc(1);
            result
        })
        .collect();
    bar.finish_and_clear();
    let slot_of: std::collections::HashMap<usize, usize> =
        distinct.iter().enumerate().map(|(k, &i)| (i, k)).collect();
    let records: Vec<RunRecord> = jobs
        .iter()
        .enumerate()
        .map(|(i, &(pt, _, _))| RunRecord {
            point: p.points[pt].0.clone(),
            result: results[slot_of[&same_as[i]]].clone(),
        })
        .collect();

    if kept == 0 {
        write_runs(out, &axes, &records, &manifest)?;
    } else {
        // The new runs go to a folder of their own, then join the kept ones.
        let fresh = out.join(".stratosim-new-runs");
        write_runs(&fresh, &axes, &records, &manifest)?;
        let sources = [
            Source {
                dir: out.to_path_buf(),
                replications_below: Some(kept),
            },
            Source {
                dir: fresh.clone(),
                replications_below: None,
            },
        ];
        combine(&sources, &manifest, out)?;
        std::fs::remove_dir_all(&fresh).map_err(|e| CliError::Failed(e.into()))?;
    }
    lesson::write(
        out,
        &Lesson {
            en: base.lesson.en.clone(),
            ko: base.lesson.ko.clone(),
        },
    )?;
    if shard.is_none() {
        std::fs::write(out.join(BUILD_FILE), build_fingerprint())
            .map_err(|e| CliError::Failed(e.into()))?;
    }
    if let Some((k, n)) = shard {
        if !args.quiet {
            let line = Line::ShardWritten {
                scenario: &base.name,
                shard: k,
                of: n,
                runs: records.len(),
                folder: &out.display().to_string(),
            };
            print_out(&format!("{}\n", say(lang, line)));
        }
        return Ok(());
    }
    report(out, &args.report)
}

/// How `manifest.json` records a scenario's fault (for the charts' shaded
/// windows).
fn fault_window(fault: &scenario::Fault) -> FaultWindow {
    let (kind, factor) = match fault.kind {
        scenario::FaultKind::Outage => ("outage", None),
        scenario::FaultKind::Slowdown { factor } => ("slowdown", Some(factor)),
        scenario::FaultKind::ZoneOutage { .. } => ("zone_outage", None),
    };
    FaultWindow {
        component: fault.component.clone(),
        kind: kind.to_string(),
        factor,
        start_s: fault.at.as_secs_f64(),
        end_s: (fault.at + fault.duration).as_secs_f64(),
    }
}

/// How `manifest.json` records a scenario's `[slo]`.
fn slo_targets(slo: &scenario::Slo) -> SloTargets {
    SloTargets {
        response_p99_ms: slo.response_p99.map(|d| d.as_secs_f64() * 1e3),
        completion_p99_ms: slo.completion_p99.map(|d| d.as_secs_f64() * 1e3),
        error_rate: slo.error_rate,
        lost: slo.lost.map(|n| n as f64),
        monthly_budget_usd: slo.monthly_budget,
    }
}

/// Writes the runs' CSV files and the manifest into `dir`.
fn write_runs(
    dir: &Path,
    axes: &[String],
    records: &[RunRecord],
    manifest: &Manifest,
) -> Result<(), CliError> {
    std::fs::create_dir_all(dir)
        .map_err(|e| CliError::Failed(anyhow::anyhow!("cannot create {}: {e}", dir.display())))?;
    csv_files::write_summary(&dir.join("summary.csv"), axes, records)?;
    csv_files::write_components(&dir.join("components.csv"), axes, records)?;
    csv_files::write_timeseries(&dir.join("timeseries.csv"), axes, records)?;
    csv_files::write_latency(&dir.join("latency.csv"), axes, records)?;
    write_manifest(&dir.join("manifest.json"), manifest)?;
    Ok(())
}

/// Where a folder records which build of stratosim wrote its runs.
const BUILD_FILE: &str = ".stratosim-build";

/// Which build of stratosim wrote a folder's runs: a rebuild with other
/// code must not reuse runs of the old one, whatever its version says. The
/// id is a hash of the sources, the lock file, the compiler and the profile,
/// fixed at compile time by `build.rs` (hashing the executable at every
/// start-up cost more than a tenth of a short run). It is kept out of the
/// manifest, whose bytes must not depend on the build.
fn build_fingerprint() -> String {
    format!("{}\n", env!("STRATOSIM_BUILD_ID"))
}

/// How many replications (from 0) of `manifest`'s runs a whole earlier run
/// left in `out`: none unless this very build wrote them from the same
/// runs (scenario, overrides and seed), designs and sweep points.
fn reusable_replications(out: &Path, manifest: &Manifest) -> u32 {
    let Ok(old) = read_manifest(&out.join("manifest.json")) else {
        return 0;
    };
    let same = old.shard.is_none()
        && old.stratosim_version == manifest.stratosim_version
        && !old.runs_key.is_empty()
        && old.runs_key == manifest.runs_key
        && old.seed == manifest.seed
        && old.designs == manifest.designs
        && old.sweep_keys == manifest.sweep_keys
        && old.sweep_values == manifest.sweep_values
        && crate::output::REQUIRED_FILES
            .iter()
            .all(|f| out.join(f).is_file())
        && std::fs::read_to_string(out.join(BUILD_FILE)).ok() == Some(build_fingerprint());
    if same {
        old.replications.min(manifest.replications)
    } else {
        0
    }
}

/// `stratosim merge`: joins shard folders into `out` and reports it.
pub fn merge(dirs: &[PathBuf], out: &Path, args: &ReportArgs) -> Result<(), CliError> {
    crate::output::merge::merge(dirs, out).map_err(|e| {
        match e.downcast_ref::<crate::output::merge::BadShards>() {
            Some(bad) => CliError::Invalid(format!("{bad}\nnothing was written.")),
            None => CliError::Failed(e),
        }
    })?;
    report(out, args)
}

/// Summarises a finished folder (`designs.csv`, `comparisons.csv`), draws
/// its charts and report, and reports it on the terminal.
fn report(out: &Path, args: &ReportArgs) -> Result<(), CliError> {
    let summary = designs::summarise(out)?;
    designs::write(out, &summary)?;
    let lang = args.lang;
    if !args.no_charts {
        crate::output::draw_charts_and_report(out, lang)?;
    }
    let manifest = read_manifest(&out.join("manifest.json"))?;
    if !args.quiet {
        let text = match args.format {
            Format::Table => {
                let title = match manifest.description.as_str() {
                    "" => manifest.scenario.clone(),
                    d => format!("{} — {d}", manifest.scenario),
                };
                let note = say(
                    lang,
                    Line::TableNote {
                        replications: manifest.replications,
                        baseline: &summary.baseline,
                        folder: &out.display().to_string(),
                    },
                );
                let mut text = format!(
                    "{title}\n{}{note}\n{}\n",
                    table::summary_table(&summary, lang),
                    text(lang, Key::TableLegend)
                );
                if let Some(answer) = table::slo_answer(&summary, lang) {
                    text.push_str(&answer);
                    text.push('\n');
                }
                let lesson = lesson::read(out)?;
                if let Some(lesson) = lesson.in_lang(lang) {
                    let heading = crate::output::lang::text(lang, Key::Lesson);
                    text.push_str(&format!("\n{heading}\n{lesson}\n"));
                    if !args.no_charts {
                        text.push('\n');
                    }
                }
                if !args.no_charts {
                    let line = Line::ChartsAndReport {
                        charts: &out.join("charts").display().to_string(),
                        report: &out.join("report.html").display().to_string(),
                    };
                    text.push_str(&format!("{}\n", say(lang, line)));
                }
                text
            }
            Format::Csv => std::fs::read_to_string(out.join("designs.csv"))
                .map_err(|e| CliError::Failed(e.into()))?,
            Format::Json => {
                let mut text = serde_json::to_string_pretty(&summary)
                    .map_err(|e| CliError::Failed(e.into()))?;
                text.push('\n');
                text
            }
        };
        print_out(&text);
    }
    if args.fail_on_slo && summary.has_slo && summary.answer.is_none() {
        return Err(CliError::SloMissed(say(
            lang,
            Line::SloMissed {
                scenario: &manifest.scenario,
            },
        )));
    }
    Ok(())
}

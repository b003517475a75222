//! `stratosim run`: validate everything, check the output folders, estimate
//! the cost, then simulate the runs in parallel and stream each finished
//! run to disk in run order, into a folder that replaces the output folder
//! only once it is complete.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use indicatif::{ProgressBar, ProgressStyle};

use super::budget::Estimate;
use super::pipeline::{self, Stopped};
use super::{
    BUILD_FILE, CliError, RunArgs, build_fingerprint, classify, finish_folder, name_options,
    overrides, print_out, report, reusable, this_command,
};
use crate::output::csv_files::RunFiles;
use crate::output::format::cell;
use crate::output::integrity::Runs;
use crate::output::lang::{Line, say};
use crate::output::language::RequestsCalled;
use crate::output::lesson;
use crate::output::manifest::{
    DeploymentMark, FaultWindow, FileRecord, Manifest, PriceOverride, write_manifest,
};
use crate::output::merge::{Source, combine};
use crate::output::slo::SloTargets;
use crate::output::staging::{self, Staging};
use crate::scenario::{self, Loaded, Override, Scenario};
use crate::stats::RunResult;
use crate::time::{SimDuration, SimTime};

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

/// `stratosim run`.
pub fn run(args: &RunArgs) -> Result<(), CliError> {
    if args.jobs == Some(0) {
        return Err(CliError::Invalid("--jobs must be at least 1".into()));
    }
    let shard = args.shard.as_deref().map(parse_shard).transpose()?;
    let overrides = overrides(&args.set, args.seed, args.replications)?;
    // Validate everything before anything runs or is written.
    let texts: Vec<Result<String, scenario::ScenarioErrors>> = args
        .scenarios
        .iter()
        .map(|p| scenario::read_text(p))
        .collect();
    let mut problems = Vec::new();
    let mut loaded: Vec<(&Path, Loaded)> = Vec::new();
    for (path, text) in args.scenarios.iter().zip(&texts) {
        let result = match text {
            Ok(t) => scenario::load_sweep(t, path, &overrides),
            Err(e) => Err(e.clone()),
        };
        match result {
            Ok(l) => loaded.push((path, l)),
            Err(e) => problems
                .push(CliError::from(name_options(e, args.seed, args.replications)).to_string()),
        }
    }
    if !problems.is_empty() {
        return Err(CliError::Invalid(problems.join("\n")));
    }
    same_names(&loaded)?;
    let outs: Vec<PathBuf> = loaded
        .iter()
        .map(|(_, l)| match (&args.out, loaded.len()) {
            (Some(dir), 1) => dir.clone(),
            (Some(dir), _) => dir.join(&l.base.name),
            (None, _) => PathBuf::from("results").join(&l.base.name),
        })
        .collect();
    // An unusable output folder fails now, not after the simulation.
    for out in &outs {
        staging::check_location(out)?;
    }
    let threads = args.jobs.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    let plans = loaded
        .iter()
        .map(|(_, l)| Plan::new(l, shard))
        .collect::<Result<Vec<_>, _>>()?;
    if !args.force {
        for ((path, _), plan) in loaded.iter().zip(&plans) {
            if let Some(why) = plan.estimate.refusal(held(threads)) {
                return Err(CliError::Invalid(format!(
                    "{}: {why}.\nAdd --force to run it anyway; nothing was written.",
                    path.display()
                )));
            }
        }
    }
    let command = this_command();
    let stagings = outs
        .iter()
        .map(|out| Staging::begin(out, &command))
        .collect::<Result<Vec<_>, _>>()?;
    for (((path, l), plan), (staging, out)) in loaded
        .iter()
        .zip(&plans)
        .zip(stagings.into_iter().zip(&outs))
    {
        let manifest = manifest_of(path, l, &overrides, args, shard);
        run_one(l, manifest, plan, staging, out, args, shard, threads)?;
    }
    Ok(())
}

/// Runs in memory at once: those in progress, and those finished early
/// waiting for an earlier one to be written.
fn held(threads: usize) -> usize {
    3 * threads
}

/// Two scenarios of one name would write one folder.
fn same_names(loaded: &[(&Path, Loaded)]) -> Result<(), CliError> {
    let mut first: HashMap<&str, &Path> = HashMap::new();
    for (path, l) in loaded {
        if let Some(other) = first.insert(&l.base.name, path) {
            return Err(CliError::Invalid(format!(
                "{}: scenario.name: `{}` is also the name of {}; the second would replace the first's results: give each scenario its own name\nnothing was written.",
                path.display(),
                l.base.name,
                other.display()
            )));
        }
    }
    Ok(())
}

/// What a scenario's runs are, known before any runs: the key of each
/// design at each sweep point (equal keys, equal runs), the simulated time
/// of each point, and the cost.
struct Plan {
    designs: usize,
    replications: u32,
    /// `keys[point * designs + design]`.
    keys: Vec<u64>,
    /// The simulated time of a run at each point [ms].
    point_ms: Vec<u64>,
    estimate: Estimate,
}

/// The runs to do, in run order.
struct Jobs {
    /// (point, design, replication) of each run to write.
    list: Vec<(usize, usize, u32)>,
    /// For each run, the run whose results it repeats (itself when it is
    /// simulated).
    same_as: Vec<usize>,
    /// The runs simulated, in order.
    distinct: Vec<usize>,
    /// For each simulated run, the last run that repeats it.
    last_use: HashMap<usize, usize>,
}

impl Plan {
    fn new(l: &Loaded, shard: Option<(u32, u32)>) -> Result<Plan, CliError> {
        let designs = l.base.designs.len();
        let mut plan = Plan {
            designs,
            replications: l.base.replications,
            keys: Vec::with_capacity(l.points() * designs),
            point_ms: Vec::with_capacity(l.points()),
            estimate: Estimate::default(),
        };
        let mut costs = Vec::with_capacity(l.points() * designs);
        for pt in 0..l.points() {
            let s = l.point(pt)?;
            plan.point_ms.push((s.duration.0 / 1_000_000).max(1));
            for d in 0..designs {
                plan.keys.push(s.design_key(d));
                let mut one = Estimate::default();
                one.add(&s, d);
                costs.push(one);
            }
        }
        let jobs = plan.jobs(shard, 0);
        for &i in &jobs.distinct {
            let (pt, d, _) = jobs.list[i];
            let c = &costs[pt * designs + d];
            plan.estimate.events += c.events;
            plan.estimate.arrivals += c.arrivals;
            plan.estimate.runs += 1;
            plan.estimate.run_bytes = plan.estimate.run_bytes.max(c.run_bytes);
        }
        Ok(plan)
    }

    /// The runs of a shard (or all), less the replications below `kept`.
    /// A shard takes every N-th run: the parts are disjoint, cover every
    /// run, and are about equally long whatever the grid's shape.
    fn jobs(&self, shard: Option<(u32, u32)>, kept: u32) -> Jobs {
        let points = self.point_ms.len();
        let (designs, reps) = (self.designs, self.replications);
        let list: Vec<(usize, usize, u32)> = (0..points)
            .flat_map(|pt| (0..designs).flat_map(move |d| (0..reps).map(move |r| (pt, d, r))))
            .enumerate()
            .filter(|(i, _)| {
                shard.is_none_or(|(k, n)| *i as u64 % u64::from(n) == u64::from(k - 1))
            })
            .map(|(_, job)| job)
            .filter(|&(_, _, r)| r >= kept)
            .collect();
        // A design that no swept key reaches runs the same at every sweep
        // point: each distinct run is simulated once and its rows repeated.
        let mut first_of: HashMap<(u64, u32), usize> = HashMap::new();
        let same_as: Vec<usize> = list
            .iter()
            .enumerate()
            .map(|(i, &(pt, d, r))| {
                *first_of
                    .entry((self.keys[pt * designs + d], r))
                    .or_insert(i)
            })
            .collect();
        let distinct: Vec<usize> = (0..list.len()).filter(|&i| same_as[i] == i).collect();
        let mut last_use = HashMap::new();
        for (i, &j) in same_as.iter().enumerate() {
            if i != j {
                last_use.insert(j, i);
            }
        }
        Jobs {
            list,
            same_as,
            distinct,
            last_use,
        }
    }
}

/// What `manifest.json` records of a run, before its files are written.
fn manifest_of(
    path: &Path,
    l: &Loaded,
    overrides: &[Override],
    args: &RunArgs,
    shard: Option<(u32, u32)>,
) -> Manifest {
    let base = &l.base;
    let reps = base.replications;
    Manifest {
        stratosim_version: env!("CARGO_PKG_VERSION").to_string(),
        scenario: base.name.clone(),
        scenario_file: path.display().to_string(),
        scenario_hash: base.hash.clone(),
        seed: base.seed,
        replications: reps,
        replication_seeds: (0..reps)
            .map(|r| crate::rng::replication_seed(base.seed, r))
            .collect(),
        designs: base.designs.iter().map(|d| d.name.clone()).collect(),
        // Every design is simulated: none is skipped.
        skipped_designs: Vec::new(),
        sweep_keys: base.sweep.iter().map(|a| a.key.clone()).collect(),
        sweep_points: l.points(),
        overrides: overrides
            .iter()
            .map(|o| format!("{}={}", o.key, o.value))
            .collect(),
        catalog_region: base.pricing.catalog.region.clone(),
        catalog_date: base.pricing.catalog.catalog_date.clone(),
        command_line: args.command_line.clone(),
        sweep_values: if base.sweep.is_empty() {
            vec![Vec::new()]
        } else {
            (0..l.points())
                .map(|pt| l.point_values(pt).iter().map(|v| cell(v)).collect())
                .collect()
        },
        baseline: base.designs[base.baseline].name.clone(),
        answers_early: base
            .designs
            .iter()
            .filter(|d| d.answers_early())
            .map(|d| d.name.clone())
            .collect(),
        topology: base.designs.iter().map(super::topology::of).collect(),
        description: base.description.clone(),
        requests_called: RequestsCalled {
            en: base.requests_called.en.clone(),
            ko: base.requests_called.ko.clone(),
        },
        faults: base.faults.iter().map(fault_window).collect(),
        deployments: base.deployments.iter().map(deployment_mark).collect(),
        window_s: SimDuration(base.duration.0.saturating_sub(base.warmup.0)).as_secs_f64(),
        slo: slo_targets(&base.slo),
        runs_key: base.runs_key(),
        shard: shard.map(|(k, n)| format!("{k}/{n}")),
        prices_overridden: prices_overridden(&base.pricing),
        files: Default::default(),
        // Written with the manifest, of its text.
        manifest_sha256: String::new(),
    }
}

/// Simulates one scenario's runs into `staging`, then puts the folder in
/// place and reports it.
#[allow(clippy::too_many_arguments)]
fn run_one(
    l: &Loaded,
    mut manifest: Manifest,
    plan: &Plan,
    staging: Staging,
    out: &Path,
    args: &RunArgs,
    shard: Option<(u32, u32)>,
    threads: usize,
) -> Result<(), CliError> {
    let base = &l.base;
    // Replications already in `out` from the same runs are kept, and only
    // the others run: replication r is the same whatever the total. The
    // files kept are the manifest's run files, `alarms.csv` among them when
    // a design has an alarm, each checked by its SHA-256 and rows.
    let previous = if shard.is_none() {
        match reusable(staging.target(), &manifest) {
            Ok(old) => Some(old),
            Err(why) => {
                if let Some(why) = why
                    && !args.quiet
                {
                    eprintln!(
                        "{}: the runs in {} are not reused ({why}); running every replication",
                        base.name,
                        out.display()
                    );
                }
                None
            }
        }
    } else {
        None
    };
    let kept = previous
        .as_ref()
        .map_or(0, |old| old.replications.min(base.replications));
    let jobs = plan.jobs(shard, kept);
    if kept > 0 && !args.quiet {
        let line = Line::KeptReplications {
            scenario: &base.name,
            kept,
            folder: &out.display().to_string(),
            new_runs: jobs.list.len(),
        };
        eprintln!("{}", say(args.report.lang, line));
    }
    let axes: Vec<String> = manifest.sweep_keys.clone();
    let runs_dir = if kept > 0 {
        staging.dir().join(".new-runs")
    } else {
        staging.dir().to_path_buf()
    };
    std::fs::create_dir_all(&runs_dir).map_err(|e| {
        CliError::Failed(anyhow::anyhow!("cannot create {}: {e}", runs_dir.display()))
    })?;
    let files = simulate_into(&runs_dir, &axes, l, plan, &jobs, args, threads)?;
    manifest.files = match previous {
        Some(old) if kept > 0 => {
            let old = Source::folder(staging.target().to_path_buf(), old).map_err(classify)?;
            let new = Manifest {
                files,
                ..manifest.clone()
            };
            let sources = [
                Source {
                    replications_below: Some(kept),
                    ..old
                },
                Source {
                    dir: runs_dir.clone(),
                    runs: Runs::of(&new)
                        .map_err(|e| classify(e.into()))?
                        .from_replication(kept),
                    manifest: new,
                    replications_below: None,
                },
            ];
            let joined = combine(&sources, &manifest, staging.dir()).map_err(classify)?;
            std::fs::remove_dir_all(&runs_dir).map_err(|e| CliError::Failed(e.into()))?;
            joined
        }
        _ => files,
    };
    write_manifest(&staging.dir().join("manifest.json"), &manifest)?;
    std::fs::write(staging.dir().join(BUILD_FILE), build_fingerprint())
        .map_err(|e| CliError::Failed(e.into()))?;
    let words = lesson::Lesson {
        en: base.lesson.en.clone(),
        ko: base.lesson.ko.clone(),
    };
    lesson::write(staging.dir(), &words).map_err(CliError::Failed)?;
    if let Some((k, n)) = shard {
        staging
            .commit()
            .map_err(|e| CliError::Failed(anyhow::anyhow!(e)))?;
        if !args.quiet {
            let line = Line::ShardWritten {
                scenario: &base.name,
                shard: k,
                of: n,
                runs: jobs.list.len(),
                folder: &out.display().to_string(),
            };
            print_out(&format!("{}\n", say(args.report.lang, line)));
        }
        return Ok(());
    }
    let summary = finish_folder(staging.dir(), &args.report)?;
    staging
        .commit()
        .map_err(|e| CliError::Failed(anyhow::anyhow!(e)))?;
    report(out, &summary, &args.report)
}

/// A design of `s` has an alarm, whose history goes to `alarms.csv`.
fn has_alarms(s: &Scenario) -> bool {
    s.designs.iter().any(|d| {
        d.components
            .iter()
            .any(|c| matches!(c.spec, crate::scenario::ComponentSpec::Alarm(_)))
    })
}

/// Simulates the runs of `jobs` and writes their rows into `dir`, a run at
/// a time in run order; returns the files' records for the manifest.
fn simulate_into(
    dir: &Path,
    axes: &[String],
    l: &Loaded,
    plan: &Plan,
    jobs: &Jobs,
    args: &RunArgs,
    threads: usize,
) -> Result<BTreeMap<String, FileRecord>, CliError> {
    let name = &l.base.name;
    let mut files = RunFiles::create(dir, axes, has_alarms(&l.base)).map_err(CliError::Failed)?;
    let total_ms: u64 = jobs
        .distinct
        .iter()
        .map(|&i| plan.point_ms[jobs.list[i].0])
        .sum();
    let bar = progress_bar(args.quiet, total_ms, name);
    let done_ms = AtomicU64::new(0);
    let done_runs = AtomicU64::new(0);
    let started = std::time::Instant::now();
    let count = jobs.distinct.len() as u64;
    // Each worker keeps the scenario of the point it last simulated: runs
    // come in point order, so a point is mostly built once per worker.
    thread_local! {
        static POINT: RefCell<Option<(usize, usize, Arc<Scenario>)>> = const { RefCell::new(None) };
    }
    // The scenario's address tells its points from another scenario's.
    let id = std::ptr::from_ref(l) as usize;
    let scenario_of = |pt: usize| -> Arc<Scenario> {
        POINT.with(|cell| {
            let mut cell = cell.borrow_mut();
            match &*cell {
                Some((i, p, s)) if *i == id && *p == pt => s.clone(),
                _ => {
                    // Validated with every point before anything ran.
                    let s = Arc::new(l.point(pt).unwrap_or_else(|e| {
                        panic!("sweep point {pt} failed after validation: {e}")
                    }));
                    *cell = Some((id, pt, s.clone()));
                    s
                }
            }
        })
    };
    let work = |k: usize| -> RunResult {
        let (pt, d, r) = jobs.list[jobs.distinct[k]];
        let s = scenario_of(pt);
        let mut reported = 0u64;
        let result = crate::run::simulate_reporting(&s, d, r, &mut |at: SimTime| {
            let now = at.0 / 1_000_000;
            let done = done_ms.fetch_add(now - reported, Ordering::Relaxed) + now - reported;
            reported = now;
            if !bar.is_hidden() {
                bar.set_position(done);
            }
        });
        if !bar.is_hidden() {
            let runs = done_runs.fetch_add(1, Ordering::Relaxed) + 1;
            let speed = done_ms.load(Ordering::Relaxed) as f64
                / 1e3
                / started.elapsed().as_secs_f64().max(1e-9);
            bar.set_message(format!(
                "{name}: {runs}/{count} runs, {speed:.0}× real time"
            ));
        }
        result
    };
    // Rows go out in run order: each simulated run, and before it the
    // repeats of earlier ones.
    let mut cache: HashMap<usize, RunResult> = HashMap::new();
    let mut next = 0usize;
    let mut point_values: (usize, Vec<String>) = (usize::MAX, Vec::new());
    let mut write = |i: usize, result: &RunResult| -> anyhow::Result<()> {
        let pt = jobs.list[i].0;
        if point_values.0 != pt {
            point_values = (pt, l.point_values(pt));
        }
        files.write(&point_values.1, result)
    };
    let mut take = |k: usize, result: RunResult| -> anyhow::Result<()> {
        let i = jobs.distinct[k];
        while next < i {
            let j = jobs.same_as[next];
            write(next, &cache[&j])?;
            if jobs.last_use.get(&j) == Some(&next) {
                cache.remove(&j);
            }
            next += 1;
        }
        write(i, &result)?;
        next = i + 1;
        if jobs.last_use.contains_key(&i) {
            cache.insert(i, result);
        }
        Ok(())
    };
    let outcome = pipeline::in_order(jobs.distinct.len(), threads, 2 * threads, work, &mut take);
    bar.finish_and_clear();
    match outcome {
        Ok(()) => {}
        Err(Stopped::Take(e)) => return Err(CliError::Failed(e)),
        Err(Stopped::Panic { index, message }) => {
            let (pt, d, r) = jobs.list[jobs.distinct[index]];
            return Err(CliError::Failed(anyhow::anyhow!(
                "the run of design `{}` at sweep point {pt}, replication {r}, failed: {message}",
                l.base.designs[d].name
            )));
        }
    }
    // Repeats after the last simulated run.
    while next < jobs.list.len() {
        let j = jobs.same_as[next];
        write(next, &cache[&j]).map_err(CliError::Failed)?;
        next += 1;
    }
    files.finish().map_err(CliError::Failed)
}

/// The progress bar on stderr, when it is a terminal: the share of the
/// simulated time done, so that the estimate of the time left holds for
/// one long run as for many short ones.
fn progress_bar(quiet: bool, total_ms: u64, name: &str) -> ProgressBar {
    if quiet || !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total_ms.max(1));
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {msg} [{bar:30}] {percent}% of the simulated time, {elapsed} elapsed, ETA {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.set_message(name.to_string());
    // Elapsed time and ETA move even while a long run is in progress.
    bar.enable_steady_tick(std::time::Duration::from_millis(250));
    bar
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

/// How `manifest.json` records a scenario's deployment (for the charts'
/// marks).
fn deployment_mark(d: &scenario::Deployment) -> DeploymentMark {
    DeploymentMark {
        component: d.component.clone(),
        policy: d.policy.name().to_string(),
        batch_size: match d.batch_size {
            scenario::BatchSize::Count(n) => n.to_string(),
            scenario::BatchSize::Percent(p) => format!("{p}%"),
        },
        at_s: d.at.as_secs_f64(),
        error_rate: (d.release.error_rate > 0.0).then_some(d.release.error_rate),
        rollback_on: d.rollback_on.clone(),
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

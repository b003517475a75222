//! What the commands do, apart from argument parsing: load and validate,
//! expand sweeps, run in parallel, write the outputs.

use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use crate::output::csv_files::{self, FaultWindow, Manifest, RunRecord};
use crate::output::table;
use crate::run;
use crate::scenario::{self, Override, Scenario, ScenarioErrors};

/// Why a command failed, and so its exit code.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Invalid scenarios or arguments: exit 2, nothing written.
    #[error("{0}")]
    Invalid(String),
    /// The simulation or the output failed: exit 1.
    #[error("error: {0:#}")]
    Failed(#[from] anyhow::Error),
}

impl CliError {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Invalid(_) => 2,
            CliError::Failed(_) => 1,
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
    /// `--no-charts`: write the CSV files and the manifest only.
    pub no_charts: bool,
    /// The command line for the manifest.
    pub command_line: Vec<String>,
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

/// `stratosim plot DIR`: redraws every chart and `report.html` from the
/// files a run wrote into `dir`.
pub fn plot(dir: &Path) -> Result<(), CliError> {
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
    let written = crate::output::draw_charts_and_report(dir)?;
    print_out(&format!(
        "{} chart{} and report.html written in {}\n",
        written.charts.len(),
        plural(written.charts.len()),
        dir.display()
    ));
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
        pool.install(|| run_one(p, &out, args))?;
    }
    Ok(())
}

fn run_one(p: &Prepared, out: &Path, args: &RunArgs) -> Result<(), CliError> {
    let base = &p.base;
    let mut runnable = Vec::new();
    let mut skipped = Vec::new();
    for (i, d) in base.designs.iter().enumerate() {
        let missing = run::not_yet_simulated(d);
        if missing.is_empty() {
            runnable.push(i);
        } else {
            skipped.push(format!(
                "{}: not simulated yet: {}",
                d.name,
                missing.join(", ")
            ));
        }
    }
    for s in &skipped {
        eprintln!("warning: {}: design {s}", p.path.display());
    }
    if runnable.is_empty() {
        return Err(CliError::Failed(anyhow::anyhow!(
            "{}: no design of this scenario can be simulated by this version of stratosim",
            p.path.display()
        )));
    }
    let reps = base.replications;
    let jobs: Vec<(usize, usize, u32)> = (0..p.points.len())
        .flat_map(|pt| {
            runnable
                .iter()
                .flat_map(move |&d| (0..reps).map(move |r| (pt, d, r)))
        })
        .collect();
    let bar = if args.quiet || !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        ProgressBar::hidden()
    } else {
        let b = ProgressBar::new(jobs.len() as u64);
        b.set_style(
            ProgressStyle::with_template(
                "{spinner} {msg} [{bar:30}] {pos}/{len} runs, {elapsed} elapsed, ETA {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        b.set_message(base.name.clone());
        b
    };
    let records: Vec<RunRecord> = jobs
        .par_iter()
        .map(|&(pt, d, r)| {
            let (values, scenario) = &p.points[pt];
            let result = run::simulate(scenario, d, r);
            bar.inc(1);
            RunRecord {
                point: values.clone(),
                result,
            }
        })
        .collect();
    bar.finish_and_clear();

    std::fs::create_dir_all(out)
        .map_err(|e| CliError::Failed(anyhow::anyhow!("cannot create {}: {e}", out.display())))?;
    let axes: Vec<String> = base.sweep.iter().map(|a| a.key.clone()).collect();
    csv_files::write_summary(&out.join("summary.csv"), &axes, &records)?;
    csv_files::write_components(&out.join("components.csv"), &axes, &records)?;
    csv_files::write_timeseries(&out.join("timeseries.csv"), &axes, &records)?;
    csv_files::write_latency(&out.join("latency.csv"), &axes, &records)?;
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
        designs: runnable
            .iter()
            .map(|&i| base.designs[i].name.clone())
            .collect(),
        skipped_designs: skipped,
        sweep_keys: axes.clone(),
        sweep_points: p.points.len(),
        overrides: p
            .overrides
            .iter()
            .map(|o| format!("{}={}", o.key, o.value))
            .collect(),
        catalog_region: crate::catalog::builtin().region.clone(),
        catalog_date: crate::catalog::builtin().catalog_date.clone(),
        command_line: args.command_line.clone(),
        description: base.description.clone(),
        faults: base.faults.iter().map(FaultWindow::of).collect(),
    };
    csv_files::write_manifest(&out.join("manifest.json"), &manifest)?;
    if !args.no_charts {
        crate::output::draw_charts_and_report(out)?;
    }
    if !args.quiet {
        print_out(&format!(
            "{} — {}\n{}(mean ± 95% confidence half-width over {reps} replication{}; results in {})\n",
            base.name,
            base.description,
            table::comparison_table(&axes, &records),
            plural(reps as usize),
            out.display()
        ));
    }
    Ok(())
}

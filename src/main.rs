//! The `stratosim` command line: `run`, `check`, `plot` and `merge`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use stratosim::cli;
use stratosim::output::lang::Lang;

/// Deterministic discrete-event simulation of cloud architectures.
#[derive(Debug, Parser)]
#[command(name = "stratosim", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Simulate every design of each scenario and write the results.
    Run(RunFlags),
    /// Join the folders of the shards of one run (`run --shard K/N`) into
    /// the folder a single run would have written.
    Merge {
        /// The shards' folders.
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// The merged folder.
        #[arg(long, required = true)]
        out: PathBuf,
        #[command(flatten)]
        report: ReportFlags,
    },
    /// Parse and validate scenarios only; exit 0 when all are valid.
    Check {
        /// Scenario files (TOML).
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
        /// Override any value by its key path, as `run --set` does.
        #[arg(long = "set", value_name = "KEY=VALUE")]
        set: Vec<String>,
    },
    /// Redraw the charts and report.html of an output folder from its files.
    Plot {
        /// A folder written by `stratosim run`.
        dir: PathBuf,
        /// The language of the report's and the charts' words.
        #[arg(long, value_enum, default_value_t = Lang::En)]
        lang: Lang,
    },
    /// Print the prices the catalog holds: item, price, unit, date,
    /// confidence and source.
    Prices {
        /// The catalog's region (default us-east-1).
        #[arg(long)]
        region: Option<String>,
        /// Only these EC2 instance types (e.g. m5.large).
        instance_types: Vec<String>,
    },
}

/// What `run` is given.
#[derive(Debug, clap::Args)]
struct RunFlags {
    /// Scenario files (TOML).
    #[arg(required = true)]
    scenarios: Vec<PathBuf>,
    /// Output folder (default: results/<scenario name>/; with several
    /// scenarios, one sub-folder each).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Root seed (overrides `[scenario] seed`).
    #[arg(long)]
    seed: Option<u64>,
    /// Replications per design (overrides `[scenario] replications`).
    #[arg(long)]
    replications: Option<u32>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    jobs: Option<usize>,
    /// Override any value by its key path: `designs.monolith.app.instances=8`.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// Run only the K-th of N disjoint parts of the runs (1 ≤ K ≤ N);
    /// `stratosim merge` joins the parts' folders.
    #[arg(long, value_name = "K/N")]
    shard: Option<String>,
    /// Run even when the estimate of events or memory is above the limit.
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    report: ReportFlags,
}

impl RunFlags {
    fn args(self) -> cli::RunArgs {
        cli::RunArgs {
            quiet: self.report.quiet,
            report: self.report.args(),
            scenarios: self.scenarios,
            out: self.out,
            seed: self.seed,
            replications: self.replications,
            jobs: self.jobs,
            set: self.set,
            shard: self.shard,
            force: self.force,
            command_line: command_line_for_manifest(),
        }
    }
}

/// How the results are reported on the terminal.
#[derive(Debug, clap::Args)]
struct ReportFlags {
    /// The terminal summary: a table, `designs.csv`, or JSON.
    #[arg(long, value_enum, default_value_t = cli::Format::Table)]
    format: cli::Format,
    /// Exit with code 3 when no design meets the scenario's `[slo]`.
    #[arg(long)]
    fail_on_slo: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
    /// Write the CSV files and the manifest, but no charts or report.
    #[arg(long)]
    no_charts: bool,
    /// The language of the terminal's, the report's and the charts' words
    /// (results never depend on it).
    #[arg(long, value_enum, default_value_t = Lang::En)]
    lang: Lang,
}

impl ReportFlags {
    fn args(&self) -> cli::ReportArgs {
        cli::ReportArgs {
            format: self.format,
            fail_on_slo: self.fail_on_slo,
            quiet: self.quiet,
            no_charts: self.no_charts,
            lang: self.lang,
        }
    }
}

fn main() -> ExitCode {
    let args = Cli::parse();
    let outcome = match args.command {
        Command::Run(flags) => cli::run(&flags.args()),
        Command::Merge { dirs, out, report } => cli::merge(&dirs, &out, &report.args()),
        Command::Check { scenarios, set } => cli::check(&scenarios, &set),
        Command::Plot { dir, lang } => cli::plot(&dir, lang),
        Command::Prices {
            region,
            instance_types,
        } => cli::prices(region.as_deref(), &instance_types),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(e.exit_code())
        }
    }
}

/// The arguments as typed, less those that never change results (`--jobs`,
/// `--shard`, `--out`, `--quiet`, `--format`, `--fail-on-slo`,
/// `--no-charts`, `--force`, `--lang`): they must
/// not change the manifest's bytes either, so that a merged folder is byte
/// for byte a single run's.
fn command_line_for_manifest() -> Vec<String> {
    const WITH_VALUE: [&str; 5] = ["--jobs", "--shard", "--out", "--format", "--lang"];
    const FLAGS: [&str; 5] = ["-q", "--quiet", "--fail-on-slo", "--no-charts", "--force"];
    let mut out = Vec::new();
    let mut args = std::env::args();
    while let Some(a) = args.next() {
        if WITH_VALUE.contains(&a.as_str()) {
            args.next();
        } else if !FLAGS.contains(&a.as_str())
            && !WITH_VALUE.iter().any(|f| a.starts_with(&format!("{f}=")))
        {
            out.push(a);
        }
    }
    out
}

//! The `stratosim` command line: `run`, `check` and `plot`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use stratosim::cli;

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
    Run {
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
        /// Print nothing but errors.
        #[arg(long, short)]
        quiet: bool,
        /// Write the CSV files and the manifest, but no charts or report.
        #[arg(long)]
        no_charts: bool,
    },
    /// Parse and validate scenarios only; exit 0 when all are valid.
    Check {
        /// Scenario files (TOML).
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
    },
    /// Redraw the charts and report.html of an output folder from its files.
    Plot {
        /// A folder written by `stratosim run`.
        dir: PathBuf,
    },
}

fn main() -> ExitCode {
    let args = Cli::parse();
    let outcome = match args.command {
        Command::Run {
            scenarios,
            out,
            seed,
            replications,
            jobs,
            set,
            quiet,
            no_charts,
        } => cli::run(&cli::RunArgs {
            scenarios,
            out,
            seed,
            replications,
            jobs,
            set,
            quiet,
            no_charts,
            command_line: command_line_without_jobs(),
        }),
        Command::Check { scenarios } => cli::check(&scenarios),
        Command::Plot { dir } => cli::plot(&dir),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(e.exit_code())
        }
    }
}

/// The arguments as typed, less `--jobs N` (which never changes results, so
/// it must not change the manifest's bytes either).
fn command_line_without_jobs() -> Vec<String> {
    let mut out = Vec::new();
    let mut args = std::env::args();
    while let Some(a) = args.next() {
        if a == "--jobs" {
            args.next();
        } else if !a.starts_with("--jobs=") {
            out.push(a);
        }
    }
    out
}

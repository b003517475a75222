//! What the commands do, apart from argument parsing: load and validate,
//! expand sweeps, run in parallel, write the outputs.
//!
//! Every command that writes a folder writes it whole or not at all
//! ([`Staging`]): into a fresh sibling folder, moved into place once
//! complete, under a lock that a second command finds taken.

mod budget;
mod pipeline;
mod run;
mod topology;

use std::path::{Path, PathBuf};

use crate::output::designs::{self, Summary};
use crate::output::integrity::{self, BadFolder, Strictness};
use crate::output::lang::{Key, Lang, Line, say, text};
use crate::output::lesson;
use crate::output::manifest::{Manifest, read_manifest};
use crate::output::merge::BadShards;
use crate::output::staging::{Staging, StagingError};
use crate::output::table;
use crate::output::takeaway;
use crate::scenario::{self, Override, ScenarioErrors};

pub use run::run;

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
    /// `--force`: run even what the estimate says is too big.
    pub force: bool,
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
    /// `--lang`: the language of the terminal's, the report's and the
    /// charts' words.
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

impl From<StagingError> for CliError {
    fn from(e: StagingError) -> Self {
        match e {
            StagingError::Unusable(why) => {
                CliError::Invalid(format!("{why}\nnothing was written."))
            }
            StagingError::Busy(why) => CliError::Failed(anyhow::anyhow!(why)),
        }
    }
}

/// A failure of a command: a damaged folder or wrong shards are the
/// user's to fix (exit 2); anything else is a failure to read or write
/// (exit 1).
fn classify(e: anyhow::Error) -> CliError {
    if let Some(bad) = e.downcast_ref::<BadFolder>() {
        return CliError::Invalid(format!("{bad}\nnothing was written."));
    }
    if let Some(bad) = e.downcast_ref::<BadShards>() {
        return CliError::Invalid(format!("{bad}\nnothing was written."));
    }
    CliError::Failed(e)
}

/// The whole command line, for the lock a second command may find.
fn this_command() -> String {
    std::env::args().collect::<Vec<_>>().join(" ")
}

/// `--set` options (and `--seed`, `--replications`) as overrides.
fn overrides(
    set: &[String],
    seed: Option<u64>,
    replications: Option<u32>,
) -> Result<Vec<Override>, CliError> {
    let mut overrides = Vec::new();
    for s in set {
        let o: Override = s
            .parse()
            .map_err(|e: String| CliError::Invalid(format!("--set {s}: {e}")))?;
        overrides.push(o);
    }
    if let Some(seed) = seed {
        overrides.push(Override {
            key: "scenario.seed".into(),
            value: seed.to_string(),
        });
    }
    if let Some(r) = replications {
        overrides.push(Override {
            key: "scenario.replications".into(),
            value: r.to_string(),
        });
    }
    Ok(overrides)
}

/// Problems with the values of `--seed` and `--replications` are the
/// options', not `--set`'s: they name the option.
fn name_options(
    mut e: ScenarioErrors,
    seed: Option<u64>,
    replications: Option<u32>,
) -> ScenarioErrors {
    for err in &mut e.0 {
        if err.file != Path::new("--set") {
            continue;
        }
        let option = match err.key.as_str() {
            "scenario.seed" if seed.is_some() => format!("--seed {}", seed.unwrap_or_default()),
            "scenario.replications" if replications.is_some() => {
                format!("--replications {}", replications.unwrap_or_default())
            }
            _ => continue,
        };
        err.file = PathBuf::from(option);
        err.key = String::new();
    }
    e
}

/// `stratosim check`: validates every file (every sweep point) and reports
/// on each.
pub fn check(paths: &[PathBuf], set: &[String]) -> Result<(), CliError> {
    let overrides = overrides(set, None, None)?;
    let mut problems = Vec::new();
    for path in paths {
        let loaded = scenario::read_text(path).and_then(|text| {
            scenario::load_sweep(&text, path, &overrides).map(|l| {
                let s = &l.base;
                format!(
                    "{}: ok ({} design{}, {} fault{}, {} sweep point{})\n",
                    path.display(),
                    s.designs.len(),
                    plural(s.designs.len()),
                    s.faults.len(),
                    plural(s.faults.len()),
                    l.points(),
                    plural(l.points()),
                )
            })
        });
        match loaded {
            Ok(line) => print_out(&line),
            Err(e) => problems.push(CliError::from(e).to_string()),
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(CliError::Invalid(problems.join("\n")))
    }
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

/// `stratosim plot DIR`: redraws every chart and `report.html` of a folder
/// from its files. The run files must still hold every run's rows as the
/// manifest records them; edited values are drawn as they are. The folder
/// is replaced whole, like a run's.
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
    let staging = Staging::begin(dir, &this_command())?;
    let target = staging.target().to_path_buf();
    let manifest = read_manifest(&target.join("manifest.json"))
        .map_err(|e| CliError::Invalid(format!("{e:#}\nnothing was written.")))?;
    for warning in
        integrity::check(&target, &manifest, Strictness::Edited).map_err(|e| classify(e.into()))?
    {
        eprintln!("warning: {warning}");
    }
    keep_files(&target, staging.dir()).map_err(CliError::Failed)?;
    let written = crate::output::draw_charts_and_report(staging.dir(), lang)
        .map_err(|e| classify(seen_in(e, staging.dir(), &target)))?;
    staging
        .commit()
        .map_err(|e| CliError::Failed(anyhow::anyhow!(e)))?;
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

/// `e`, naming the folder `shown` where it names `hidden` (the files plot
/// reads are links in the hidden folder it writes; the user knows them by
/// the folder they gave).
fn seen_in(e: anyhow::Error, hidden: &Path, shown: &Path) -> anyhow::Error {
    let text = |m: String| m.replace(&*hidden.to_string_lossy(), &shown.to_string_lossy());
    match e.downcast::<BadFolder>() {
        Ok(bad) => BadFolder(text(bad.0)).into(),
        Err(other) => anyhow::anyhow!(text(format!("{other:#}"))),
    }
}

/// Puts the files of folder `from` (not the charts and report drawn from
/// them) into `to`: hard links where the file system has them, copies
/// elsewhere.
fn keep_files(from: &Path, to: &Path) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        let derived = ["report.html", "charts"];
        if derived.iter().any(|d| name == *d) || !entry.file_type()?.is_file() {
            continue;
        }
        let dest = to.join(&name);
        if std::fs::hard_link(entry.path(), &dest).is_err() {
            std::fs::copy(entry.path(), &dest).map_err(|e| {
                anyhow::anyhow!(
                    "cannot copy {} to {}: {e}",
                    entry.path().display(),
                    dest.display()
                )
            })?;
        }
    }
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

/// `stratosim merge`: joins shard folders into `out` and reports it.
pub fn merge(dirs: &[PathBuf], out: &Path, args: &ReportArgs) -> Result<(), CliError> {
    let staging = Staging::begin(out, &this_command())?;
    crate::output::merge::merge(dirs, staging.dir()).map_err(classify)?;
    // The shards' build, when one build wrote them all: a later run of
    // that build adds replications to the merged folder.
    let builds: Vec<Option<String>> = dirs
        .iter()
        .map(|d| std::fs::read_to_string(d.join(BUILD_FILE)).ok())
        .collect();
    if let Some(Some(build)) = builds.first()
        && builds.iter().all(|b| b.as_deref() == Some(build.as_str()))
    {
        std::fs::write(staging.dir().join(BUILD_FILE), build)
            .map_err(|e| CliError::Failed(e.into()))?;
    }
    let summary = finish_folder(staging.dir(), args)?;
    staging
        .commit()
        .map_err(|e| CliError::Failed(anyhow::anyhow!(e)))?;
    report(out, &summary, args)
}

/// Summarises a folder's runs into `designs.csv` and `comparisons.csv`.
fn write_summaries(dir: &Path) -> anyhow::Result<Summary> {
    let summary = designs::summarise(dir)?;
    designs::write(dir, &summary)?;
    Ok(summary)
}

/// Completes a folder of runs before it is moved into place: its
/// summaries, and its charts and report unless `--no-charts`.
fn finish_folder(dir: &Path, args: &ReportArgs) -> Result<Summary, CliError> {
    let summary = write_summaries(dir).map_err(classify)?;
    if !args.no_charts {
        crate::output::draw_charts_and_report(dir, args.lang).map_err(classify)?;
    }
    Ok(summary)
}

/// Reports a finished folder on the terminal.
fn report(out: &Path, summary: &Summary, args: &ReportArgs) -> Result<(), CliError> {
    let manifest = read_manifest(&out.join("manifest.json"))?;
    let lang = args.lang;
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
                    table::summary_table(summary, lang),
                    text(lang, Key::TableLegend)
                );
                for note in [
                    table::unstable_note(summary, lang),
                    table::slo_answer(summary, lang),
                ]
                .into_iter()
                .flatten()
                {
                    text.push_str(&note);
                    text.push('\n');
                }
                let heading = crate::output::lang::text(lang, Key::Takeaways);
                text.push_str(&format!("\n{heading}\n"));
                for takeaway in takeaway::takeaways(summary, lang) {
                    text.push_str(&format!("- {takeaway}\n"));
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
                let mut text = serde_json::to_string_pretty(summary)
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

/// Reads a folder's manifest when its runs can be reused by `manifest`'s:
/// written by this very build from the same runs (scenario, overrides,
/// seed, designs, sweep points), whole, and every file as it was written.
/// Returns why not otherwise (`None` when there is no earlier folder).
fn reusable(out: &Path, manifest: &Manifest) -> Result<Manifest, Option<String>> {
    let path = out.join("manifest.json");
    if !path.is_file() {
        return Err(None);
    }
    let old = read_manifest(&path).map_err(|e| Some(format!("{e:#}")))?;
    let same = old.shard.is_none()
        && old.stratosim_version == manifest.stratosim_version
        && !old.runs_key.is_empty()
        && old.runs_key == manifest.runs_key
        && old.seed == manifest.seed
        && old.designs == manifest.designs
        && old.sweep_keys == manifest.sweep_keys
        && old.sweep_values == manifest.sweep_values;
    if !same {
        return Err(None);
    }
    if std::fs::read_to_string(out.join(BUILD_FILE)).ok() != Some(build_fingerprint()) {
        return Err(None);
    }
    integrity::check(out, &old, Strictness::Exact).map_err(|e| Some(e.to_string()))?;
    Ok(old)
}

//! Output files: `summary.csv`, `components.csv`, `timeseries.csv`,
//! `latency.csv`, `manifest.json`; `designs.csv` and `comparisons.csv`
//! summarised from them; the terminal comparison table; the merging of
//! shards; the charts and `report.html`.
//!
//! Writers read plain [`RunResult`](crate::stats::RunResult)s; the charts
//! and the report read the written files back, never the engine.

pub mod charts;
pub mod confidence;
pub mod csv_files;
pub mod designs;
pub mod digest;
pub mod folder;
pub mod format;
pub mod integrity;
pub mod lang;
pub mod language;
pub mod lesson;
pub mod lock;
pub mod manifest;
pub mod measure;
pub mod merge;
pub mod outcome;
pub mod plain_numbers;
pub mod report;
pub mod slo;
pub mod staging;
pub mod table;
pub mod takeaway;
pub mod varying;

use std::path::Path;

pub use folder::REQUIRED_FILES;

/// What [`draw_charts_and_report`] wrote.
#[derive(Clone, Debug)]
pub struct Written {
    /// The charts, each as PNG and SVG in `charts/`.
    pub charts: Vec<charts::Chart>,
}

/// Draws every chart and `report.html` (its words in `lang`) of the output
/// folder `dir` from its files: what `stratosim plot` does, and `stratosim
/// run` after writing them.
pub fn draw_charts_and_report(dir: &Path, lang: lang::Lang) -> anyhow::Result<Written> {
    let folder = folder::OutputFolder::read(dir)?;
    let charts = charts::draw_all(&folder, lang)?;
    report::write(&folder, &charts, lang)?;
    Ok(Written { charts })
}

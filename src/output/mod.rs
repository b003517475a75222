//! Output files: `summary.csv`, `components.csv`, `timeseries.csv`,
//! `manifest.json`; `designs.csv` and `comparisons.csv` summarised from
//! them; the terminal comparison table; the merging of shards.
//!
//! Writers read plain [`RunResult`]s; they never reach into the engine.

pub mod csv_files;
pub mod designs;
pub mod merge;
pub mod table;

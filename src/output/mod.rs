//! Output files: `summary.csv`, `components.csv`, `timeseries.csv`,
//! `manifest.json`, and the terminal comparison table.
//!
//! Writers read plain [`RunResult`]s; they never reach into the engine.

pub mod csv_files;
pub mod table;

//! An output folder read back from its files: what the charts and the report
//! are drawn from. Nothing here touches the engine, so `stratosim plot` can
//! redraw a folder written by an earlier run (or by hand).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::integrity::{ALARMS_FILE, BadFolder, Runs};
use super::manifest::{FaultWindow, Manifest, read_manifest};
use super::varying::varying_axes;

/// A fault as `manifest.json` records it.
pub type FaultSpan = FaultWindow;

impl FaultSpan {
    /// "db outage", "db slowdown ×4".
    pub fn label(&self) -> String {
        match self.factor {
            Some(f) => format!("{} {} ×{}", self.component, self.kind, trim_float(f)),
            None => format!("{} {}", self.component, self.kind),
        }
    }
}

/// `x` without trailing zeros: 4 → "4", 2.5 → "2.5".
fn trim_float(x: f64) -> String {
    let s = format!("{x:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// One CSV row, keyed by design and sweep point (the columns before the
/// per-file ones).
#[derive(Clone, Debug)]
pub struct Row {
    /// Index into [`OutputFolder::designs`].
    pub design: usize,
    /// Index into [`OutputFolder::points`].
    pub point: usize,
    /// Every cell of the row, the key columns included.
    pub cells: Vec<String>,
}

/// A CSV file whose first columns are `design` and the sweep axes.
#[derive(Clone, Debug, Default)]
pub struct Table {
    /// The header.
    pub columns: Vec<String>,
    /// The rows, in file order.
    pub rows: Vec<Row>,
}

impl Table {
    /// The index of the column called `name`.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }

    /// The rows of one design at one sweep point (its replications).
    pub fn rows_of(&self, design: usize, point: usize) -> impl Iterator<Item = &Row> {
        self.rows
            .iter()
            .filter(move |r| r.design == design && r.point == point)
    }

    /// Column `name` of the rows of `design` at `point`, as numbers; cells
    /// that are not finite numbers are skipped.
    pub fn numbers(&self, design: usize, point: usize, name: &str) -> Vec<f64> {
        let Some(c) = self.column(name) else {
            return Vec::new();
        };
        self.rows_of(design, point)
            .filter_map(|r| parse_number(&r.cells[c]))
            .collect()
    }
}

/// A finite number, or `None`.
pub fn parse_number(cell: &str) -> Option<f64> {
    cell.trim().parse::<f64>().ok().filter(|x| x.is_finite())
}

/// Everything a run wrote, as the charts and the report need it.
#[derive(Clone, Debug)]
pub struct OutputFolder {
    /// The folder.
    pub dir: PathBuf,
    /// `manifest.json` (fields missing in older folders take their defaults).
    pub manifest: Manifest,
    /// The scenario's name.
    pub scenario: String,
    /// The scenario's description (may be empty).
    pub description: String,
    /// The designs, in the manifest's order: a design's index picks its colour.
    pub designs: Vec<String>,
    /// The swept key paths.
    pub axes: Vec<String>,
    /// The sweep points' values, one per axis, in file order (one empty
    /// point without a sweep).
    pub points: Vec<Vec<String>>,
    /// The scenario's faults.
    pub faults: Vec<FaultSpan>,
    /// `summary.csv`.
    pub summary: Table,
    /// `components.csv`.
    pub components: Table,
    /// `latency.csv`, when the folder has one.
    pub latency: Option<Table>,
    /// `alarms.csv`, when the folder has one (a design has an alarm).
    pub alarms: Option<Table>,
    point_index: HashMap<Vec<String>, usize>,
}

/// The files `stratosim plot` needs in a folder.
pub const REQUIRED_FILES: [&str; 4] = [
    "manifest.json",
    "summary.csv",
    "components.csv",
    "timeseries.csv",
];

impl OutputFolder {
    /// Reads the manifest and the small CSV files of `dir` (`timeseries.csv`
    /// is streamed by the timeline chart, which keeps only what it draws).
    pub fn read(dir: &Path) -> Result<OutputFolder> {
        let manifest =
            read_manifest(&dir.join("manifest.json")).map_err(|e| BadFolder(format!("{e:#}")))?;
        // A manifest whose sweep points do not match its swept keys.
        Runs::in_folder(dir, &manifest)?;
        let mut folder = OutputFolder {
            dir: dir.to_path_buf(),
            scenario: manifest.scenario.clone(),
            description: manifest.description.clone(),
            designs: manifest.designs.clone(),
            axes: manifest.sweep_keys.clone(),
            points: Vec::new(),
            faults: manifest.faults.clone(),
            summary: Table::default(),
            components: Table::default(),
            latency: None,
            alarms: None,
            point_index: HashMap::new(),
            manifest,
        };
        if folder.has_sweep() {
            for values in folder.manifest.sweep_values.clone() {
                folder.point_index_or_insert(&values);
            }
        }
        folder.summary = folder.read_table("summary.csv")?;
        folder.components = folder.read_table("components.csv")?;
        if dir.join("latency.csv").is_file() {
            folder.latency = Some(folder.read_table("latency.csv")?);
        }
        if dir.join(ALARMS_FILE).is_file() {
            folder.alarms = Some(folder.read_table(ALARMS_FILE)?);
        }
        if folder.points.is_empty() {
            folder.points.push(vec![String::new(); folder.axes.len()]);
        }
        Ok(folder)
    }

    /// Reads a CSV file of the folder whose first columns are `design` and
    /// the sweep axes. Every row must be of a design of the manifest, and
    /// of one of its sweep points when it lists them: a folder whose files
    /// do not match its manifest is refused ([`BadFolder`]).
    pub fn read_table(&mut self, name: &str) -> Result<Table> {
        let path = self.dir.join(name);
        let bad = |why: String| BadFolder(format!("{}: {why}", path.display()));
        let mut reader = csv::Reader::from_path(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let columns: Vec<String> = reader
            .headers()
            .map_err(|e| bad(e.to_string()))?
            .iter()
            .map(String::from)
            .collect();
        let mut want = vec!["design"];
        want.extend(self.axes.iter().map(String::as_str));
        if columns.len() < want.len() || columns.iter().zip(&want).any(|(c, w)| c != w) {
            bail!(bad(format!(
                "its columns do not start with {}, as the manifest says they must",
                want.join(", ")
            )));
        }
        let known_points = !self.manifest.sweep_values.is_empty();
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| bad(e.to_string()))?;
            let line = record.position().map_or(0, |p| p.line());
            let cells: Vec<String> = record.iter().map(String::from).collect();
            let Some(design) = self.designs.iter().position(|d| *d == cells[0]) else {
                bail!(bad(format!(
                    "line {line}: design `{}` is not one of the manifest's",
                    cells[0].escape_debug()
                )));
            };
            let values = &cells[1..=self.axes.len()];
            let point = match self.point_of(values) {
                Some(p) => p,
                None if !known_points || !self.has_sweep() => self.point_index_or_insert(values),
                None => bail!(bad(format!(
                    "line {line}: the sweep point {} is not one of the manifest's",
                    values.join(", ").escape_debug()
                ))),
            };
            rows.push(Row {
                design,
                point,
                cells,
            });
        }
        Ok(Table { columns, rows })
    }

    /// The point of these axis values, added when new.
    fn point_index_or_insert(&mut self, values: &[String]) -> usize {
        self.point_of(values).unwrap_or_else(|| {
            self.points.push(values.to_vec());
            self.point_index
                .insert(values.to_vec(), self.points.len() - 1);
            self.points.len() - 1
        })
    }

    /// The index of the sweep point with these axis values.
    pub fn point_of(&self, values: &[String]) -> Option<usize> {
        self.point_index.get(values).copied()
    }

    /// Whether the scenario has a sweep.
    pub fn has_sweep(&self) -> bool {
        !self.axes.is_empty()
    }

    /// The point's values as "rate=100, memory_mb=512" (the last segment of
    /// each key path); empty without a sweep.
    pub fn point_label(&self, point: usize) -> String {
        self.axes
            .iter()
            .zip(&self.points[point])
            .map(|(a, v)| format!("{}={}", short_key(a), short_value(v)))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The swept keys (indices into `axes`) whose values change design
    /// `design`'s rows of `summary.csv`: the keys its points are named by.
    pub fn varying_axes(&self, design: usize) -> Vec<usize> {
        let first = 1 + self.axes.len();
        let mut results: Vec<Option<Vec<&[String]>>> = vec![None; self.points.len()];
        for row in self.summary.rows.iter().filter(|r| r.design == design) {
            results[row.point]
                .get_or_insert_with(Vec::new)
                .push(&row.cells[first.min(row.cells.len())..]);
        }
        varying_axes(&self.points, &results)
    }

    /// The point's values of the given axes as "rate=100, memory_mb=512".
    pub fn point_label_of(&self, point: usize, axes: &[usize]) -> String {
        axes.iter()
            .map(|&a| {
                format!(
                    "{}={}",
                    short_key(&self.axes[a]),
                    short_value(&self.points[point][a])
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The SLO's response-time p99 bound [ms], when the manifest sets one.
    pub fn slo_response_p99_ms(&self) -> Option<f64> {
        self.manifest.slo.response_p99_ms
    }

    /// Replications per run, from the manifest.
    pub fn replications(&self) -> u64 {
        u64::from(self.manifest.replications.max(1))
    }
}

/// A swept value short enough for a label: a long one (a whole schedule,
/// say) is cut with an ellipsis.
pub fn short_value(value: &str) -> String {
    const MAX: usize = 24;
    let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
    if value.chars().count() <= MAX {
        value
    } else {
        let cut: String = value.chars().take(MAX - 1).collect();
        format!("{}…", cut.trim_end())
    }
}

/// The last segment of a key path: `workload.rate` → `rate`.
pub fn short_key(key: &str) -> &str {
    key.rsplit('.').next().unwrap_or(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_are_cut_for_labels() {
        assert_eq!(short_value("200"), "200");
        let schedule = "[{ at = \"1h\", rate = 20 },\n { at = \"1h30s\", rate = 0.1 }]";
        assert_eq!(short_value(schedule), "[{ at = \"1h\", rate = 20…");
        assert_eq!(short_key("workload.rate"), "rate");
    }
}

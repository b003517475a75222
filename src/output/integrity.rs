//! What a folder's run files must be: the manifest records each file's
//! SHA-256 and the rows of each of the folder's runs; before runs are
//! reused, merged or drawn, the files are checked against it. A file cut
//! short, a row glued to the next, rows lost, repeated or moved: each is
//! found, named, and refused (exit 2) rather than summarised.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

use super::digest::sha256_of;
use super::manifest::{FileRecord, Manifest};

/// The files with a row per run item, which the manifest records: each
/// starts with the columns `design`, the sweep axes and `replication`.
pub const RUN_FILES: [&str; 4] = [
    "summary.csv",
    "components.csv",
    "timeseries.csv",
    "latency.csv",
];

/// The file of alarm histories, a run file too when a design has an alarm.
pub const ALARMS_FILE: &str = "alarms.csv";

/// The run files of the folder whose manifest is `manifest`: the four of
/// every run, and `alarms.csv` when the manifest records one (a design has
/// an alarm), so that it is checked, merged and refused like the others.
pub fn run_files(manifest: &Manifest) -> Vec<&'static str> {
    let mut files = RUN_FILES.to_vec();
    if manifest.files.contains_key(ALARMS_FILE) {
        files.push(ALARMS_FILE);
    }
    files
}

/// A folder whose files are not what its manifest says: exit 2, naming the
/// file and what differs.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BadFolder(pub String);

/// A run: a design at a sweep point, one replication.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RunId {
    /// Index into the manifest's `sweep_values`.
    pub point: usize,
    /// Index into the manifest's `designs`.
    pub design: usize,
    /// The replication.
    pub replication: u32,
}

/// The runs of a folder in the order its files hold them: every run of the
/// grid (sweep point, design, replication), or a shard's every N-th, or
/// the replications from a first one on (those added to earlier ones).
#[derive(Clone, Debug)]
pub struct Runs {
    points: usize,
    designs: usize,
    first: u32,
    replications: u32,
    /// `(K, N)` for the folder of shard K of N.
    shard: Option<(usize, usize)>,
}

impl Runs {
    /// The runs `manifest` says its folder holds.
    pub fn of(manifest: &Manifest) -> Result<Runs, BadFolder> {
        let shard = match manifest.shard.as_deref() {
            None => None,
            Some(text) => Some(parse_shard(text).ok_or_else(|| {
                BadFolder(format!(
                    "manifest.json: shard `{text}` is not K/N with 1 ≤ K ≤ N"
                ))
            })?),
        };
        let axes = manifest.sweep_keys.len();
        if let Some(bad) = manifest.sweep_values.iter().position(|v| v.len() != axes) {
            return Err(BadFolder(format!(
                "manifest.json: sweep point {} has {} values for {axes} swept key{}",
                bad + 1,
                manifest.sweep_values[bad].len(),
                if axes == 1 { "" } else { "s" }
            )));
        }
        Ok(Runs {
            points: manifest.sweep_values.len().max(1),
            designs: manifest.designs.len(),
            first: 0,
            replications: manifest.replications,
            shard,
        })
    }

    /// [`Runs::of`] the manifest of folder `dir`, whose path a problem names.
    pub fn in_folder(dir: &Path, manifest: &Manifest) -> Result<Runs, BadFolder> {
        Runs::of(manifest).map_err(|BadFolder(why)| {
            let path = dir.join("manifest.json");
            BadFolder(match why.strip_prefix("manifest.json") {
                Some(rest) => format!("{}{rest}", path.display()),
                None => why,
            })
        })
    }

    /// Only the replications from `first` on.
    pub fn from_replication(self, first: u32) -> Runs {
        Runs { first, ..self }
    }

    fn per_design(&self) -> usize {
        self.replications.saturating_sub(self.first) as usize
    }

    /// The run's place in the grid of all runs.
    fn global(&self, run: RunId) -> usize {
        (run.point * self.designs + run.design) * self.per_design()
            + (run.replication - self.first) as usize
    }

    /// How many runs the grid has.
    fn grid(&self) -> usize {
        self.points * self.designs * self.per_design()
    }

    /// How many runs the folder holds.
    pub fn len(&self) -> usize {
        match self.shard {
            None => self.grid(),
            Some((k, n)) => (self.grid() + n - k) / n,
        }
    }

    /// Whether the folder holds no run.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The place of `run` in the folder's files, when the folder holds it.
    pub fn position(&self, run: RunId) -> Option<usize> {
        if run.point >= self.points
            || run.design >= self.designs
            || run.replication < self.first
            || run.replication >= self.replications
        {
            return None;
        }
        let i = self.global(run);
        match self.shard {
            None => Some(i),
            Some((k, n)) => (i % n == k - 1).then_some(i / n),
        }
    }

    /// The runs, in the folder's order.
    pub fn iter(&self) -> impl Iterator<Item = RunId> + '_ {
        (0..self.points)
            .flat_map(move |point| {
                (0..self.designs).flat_map(move |design| {
                    (self.first..self.replications).map(move |replication| RunId {
                        point,
                        design,
                        replication,
                    })
                })
            })
            .filter(|&run| self.position(run).is_some())
    }
}

/// `K/N` → (K, N), 1 ≤ K ≤ N.
pub fn parse_shard(text: &str) -> Option<(usize, usize)> {
    let (k, n) = text.split_once('/')?;
    let (k, n): (usize, usize) = (k.trim().parse().ok()?, n.trim().parse().ok()?);
    (k >= 1 && k <= n).then_some((k, n))
}

/// Finds the run of a CSV row from its first columns: the design, the
/// swept values and the replication.
#[derive(Debug)]
pub struct RunKeys<'m> {
    manifest: &'m Manifest,
    designs: HashMap<&'m [u8], usize>,
    points: HashMap<Vec<&'m [u8]>, usize>,
}

impl<'m> RunKeys<'m> {
    /// The keys of `manifest`'s runs.
    pub fn new(manifest: &'m Manifest) -> RunKeys<'m> {
        RunKeys {
            manifest,
            designs: manifest
                .designs
                .iter()
                .enumerate()
                .map(|(i, d)| (d.as_bytes(), i))
                .collect(),
            points: manifest
                .sweep_values
                .iter()
                .enumerate()
                .map(|(i, v)| (v.iter().map(|s| s.as_bytes()).collect(), i))
                .collect(),
        }
    }

    /// The number of key columns: design, the axes, replication.
    pub fn columns(&self) -> usize {
        self.manifest.sweep_keys.len() + 2
    }

    /// Checks that a header starts with the key columns.
    pub fn check_header(&self, file: &Path, header: &csv::ByteRecord) -> Result<(), BadFolder> {
        let mut want: Vec<&str> = vec!["design"];
        want.extend(self.manifest.sweep_keys.iter().map(String::as_str));
        want.push("replication");
        let ok = want
            .iter()
            .enumerate()
            .all(|(i, w)| header.get(i) == Some(w.as_bytes()));
        if ok {
            Ok(())
        } else {
            Err(BadFolder(format!(
                "{}: its columns do not start with {}, as the manifest says they must",
                file.display(),
                want.join(", ")
            )))
        }
    }

    /// The run of a row, when the manifest knows it.
    pub fn run_of(&self, record: &csv::ByteRecord) -> Option<RunId> {
        let axes = self.manifest.sweep_keys.len();
        let design = *self.designs.get(record.get(0)?)?;
        let point = if axes == 0 {
            0
        } else {
            let values: Option<Vec<&[u8]>> = (1..=axes).map(|i| record.get(i)).collect();
            *self.points.get(&values?)?
        };
        let replication = std::str::from_utf8(record.get(axes + 1)?)
            .ok()?
            .parse()
            .ok()?;
        Some(RunId {
            point,
            design,
            replication,
        })
    }

    /// "design `a`, rate=8, replication 1", for messages.
    pub fn label(&self, run: RunId) -> String {
        let m = self.manifest;
        let mut label = format!(
            "design `{}`",
            m.designs.get(run.design).map_or("?", String::as_str)
        );
        if let Some(values) = m.sweep_values.get(run.point) {
            for (k, v) in m.sweep_keys.iter().zip(values) {
                let _ = write!(label, ", {k}={v}");
            }
        }
        let _ = write!(label, ", replication {}", run.replication);
        label
    }
}

/// Counts the rows of each of the folder's runs in the CSV file at `path`,
/// checking that every row belongs to one of them and that each run's rows
/// are together and in run order.
pub fn count_rows(path: &Path, manifest: &Manifest, runs: &Runs) -> Result<Vec<u64>, BadFolder> {
    let bad = |why: String| BadFolder(format!("{}: {why}", path.display()));
    let mut reader = csv::ReaderBuilder::new()
        .from_path(path)
        .map_err(|e| bad(format!("cannot read: {e}")))?;
    let keys = RunKeys::new(manifest);
    let header = reader
        .byte_headers()
        .map_err(|e| bad(e.to_string()))?
        .clone();
    keys.check_header(path, &header)?;
    let mut counts = vec![0u64; runs.len()];
    let mut current = 0usize;
    let mut record = csv::ByteRecord::new();
    while reader
        .read_byte_record(&mut record)
        .map_err(|e| bad(e.to_string()))?
    {
        let line = record.position().map_or(0, |p| p.line());
        let run = keys.run_of(&record);
        let Some((run, at)) = run.and_then(|r| Some((r, runs.position(r)?))) else {
            return Err(bad(format!(
                "line {line} is a row of no run of this folder (its first columns are {})",
                shown_key(&record, keys.columns())
            )));
        };
        if at < current {
            return Err(bad(format!(
                "line {line}: a row of {} after rows of a later run (rows moved or repeated)",
                keys.label(run)
            )));
        }
        current = at;
        counts[at] += 1;
    }
    Ok(counts)
}

/// The first `n` cells of a row, for messages.
fn shown_key(record: &csv::ByteRecord, n: usize) -> String {
    let cells: Vec<String> = record
        .iter()
        .take(n)
        .map(|c| {
            let c = String::from_utf8_lossy(c);
            let cut: String = c.chars().take(40).collect();
            format!("`{}`", cut.escape_debug())
        })
        .collect();
    cells.join(", ")
}

/// How strictly [`check`] holds the files to the manifest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strictness {
    /// Every byte as the run wrote it: for reusing and merging runs.
    Exact,
    /// Values may have been edited by hand (`plot` redraws an edited
    /// folder), but every run must still have the rows it wrote.
    Edited,
}

/// Checks the folder `dir`: its `manifest` against the manifest's own
/// SHA-256 ([`check_manifest`]), and its run files against the manifest;
/// returns warnings (files edited, when allowed). A manifest that records
/// no file (a folder of an older stratosim) can only be checked
/// [`Strictness::Edited`], and is then taken as it is.
pub fn check(
    dir: &Path,
    manifest: &Manifest,
    strictness: Strictness,
) -> Result<Vec<String>, BadFolder> {
    let mut warnings: Vec<String> = check_manifest(dir, manifest, strictness)?
        .into_iter()
        .collect();
    warnings.extend(check_runs(
        dir,
        manifest,
        &Runs::in_folder(dir, manifest)?,
        strictness,
    )?);
    Ok(warnings)
}

/// Checks the `manifest` read from the folder `dir` against the SHA-256 it
/// records of itself, so that the records the files are checked against
/// are those the run wrote; returns a warning when it changed and that is
/// allowed ([`Strictness::Edited`]). One that records none (an older
/// folder, or one written by hand) is only taken [`Strictness::Edited`].
pub fn check_manifest(
    dir: &Path,
    manifest: &Manifest,
    strictness: Strictness,
) -> Result<Option<String>, BadFolder> {
    let path = dir.join("manifest.json");
    match (manifest.as_written(), strictness) {
        (Some(true), _) | (None, Strictness::Edited) => Ok(None),
        (None, Strictness::Exact) => Err(BadFolder(format!(
            "{}: the manifest records no SHA-256 of its own (a folder of an older stratosim), so its runs cannot be trusted",
            path.display()
        ))),
        (Some(false), Strictness::Exact) => Err(BadFolder(format!(
            "{}: its SHA-256 differs from the one it records: the manifest changed after the run wrote it",
            path.display()
        ))),
        (Some(false), Strictness::Edited) => Ok(Some(format!(
            "{}: changed since the run wrote it (its SHA-256 differs from the one it records); drawn as it is",
            path.display()
        ))),
    }
}

/// [`check`] of a folder holding `runs`.
pub fn check_runs(
    dir: &Path,
    manifest: &Manifest,
    runs: &Runs,
    strictness: Strictness,
) -> Result<Vec<String>, BadFolder> {
    if manifest.files.is_empty() {
        return match strictness {
            Strictness::Edited => Ok(Vec::new()),
            Strictness::Exact => Err(BadFolder(format!(
                "{}: the manifest records no file's SHA-256 (a folder of an older stratosim), so its runs cannot be trusted",
                dir.join("manifest.json").display()
            ))),
        };
    }
    let mut warnings = Vec::new();
    for name in run_files(manifest) {
        let path = dir.join(name);
        let Some(record) = manifest.files.get(name) else {
            return Err(BadFolder(format!(
                "{}: the manifest records no `{name}`",
                dir.join("manifest.json").display()
            )));
        };
        if record.rows.len() != runs.len() {
            return Err(BadFolder(format!(
                "{}: `{name}` has row counts for {} runs; the folder holds {}",
                dir.join("manifest.json").display(),
                record.rows.len(),
                runs.len()
            )));
        }
        let sha = sha256_of(&path)
            .map_err(|e| BadFolder(format!("{}: cannot read: {e}", path.display())))?;
        if sha == record.sha256 {
            continue;
        }
        if strictness == Strictness::Exact {
            return Err(BadFolder(format!(
                "{}: its SHA-256 differs from the one the manifest records: the file changed after the run wrote it",
                path.display()
            )));
        }
        check_rows(&path, manifest, runs, record)?;
        warnings.push(format!(
            "{}: changed since the run wrote it (its SHA-256 differs), but every run still has its rows; drawn as it is",
            path.display()
        ));
    }
    Ok(warnings)
}

/// Checks that the file at `path` holds as many rows of each run as the
/// run wrote.
pub fn check_rows(
    path: &Path,
    manifest: &Manifest,
    runs: &Runs,
    record: &FileRecord,
) -> Result<(), BadFolder> {
    let counts = count_rows(path, manifest, runs)?;
    let keys = RunKeys::new(manifest);
    for ((run, &found), &wrote) in runs.iter().zip(&counts).zip(&record.rows) {
        if found != wrote {
            return Err(BadFolder(format!(
                "{}: {} has {found} row{}; the run wrote {wrote}",
                path.display(),
                keys.label(run),
                if found == 1 { "" } else { "s" }
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shard_holds_every_nth_run() {
        let m = Manifest {
            designs: vec!["a".into(), "b".into()],
            replications: 3,
            sweep_keys: vec!["k".into()],
            sweep_values: vec![vec!["1".into()], vec!["2".into()]],
            shard: Some("2/4".into()),
            ..Manifest::default()
        };
        let runs = Runs::of(&m).unwrap();
        // 12 runs; shard 2 of 4 holds runs 1, 5 and 9.
        assert_eq!(runs.len(), 3);
        let held: Vec<RunId> = runs.iter().collect();
        assert_eq!(held.len(), 3);
        assert_eq!(
            held[1],
            RunId {
                point: 0,
                design: 1,
                replication: 2
            }
        );
        assert_eq!(runs.position(held[2]), Some(2));
        let bad = Manifest {
            shard: Some("4/3".into()),
            ..m
        };
        assert!(Runs::of(&bad).is_err());
    }
}

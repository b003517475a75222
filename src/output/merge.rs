//! Joins folders of runs into the folder one run would have written: the
//! shards of a run (`run --shard K/N`, `stratosim merge`), or the
//! replications kept from an earlier run and the new ones (`run` adding
//! replications). Each run file's rows are put back in run order (sweep
//! point, design, replication), streamed: memory does not grow with the
//! files.
//!
//! Nothing is trusted: each folder's files must have the SHA-256 its
//! manifest records, and each run the rows it wrote, or the join is refused
//! naming the file and what differs.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::digest::Hashing;
use super::integrity::{self, BadFolder, RunId, RunKeys, Runs, Strictness, parse_shard};
use super::manifest::{FileRecord, Manifest, read_manifest};

/// A problem with the shards given, as opposed to a failure to read or
/// write them.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BadShards(pub String);

/// A folder whose runs go into a joined folder.
#[derive(Clone, Debug)]
pub struct Source {
    /// The folder.
    pub dir: PathBuf,
    /// Its manifest.
    pub manifest: Manifest,
    /// The runs it holds (as its manifest says, or fewer).
    pub runs: Runs,
    /// Only its runs of replications below this.
    pub replications_below: Option<u32>,
}

impl Source {
    /// A folder holding the runs its manifest says, the manifest as the
    /// run wrote it.
    pub fn folder(dir: PathBuf, manifest: Manifest) -> Result<Source> {
        integrity::check_manifest(&dir, &manifest, Strictness::Exact)?;
        Ok(Source {
            runs: Runs::in_folder(&dir, &manifest)?,
            dir,
            manifest,
            replications_below: None,
        })
    }

    /// Whether the joined folder takes `run` from this source.
    fn takes(&self, run: RunId) -> bool {
        self.runs.position(run).is_some()
            && self.replications_below.is_none_or(|b| run.replication < b)
    }
}

/// Reads and checks the shards' manifests: the parts of one run, each
/// once, all of them; returns them with the manifest of the whole.
fn check(dirs: &[PathBuf]) -> Result<(Vec<Source>, Manifest)> {
    let mut parts: Vec<(usize, usize, Source)> = Vec::new();
    for dir in dirs {
        let path = dir.join("manifest.json");
        if !path.is_file() {
            bail!(BadShards(format!(
                "{}: no manifest.json: not an output folder of stratosim",
                dir.display()
            )));
        }
        let m = read_manifest(&path).map_err(|e| BadShards(format!("{e:#}")))?;
        let Some((k, n)) = m.shard.as_deref().and_then(parse_shard) else {
            bail!(BadShards(format!(
                "{}: not the folder of a shard (run with --shard K/N; its manifest says {})",
                dir.display(),
                m.shard
                    .as_deref()
                    .map_or("none".to_string(), |s| format!("`{s}`"))
            )));
        };
        let source = Source::folder(dir.clone(), m).map_err(|e| BadShards(format!("{e:#}")))?;
        parts.push((k, n, source));
    }
    let Some(first) = parts.first() else {
        bail!(BadShards("no shard folder given".into()));
    };
    let n = first.1;
    // The parts of one run agree on everything but which part they are,
    // their files and the command that ran them (and so the manifest's own
    // SHA-256, which the runs' check holds each to): a manifest differing
    // anywhere else is another run's, or damaged.
    let common = |m: &Manifest| {
        let mut m = m.clone();
        m.shard = None;
        m.files = BTreeMap::new();
        m.command_line = Default::default();
        m.manifest_sha256 = String::new();
        serde_json::to_value(m).ok()
    };
    let same = |a: &Manifest, b: &Manifest| common(a).is_some() && common(a) == common(b);
    for (k, nk, source) in &parts {
        if *nk != n || !same(&source.manifest, &first.2.manifest) {
            bail!(BadShards(format!(
                "{}: shard {k}/{nk} is not a part of the same run as {} (their manifests must agree but for the shard, its files and its command line)",
                source.dir.display(),
                first.2.dir.display()
            )));
        }
    }
    let mut seen: Vec<Option<&Path>> = vec![None; n];
    for (k, _, source) in &parts {
        if let Some(earlier) = seen[*k - 1].replace(&source.dir) {
            bail!(BadShards(format!(
                "shard {k}/{n} given twice: {} and {}",
                earlier.display(),
                source.dir.display()
            )));
        }
    }
    let missing: Vec<String> = (1..=n)
        .filter(|k| seen[*k - 1].is_none())
        .map(|k| format!("{k}/{n}"))
        .collect();
    if !missing.is_empty() {
        bail!(BadShards(format!(
            "missing shard{} {}: a merged folder needs all {n}",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", ")
        )));
    }
    let mut manifest = first.2.manifest.clone();
    manifest.shard = None;
    manifest.files = BTreeMap::new();
    manifest.manifest_sha256.clear();
    Ok((parts.into_iter().map(|p| p.2).collect(), manifest))
}

/// Merges the shard folders `dirs` into `out`: their run files, checked,
/// the manifest of the whole, and the lesson. Returns the manifest.
pub fn merge(dirs: &[PathBuf], out: &Path) -> Result<Manifest> {
    let (sources, mut manifest) = check(dirs)?;
    manifest.files = combine(&sources, &manifest, out)?;
    super::manifest::write_manifest(&out.join("manifest.json"), &manifest)?;
    // Every shard holds the same scenario, so the same lesson.
    super::lesson::copy(&sources[0].dir, out)?;
    Ok(manifest)
}

/// Writes into `out` each run file with the rows of `manifest`'s runs,
/// each run taken from the source that holds it, and returns the files'
/// records for the manifest. Every source's files are first checked
/// against their manifest's SHA-256, then each of their runs against the
/// rows it wrote.
pub fn combine(
    sources: &[Source],
    manifest: &Manifest,
    out: &Path,
) -> Result<BTreeMap<String, FileRecord>> {
    for source in sources {
        integrity::check_runs(
            &source.dir,
            &source.manifest,
            &source.runs,
            Strictness::Exact,
        )?;
    }
    let runs = Runs::of(manifest)?;
    // For each run of the whole, the source that holds it.
    let mut from = Vec::with_capacity(runs.len());
    let keys = RunKeys::new(manifest);
    for run in runs.iter() {
        let Some(s) = (0..sources.len()).find(|&s| sources[s].takes(run)) else {
            bail!(BadFolder(format!(
                "no folder given holds the run of {}",
                keys.label(run)
            )));
        };
        from.push(s);
    }
    let mut files = BTreeMap::new();
    // The run files are those the sources record (`alarms.csv` with an
    // alarm); the merged manifest's records are being made anew.
    let recorded = sources.first().map(|s| &s.manifest).unwrap_or(manifest);
    for name in integrity::run_files(recorded) {
        let record = join_file(name, sources, &runs, &from, out)?;
        files.insert(name.to_string(), record);
    }
    Ok(files)
}

/// One source's file, read a row at a time: its rows' runs for ordering,
/// its raw bytes for copying.
struct Rows<'a> {
    path: PathBuf,
    keys: RunKeys<'a>,
    runs: &'a Runs,
    /// What the source's manifest says each of its runs wrote.
    wrote: &'a [u64],
    records: csv::Reader<BufReader<File>>,
    bytes: BufReader<File>,
    /// The next row: its run, its place among the source's runs, its length.
    next: Option<(RunId, usize, u64)>,
    record: csv::ByteRecord,
    /// Rows found so far, per run of the source.
    found: Vec<u64>,
}

impl<'a> Rows<'a> {
    fn open(
        source: &'a Source,
        name: &str,
        header: &mut Option<(PathBuf, Vec<u8>)>,
    ) -> Result<Rows<'a>> {
        let runs = &source.runs;
        let path = source.dir.join(name);
        let bad = |e: &dyn std::fmt::Display| BadFolder(format!("{}: {e}", path.display()));
        let wrote = source
            .manifest
            .files
            .get(name)
            .map(|r| r.rows.as_slice())
            .unwrap_or_default();
        let mut records =
            csv::Reader::from_reader(BufReader::new(File::open(&path).map_err(|e| bad(&e))?));
        let keys = RunKeys::new(&source.manifest);
        let columns = records.byte_headers().map_err(|e| bad(&e))?.clone();
        keys.check_header(&path, &columns)?;
        let header_len = records.position().byte();
        let mut bytes = BufReader::new(File::open(&path).map_err(|e| bad(&e))?);
        let mut head = vec![0; header_len as usize];
        bytes.read_exact(&mut head).map_err(|e| bad(&e))?;
        match header {
            None => *header = Some((path.clone(), head)),
            Some((first, h)) if *h != head => bail!(BadFolder(format!(
                "{}: its columns differ from those of {}",
                path.display(),
                first.display()
            ))),
            Some(_) => {}
        }
        let mut rows = Rows {
            path,
            keys,
            runs,
            wrote,
            records,
            bytes,
            next: None,
            record: csv::ByteRecord::new(),
            found: vec![0; runs.len()],
        };
        rows.advance()?;
        Ok(rows)
    }

    fn bad(&self, why: String) -> anyhow::Error {
        BadFolder(format!("{}: {why}", self.path.display())).into()
    }

    /// Reads the next row's run (and checks the order of the rows).
    fn advance(&mut self) -> Result<()> {
        let start = self.records.position().byte();
        let more = self
            .records
            .read_byte_record(&mut self.record)
            .map_err(|e| self.bad(e.to_string()))?;
        if !more {
            self.next = None;
            return Ok(());
        }
        let line = self.record.position().map_or(0, |p| p.line());
        let len = self.records.position().byte() - start;
        let run = self.keys.run_of(&self.record);
        let Some((run, at)) = run.and_then(|r| Some((r, self.runs.position(r)?))) else {
            return Err(self.bad(format!("line {line} is a row of no run of this folder")));
        };
        if let Some((_, before, _)) = self.next
            && at < before
        {
            return Err(self.bad(format!(
                "line {line}: a row of {} after rows of a later run (rows moved or repeated)",
                self.keys.label(run)
            )));
        }
        self.found[at] += 1;
        self.next = Some((run, at, len));
        Ok(())
    }

    /// Copies the rows of `run` to `out` (skipping, but counting, rows of
    /// earlier runs the join does not take); returns how many.
    fn copy_run(&mut self, run: RunId, out: &mut impl Write) -> Result<u64> {
        let Some(target) = self.runs.position(run) else {
            return Ok(0);
        };
        let mut copied = 0;
        while let Some((r, at, len)) = self.next {
            if at > target {
                break;
            }
            if r == run {
                io::copy(&mut (&mut self.bytes).take(len), out)
                    .with_context(|| format!("cannot copy rows of {}", self.path.display()))?;
                copied += 1;
            } else {
                self.bytes
                    .seek_relative(len as i64)
                    .with_context(|| format!("cannot read {}", self.path.display()))?;
            }
            self.advance()?;
        }
        Ok(copied)
    }

    /// Reads the rest of the file, then checks each run's rows against
    /// what the run wrote.
    fn finish(mut self) -> Result<()> {
        while self.next.is_some() {
            self.advance()?;
        }
        for ((run, &found), &wrote) in self.runs.iter().zip(&self.found).zip(self.wrote) {
            if found != wrote {
                return Err(self.bad(format!(
                    "{} has {found} row{}; the run wrote {wrote}",
                    self.keys.label(run),
                    if found == 1 { "" } else { "s" }
                )));
            }
        }
        Ok(())
    }
}

/// Joins one run file of `sources` into `out`.
fn join_file(
    name: &str,
    sources: &[Source],
    runs: &Runs,
    from: &[usize],
    out: &Path,
) -> Result<FileRecord> {
    let mut header = None;
    let mut readers = sources
        .iter()
        .map(|s| Rows::open(s, name, &mut header))
        .collect::<Result<Vec<_>>>()?;
    let path = out.join(name);
    let context = || format!("cannot write {}", path.display());
    let file = File::create(&path).with_context(context)?;
    let mut w = Hashing::new(BufWriter::new(file));
    if let Some((_, head)) = &header {
        w.write_all(head).with_context(context)?;
    }
    let mut rows = Vec::with_capacity(runs.len());
    for (run, &s) in runs.iter().zip(from) {
        rows.push(readers[s].copy_run(run, &mut w)?);
    }
    for r in readers {
        r.finish()?;
    }
    let (_, sha256) = w.finish().with_context(context)?;
    Ok(FileRecord { sha256, rows })
}

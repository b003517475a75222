//! Joins the folders of a run's shards (`run --shard K/N`) into the folder
//! one run would have written: each CSV file's rows put back in run order
//! (sweep point, design, replication), the manifest without its shard.
//!
//! A run's rows are contiguous in its shard's files and keep their order, so
//! a stable sort of all rows by their run gives the single run's bytes.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::manifest::{Manifest, read_manifest, write_manifest};

/// Files a folder summarises from its runs' rows, not merged row by row.
const DERIVED: [&str; 2] = ["designs.csv", "comparisons.csv"];

/// A problem with the shards given, as opposed to a failure to read or
/// write them.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BadShards(pub String);

/// The shards' manifests, checked to be the parts of one run.
struct Shards {
    dirs: Vec<PathBuf>,
    manifest: Manifest,
}

fn check(dirs: &[PathBuf]) -> Result<Shards> {
    let mut parts: Vec<(u32, u32, PathBuf, Manifest)> = Vec::new();
    for dir in dirs {
        let path = dir.join("manifest.json");
        if !path.is_file() {
            bail!(BadShards(format!(
                "{}: no manifest.json: not an output folder of stratosim",
                dir.display()
            )));
        }
        let m = read_manifest(&path)?;
        let Some((k, n)) = m
            .shard
            .as_deref()
            .and_then(|s| s.split_once('/'))
            .and_then(|(k, n)| Some((k.parse::<u32>().ok()?, n.parse::<u32>().ok()?)))
        else {
            bail!(BadShards(format!(
                "{}: not the folder of a shard (run with --shard K/N)",
                dir.display()
            )));
        };
        parts.push((k, n, dir.clone(), m));
    }
    let n = parts[0].1;
    let same = |a: &Manifest, b: &Manifest| {
        a.stratosim_version == b.stratosim_version
            && a.scenario_hash == b.scenario_hash
            && a.seed == b.seed
            && a.replications == b.replications
            && a.designs == b.designs
            && a.sweep_values == b.sweep_values
    };
    for (k, nk, dir, m) in &parts {
        if *nk != n || !same(m, &parts[0].3) {
            bail!(BadShards(format!(
                "{}: shard {k}/{nk} is not a part of the same run as {} (scenario, overrides, seed, replications, version and shard count must agree)",
                dir.display(),
                parts[0].2.display()
            )));
        }
    }
    let mut seen = vec![None; n as usize];
    for (k, _, dir, _) in &parts {
        if let Some(earlier) = seen[*k as usize - 1].replace(dir) {
            bail!(BadShards(format!(
                "shard {k}/{n} given twice: {} and {}",
                earlier.display(),
                dir.display()
            )));
        }
    }
    let missing: Vec<String> = (1..=n)
        .filter(|k| seen[*k as usize - 1].is_none())
        .map(|k| format!("{k}/{n}"))
        .collect();
    if !missing.is_empty() {
        bail!(BadShards(format!(
            "missing shard{} {}: a merged folder needs all {n}",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", ")
        )));
    }
    let mut manifest = parts[0].3.clone();
    manifest.shard = None;
    Ok(Shards {
        dirs: parts.into_iter().map(|p| p.2).collect(),
        manifest,
    })
}

/// Merges the shard folders `dirs` into `out`.
pub fn merge(dirs: &[PathBuf], out: &Path) -> Result<()> {
    let shards = check(dirs)?;
    let sources: Vec<Source> = shards
        .dirs
        .iter()
        .map(|d| Source {
            dir: d.clone(),
            replications_below: None,
        })
        .collect();
    combine(&sources, &shards.manifest, out)?;
    // Every shard holds the same scenario, so the same lesson.
    super::lesson::copy(&shards.dirs[0], out)
}

/// A folder whose rows go into a combined folder.
#[derive(Clone, Debug)]
pub struct Source {
    /// The folder.
    pub dir: PathBuf,
    /// Only rows of replications below this.
    pub replications_below: Option<u32>,
}

/// Writes into `out` every CSV file of the first source (but those derived
/// from them) with the rows of all the sources in run order, and
/// `manifest`. The sources' runs must be disjoint.
pub fn combine(sources: &[Source], manifest: &Manifest, out: &Path) -> Result<()> {
    let m = manifest;
    let first = &sources[0].dir;
    let mut files: Vec<String> = Vec::new();
    for entry in fs::read_dir(first).with_context(|| format!("cannot read {}", first.display()))? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if name.ends_with(".csv") && !DERIVED.contains(&name.as_str()) {
            files.push(name);
        }
    }
    files.sort();
    let design_index: HashMap<&str, usize> = m
        .designs
        .iter()
        .enumerate()
        .map(|(i, d)| (d.as_str(), i))
        .collect();
    let point_index: HashMap<&[String], usize> = m
        .sweep_values
        .iter()
        .enumerate()
        .map(|(i, v)| (v.as_slice(), i))
        .collect();
    let mut merged_files = Vec::new();
    for name in &files {
        let texts = sources
            .iter()
            .map(|src| {
                let path = src.dir.join(name);
                fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))
            })
            .collect::<Result<Vec<_>>>()?;
        let axes = m.sweep_keys.len();
        let mut header: Option<&str> = None;
        let mut rows: Vec<((usize, usize, u32), &str)> = Vec::new();
        for (text, src) in texts.iter().zip(sources) {
            let path = src.dir.join(name);
            let first = text.find('\n').map_or(text.len(), |i| i + 1);
            match header {
                None => header = Some(&text[..first]),
                Some(h) if h != &text[..first] => {
                    bail!(
                        "{}: its columns differ from the other folders'",
                        path.display()
                    )
                }
                Some(_) => {}
            }
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(&text.as_bytes()[first..]);
            let mut record = csv::StringRecord::new();
            let mut start = 0usize;
            while reader.read_record(&mut record)? {
                let end = reader.position().byte() as usize;
                let line = &text[first + start..first + end];
                start = end;
                let design = record.get(0).unwrap_or_default();
                let point: Vec<String> = (1..=axes)
                    .map(|i| record.get(i).unwrap_or_default().to_string())
                    .collect();
                let key = (
                    point_index.get(point.as_slice()).copied(),
                    design_index.get(design).copied(),
                    record.get(axes + 1).and_then(|r| r.parse::<u32>().ok()),
                );
                let (Some(p), Some(d), Some(r)) = key else {
                    bail!(
                        "{}: a row of an unknown run: {}",
                        path.display(),
                        line.trim_end()
                    );
                };
                if src.replications_below.is_none_or(|below| r < below) {
                    rows.push(((p, d, r), line));
                }
            }
        }
        rows.sort_by_key(|(key, _)| *key);
        let mut merged = String::with_capacity(texts.iter().map(String::len).sum());
        merged.push_str(header.unwrap_or_default());
        for (_, line) in rows {
            merged.push_str(line);
        }
        merged_files.push((name, merged));
    }
    // Written only once everything was read: `out` may be a source.
    fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    for (name, merged) in merged_files {
        let path = out.join(name);
        fs::write(&path, merged).with_context(|| format!("cannot write {}", path.display()))?;
    }
    write_manifest(&out.join("manifest.json"), m)
}

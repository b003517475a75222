//! `manifest.json`: what a run records about itself, enough to repeat it,
//! and to merge shards and summarise without the scenario file. One typed
//! reader serves every command.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use anyhow::{Context, Result};
use serde::Serialize;

use super::digest::sha256_hex;
use super::language::RequestsCalled;
use super::slo::SloTargets;

/// What `manifest.json` records: enough to repeat the run, and to merge
/// shards and summarise without the scenario file.
#[derive(Clone, Debug, Default, Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Manifest {
    /// The stratosim version that wrote the folder.
    pub stratosim_version: String,
    /// The scenario's `name`.
    pub scenario: String,
    /// The scenario file as given on the command line.
    pub scenario_file: String,
    /// FNV-1a hash of the scenario text and the `--set` overrides.
    pub scenario_hash: String,
    /// The root seed.
    pub seed: u64,
    /// Replications per design and sweep point.
    pub replications: u32,
    /// The seed of each replication, in order.
    pub replication_seeds: Vec<u64>,
    /// The designs simulated.
    pub designs: Vec<String>,
    /// Designs left out, with the reason.
    pub skipped_designs: Vec<String>,
    /// The swept key paths.
    pub sweep_keys: Vec<String>,
    /// The number of sweep points.
    pub sweep_points: usize,
    /// The `--set` overrides.
    pub overrides: Vec<String>,
    /// The price catalog's region.
    pub catalog_region: String,
    /// The date the price catalog was compiled.
    pub catalog_date: String,
    /// The command line, without `--jobs` and `--shard` (which do not
    /// change results).
    pub command_line: Vec<String>,
    /// The swept values of each sweep point, as in the CSV files, in run order.
    pub sweep_values: Vec<Vec<String>>,
    /// The design the others are compared with.
    pub baseline: String,
    /// The designs whose client is answered before the work is done (a
    /// queue, a topic, an asynchronous send): their headline latency is
    /// completion.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub answers_early: Vec<String>,
    /// Each design's components and the links between them, in the
    /// manifest's design order, for the diagram; absent in folders written
    /// before it was recorded (they have no diagram).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub topology: Vec<DesignTopology>,
    /// The scenario's `description`.
    pub description: String,
    /// What the scenario calls its requests, for the takeaways; absent
    /// when it says nothing.
    #[serde(skip_serializing_if = "RequestsCalled::is_unset")]
    pub requests_called: RequestsCalled,
    /// The scenario's faults, for the charts' shaded windows.
    pub faults: Vec<FaultWindow>,
    /// The scenario's `[[deployments]]`, for the charts' marks; absent
    /// when it has none. Whether a run rolled one back is in its fleet's
    /// `rollbacks` and `deploying` series of `timeseries.csv`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub deployments: Vec<DeploymentMark>,
    /// The measured window: duration less warmup [s].
    pub window_s: f64,
    /// The SLO, when the scenario has one.
    #[serde(skip_serializing_if = "SloTargets::is_unset")]
    pub slo: SloTargets,
    /// A key of the runs (scenario, overrides, seed): a
    /// later run with more replications into the same folder reuses these.
    pub runs_key: String,
    /// `K/N` in the folder of one shard of a run; absent in a whole run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shard: Option<String>,
    /// The catalog prices the scenario's `[prices]` table set, in its
    /// order; absent when it sets none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub prices_overridden: Vec<PriceOverride>,
    /// Each file with a row per run item (`summary.csv`, `components.csv`,
    /// `timeseries.csv`, `latency.csv`): its SHA-256 and the rows of each
    /// of the folder's runs, so that reuse, `merge` and `plot` can tell a
    /// damaged file from a whole one.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub files: BTreeMap<String, FileRecord>,
    /// The SHA-256 of this manifest as written without this field, so that
    /// a change to the manifest itself shows too (a line lost or repeated,
    /// a byte changed, an edit by hand); absent in folders written before
    /// it was recorded.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub manifest_sha256: String,
}

impl Manifest {
    /// Whether the manifest is as the run wrote it: `None` when it records
    /// no SHA-256 of its own (an older folder, or one written by hand).
    pub fn as_written(&self) -> Option<bool> {
        if self.manifest_sha256.is_empty() {
            return None;
        }
        Some(own_sha256(self).is_ok_and(|sha| sha == self.manifest_sha256))
    }
}

/// One price a scenario set instead of the catalog's, as `manifest.json`
/// records it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, serde::Deserialize)]
#[serde(default)]
pub struct PriceOverride {
    /// The price's key, e.g. `ec2.m5.large`.
    pub key: String,
    /// What the scenario set.
    pub value: f64,
    /// What the catalog of the region holds; absent when it has no figure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub catalog_value: Option<f64>,
    /// The unit of both.
    pub unit: String,
}

/// One design's components and links as `manifest.json` records them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, serde::Deserialize)]
#[serde(default)]
pub struct DesignTopology {
    /// The design's name.
    pub design: String,
    /// The component that receives each request.
    pub entry: String,
    /// Its components, in the scenario's order.
    pub components: Vec<TopologyComponent>,
    /// The links between them, in the order of their components.
    pub links: Vec<TopologyLink>,
}

/// A component of a [`DesignTopology`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, serde::Deserialize)]
#[serde(default)]
pub struct TopologyComponent {
    /// Its name.
    pub name: String,
    /// Its `kind`, as in `components.csv`.
    pub kind: String,
}

/// A link of a [`DesignTopology`]: `from` hands requests or messages to `to`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, serde::Deserialize)]
#[serde(default)]
pub struct TopologyLink {
    /// The component that hands work on.
    pub from: String,
    /// The component that receives it.
    pub to: String,
    /// What the link is: `routes` and `calls` wait for the answer;
    /// `sends`, `consumer`, `dead_letter`, `subscription` and `on_failure`
    /// do not.
    pub kind: String,
}

impl TopologyLink {
    /// The sender waits for the answer (a solid arrow in the diagram).
    pub fn is_synchronous(&self) -> bool {
        matches!(self.kind.as_str(), "routes" | "calls")
    }
}

/// A run file as `manifest.json` records it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(default)]
pub struct FileRecord {
    /// The SHA-256 of the file's bytes, in hex.
    pub sha256: String,
    /// The rows of each of the folder's runs, in run order (sweep point,
    /// design, replication; a shard's runs only).
    pub rows: Vec<u64>,
}

/// One `[[faults]]` entry as `manifest.json` records it.
#[derive(Clone, Debug, Default, Serialize, serde::Deserialize)]
#[serde(default)]
pub struct FaultWindow {
    /// The component's name.
    pub component: String,
    /// `outage` or `slowdown`.
    pub kind: String,
    /// The slowdown's factor on service times.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub factor: Option<f64>,
    /// Start [s of simulated time].
    pub start_s: f64,
    /// End [s of simulated time].
    pub end_s: f64,
}

/// One `[[deployments]]` entry as `manifest.json` records it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, serde::Deserialize)]
#[serde(default)]
pub struct DeploymentMark {
    /// The fleet's name.
    pub component: String,
    /// `all_at_once`, `rolling`, `rolling_with_additional_batch`,
    /// `immutable` or `blue_green`.
    pub policy: String,
    /// `batch_size` as a count or a share ("25%").
    pub batch_size: String,
    /// Start [s of simulated time].
    pub at_s: f64,
    /// The release's share of failed calls (a bad release), when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_rate: Option<f64>,
    /// The alarm that rolls it back, when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rollback_on: Option<String>,
}

/// The manifest's text as `manifest.json` holds it.
fn text_of(manifest: &Manifest) -> Result<String> {
    let mut text = serde_json::to_string_pretty(manifest)?;
    text.push('\n');
    Ok(text)
}

/// What `manifest_sha256` records: the SHA-256 of the manifest's text
/// without it.
fn own_sha256(manifest: &Manifest) -> Result<String> {
    let mut without = manifest.clone();
    without.manifest_sha256.clear();
    Ok(sha256_hex(text_of(&without)?.as_bytes()))
}

/// Writes `manifest.json`, with its own SHA-256.
pub fn write_manifest(path: &Path, manifest: &Manifest) -> Result<()> {
    let mut manifest = manifest.clone();
    manifest.manifest_sha256 = own_sha256(&manifest)?;
    fs::write(path, text_of(&manifest)?).with_context(|| format!("cannot write {}", path.display()))
}

/// Reads a folder's `manifest.json`.
pub fn read_manifest(path: &Path) -> Result<Manifest> {
    let text =
        fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_str(&text)
        .with_context(|| format!("{}: not a stratosim manifest", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_read_back_knows_whether_it_is_as_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("manifest.json");
        let manifest = Manifest {
            scenario: "shop".into(),
            command_line: vec!["stratosim".into(), "run".into(), "shop.toml".into()],
            window_s: 0.1 + 0.2,
            ..Manifest::default()
        };
        // Made, not read: it records nothing of its own.
        assert_eq!(manifest.as_written(), None);
        write_manifest(&path, &manifest).unwrap();
        let read = read_manifest(&path).unwrap();
        assert_eq!(read.as_written(), Some(true));
        assert_eq!(read.manifest_sha256.len(), 64);
        // Written again, the same bytes: the SHA-256 is of the rest.
        let again = dir.path().join("again.json");
        write_manifest(&again, &read).unwrap();
        assert_eq!(fs::read(&path).unwrap(), fs::read(&again).unwrap());
        // A line of its command line repeated: still a manifest, no
        // longer the one written.
        let text = fs::read_to_string(&path).unwrap();
        let repeated = text.replacen("    \"run\",\n", "    \"run\",\n    \"run\",\n", 1);
        assert_ne!(repeated, text);
        fs::write(&path, repeated).unwrap();
        assert_eq!(read_manifest(&path).unwrap().as_written(), Some(false));
        // Laid out otherwise, it says the same: as written.
        fs::write(&path, text.replace("\n  ", "\n\t")).unwrap();
        assert_eq!(read_manifest(&path).unwrap().as_written(), Some(true));
    }
}

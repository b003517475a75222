//! Output folders a user can trust (issue 11): written whole or not at all,
//! one command at a time, verified before they are reused, merged or
//! plotted; a damaged folder gets exit 2 or a correct rebuild, never a
//! panic and never exit 0 on wrong data.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;

use proptest::prelude::*;

use crate::common::*;

/// Two designs, two sweep points, three replications: small enough to run
/// many times, with every kind of file and a sweep column.
const SMALL: &str = r#"
[scenario]
name = "small"
duration = "2m"
warmup = "10s"
seed = 3
replications = 3
[workload]
rate = 50
[designs.one]
entry = "app"
[designs.one.app]
kind = "ec2"
instance_type = "m5.large"
instances = 2
workers = 4
service_time = { dist = "exp", mean = "30ms" }
[designs.two]
entry = "app"
[designs.two.app]
kind = "ec2"
instance_type = "m5.large"
instances = 3
workers = 4
service_time = { dist = "exp", mean = "30ms" }
[sweep]
"workload.rate" = [50, 80]
"#;

/// Every file under `dir` (relative path → bytes), the folder's own
/// sibling files excluded by construction.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for e in fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.insert(
                    p.strip_prefix(root).unwrap().to_path_buf(),
                    fs::read(&p).unwrap(),
                );
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Asserts that the folders hold the same files, byte for byte.
fn assert_same_folder(got: &Path, want: &Path, what: &str) {
    let (g, w) = (tree(got), tree(want));
    let names = |t: &BTreeMap<PathBuf, Vec<u8>>| t.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&g), names(&w), "{what}: the files differ");
    for (name, bytes) in &w {
        assert!(g[name] == *bytes, "{what}: {} differs", name.display());
    }
}

fn run_into(scenario: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "run",
        scenario.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "-q",
    ];
    args.extend_from_slice(extra);
    stratosim(&args)
}

fn spawn_run(scenario: &Path, out: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_stratosim"))
        .args(["run", scenario.to_str().unwrap(), "--out"])
        .arg(out)
        .args(["-q", "--jobs", "2"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// A panic is exit 101 and says so; stratosim must never end that way.
fn assert_no_panic(o: &Output, what: &str) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        o.status.code() != Some(101) && !err.contains("panicked"),
        "{what} panicked: {err}"
    );
    assert!(o.status.code().is_some(), "{what} was killed: {err}");
}

/// The folders every damage test starts from, made once: a clean run, and
/// the two shards of the same run.
struct Pristine {
    _dir: tempfile::TempDir,
    scenario: PathBuf,
    clean: PathBuf,
    shards: [PathBuf; 2],
}

fn pristine() -> &'static Pristine {
    static PRISTINE: OnceLock<Pristine> = OnceLock::new();
    PRISTINE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let scenario = dir.path().join("s.toml");
        fs::write(&scenario, SMALL).unwrap();
        let clean = dir.path().join("clean");
        assert_eq!(run_into(&scenario, &clean, &[]).status.code(), Some(0));
        let shards = [dir.path().join("shard1"), dir.path().join("shard2")];
        for (k, s) in shards.iter().enumerate() {
            let shard = format!("{}/2", k + 1);
            let o = run_into(&scenario, s, &["--shard", &shard, "--no-charts"]);
            assert_eq!(o.status.code(), Some(0));
        }
        Pristine {
            _dir: dir,
            scenario,
            clean,
            shards,
        }
    })
}

fn copy_folder(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for (name, bytes) in tree(from) {
        let p = to.join(name);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, bytes).unwrap();
    }
}

/// One way a file of an output folder can be damaged.
#[derive(Clone, Debug)]
enum Damage {
    /// Cut at a fraction of its length (a killed write).
    Truncate(f64),
    /// Two lines made one (a lost newline: `364.0000single,2,…`).
    Glue(usize),
    /// Lines removed from a place on.
    Remove(usize, usize),
    /// A line written twice.
    Duplicate(usize),
    /// One byte changed.
    Flip(f64, u8),
    /// A column removed from every line.
    DropColumn(usize),
    /// A text replaced by another everywhere (a renamed design, an extra
    /// sweep key, a shard `4/3`).
    Replace(&'static str, &'static str),
}

fn lines_of(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

fn damage(path: &Path, d: &Damage) {
    let bytes = fs::read(path).unwrap();
    let text = String::from_utf8_lossy(&bytes).to_string();
    let lines = lines_of(&text);
    let n = lines.len().max(1);
    let out: Vec<u8> = match d {
        Damage::Truncate(f) => bytes[..((bytes.len() as f64 * f) as usize).min(bytes.len())].into(),
        Damage::Glue(i) => {
            let i = i % n;
            let mut l: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
            if let Some(x) = l.get_mut(i) {
                *x = x.trim_end_matches('\n').to_string();
            }
            l.concat().into_bytes()
        }
        Damage::Remove(i, k) => {
            let i = i % n;
            let mut l = lines.clone();
            l.drain(i..(i + k).min(l.len()));
            l.concat().into_bytes()
        }
        Damage::Duplicate(i) => {
            let i = i % n;
            let mut l = lines.clone();
            if i < l.len() {
                l.insert(i, l[i]);
            }
            l.concat().into_bytes()
        }
        Damage::Flip(f, b) => {
            let mut v = bytes.clone();
            if !v.is_empty() {
                let i = ((v.len() as f64 * f) as usize).min(v.len() - 1);
                v[i] = if v[i] == *b { b.wrapping_add(1) } else { *b };
            }
            v
        }
        Damage::DropColumn(c) => lines
            .iter()
            .map(|l| {
                let (body, nl) = match l.strip_suffix('\n') {
                    Some(b) => (b, "\n"),
                    None => (*l, ""),
                };
                let mut cells: Vec<&str> = body.split(',').collect();
                if cells.len() > 1 {
                    cells.remove(c % cells.len());
                }
                format!("{}{nl}", cells.join(","))
            })
            .collect::<String>()
            .into_bytes(),
        Damage::Replace(from, to) => text.replace(from, to).into_bytes(),
    };
    fs::write(path, out).unwrap();
}

/// The files of a folder that hold data (the rest is drawn from them).
const DATA_FILES: [&str; 7] = [
    "summary.csv",
    "components.csv",
    "timeseries.csv",
    "latency.csv",
    "designs.csv",
    "comparisons.csv",
    "manifest.json",
];

/// The files a run writes per replication and the manifest checks, which
/// a re-run and a merge read.
const RUN_FILES: [&str; 4] = [
    "summary.csv",
    "components.csv",
    "timeseries.csv",
    "latency.csv",
];

/// `run` into a damaged folder: it re-runs what it cannot trust (exit 0,
/// the folder of a clean run) or refuses (exit 2, the folder left as it was).
fn check_rerun(file: &str, d: &Damage) {
    let p = pristine();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    copy_folder(&p.clean, &out);
    damage(&out.join(file), d);
    let before = tree(&out);
    let o = run_into(&p.scenario, &out, &[]);
    let what = format!("run into a folder with {file} damaged by {d:?}");
    assert_no_panic(&o, &what);
    match o.status.code() {
        Some(0) => assert_same_folder(&out, &p.clean, &what),
        Some(2) => assert!(tree(&out) == before, "{what}: refused, yet changed it"),
        c => panic!("{what}: exit {c:?}"),
    }
}

/// `plot` of a damaged folder. Plot redraws a folder whose values were
/// edited by hand, so a run file may differ from its SHA-256 if it says so
/// (exit 0 with a warning naming the file) and every run keeps its rows;
/// `must_refuse`: the damage broke rows, exit 2 naming the file.
fn check_plot(file: &str, d: &Damage, must_refuse: bool) {
    let p = pristine();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    copy_folder(&p.clean, &out);
    damage(&out.join(file), d);
    if tree(&out) == tree(&p.clean) {
        return;
    }
    let o = stratosim(&["plot", out.to_str().unwrap()]);
    let what = format!("plot of a folder with {file} damaged by {d:?}");
    assert_no_panic(&o, &what);
    let code = o.status.code();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(code == Some(2) || code == Some(0), "{what}: exit {code:?}");
    if must_refuse {
        assert_eq!(code, Some(2), "{what}: accepted");
    }
    // It names the folder the user gave, not the one it writes.
    assert!(!err.contains(".stratosim-new"), "{what}: {err}");
    if code == Some(2) {
        let shown = out.to_string_lossy();
        assert!(
            err.contains(&*shown),
            "{what}: the message names no file: {err}"
        );
    } else if RUN_FILES.contains(&file) {
        assert!(
            err.contains(file),
            "{what}: no warning names the file: {err}"
        );
    }
}

/// `merge` with a damaged shard: exit 0 only with the folder of one whole
/// run, else exit 2 and nothing written.
fn check_merge(file: &str, d: &Damage) {
    let p = pristine();
    let tmp = tempfile::tempdir().unwrap();
    let first = tmp.path().join("shard1");
    copy_folder(&p.shards[0], &first);
    damage(&first.join(file), d);
    let merged = tmp.path().join("merged");
    let o = stratosim(&[
        "merge",
        first.to_str().unwrap(),
        p.shards[1].to_str().unwrap(),
        "--out",
        merged.to_str().unwrap(),
        "-q",
    ]);
    let what = format!("merge with {file} of a shard damaged by {d:?}");
    assert_no_panic(&o, &what);
    match o.status.code() {
        Some(0) => assert_same_folder(&merged, &p.clean, &what),
        Some(2) => assert!(!merged.exists(), "{what}: refused, yet wrote"),
        c => panic!("{what}: exit {c:?}"),
    }
}

#[test]
fn each_class_of_damaged_folder_is_refused_or_rebuilt() {
    let classes = [
        ("timeseries.csv", Damage::Truncate(0.86)),
        ("summary.csv", Damage::Truncate(0.5)),
        ("timeseries.csv", Damage::Glue(40)),
        ("latency.csv", Damage::Remove(30, 20)),
        ("summary.csv", Damage::Duplicate(2)),
        ("components.csv", Damage::DropColumn(3)),
        ("summary.csv", Damage::Replace("one,", "uno,")),
    ];
    for (file, d) in &classes {
        check_rerun(file, d);
        check_plot(
            file,
            d,
            !matches!(d, Damage::Replace(..) | Damage::DropColumn(_)),
        );
        check_merge(file, d);
    }
    // A design renamed in designs.csv, which plot draws from.
    check_plot("designs.csv", &Damage::Replace("two,", "deux,"), false);
    check_plot("designs.csv", &Damage::DropColumn(5), false);
    // The manifest contradicting the files: an extra sweep key, a shard
    // beyond the count, a design it does not know; and a line of its
    // command line repeated, which only its own SHA-256 shows (a merge
    // would carry it into the whole).
    let manifest = [
        Damage::Replace(
            "\"workload.rate\"\n",
            "\"workload.rate\",\n    \"workload.extra\"\n",
        ),
        Damage::Replace("\"1/2\"", "\"4/3\""),
        Damage::Replace("\"two\"", "\"deux\""),
        Damage::Truncate(0.5),
        Damage::Replace("    \"run\",\n", "    \"run\",\n    \"run\",\n"),
    ];
    for d in &manifest {
        check_rerun("manifest.json", d);
        check_plot("manifest.json", d, false);
        check_merge("manifest.json", d);
    }
    // An extra sweep key and a truncated manifest are refused by plot.
    check_plot("manifest.json", &manifest[0], true);
    check_plot("manifest.json", &manifest[3], true);
}

fn any_damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        (0.0f64..1.0).prop_map(Damage::Truncate),
        (0usize..400).prop_map(Damage::Glue),
        (0usize..400, 1usize..50).prop_map(|(i, k)| Damage::Remove(i, k)),
        (0usize..400).prop_map(Damage::Duplicate),
        (0.0f64..1.0, any::<u8>()).prop_map(|(f, b)| Damage::Flip(f, b)),
        (0usize..60).prop_map(Damage::DropColumn),
    ]
}

proptest! {
    // Each case runs three commands: a few dozen cases keep the test to
    // seconds while covering every file and kind of damage.
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]
    #[test]
    fn damaged_folders_never_panic_nor_pass_wrong_data(
        file in 0usize..DATA_FILES.len(),
        d in any_damage(),
    ) {
        let file = DATA_FILES[file];
        check_plot(file, &d, false);
        if RUN_FILES.contains(&file) || file == "manifest.json" {
            check_rerun(file, &d);
            check_merge(file, &d);
        }
    }
}

/// A scenario that takes a noticeable time to simulate and write, for
/// killing it while it writes.
fn longer() -> String {
    SMALL
        .replace("duration = \"2m\"", "duration = \"4m\"")
        .replace("rate = 50\n", "rate = 400\n")
        .replace("[50, 80]", "[300, 400]")
        .replace("replications = 3", "replications = 4")
}

#[test]
fn a_killed_run_leaves_the_previous_folder_and_a_rerun_gives_the_same_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tmp.path().join("s.toml");
    fs::write(&scenario, longer()).unwrap();
    let clean = tmp.path().join("clean");
    let started = std::time::Instant::now();
    assert_eq!(run_into(&scenario, &clean, &[]).status.code(), Some(0));
    let whole = started.elapsed();
    let out = tmp.path().join("out");
    // Kill points spread over the whole run (a fixed sequence: the test
    // is the same every time), the first kills into no folder yet, the
    // later ones into a complete folder that must survive them.
    let fractions = [0.05, 0.3, 0.6, 0.9, 0.15, 0.45, 0.75, 1.0];
    let mut complete = false;
    for f in fractions {
        let mut child = spawn_run(&scenario, &out);
        std::thread::sleep(whole.mul_f64(f));
        let _ = child.kill();
        let status = child.wait().unwrap();
        if status.success() {
            complete = true;
        }
        if complete {
            assert_same_folder(&out, &clean, &format!("after a kill at {f} of the run"));
        } else if out.exists() {
            // Nothing is in place until it is complete.
            assert_same_folder(&out, &clean, &format!("a folder put in place at {f}"));
            complete = true;
        }
    }
    let o = run_into(&scenario, &out, &[]);
    assert_eq!(o.status.code(), Some(0));
    assert_same_folder(&out, &clean, "the re-run after kills");
    // Nothing is left beside it: no lock, no half-written folder.
    let mut beside: Vec<String> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    beside.sort();
    assert_eq!(beside, ["clean", "out", "s.toml"]);
}

#[test]
fn a_second_run_into_a_folder_being_written_exits_1_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tmp.path().join("s.toml");
    // Long enough for the second command to find the first at work.
    let text = longer().replace("duration = \"4m\"", "duration = \"20m\"");
    fs::write(&scenario, &text).unwrap();
    let out = tmp.path().join("out");
    let lock = tmp.path().join(".out.stratosim-lock");
    let mut first = spawn_run(&scenario, &out);
    while !lock.exists() {
        assert!(first.try_wait().unwrap().is_none(), "the first run ended");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let second = run_into(&scenario, &out, &[]);
    let still_running = first.try_wait().unwrap().is_none();
    let err = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(1), "{err}");
    assert!(still_running, "the second run waited for the first");
    assert!(
        err.contains(&first.id().to_string()) && err.contains("run"),
        "the message names the holder's pid and command: {err}"
    );
    assert!(first.wait().unwrap().success());
    let clean = tmp.path().join("clean");
    assert_eq!(run_into(&scenario, &clean, &[]).status.code(), Some(0));
    assert_same_folder(&out, &clean, "the folder of the first run");
}

#[test]
fn an_unusable_out_fails_before_the_first_event() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tmp.path().join("s.toml");
    // Long to simulate: a failure after the
    // simulation would hang it.
    let endless = SMALL.replace("duration = \"2m\"", "duration = \"1d\"");
    fs::write(&scenario, endless).unwrap();
    let file = tmp.path().join("a-file");
    fs::write(&file, "x").unwrap();
    let long = tmp.path().join("x".repeat(300));
    let read_only = tmp.path().join("ro");
    fs::create_dir(&read_only).unwrap();
    let mut perms = fs::metadata(&read_only).unwrap().permissions();
    perms.set_readonly(true);
    fs::set_permissions(&read_only, perms).unwrap();
    let mut places = vec![file.clone(), long, file.join("below")];
    // Root ignores permissions: the read-only folder tells only others.
    if fs::write(read_only.join("probe"), "").is_err() {
        places.push(read_only.join("out"));
    }
    for out in places {
        let o = run_into(&scenario, &out, &["--force"]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{}: {err}", out.display());
        assert!(!err.is_empty(), "{}: no message", out.display());
    }
    assert_eq!(fs::read(&file).unwrap(), b"x");
}

#[test]
fn a_rerun_replaces_the_whole_folder() {
    let p = pristine();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    copy_folder(&p.clean, &out);
    // Without charts, or as a shard: no report or chart of the earlier run
    // may stay beside files that no longer match them.
    let o = run_into(&p.scenario, &out, &["--no-charts"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(!out.join("report.html").exists() && !out.join("charts").exists());
    copy_folder(&p.clean, &out);
    let o = run_into(&p.scenario, &out, &["--shard", "1/2", "--no-charts"]);
    assert_eq!(o.status.code(), Some(0));
    assert_same_folder(&out, &p.shards[0], "a shard run into a whole run's folder");
}

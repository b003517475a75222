//! Every request ends completed, failed, lost or pending, and the four add up,
//! on every shipped scenario and every contract example.

use std::fs;
use std::path::Path;

use crate::common::*;

/// Runs `path` shortened to keep the suite fast, and checks every summary row.
fn check_conservation(path: &Path) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = stratosim(&[
        "run",
        path.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
        "--replications",
        "2",
        "--set",
        "scenario.duration=\"20m\"",
        "--set",
        "scenario.warmup=\"2m\"",
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{}: {stderr}", path.display());
    let mut reader = csv::Reader::from_path(out.join("summary.csv")).unwrap();
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let mut rows = 0;
    for row in reader.records() {
        let row = row.unwrap();
        let n = |name: &str| row[col(name)].parse::<u64>().unwrap();
        assert_eq!(
            n("requests"),
            n("completed") + n("failed") + n("lost") + n("pending"),
            "{}: {row:?}",
            path.display()
        );
        rows += 1;
    }
    assert!(rows > 0);
}

#[test]
fn requests_are_conserved_in_every_shipped_scenario() {
    let mut n = 0;
    for entry in fs::read_dir(repo().join("scenarios")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            check_conservation(&path);
            n += 1;
        }
    }
    assert!(n >= 2);
}

#[test]
fn requests_are_conserved_in_the_contract_examples() {
    let dir = contract_examples();
    for entry in fs::read_dir(dir).unwrap() {
        check_conservation(&entry.unwrap().path());
    }
}

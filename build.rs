//! Computes the build id: a SHA-256 of everything that decides what the
//! executable computes (the crate's sources and built-in catalog,
//! `Cargo.toml` and `Cargo.lock`, this file, the compiler and the profile).
//!
//! `stratosim run` writes it to `.stratosim-build` and reuses earlier runs in
//! a folder only when they were written by the same build. Fixing it at
//! compile time spares every run hashing its own executable at start-up.

use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

/// The files and folders whose bytes go into the id (relative to the crate).
const INPUTS: [&str; 5] = ["src", "catalog", "Cargo.toml", "Cargo.lock", "build.rs"];

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let mut files = Vec::new();
    for input in INPUTS {
        println!("cargo:rerun-if-changed={input}");
        collect(&root.join(input), &mut files);
    }
    // Sorted, so the id does not depend on the order the file system lists them in.
    files.sort();
    let mut hash = Sha256::new();
    for file in &files {
        let bytes = std::fs::read(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let name = file.strip_prefix(&root).unwrap_or(file);
        // Name and length first, so no two sets of files hash the same bytes.
        hash.update(name.to_string_lossy().as_bytes());
        hash.update([0]);
        hash.update((bytes.len() as u64).to_le_bytes());
        hash.update(&bytes);
    }
    // The same sources built by another compiler or with other settings
    // are another build.
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    if let Ok(out) = Command::new(rustc).arg("-vV").output() {
        hash.update(&out.stdout);
    }
    for var in [
        "TARGET",
        "PROFILE",
        "OPT_LEVEL",
        "DEBUG",
        "CARGO_CFG_TARGET_FEATURE",
    ] {
        println!("cargo:rerun-if-env-changed={var}");
        hash.update(var.as_bytes());
        hash.update(std::env::var(var).unwrap_or_default().as_bytes());
        hash.update([0]);
    }
    let id: String = hash
        .finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect();
    println!("cargo:rustc-env=STRATOSIM_BUILD_ID={id}");
}

/// Adds `path` (a file, or every file under a folder) to `files`.
fn collect(path: &Path, files: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let entries = std::fs::read_dir(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for entry in entries {
            let entry = entry.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            collect(&entry.path(), files);
        }
    } else if path.is_file() {
        files.push(path.to_path_buf());
    }
}

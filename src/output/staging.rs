//! An output folder written whole or not at all: everything goes into a
//! fresh sibling folder, which replaces the output folder only once it is
//! complete. A run killed at any moment leaves the previous folder as it
//! was (or, in the instant between two renames, beside it under a hidden
//! name, put back by the next command), never a mixture; a re-run leaves
//! nothing of the previous folder behind.
//!
//! Beside the folder `NAME`, under its parent: `.NAME.stratosim-lock` (see
//! [`OutputLock`]), `.NAME.stratosim-new` (the folder being written) and
//! `.NAME.stratosim-old` (the previous folder, while it is replaced).

use std::ffi::OsString;
use std::fs;
use std::path::{Component, Path, PathBuf};

use super::lock::{LockError, OutputLock};

/// The longest file name most file systems allow [bytes].
const NAME_MAX: usize = 255;

/// The suffixes of the sibling files, the longest first.
const LOCK_SUFFIX: &str = ".stratosim-lock";
const NEW_SUFFIX: &str = ".stratosim-new";
const OLD_SUFFIX: &str = ".stratosim-old";

/// What stratosim writes in an output folder: a folder holding anything
/// else is not replaced.
const OWN_ENTRIES: [&str; 14] = [
    "manifest.json",
    "summary.csv",
    "components.csv",
    "timeseries.csv",
    "latency.csv",
    "alarms.csv",
    "designs.csv",
    "comparisons.csv",
    "report.html",
    "charts",
    ".stratosim-build",
    super::lesson::ENGLISH_FILE,
    super::lesson::KOREAN_FILE,
    // Left by versions that added replications in place.
    ".stratosim-new-runs",
];

/// Why an output folder cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum StagingError {
    /// The place cannot hold it (not a folder, not writable, a name too
    /// long, a folder of other files): an invalid argument.
    #[error("{0}")]
    Unusable(String),
    /// Another command is writing it.
    #[error("{0}")]
    Busy(String),
}

/// An output folder being written: into [`Staging::dir`], in place once
/// [`Staging::commit`] is called; dropped without it, nothing changes.
#[derive(Debug)]
pub struct Staging {
    target: PathBuf,
    new: PathBuf,
    old: PathBuf,
    committed: bool,
    // Dropped last: the lock outlives the clean-up.
    _lock: OutputLock,
}

/// The absolute path of `target`, `.` and `..` resolved by their names
/// (the folder may not exist yet).
fn absolute(target: &Path) -> Result<PathBuf, StagingError> {
    let shown = target.display();
    let abs =
        std::path::absolute(target).map_err(|e| StagingError::Unusable(format!("{shown}: {e}")))?;
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    Ok(out)
}

/// `.NAME` + `suffix`, beside `target`.
fn sibling(target: &Path, name: &str, suffix: &str) -> PathBuf {
    let mut file = OsString::from(".");
    file.push(name);
    file.push(suffix);
    target.with_file_name(file)
}

/// Checks that `target` can be an output folder, in milliseconds and
/// before anything runs: it names a folder (or nothing yet) that is neither
/// the current folder nor above it, its name leaves room for the siblings'
/// suffixes, and its parent is, or can be made, a folder.
pub fn check_location(target: &Path) -> Result<PathBuf, StagingError> {
    let shown = target.display();
    let unusable = |why: String| StagingError::Unusable(format!("{shown}: {why}"));
    let abs = absolute(target)?;
    let Some(name) = abs.file_name().and_then(|n| n.to_str()) else {
        return Err(unusable(
            "names no folder stratosim can replace (the root, or a name that is not UTF-8)".into(),
        ));
    };
    let room = NAME_MAX - LOCK_SUFFIX.len() - 1;
    if name.len() > room {
        return Err(unusable(format!(
            "the folder's name is {} bytes long; at most {room} (file systems allow {NAME_MAX}, and stratosim keeps siblings named `.NAME{LOCK_SUFFIX}`)",
            name.len()
        )));
    }
    if let Ok(cwd) = std::env::current_dir().and_then(|d| d.canonicalize())
        && let Ok(real) = abs.canonicalize()
        && cwd.starts_with(&real)
    {
        return Err(unusable(
            "is the current folder or a folder above it, which a run would replace as a whole"
                .into(),
        ));
    }
    if abs.exists() && !abs.is_dir() {
        return Err(unusable("exists and is not a folder".into()));
    }
    let parent = abs.parent().unwrap_or(Path::new("/"));
    if parent.exists() && !parent.is_dir() {
        return Err(unusable(format!(
            "{} exists and is not a folder",
            parent.display()
        )));
    }
    Ok(abs)
}

impl Staging {
    /// Prepares to write the output folder `target`: checks the place,
    /// takes its lock (or fails at once, naming the holder), puts back a
    /// previous folder a killed command left aside, removes what it left
    /// half-written, refuses a folder of files stratosim did not write,
    /// and makes a fresh folder to write into. `command` is recorded in the
    /// lock for whoever finds it taken.
    pub fn begin(target: &Path, command: &str) -> Result<Staging, StagingError> {
        let abs = check_location(target)?;
        let shown = target.display();
        let unusable = |why: String| StagingError::Unusable(format!("{shown}: {why}"));
        let name = abs
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let parent = abs.parent().unwrap_or(Path::new("/"));
        fs::create_dir_all(parent)
            .map_err(|e| unusable(format!("cannot create {}: {e}", parent.display())))?;
        let lock = match OutputLock::acquire(&sibling(&abs, &name, LOCK_SUFFIX), command) {
            Ok(lock) => lock,
            Err(LockError::Busy(holder)) => {
                return Err(StagingError::Busy(format!(
                    "{shown} is being written by another stratosim ({holder}); nothing was done: wait for it to finish, or choose another --out"
                )));
            }
            Err(LockError::Io(e)) => {
                return Err(unusable(format!(
                    "cannot write in {}: {e}",
                    parent.display()
                )));
            }
        };
        let staging = Staging {
            new: sibling(&abs, &name, NEW_SUFFIX),
            old: sibling(&abs, &name, OLD_SUFFIX),
            target: abs,
            committed: false,
            _lock: lock,
        };
        staging.recover().map_err(unusable)?;
        staging.check_replaceable().map_err(unusable)?;
        fs::create_dir(&staging.new)
            .map_err(|e| unusable(format!("cannot create {}: {e}", staging.new.display())))?;
        Ok(staging)
    }

    /// The folder to write into.
    pub fn dir(&self) -> &Path {
        &self.new
    }

    /// The output folder, as an absolute path.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Puts back the previous folder when a command was killed between
    /// moving it aside and moving the new one in; removes a half-written
    /// new folder and a previous folder already replaced.
    fn recover(&self) -> Result<(), String> {
        if self.old.exists() {
            if self.target.exists() {
                remove(&self.old)?;
            } else {
                fs::rename(&self.old, &self.target).map_err(|e| {
                    format!(
                        "cannot put back the previous folder {}: {e}",
                        self.old.display()
                    )
                })?;
            }
        }
        if self.new.exists() {
            remove(&self.new)?;
        }
        Ok(())
    }

    /// A folder holding files stratosim does not write is not replaced:
    /// they would be lost.
    fn check_replaceable(&self) -> Result<(), String> {
        let Ok(entries) = fs::read_dir(&self.target) else {
            return Ok(());
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            if !OWN_ENTRIES.iter().any(|own| name == *own) {
                return Err(format!(
                    "the folder holds `{}`, which stratosim did not write; a run replaces its output folder as a whole, so move that elsewhere or choose another --out",
                    name.to_string_lossy()
                ));
            }
        }
        Ok(())
    }

    /// Moves the new folder into place, replacing the previous one.
    pub fn commit(mut self) -> Result<(), String> {
        if self.target.exists() {
            fs::rename(&self.target, &self.old).map_err(|e| {
                format!(
                    "cannot move the previous {} aside: {e}",
                    self.target.display()
                )
            })?;
        }
        fs::rename(&self.new, &self.target)
            .map_err(|e| format!("cannot move {} into place: {e}", self.target.display()))?;
        self.committed = true;
        if self.old.exists() {
            remove(&self.old)?;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.new);
        }
    }
}

fn remove(dir: &Path) -> Result<(), String> {
    fs::remove_dir_all(dir).map_err(|e| format!("cannot remove {}: {e}", dir.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_is_replaced_whole_and_leaves_nothing_beside_it() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("report.html"), "old").unwrap();
        let s = Staging::begin(&target, "test").unwrap();
        fs::write(s.dir().join("summary.csv"), "new").unwrap();
        // Not yet in place.
        assert!(target.join("report.html").exists());
        s.commit().unwrap();
        assert!(!target.join("report.html").exists());
        assert_eq!(
            fs::read_to_string(target.join("summary.csv")).unwrap(),
            "new"
        );
        let left: Vec<_> = fs::read_dir(dir.path()).unwrap().flatten().collect();
        assert_eq!(left.len(), 1, "{left:?}");
        // Dropped without a commit: nothing changes.
        let s = Staging::begin(&target, "test").unwrap();
        fs::write(s.dir().join("summary.csv"), "newer").unwrap();
        drop(s);
        assert_eq!(
            fs::read_to_string(target.join("summary.csv")).unwrap(),
            "new"
        );
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn leftovers_of_a_killed_command_are_put_back_or_removed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        // Killed between the renames: the previous folder is aside.
        let old = dir.path().join(".out.stratosim-old");
        fs::create_dir(&old).unwrap();
        fs::write(old.join("summary.csv"), "previous").unwrap();
        let new = dir.path().join(".out.stratosim-new");
        fs::create_dir(&new).unwrap();
        fs::write(new.join("summary.csv"), "half").unwrap();
        let s = Staging::begin(&target, "test").unwrap();
        assert_eq!(
            fs::read_to_string(target.join("summary.csv")).unwrap(),
            "previous"
        );
        assert!(fs::read_dir(s.dir()).unwrap().next().is_none());
        assert!(!old.exists());
    }

    #[test]
    fn unusable_places_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("file");
        fs::write(&file, "x").unwrap();
        let refused = |target: &Path| match Staging::begin(target, "test") {
            Err(StagingError::Unusable(why)) => why,
            other => panic!("{other:?}"),
        };
        assert!(refused(&file).contains("not a folder"));
        assert!(refused(&file.join("out")).contains("not a folder"));
        assert!(refused(&dir.path().join("x".repeat(300))).contains("300 bytes"));
        let mine = dir.path().join("mine");
        fs::create_dir(&mine).unwrap();
        fs::write(mine.join("notes.txt"), "keep me").unwrap();
        assert!(refused(&mine).contains("`notes.txt`"));
        assert!(mine.join("notes.txt").exists());
    }
}

//! The lock on an output folder: one command at a time writes it. The lock
//! is a file beside the folder, not in it, so that it holds while the folder
//! is replaced; it names the process that holds it.

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use fs4::{FileExt, TryLockError};

/// Why the lock was not taken.
#[derive(Debug)]
pub enum LockError {
    /// Another process holds it: who (its pid and command line), as it wrote.
    Busy(String),
    /// The lock file cannot be made there (no such folder, read-only, …).
    Io(std::io::Error),
}

/// An exclusive lock on writing one output folder, released when dropped.
#[derive(Debug)]
pub struct OutputLock {
    path: PathBuf,
    file: File,
}

impl OutputLock {
    /// Takes the lock on writing the folder whose lock file is `path`, at
    /// once or not at all, and writes into it this process's id and
    /// `command`, for whoever finds it taken.
    pub fn acquire(path: &Path, command: &str) -> Result<OutputLock, LockError> {
        loop {
            let file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(path)
                .map_err(LockError::Io)?;
            match FileExt::try_lock(&file) {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => {
                    return Err(LockError::Busy(holder(file)));
                }
                Err(TryLockError::Error(e)) => return Err(LockError::Io(e)),
            }
            // The holder before us may have removed the file after we opened
            // it: then we hold the lock of a file nobody else will open.
            if !same_file(&file, path) {
                continue;
            }
            let mut lock = OutputLock {
                path: path.to_path_buf(),
                file,
            };
            lock.write_holder(command).map_err(LockError::Io)?;
            return Ok(lock);
        }
    }

    fn write_holder(&mut self, command: &str) -> std::io::Result<()> {
        self.file.set_len(0)?;
        self.file.rewind()?;
        writeln!(self.file, "pid {}: {command}", std::process::id())?;
        self.file.flush()
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        // Removed while still held, so that no one locks the file we leave;
        // `acquire` checks that the file it locked is still the one named.
        // Where files cannot be compared, the file stays (it is empty of
        // meaning once unlocked).
        if cfg!(unix) {
            let _ = fs::remove_file(&self.path);
        }
        let _ = FileExt::unlock(&self.file);
    }
}

/// What the holder wrote into the lock file: "pid 4242: stratosim run …".
fn holder(mut file: File) -> String {
    let mut text = String::new();
    let _ = file.read_to_string(&mut text);
    match text.trim() {
        "" => "a process that has not yet said who it is".to_string(),
        t => t.chars().take(500).collect(),
    }
}

/// Whether `file` is the file `path` names now.
#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// Without inode numbers the lock file is never removed, so it is always
/// the one named.
#[cfg(not(unix))]
fn same_file(_: &File, _: &Path) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_and_told_who_holds_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".out.stratosim-lock");
        let first = OutputLock::acquire(&path, "stratosim run a.toml").unwrap();
        match OutputLock::acquire(&path, "stratosim run b.toml") {
            Err(LockError::Busy(who)) => {
                assert!(
                    who.contains(&format!("pid {}", std::process::id())),
                    "{who}"
                );
                assert!(who.contains("stratosim run a.toml"), "{who}");
            }
            other => panic!("{other:?}"),
        }
        drop(first);
        assert!(!path.exists() || cfg!(not(unix)));
        let again = OutputLock::acquire(&path, "stratosim run b.toml").unwrap();
        drop(again);
    }
}

//! The scenario's lesson in the output folder: `lesson.txt` (English) and
//! `lesson.ko.txt` (Korean), each written only when the scenario has it.
//! They are files of their own, not manifest fields, because a lesson
//! decides no result: the manifest's bytes stay those of the runs. The
//! terminal and the report read them back, so `stratosim plot` and a
//! merged folder show the same lesson.

use std::path::Path;

use anyhow::{Context, Result};

use super::lang::Lang;

/// The English lesson's file.
pub const ENGLISH_FILE: &str = "lesson.txt";
/// The Korean lesson's file.
pub const KOREAN_FILE: &str = "lesson.ko.txt";

/// A lesson in each language; empty when not given.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lesson {
    /// In English.
    pub en: String,
    /// In Korean.
    pub ko: String,
}

impl Lesson {
    /// The lesson to show in `lang`: the other language's when `lang` has
    /// none (a lesson is better read in another language than not at all);
    /// `None` without any.
    pub fn in_lang(&self, lang: Lang) -> Option<&str> {
        let (first, second) = match lang {
            Lang::En => (&self.en, &self.ko),
            Lang::Ko => (&self.ko, &self.en),
        };
        [first, second]
            .into_iter()
            .find(|t| !t.is_empty())
            .map(String::as_str)
    }

    /// Each file and its text.
    fn files(&self) -> [(&'static str, &str); 2] {
        [(ENGLISH_FILE, &self.en), (KOREAN_FILE, &self.ko)]
    }
}

/// Writes the lesson's files into `dir`, and removes those of a language
/// the lesson no longer has.
pub fn write(dir: &Path, lesson: &Lesson) -> Result<()> {
    for (name, text) in lesson.files() {
        let path = dir.join(name);
        if text.is_empty() {
            if path.is_file() {
                std::fs::remove_file(&path)
                    .with_context(|| format!("cannot remove {}", path.display()))?;
            }
        } else {
            std::fs::write(&path, format!("{text}\n"))
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
    }
    Ok(())
}

/// Reads the lesson of the folder `dir` (empty without its files).
pub fn read(dir: &Path) -> Result<Lesson> {
    let read = |name: &str| -> Result<String> {
        let path = dir.join(name);
        if !path.is_file() {
            return Ok(String::new());
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        Ok(text.trim().to_string())
    };
    Ok(Lesson {
        en: read(ENGLISH_FILE)?,
        ko: read(KOREAN_FILE)?,
    })
}

/// Copies the lesson of the folder `from` into `to` (a shard's into the
/// merged folder).
pub fn copy(from: &Path, to: &Path) -> Result<()> {
    write(to, &read(from)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_read_copied_and_falling_back() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let lesson = Lesson {
            en: "Why?\n\nLook.".into(),
            ko: "왜?\n\n보세요.".into(),
        };
        write(a.path(), &lesson).unwrap();
        assert_eq!(
            std::fs::read_to_string(a.path().join(KOREAN_FILE)).unwrap(),
            "왜?\n\n보세요.\n"
        );
        copy(a.path(), b.path()).unwrap();
        assert_eq!(read(b.path()).unwrap(), lesson);
        let english_only = Lesson {
            en: "Why?".into(),
            ko: String::new(),
        };
        write(b.path(), &english_only).unwrap();
        assert!(!b.path().join(KOREAN_FILE).exists());
        let back = read(b.path()).unwrap();
        assert_eq!(back.in_lang(Lang::Ko), Some("Why?"));
        assert_eq!(Lesson::default().in_lang(Lang::En), None);
    }
}

//! What is wrong with a scenario: one [`ScenarioError`] per problem, all of
//! them at once in [`ScenarioErrors`].

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};

/// One problem in a scenario.
///
/// Displays as `{file}:{line}: {key}: {message}`; `:{line}` is left out when
/// the line is unknown (values given with `--set`), and `{key}: ` when the
/// problem concerns the whole file (TOML syntax errors).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ScenarioError {
    /// The scenario file, or `--set` for a problem with an override.
    pub file: PathBuf,
    /// 1-based line in `file`, when known.
    pub line: Option<usize>,
    /// The dotted key path, e.g. `designs.monolith.app.workers`; may be empty.
    pub key: String,
    /// What was expected and what was found.
    pub message: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if !self.key.is_empty() {
            write!(f, ": {}", self.key)?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ScenarioError {}

/// Every problem found in a scenario, sorted by line then key path.
/// Displays one problem per line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioErrors(pub Vec<ScenarioError>);

impl ScenarioErrors {
    /// Sorts (problems without a line first) and drops exact duplicates,
    /// which arise when a shared component is checked within several designs.
    /// Every key and message is made one line of bounded length: a value
    /// with a newline, or of a hundred kilobytes, is shown escaped and cut.
    pub(crate) fn new(mut errors: Vec<ScenarioError>) -> ScenarioErrors {
        for e in &mut errors {
            e.key = one_line(&e.key, MAX_KEY);
            e.message = one_line(&e.message, MAX_MESSAGE);
        }
        errors.sort_by(|a, b| (a.line, &a.key).cmp(&(b.line, &b.key)));
        let mut seen = HashSet::new();
        errors.retain(|e| seen.insert(e.clone()));
        ScenarioErrors(errors)
    }

    pub(crate) fn single(file: &Path, message: String) -> ScenarioErrors {
        ScenarioErrors(vec![ScenarioError {
            file: file.to_path_buf(),
            line: None,
            key: String::new(),
            message,
        }])
    }
}

/// The longest key path a message shows [characters].
const MAX_KEY: usize = 200;
/// The longest message shown [characters].
const MAX_MESSAGE: usize = 600;

/// `text` on one line (control characters escaped), cut in the middle when
/// longer than `max` characters: the start says what was expected, the end
/// often what was found.
fn one_line(text: &str, max: usize) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            escaped.extend(c.escape_default());
        } else {
            escaped.push(c);
        }
    }
    let n = escaped.chars().count();
    if n <= max {
        return escaped;
    }
    let head: String = escaped.chars().take(max * 2 / 3).collect();
    let tail: String = escaped.chars().skip(n - max / 3).collect();
    format!(
        "{head} … ({} characters cut) … {tail}",
        n - head.chars().count() - tail.chars().count()
    )
}

impl fmt::Display for ScenarioErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioErrors {}

#[cfg(test)]
mod tests {
    use crate::scenario::test_support::*;

    #[test]
    fn display_and_order() {
        let text = edit("workers = 4", "wrokers = 4").replace("rate = 10", "rate = -1");
        let e = load_text(&text).unwrap_err();
        assert_eq!(e.0.len(), 2);
        assert!(e.0[0].line < e.0[1].line);
        let shown = e.to_string();
        let lines: Vec<&str> = shown.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(
            lines[0].starts_with("t.toml:6: workload.rate: expected a number"),
            "{shown}"
        );
        assert!(
            lines[1].starts_with("t.toml:14: designs.d.app.wrokers: unknown key"),
            "{shown}"
        );
        // One line each, of bounded length.
        let long = format!("a\nb{}", "x".repeat(100_000));
        let e = ScenarioErrors::new(vec![ScenarioError {
            file: "t.toml".into(),
            line: Some(1),
            key: long.clone(),
            message: long,
        }]);
        let shown = e.to_string();
        assert_eq!(shown.lines().count(), 1, "{shown}");
        assert!(shown.len() < 1_200, "{} bytes", shown.len());
        assert!(shown.contains("a\\nb"), "{shown}");
        let e = ScenarioError {
            file: "--set".into(),
            line: None,
            key: "a.b".into(),
            message: "m".into(),
        };
        assert_eq!(e.to_string(), "--set: a.b: m");
    }
}

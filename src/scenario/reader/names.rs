//! What a name may be. Names are written in the learner's own language
//! (Hangul as well as Latin): any Unicode letter or digit, plus a few
//! marks. The scenario's name becomes the output folder's name, so it is
//! refused only for what a file system cannot hold; the names of designs,
//! components and request classes are parts of dotted key paths (`--set`,
//! `[sweep]`), so they cannot hold a `.` either.

use super::text::{did_you_mean_value, quote};
use super::{Ctx, Table};

/// The most bytes of a file name on common file systems (ext4, APFS, NTFS's
/// 255 UTF-16 units hold at least as many characters).
const MAX_FOLDER_NAME_BYTES: usize = 255;

/// Why `name` cannot name the output folder, or `None` when it can: the
/// end of a message that starts "expected …, found" by the caller.
pub(crate) fn folder_name_problem(name: &str) -> Option<String> {
    const EXPECTED: &str =
        "a name of letters, digits, `.`, `_` and `-` (it names the output folder)";
    if name.is_empty() {
        return Some(format!("expected {EXPECTED}, found \"\""));
    }
    if let Some(problem) = character_problem(name, "._-") {
        return Some(format!("expected {EXPECTED}, found {problem}"));
    }
    if name.chars().all(|c| c == '.') {
        return Some(format!(
            "expected a name with a letter or a digit (it names the output folder), found {}: a name of dots only means this folder or its parent to a file system",
            quote(name)
        ));
    }
    if name.len() > MAX_FOLDER_NAME_BYTES {
        return Some(format!(
            "expected a name of at most {MAX_FOLDER_NAME_BYTES} bytes of UTF-8 (it names the output folder, and file systems hold no longer names), found one of {} bytes ({} characters)",
            name.len(),
            name.chars().count()
        ));
    }
    None
}

/// Why `name` cannot name a design, a component or a request class (`what`),
/// or `None` when it can.
pub(crate) fn key_name_problem(name: &str, what: &str) -> Option<String> {
    let expected = format!("a {what} name of letters, digits, `_` and `-`");
    if name.is_empty() {
        return Some(format!("expected {expected}, found \"\""));
    }
    let problem = character_problem(name, "_-")?;
    let why = if name.contains('.') {
        " (a `.` would split the key paths of `--set` and `[sweep]`)"
    } else {
        ""
    };
    Some(format!("expected {expected}{why}, found {problem}"))
}

/// The first character of `name` that is neither a letter, a digit nor
/// one of `marks`, described: `"my sim": a space is not one`.
fn character_problem(name: &str, marks: &str) -> Option<String> {
    let bad = name
        .chars()
        .find(|&c| !(c.is_alphanumeric() || marks.contains(c)))?;
    let what = match bad {
        ' ' => "a space".to_string(),
        '/' => "a `/` (it separates folders)".to_string(),
        '\\' => "a `\\` (it separates folders on Windows)".to_string(),
        c if c.is_control() => format!("a control character (U+{:04X})", u32::from(c)),
        c if c.is_whitespace() => format!("a space character (U+{:04X})", u32::from(c)),
        c => format!("`{c}` (U+{:04X})", u32::from(c)),
    };
    Some(format!("{}: {what} is not one", quote(name)))
}

/// Whether `name`, the value of `key` in `t` (a fault's or a deployment's
/// `component`), names one of `components` (of every design and
/// `[components]`); if not, says so with the nearest name.
pub(crate) fn names_a_component(
    ctx: &mut Ctx,
    t: &Table,
    key: &str,
    name: &str,
    components: &[&str],
) -> bool {
    if components.contains(&name) {
        return true;
    }
    let hint = did_you_mean_value(name, components.iter().copied());
    t.err(
        ctx,
        key,
        format!(
            "no component named {} in any design or in [components]{hint}",
            quote(name)
        ),
    );
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hangul_and_latin_names_are_welcome() {
        for name in [
            "mmc",
            "웹-계층",
            "서울_리전.v2",
            "가용영역3",
            "a.b",
            "ÉCOLE",
            "東京",
        ] {
            assert_eq!(folder_name_problem(name), None, "{name}");
        }
        for name in ["모놀리스", "대기열_분리", "app-2", "ㄱㄴ"] {
            assert_eq!(key_name_problem(name, "design"), None, "{name}");
        }
    }

    #[test]
    fn folder_names_a_file_system_cannot_hold_are_refused() {
        let problem = |n: &str| folder_name_problem(n).unwrap_or_default();
        assert!(problem("a/b").contains("a `/` (it separates folders) is not one"));
        assert!(problem("a\0b").contains("a control character (U+0000)"));
        assert!(problem("a\tb").contains("a control character (U+0009)"));
        assert!(problem("my sim").contains("\"my sim\": a space is not one"));
        assert!(problem("").contains("found \"\""));
        for dots in [".", "..", "..."] {
            let p = problem(dots);
            assert!(p.contains("a name of dots only"), "{p}");
            // It is made of allowed characters: no claim that it is not.
            assert!(!p.contains("letters, digits"), "{p}");
        }
        let long = "가".repeat(86); // 3 bytes each: 258 bytes
        let p = problem(&long);
        assert!(p.contains("at most 255 bytes") && p.contains("258 bytes (86 characters)"));
        assert!(!p.contains("letters, digits"), "{p}");
        assert_eq!(folder_name_problem(&"가".repeat(85)), None);
    }

    #[test]
    fn key_names_refuse_dots_and_say_why() {
        let p = key_name_problem("웹.계층", "design").unwrap_or_default();
        assert!(p.contains("would split the key paths"), "{p}");
        assert!(p.contains("`.` (U+002E) is not one"), "{p}");
        let p = key_name_problem("big order", "class").unwrap_or_default();
        assert!(
            p.starts_with("expected a class name of letters, digits"),
            "{p}"
        );
        assert!(!p.contains("key paths"), "{p}");
    }
}

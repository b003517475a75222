//! `--set KEY=VALUE` overrides, which sweep points use too: a dotted key
//! path of the parsed document set to a TOML value before the document is
//! validated.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use toml::Spanned;
use toml::de::DeValue;

use crate::scenario::reader::text::{did_you_mean, found};
use crate::scenario::reader::{FROM_SET, Val};

/// A `--set KEY=VALUE` override (also how sweep points are applied).
///
/// `key` is a dotted key path (`designs.monolith.app.instances`); `value` is
/// read as a TOML value, or as a plain string when it is not valid TOML, so
/// `instance_type=m5.large` needs no quotes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Override {
    /// Dotted key path.
    pub key: String,
    /// The value as written.
    pub value: String,
}

impl FromStr for Override {
    type Err = String;

    fn from_str(s: &str) -> Result<Override, String> {
        let Some((key, value)) = s.split_once('=') else {
            return Err(format!(
                "expected KEY=VALUE (e.g. designs.monolith.app.instances=8), found `{s}`"
            ));
        };
        let key = key.trim();
        if key.is_empty() {
            return Err(format!(
                "expected KEY=VALUE, found no key before `=` in `{s}`"
            ));
        }
        Ok(Override {
            key: key.to_string(),
            value: value.trim().to_string(),
        })
    }
}

impl fmt::Display for Override {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.key, self.value)
    }
}

/// The value of an override: TOML if it parses, else the plain string.
pub(crate) fn override_value(text: &str) -> Val<'_> {
    match DeValue::parse(text) {
        Ok(v) => respan(v),
        Err(_) => Spanned::new(FROM_SET..FROM_SET, DeValue::String(Cow::Borrowed(text))),
    }
}

/// Moves every span of `v` to [`FROM_SET`]: its offsets are into the
/// override's text, not the file.
fn respan(v: Val<'_>) -> Val<'_> {
    let value = match v.into_inner() {
        DeValue::Array(a) => DeValue::Array(a.into_iter().map(respan).collect()),
        DeValue::Table(t) => DeValue::Table(
            t.into_iter()
                .map(|(k, v)| (Spanned::new(FROM_SET..FROM_SET, k.into_inner()), respan(v)))
                .collect(),
        ),
        other => other,
    };
    Spanned::new(FROM_SET..FROM_SET, value)
}

/// The message for a key path part that does not index an array.
fn bad_index(here: &str, len: usize, part: &str) -> String {
    match len {
        0 => format!("{here} is an empty array, so `{part}` indexes nothing"),
        _ => format!(
            "{here} is an array of {len}; expected an index from 0 to {}, found `{part}`",
            len - 1
        ),
    }
}

/// The parts of a dotted key path: `designs.monolith.app.workers`, or with
/// quoted parts as TOML writes keys that hold dots: `sweep."workload.rate"`.
pub(crate) fn key_parts(key: &str) -> Result<Vec<String>, String> {
    let empty = || format!("`{key}` is not a dotted key path (it has an empty part)");
    let mut parts = Vec::new();
    let mut rest = key.trim();
    loop {
        let (part, after) = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let Some(end) = rest[1..].find(q) else {
                    return Err(format!(
                        "`{key}` is not a dotted key path (a quote is not closed)"
                    ));
                };
                (rest[1..1 + end].to_string(), rest[end + 2..].trim_start())
            }
            _ => {
                let end = rest.find('.').unwrap_or(rest.len());
                let part = rest[..end].trim();
                if part.is_empty() {
                    return Err(empty());
                }
                (part.to_string(), &rest[end..])
            }
        };
        parts.push(part);
        match after.strip_prefix('.') {
            Some(next) => rest = next.trim_start(),
            None if after.is_empty() => return Ok(parts),
            None => {
                return Err(format!(
                    "`{key}` is not a dotted key path (expected `.` after a quoted part)"
                ));
            }
        }
    }
}

/// Sets the dotted `key` of `root` to `value`. Every table on the way must
/// exist (a numeric part indexes an array, e.g. `faults.0.at`); the last
/// part is replaced or inserted.
pub(crate) fn set_path<'i>(
    root: &mut DeValue<'i>,
    key: &str,
    value: Val<'i>,
) -> Result<(), String> {
    let parts = key_parts(key)?;
    let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
    let Some((last, parents)) = parts.split_last() else {
        return Err("empty key path".into());
    };
    let mut current = root;
    let mut walked = String::new();
    for part in parents {
        let here = if walked.is_empty() {
            "the top level".to_string()
        } else {
            format!("`{walked}`")
        };
        current = match current {
            DeValue::Table(t) => {
                if !t.contains_key(*part) {
                    let hint = did_you_mean(part, t.keys().map(|k| k.get_ref().as_ref()));
                    return Err(format!(
                        "{here} has no key `{part}`, so `{key}` cannot be set{hint}"
                    ));
                }
                match t.get_mut(*part) {
                    Some(v) => v.get_mut(),
                    None => return Err(format!("{here} has no key `{part}`")),
                }
            }
            DeValue::Array(a) => {
                let len = a.len();
                match part.parse::<usize>().ok().and_then(|i| a.get_mut(i)) {
                    Some(v) => v.get_mut(),
                    None => return Err(bad_index(&here, len, part)),
                }
            }
            other => {
                return Err(format!(
                    "{here} is {}, not a table, so `{key}` cannot be set",
                    found(other)
                ));
            }
        };
        walked = if walked.is_empty() {
            part.to_string()
        } else {
            format!("{walked}.{part}")
        };
    }
    let here = if walked.is_empty() {
        "the top level".to_string()
    } else {
        format!("`{walked}`")
    };
    match current {
        DeValue::Table(t) => {
            if let Some(slot) = t.get_mut(*last) {
                // Keep the key (and its line); only the value comes from `--set`.
                *slot = value;
            } else {
                t.insert(
                    Spanned::new(FROM_SET..FROM_SET, Cow::Owned(last.to_string())),
                    value,
                );
            }
            Ok(())
        }
        DeValue::Array(a) => {
            let len = a.len();
            match last.parse::<usize>().ok().and_then(|i| a.get_mut(i)) {
                Some(slot) => {
                    *slot = value;
                    Ok(())
                }
                None => Err(bad_index(&here, len, last)),
            }
        }
        other => Err(format!(
            "{here} is {}, not a table, so `{key}` cannot be set",
            found(other)
        )),
    }
}

#[cfg(test)]
mod tests {
    use crate::scenario::test_support::*;

    #[test]
    fn overrides() {
        let p = Path::new("t.toml");
        let s = load_str(
            MINI,
            p,
            &[
                set("designs.d.app.workers", "8"),
                set("designs.d.app.instance_type", "c5.large"),
            ],
        )
        .unwrap();
        let ComponentSpec::Ec2(e) = &s.designs[0].components[0].spec else {
            panic!()
        };
        assert_eq!((e.workers, e.instance_type.as_str()), (8, "c5.large"));
        // A new leaf is inserted, then validated.
        let s = load_str(MINI, p, &[set("designs.d.app.instances", "3")]).unwrap();
        let ComponentSpec::Ec2(e) = &s.designs[0].components[0].spec else {
            panic!()
        };
        assert_eq!(e.instances, 3);
        let errs = load_str(MINI, p, &[set("designs.d.app.wrkers", "3")])
            .unwrap_err()
            .0;
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].file, PathBuf::from("--set"));
        assert_eq!(errs[0].line, None);
        assert!(errs[0].message.contains("did you mean `workers`?"));
        let errs = load_str(MINI, p, &[set("designs.d.app.workers", "0")])
            .unwrap_err()
            .0;
        assert_eq!(
            (errs[0].file.to_str(), errs[0].key.as_str()),
            (Some("--set"), "designs.d.app.workers")
        );
        // A missing parent table is an error naming it, with a suggestion.
        let errs = load_str(MINI, p, &[set("designs.d.ap.workers", "3")])
            .unwrap_err()
            .0;
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].key, "designs.d.ap.workers");
        assert_eq!(errs[0].file, PathBuf::from("--set"));
        assert!(
            errs[0].message.contains("`designs.d` has no key `ap`"),
            "{}",
            errs[0]
        );
        assert!(errs[0].message.contains("did you mean `app`?"));
        let errs = load_str(MINI, p, &[set("scenario.name.x", "3")])
            .unwrap_err()
            .0;
        assert!(errs[0].message.contains("not a table"));
        let errs = load_str(MINI, p, &[set("workload.client.retries", "3")])
            .unwrap_err()
            .0;
        assert!(errs[0].message.contains("`workload` has no key `client`"));
        let errs = load_str(MINI, p, &[set("a..b", "3")]).unwrap_err().0;
        assert!(errs[0].message.contains("empty part"));
        // Quoted strings and TOML tables work too.
        let s = load_str(
            MINI,
            p,
            &[set(
                "designs.d.app.service_time",
                "{ dist = \"exp\", mean = \"5ms\" }",
            )],
        )
        .unwrap();
        let ComponentSpec::Ec2(e) = &s.designs[0].components[0].spec else {
            panic!()
        };
        assert_dist(
            &e.service_time,
            &Dist::exp(SimDuration::from_millis(5)).unwrap(),
        );
        let s = load_str(MINI, p, &[set("scenario.name", "\"quoted\"")]).unwrap();
        assert_eq!(s.name, "quoted");
        // Arrays of tables are indexed.
        let text = format!(
            "{MINI}\n[[faults]]\ncomponent = \"app\"\nkind = \"outage\"\nat = \"1m\"\nduration = \"1m\"\n"
        );
        let s = load_str(&text, p, &[set("faults.0.at", "5m")]).unwrap();
        assert_eq!(s.faults[0].at, SimTime(300 * NANOS));
        let errs = load_str(&text, p, &[set("faults.1.at", "5m")])
            .unwrap_err()
            .0;
        assert!(errs[0].message.contains("index"));
    }
}

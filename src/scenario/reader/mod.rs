//! The table reader: walks the spanned TOML document one table at a time,
//! knowing the key path and the line of every value, so that each problem is
//! reported where it is, with what was expected and what was found.

pub(crate) mod text;
pub(crate) mod values;

use crate::scenario::error::ScenarioError;
use crate::scenario::reader::text::{found, is_bare, join, quote};
use crate::scenario::reader::text::{one_of, render};
use crate::scenario::reader::values::ANY_DURATION;
use crate::scenario::reader::values::{
    DurRange, NumRange, choice_value, dur_value, int_value, num_value,
};
use crate::suggest::nearest;
use crate::time::{SimDuration, SimTime};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use toml::Spanned;
use toml::de::DeTable;
use toml::de::DeValue;

/// A spanned TOML value.
pub(crate) type Val<'i> = Spanned<DeValue<'i>>;

/// Byte offset of a value given with `--set`: reported with file `--set`.
pub(crate) const FROM_SET: usize = usize::MAX;

/// Byte offset of something that has no place in the file (a missing
/// top-level table): reported without a line.
pub(crate) const NO_LINE: usize = usize::MAX - 1;

/// Byte offset → 1-based line.
pub(crate) struct LineIndex {
    pub(crate) newlines: Vec<usize>,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> LineIndex {
        LineIndex {
            newlines: text.match_indices('\n').map(|(i, _)| i).collect(),
        }
    }

    pub(crate) fn line(&self, offset: usize) -> usize {
        self.newlines.partition_point(|&n| n < offset) + 1
    }
}

/// The first column of a CSV file: `(line, value)` pairs, or a message.
pub(crate) type Column = Result<Arc<[(usize, f64)]>, String>;

/// What the walk carries: where messages go and how files are found.
pub(crate) struct Ctx<'c> {
    pub(crate) file: &'c Path,
    pub(crate) lines: &'c LineIndex,
    /// The scenario's folder, against which CSV file names are resolved.
    pub(crate) dir: &'c Path,
    pub(crate) errors: Vec<ScenarioError>,
    /// CSV files already read: sweep validation walks the document again.
    pub(crate) cache: HashMap<PathBuf, Column>,
}

impl Ctx<'_> {
    pub(crate) fn error(&mut self, at: usize, key: impl Into<String>, message: impl Into<String>) {
        let (file, line) = match at {
            FROM_SET => (PathBuf::from("--set"), None),
            NO_LINE => (self.file.to_path_buf(), None),
            _ => (self.file.to_path_buf(), Some(self.lines.line(at))),
        };
        self.errors.push(ScenarioError {
            file,
            line,
            key: key.into(),
            message: message.into(),
        });
    }

    /// The first column of the CSV file `name` (relative to the scenario).
    pub(crate) fn column(&mut self, name: &str) -> Column {
        let path = self.dir.join(name);
        if let Some(c) = self.cache.get(&path) {
            return c.clone();
        }
        let c = read_column(&path, name);
        self.cache.insert(path, c.clone());
        c
    }
}

/// Reads the first column of a CSV file: numbers ≥ 0, with an optional
/// header row (a non-numeric first line) and blank lines skipped.
pub(crate) fn read_column(path: &Path, name: &str) -> Column {
    let bytes =
        std::fs::read(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    let text = String::from_utf8_lossy(&bytes);
    let mut values = Vec::new();
    let mut first = true;
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let field = line.split(',').next().unwrap_or_default();
        let field = field
            .trim_start_matches('\u{feff}')
            .trim()
            .trim_matches('"')
            .trim();
        match field.parse::<f64>() {
            Ok(x) if x.is_finite() && x >= 0.0 => values.push((line_no, x)),
            Err(_) if first => {} // a header row
            _ => {
                return Err(format!(
                    "`{name}` line {line_no}: expected a number ≥ 0 in the first column, found `{field}`"
                ));
            }
        }
        first = false;
    }
    Ok(values.into())
}

/// A component name as written in a reference, with where it was written.
#[derive(Clone, Debug)]
pub(crate) struct NameRef {
    pub(crate) name: String,
    pub(crate) at: usize,
    pub(crate) key: String,
}

/// One table of the document being read: its key path, where it starts,
/// and typed accessors that report problems at the right key and line.
pub(crate) struct Table<'a, 'i> {
    pub(crate) path: String,
    pub(crate) at: usize,
    pub(crate) map: &'a DeTable<'i>,
}

impl<'a, 'i> Table<'a, 'i> {
    /// `value` (at `path`) as a table, or a type error.
    pub(crate) fn of(
        ctx: &mut Ctx,
        path: String,
        value: &'a Val<'i>,
        expected: &str,
    ) -> Option<Self> {
        match value.get_ref() {
            DeValue::Table(map) => Some(Table {
                path,
                at: value.span().start,
                map,
            }),
            other => {
                ctx.error(
                    value.span().start,
                    path,
                    format!("expected {expected}, found {}", found(other)),
                );
                None
            }
        }
    }

    pub(crate) fn key(&self, name: &str) -> String {
        join(&self.path, name)
    }

    pub(crate) fn get(&self, name: &str) -> Option<&'a Val<'i>> {
        self.map.get(name)
    }

    /// The value of `name` as written (a TOML literal), for messages.
    pub(crate) fn shown(&self, name: &str) -> String {
        self.get(name)
            .map_or_else(String::new, |v| render(v.get_ref()))
    }

    pub(crate) fn has(&self, name: &str) -> bool {
        self.map.contains_key(name)
    }

    /// `(key, key offset, value)` in file order.
    pub(crate) fn entries(
        &self,
    ) -> impl Iterator<Item = (&'a str, usize, &'a Val<'i>)> + use<'a, 'i> {
        self.map
            .iter()
            .map(|(k, v)| (k.get_ref().as_ref(), k.span().start, v))
    }

    /// Reports every key not in `allowed`, suggesting the nearest one.
    pub(crate) fn check_keys(&self, ctx: &mut Ctx, allowed: &[&str]) {
        for (k, at, _) in self.entries() {
            if allowed.contains(&k) {
                continue;
            }
            let message = match nearest(k, allowed.iter().copied()) {
                Some(s) => format!("unknown key `{k}`; did you mean `{s}`?"),
                None => format!("unknown key `{k}`; expected {}", one_of(allowed, true)),
            };
            ctx.error(at, self.key(k), message);
        }
    }

    /// Where the value of `name` is, or the table's own place if it is absent.
    pub(crate) fn at(&self, name: &str) -> usize {
        self.get(name).map_or(self.at, |v| v.span().start)
    }

    pub(crate) fn err(&self, ctx: &mut Ctx, name: &str, message: impl Into<String>) {
        ctx.error(self.at(name), self.key(name), message);
    }

    /// Reports `name` missing unless present; true if present.
    pub(crate) fn require(&self, ctx: &mut Ctx, name: &str, what: &str) -> bool {
        if self.has(name) {
            return true;
        }
        ctx.error(
            self.at,
            self.key(name),
            format!("missing `{name}`: expected {what}"),
        );
        false
    }

    pub(crate) fn str(&self, ctx: &mut Ctx, name: &str, what: &str) -> Option<&'a str> {
        let v = self.get(name)?;
        match v.get_ref() {
            DeValue::String(s) => Some(s),
            other => {
                self.err(
                    ctx,
                    name,
                    format!("expected {what}, found {}", found(other)),
                );
                None
            }
        }
    }

    pub(crate) fn req_str(&self, ctx: &mut Ctx, name: &str, what: &str) -> Option<&'a str> {
        if self.require(ctx, name, what) {
            self.str(ctx, name, what)
        } else {
            None
        }
    }

    /// One of a fixed set of strings.
    pub(crate) fn choice<T: Copy>(
        &self,
        ctx: &mut Ctx,
        name: &str,
        options: &[(&str, T)],
    ) -> Option<T> {
        let v = self.get(name)?;
        choice_value(ctx, &self.key(name), v, options)
    }

    pub(crate) fn int(&self, ctx: &mut Ctx, name: &str, min: i128, max: i128) -> Option<i128> {
        let v = self.get(name)?;
        int_value(ctx, &self.key(name), v, min, max)
    }

    pub(crate) fn u32(&self, ctx: &mut Ctx, name: &str, min: u32, max: u32) -> Option<u32> {
        self.int(ctx, name, min.into(), max.into())
            .and_then(|i| u32::try_from(i).ok())
    }

    pub(crate) fn num(&self, ctx: &mut Ctx, name: &str, range: NumRange) -> Option<f64> {
        let v = self.get(name)?;
        num_value(ctx, &self.key(name), v, range)
    }

    pub(crate) fn req_num(&self, ctx: &mut Ctx, name: &str, range: NumRange) -> Option<f64> {
        if self.require(ctx, name, &format!("a number {}", range.text)) {
            self.num(ctx, name, range)
        } else {
            None
        }
    }

    pub(crate) fn dur(&self, ctx: &mut Ctx, name: &str, range: DurRange) -> Option<SimDuration> {
        let v = self.get(name)?;
        dur_value(ctx, &self.key(name), v, range)
    }

    pub(crate) fn req_dur(
        &self,
        ctx: &mut Ctx,
        name: &str,
        range: DurRange,
    ) -> Option<SimDuration> {
        if self.require(ctx, name, "a duration string such as \"250ms\"") {
            self.dur(ctx, name, range)
        } else {
            None
        }
    }

    pub(crate) fn bool(&self, ctx: &mut Ctx, name: &str) -> Option<bool> {
        let v = self.get(name)?;
        match v.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            other => {
                self.err(
                    ctx,
                    name,
                    format!("expected true or false, found {}", found(other)),
                );
                None
            }
        }
    }

    /// A sub-table (inline or `[….name]`).
    pub(crate) fn sub(&self, ctx: &mut Ctx, name: &str) -> Option<Table<'a, 'i>> {
        let v = self.get(name)?;
        Table::of(ctx, self.key(name), v, "a table")
    }

    /// A component name or an array of names.
    pub(crate) fn names(&self, ctx: &mut Ctx, name: &str) -> Vec<NameRef> {
        let Some(v) = self.get(name) else {
            return Vec::new();
        };
        let key = self.key(name);
        let expected = "a component name or an array of names";
        match v.get_ref() {
            DeValue::String(s) => {
                vec![NameRef {
                    name: s.to_string(),
                    at: v.span().start,
                    key,
                }]
            }
            DeValue::Array(items) => items
                .iter()
                .filter_map(|item| match item.get_ref() {
                    DeValue::String(s) => Some(NameRef {
                        name: s.to_string(),
                        at: item.span().start,
                        key: key.clone(),
                    }),
                    other => {
                        ctx.error(
                            item.span().start,
                            key.clone(),
                            format!(
                                "expected {expected}, found an array holding {}",
                                found(other)
                            ),
                        );
                        None
                    }
                })
                .collect(),
            other => {
                ctx.error(
                    v.span().start,
                    key,
                    format!("expected {expected}, found {}", found(other)),
                );
                Vec::new()
            }
        }
    }
}

/// `key = [{ at = …, … }, …]`: an array of tables in strictly increasing
/// order of their required `at`, the rest of each read by `item` (which
/// checks its keys, `at` included). Absent: empty. `None` when any item
/// has a problem, after every problem was reported.
pub(crate) fn timed_items<T>(
    ctx: &mut Ctx,
    t: &Table,
    name: &str,
    expected: &str,
    expected_item: &str,
    what: &str,
    mut item: impl FnMut(&mut Ctx, &Table) -> Option<T>,
) -> Option<Vec<(SimTime, T)>> {
    let Some(v) = t.get(name) else {
        return Some(Vec::new());
    };
    let key = t.key(name);
    let DeValue::Array(values) = v.get_ref() else {
        ctx.error(
            v.span().start,
            key,
            format!("expected {expected}, found {}", found(v.get_ref())),
        );
        return None;
    };
    let mut items = Vec::new();
    let mut ok = true;
    let mut last: Option<SimDuration> = None;
    for (i, value) in values.iter().enumerate() {
        let Some(s) = Table::of(ctx, format!("{key}[{i}]"), value, expected_item) else {
            ok = false;
            continue;
        };
        let at = s.req_dur(ctx, "at", ANY_DURATION);
        let rest = item(ctx, &s);
        if let Some(a) = at {
            if let Some(prev) = last
                && a <= prev
            {
                s.err(
                    ctx,
                    "at",
                    format!("expected the {what} in strictly increasing order of `at`"),
                );
                ok = false;
            }
            last = Some(a);
        }
        match (at, rest) {
            (Some(a), Some(r)) => items.push((SimTime(a.0), r)),
            _ => ok = false,
        }
    }
    ok.then_some(items)
}

/// A duration from `min` to `max`, both inclusive; the bounds may come from
/// the catalog, hence the message is built here rather than in a [`DurRange`].
pub(crate) fn dur_between(
    ctx: &mut Ctx,
    t: &Table,
    name: &str,
    min: SimDuration,
    max: SimDuration,
) -> Option<SimDuration> {
    let d = t.dur(ctx, name, ANY_DURATION)?;
    if d < min || d > max {
        t.err(
            ctx,
            name,
            format!(
                "expected a duration from {min} to {max}, found {}",
                t.shown(name)
            ),
        );
        return None;
    }
    Some(d)
}

/// Design and component names become folder names and CSV fields.
pub(crate) fn check_name(ctx: &mut Ctx, at: usize, path: &str, name: &str, what: &str) {
    if !is_bare(name) {
        ctx.error(
            at,
            path,
            format!(
                "expected a {what} name made of letters, digits, `_` and `-`, found {}",
                quote(name)
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::scenario::test_support::*;

    #[test]
    fn unknown_key_suggests_nearest_for_the_kind() {
        let text = edit("workers = 4", "wrokers = 4");
        expect_one(
            &text,
            "designs.d.app.wrokers",
            "wrokers",
            &["unknown key `wrokers`", "did you mean `workers`?"],
        );
        // `capacity` is a database key, not an ec2 one.
        let text = edit("workers = 4", "capacity = 4");
        expect_one(
            &text,
            "designs.d.app.capacity",
            "capacity",
            &["unknown key `capacity`"],
        );
        let text = format!("{MINI}\n[sweeep]\n");
        expect(
            &errors(&text),
            "sweeep",
            Some(line_of(&text, "sweeep")),
            &["did you mean `sweep`?"],
        );
        let text = edit("rate = 10", "rate = 10\nrat = 3");
        expect_one(&text, "workload.rat", "rat = 3", &["did you mean `rate`?"]);
    }

    #[test]
    fn wrong_types_and_ranges() {
        let text = edit("duration = \"1h\"", "duration = 5");
        expect_one(
            &text,
            "scenario.duration",
            "duration",
            &["expected a duration string such as \"250ms\", found an integer (5)"],
        );
        let text = edit("workers = 4", "workers = 4.5");
        expect_one(
            &text,
            "designs.d.app.workers",
            "workers",
            &["integer", "found a float (4.5)"],
        );
        let text = edit("workers = 4", "workers = 0");
        expect_one(
            &text,
            "designs.d.app.workers",
            "workers",
            &["from 1 to 1000", "found an integer (0)"],
        );
        let text = edit("workers = 4", "workers = 4\ninstances = 4.0");
        expect_one(
            &text,
            "designs.d.app.instances",
            "instances",
            &["found a float (4.0)"],
        );
        let text = edit("workers = 4", "workers = \"4\"");
        expect_one(
            &text,
            "designs.d.app.workers",
            "workers",
            &["found a string (\"4\")"],
        );
        let text = edit("rate = 10", "rate = -1");
        expect_one(
            &text,
            "workload.rate",
            "rate",
            &["expected a number ≥ 0, found -1"],
        );
        let text = edit("rate = 10", "rate = nan");
        expect_one(&text, "workload.rate", "rate", &["finite"]);
        let text = edit("rate = 10", "rate = 1e400");
        expect_one(&text, "workload.rate", "rate", &["finite"]);
        let text = edit("duration = \"1h\"", "duration = \"1h\"\nreplications = 0");
        expect_one(
            &text,
            "scenario.replications",
            "replications",
            &["from 1 to 100000"],
        );
        let text = edit(
            "duration = \"1h\"",
            "duration = \"1h\"\nreplications = 100001",
        );
        expect_one(
            &text,
            "scenario.replications",
            "replications",
            &["from 1 to 100000"],
        );
        let text = edit("duration = \"1h\"", "duration = \"1h\"\nseed = -1");
        expect_one(&text, "scenario.seed", "seed", &["≥ 0", "-1"]);
        let text = edit(
            "duration = \"1h\"",
            "duration = \"1h\"\nseed = 99999999999999999999",
        );
        assert!(load_text(&text).is_err());
        let text = edit("duration = \"1h\"", "duration = \"0s\"");
        expect_one(&text, "scenario.duration", "duration", &["> 0", "\"0s\""]);
        let text = edit("duration = \"1h\"", "duration = \"10 parsecs\"");
        expect_one(&text, "scenario.duration", "duration", &["unit"]);
        let text = edit("duration = \"1h\"", "duration = \"1h\"\ninterval = \"0s\"");
        expect_one(&text, "scenario.interval", "interval", &["> 0"]);
        let text = edit("workers = 4", "workers = 4\nqueue_limit = -1");
        expect_one(&text, "designs.d.app.queue_limit", "queue_limit", &["≥ 0"]);
    }

    #[test]
    fn trace_and_empirical_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("good.csv"),
            "time,id\n0.5,a\n1.0,b\n1.0,c\n9999,d\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("bad.csv"), "0.5\n2.0\n\n1.5\n").unwrap();
        std::fs::write(dir.path().join("ms.csv"), "latency_ms\n10\n20\n").unwrap();
        std::fs::write(dir.path().join("neg.csv"), "latency_ms\n10\n-5\n").unwrap();
        let path = dir.path().join("s.toml");
        let run = |text: &str| {
            std::fs::write(&path, text).unwrap();
            load(&path, &[])
        };
        let s = run(&edit("rate = 10", "trace = \"good.csv\"")).unwrap();
        let RateProfile::Trace(times) = &s.workload.rate else {
            panic!()
        };
        assert_eq!(
            &times[..],
            &[SimTime(NANOS / 2), SimTime(NANOS), SimTime(NANOS)]
        );

        let text = edit("rate = 10", "trace = \"bad.csv\"");
        let errs = run(&text).unwrap_err().0;
        expect(
            &errs,
            "workload.trace",
            Some(line_of(&text, "trace")),
            &["`bad.csv` line 4", "1.5"],
        );
        let text = edit("rate = 10", "trace = \"none.csv\"");
        let errs = run(&text).unwrap_err().0;
        expect(
            &errs,
            "workload.trace",
            Some(line_of(&text, "trace")),
            &["cannot read"],
        );

        let s = run(&edit(
            "\"10ms\"",
            "{ dist = \"empirical\", file = \"ms.csv\" }",
        ))
        .unwrap();
        let ComponentSpec::Ec2(e) = &s.designs[0].components[0].spec else {
            panic!()
        };
        let ms = SimDuration::from_millis;
        assert_dist(
            &e.service_time,
            &Dist::empirical(vec![ms(10), ms(20)]).unwrap(),
        );
        let s = run(&edit(
            "\"10ms\"",
            "{ dist = \"empirical\", file = \"ms.csv\", unit = \"s\" }",
        ))
        .unwrap();
        let ComponentSpec::Ec2(e) = &s.designs[0].components[0].spec else {
            panic!()
        };
        assert_dist(
            &e.service_time,
            &Dist::empirical(vec![SimDuration::from_secs(10), SimDuration::from_secs(20)]).unwrap(),
        );
        let text = edit("\"10ms\"", "{ dist = \"empirical\", file = \"neg.csv\" }");
        let errs = run(&text).unwrap_err().0;
        expect(
            &errs,
            "designs.d.app.service_time.file",
            Some(line_of(&text, "neg.csv")),
            &["`neg.csv` line 3", "-5"],
        );
    }
}

//! The table reader: walks the spanned TOML document one table at a time,
//! knowing the key path and the line of every value, so that each problem is
//! reported where it is, with what was expected and what was found.

mod column;
pub(crate) mod names;
pub(crate) mod text;
pub(crate) mod values;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::catalog::Catalog;
use crate::scenario::error::ScenarioError;
use crate::scenario::reader::text::{Quoted, found, join, one_of, render};
use crate::scenario::reader::values::{
    ANY_DURATION, DurRange, NumRange, choice_value, dur_value, int_value, num_value,
};
use crate::suggest::nearest;
use crate::time::{SimDuration, SimTime};

pub(crate) use column::Column;

/// A spanned TOML value.
pub(crate) type Val<'i> = Spanned<DeValue<'i>>;

/// Byte offset of a value given with `--set`: reported with file `--set`.
pub(crate) const FROM_SET: usize = usize::MAX;

/// Byte offset of something that has no place in the file (a missing
/// top-level table): reported without a line.
pub(crate) const NO_LINE: usize = usize::MAX - 1;

/// Byte offset → 1-based line.
#[derive(Debug)]
pub(crate) struct LineIndex {
    newlines: Vec<usize>,
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

/// What the walk carries: where messages go and how files are found.
pub(crate) struct Ctx<'c> {
    pub(crate) file: &'c Path,
    pub(crate) lines: &'c LineIndex,
    /// The scenario's folder, against which CSV file names are resolved.
    pub(crate) dir: &'c Path,
    pub(crate) errors: Vec<ScenarioError>,
    /// CSV files already read: sweep validation walks the document again.
    pub(crate) cache: HashMap<PathBuf, Column>,
    /// The catalog of the scenario's region with its `[prices]` (us-east-1's
    /// until `[scenario]` and `[prices]` are read).
    pub(crate) catalog: Arc<Catalog>,
    /// The prices the components read so far bill.
    pub(crate) billed: BTreeSet<String>,
    /// `[scenario] interval` (60 s until it is read), against which an
    /// alarm's period is checked.
    pub(crate) interval: SimDuration,
}

impl<'c> Ctx<'c> {
    /// A context for the document of `file` (its `lines`) in folder `dir`.
    pub(crate) fn new(file: &'c Path, lines: &'c LineIndex, dir: &'c Path) -> Ctx<'c> {
        Ctx {
            file,
            lines,
            dir,
            errors: Vec::new(),
            cache: HashMap::new(),
            catalog: crate::scenario::catalogs::builtin(),
            billed: BTreeSet::new(),
            interval: SimDuration::from_secs(60),
        }
    }

    /// Reports a problem at byte offset `at` (or [`FROM_SET`], [`NO_LINE`]).
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

    /// Reports that `v`, at `key`, is not `expected`.
    pub(crate) fn unexpected(&mut self, key: impl Into<String>, v: &Val<'_>, expected: &str) {
        let message = format!("expected {expected}, found {}", found(v.get_ref()));
        self.error(v.span().start, key, message);
    }

    /// Reports that `item`, of the array at `key`, is not `expected`.
    pub(crate) fn unexpected_item(
        &mut self,
        key: impl Into<String>,
        item: &Val<'_>,
        expected: &str,
    ) {
        let message = format!(
            "expected {expected}, found an array holding {}",
            found(item.get_ref())
        );
        self.error(item.span().start, key, message);
    }
}

/// The items of `v`, or a report that it is not `expected` (an array).
pub(crate) fn array<'a, 'i>(
    ctx: &mut Ctx,
    key: &str,
    v: &'a Val<'i>,
    expected: &str,
) -> Option<&'a [Val<'i>]> {
    match v.get_ref() {
        DeValue::Array(items) => Some(items),
        _ => {
            ctx.unexpected(key, v, expected);
            None
        }
    }
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
            _ => {
                ctx.unexpected(path, value, expected);
                None
            }
        }
    }

    /// The key path of `name` in this table.
    pub(crate) fn key(&self, name: &str) -> String {
        join(&self.path, name)
    }

    /// The value of `name`, if given.
    pub(crate) fn get(&self, name: &str) -> Option<&'a Val<'i>> {
        self.map.get(name)
    }

    /// The value of `name` as written (a TOML literal), for messages.
    pub(crate) fn shown(&self, name: &str) -> String {
        self.get(name)
            .map_or_else(String::new, |v| render(v.get_ref()))
    }

    /// `name` is given.
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
                None => format!(
                    "unknown key `{k}`; expected {}",
                    one_of(allowed, Quoted::Key)
                ),
            };
            ctx.error(at, self.key(k), message);
        }
    }

    /// Where the value of `name` is, or the table's own place if it is absent.
    pub(crate) fn at(&self, name: &str) -> usize {
        self.get(name).map_or(self.at, |v| v.span().start)
    }

    /// Reports a problem with `name`, where its value is.
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

    /// The string `name`, if given; `what` describes it for messages.
    pub(crate) fn str(&self, ctx: &mut Ctx, name: &str, what: &str) -> Option<&'a str> {
        let v = self.get(name)?;
        match v.get_ref() {
            DeValue::String(s) => Some(s),
            _ => {
                ctx.unexpected(self.key(name), v, what);
                None
            }
        }
    }

    /// The string `name`, which must be given.
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

    /// The integer `name` from `min` to `max`, if given.
    pub(crate) fn int(&self, ctx: &mut Ctx, name: &str, min: i128, max: i128) -> Option<i128> {
        let v = self.get(name)?;
        int_value(ctx, &self.key(name), v, min, max)
    }

    /// [`Table::int`] as a `u32`.
    pub(crate) fn u32(&self, ctx: &mut Ctx, name: &str, min: u32, max: u32) -> Option<u32> {
        self.int(ctx, name, min.into(), max.into())
            .and_then(|i| u32::try_from(i).ok())
    }

    /// The number `name` in `range`, if given.
    pub(crate) fn num(&self, ctx: &mut Ctx, name: &str, range: NumRange) -> Option<f64> {
        let v = self.get(name)?;
        num_value(ctx, &self.key(name), v, range)
    }

    /// The number `name`, which must be given.
    pub(crate) fn req_num(&self, ctx: &mut Ctx, name: &str, range: NumRange) -> Option<f64> {
        if self.require(ctx, name, &format!("a number {}", range.text)) {
            self.num(ctx, name, range)
        } else {
            None
        }
    }

    /// The duration `name` in `range`, if given.
    pub(crate) fn dur(&self, ctx: &mut Ctx, name: &str, range: DurRange) -> Option<SimDuration> {
        let v = self.get(name)?;
        dur_value(ctx, &self.key(name), v, range)
    }

    /// The duration `name`, which must be given.
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

    /// The boolean `name`, if given.
    pub(crate) fn bool(&self, ctx: &mut Ctx, name: &str) -> Option<bool> {
        let v = self.get(name)?;
        match v.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            _ => {
                ctx.unexpected(self.key(name), v, "true or false");
                None
            }
        }
    }

    /// A sub-table (inline or `[….name]`).
    pub(crate) fn sub(&self, ctx: &mut Ctx, name: &str) -> Option<Table<'a, 'i>> {
        let v = self.get(name)?;
        Table::of(ctx, self.key(name), v, "a table")
    }

    /// The sub-table `name`, which must be given: `missing` is the message
    /// when it is not, `expected` when it is not a table.
    pub(crate) fn req_sub(
        &self,
        ctx: &mut Ctx,
        name: &str,
        expected: &str,
        missing: &str,
    ) -> Option<Table<'a, 'i>> {
        let Some(v) = self.get(name) else {
            ctx.error(self.at, self.key(name), missing);
            return None;
        };
        Table::of(ctx, self.key(name), v, expected)
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
                    _ => {
                        ctx.unexpected_item(key.clone(), item, expected);
                        None
                    }
                })
                .collect(),
            _ => {
                ctx.unexpected(key, v, expected);
                Vec::new()
            }
        }
    }
}

/// `name = [{ … }, …]` in `t`: an array of tables (`expected` when it is
/// not an array, `expected_item` for an item that is not a table), each
/// read by `item`. Absent: empty. `None` when any item has a problem,
/// after every problem was reported.
pub(crate) fn table_items<T>(
    ctx: &mut Ctx,
    t: &Table,
    name: &str,
    expected: &str,
    expected_item: &str,
    mut item: impl FnMut(&mut Ctx, &Table) -> Option<T>,
) -> Option<Vec<T>> {
    let Some(v) = t.get(name) else {
        return Some(Vec::new());
    };
    let key = t.key(name);
    let values = array(ctx, &key, v, expected)?;
    let mut items = Vec::new();
    let mut ok = true;
    for (i, value) in values.iter().enumerate() {
        match Table::of(ctx, format!("{key}[{i}]"), value, expected_item)
            .and_then(|s| item(ctx, &s))
        {
            Some(x) => items.push(x),
            None => ok = false,
        }
    }
    ok.then_some(items)
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
    let mut last: Option<SimDuration> = None;
    table_items(ctx, t, name, expected, expected_item, |ctx, s| {
        let at = s.req_dur(ctx, "at", ANY_DURATION);
        let rest = item(ctx, s);
        let mut in_order = true;
        if let Some(a) = at {
            if let Some(prev) = last
                && a <= prev
            {
                s.err(
                    ctx,
                    "at",
                    format!("expected the {what} in strictly increasing order of `at`"),
                );
                in_order = false;
            }
            last = Some(a);
        }
        match (at, rest) {
            (Some(a), Some(r)) if in_order => Some((SimTime(a.0), r)),
            _ => None,
        }
    })
}

/// Design, component and class names are parts of key paths and CSV
/// fields: letters of any script, digits, `_` and `-`.
pub(crate) fn check_name(ctx: &mut Ctx, at: usize, path: &str, name: &str, what: &str) {
    if let Some(problem) = names::key_name_problem(name, what) {
        ctx.error(at, path, problem);
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
}

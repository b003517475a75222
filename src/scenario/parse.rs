//! Scenario text → validated [`Scenario`], with every problem reported at once.
//!
//! The `toml` crate parses the text into a *spanned* document (every key and
//! value keeps its byte range). This module walks that document by hand
//! rather than through serde's derive, because a hand walk knows where it is:
//! each message names the key path (`designs.monolith.app.workers`), the
//! line, what was expected and what was found, and suggests the nearest
//! valid key or name. The walk never stops at the first problem; it collects
//! them all, and builds the typed model only when there are none.
//!
//! Layout: [`Table`] is the small "table reader" that tracks the key path,
//! rejects unknown keys and reads typed values; one `section_*` function per
//! top-level table; one `component_*` function per component kind (adding a
//! kind is adding a [`Kind`] variant and one such function); [`assemble`]
//! resolves references within a design and finds synchronous call cycles.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::spec::{
    ApiGatewaySpec, ApiType, Architecture, ArrivalProcess, AutoScalingSpec, Backoff, Client,
    Component, ComponentId, ComponentSpec, DatabaseSpec, Design, Ec2Spec, FargateSpec, Fault,
    FaultKind, HealthCheckSpec, Jitter, LambdaSpec, LbType, LifecycleSpec, LoadBalancerSpec,
    PurchaseSpec, QueueSpec, QueueType, RateProfile, Routing, ScalingMetric, ScalingPolicy,
    Scenario, ScheduledAction, Slo, StepAdjustment, Subscription, SweepAxis, TerminationPolicy,
    TopicSpec, Workload,
};
use crate::dist::Dist;
use crate::suggest::nearest;
use crate::time::{SimDuration, SimTime};

// ---------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------

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
    fn new(mut errors: Vec<ScenarioError>) -> ScenarioErrors {
        errors.sort_by(|a, b| (a.line, &a.key).cmp(&(b.line, &b.key)));
        let mut seen = HashSet::new();
        errors.retain(|e| seen.insert(e.clone()));
        ScenarioErrors(errors)
    }

    fn single(file: &Path, message: String) -> ScenarioErrors {
        ScenarioErrors(vec![ScenarioError {
            file: file.to_path_buf(),
            line: None,
            key: String::new(),
            message,
        }])
    }
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

/// Reads the scenario at `path` (and any trace or empirical CSV it names,
/// relative to the scenario's folder), applies `overrides` and validates it.
pub fn load(path: &Path, overrides: &[Override]) -> Result<Scenario, ScenarioErrors> {
    let bytes = std::fs::read(path)
        .map_err(|e| ScenarioErrors::single(path, format!("cannot read the scenario: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        ScenarioErrors::single(
            path,
            format!(
                "the scenario is not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        )
    })?;
    load_str(&text, path, overrides)
}

/// Like [`load`], from text already read; `path` is used in messages and to
/// find the CSV files the scenario names.
pub fn load_str(
    text: &str,
    path: &Path,
    overrides: &[Override],
) -> Result<Scenario, ScenarioErrors> {
    let hash = scenario_hash(text, overrides);
    let lines = LineIndex::new(text);
    let (doc, syntax) = DeTable::parse_recoverable(text);
    if !syntax.is_empty() {
        // The recovered document would only produce confusing follow-on errors.
        let errors = syntax
            .iter()
            .map(|e| ScenarioError {
                file: path.to_path_buf(),
                line: e.span().map(|s| lines.line(s.start)),
                key: String::new(),
                message: e.message().to_string(),
            })
            .collect();
        return Err(ScenarioErrors::new(errors));
    }
    let mut root = DeValue::Table(doc.into_inner());
    let mut set_errors = Vec::new();
    for o in overrides {
        if let Err(message) = set_path(&mut root, &o.key, override_value(&o.value)) {
            set_errors.push(ScenarioError {
                file: PathBuf::from("--set"),
                line: None,
                key: o.key.clone(),
                message,
            });
        }
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut ctx = Ctx {
        file: path,
        lines: &lines,
        dir: &dir,
        errors: Vec::new(),
        cache: HashMap::new(),
    };
    let scenario = walk(&mut ctx, &root);
    let base_errors = ctx.errors.clone();
    let sweep = section_sweep(&mut ctx, &root, &base_errors);
    ctx.errors.extend(set_errors);
    if !ctx.errors.is_empty() {
        return Err(ScenarioErrors::new(ctx.errors));
    }
    match scenario {
        Some(mut s) => {
            s.sweep = sweep;
            s.hash = hash;
            Ok(s)
        }
        None => Err(ScenarioErrors::single(
            path,
            "internal error: the scenario was rejected without a message".into(),
        )),
    }
}

// ---------------------------------------------------------------------------
// Positions, messages, the walk context
// ---------------------------------------------------------------------------

/// A spanned TOML value.
type Val<'i> = Spanned<DeValue<'i>>;

/// Byte offset of a value given with `--set`: reported with file `--set`.
const FROM_SET: usize = usize::MAX;
/// Byte offset of something that has no place in the file (a missing
/// top-level table): reported without a line.
const NO_LINE: usize = usize::MAX - 1;

/// Byte offset → 1-based line.
struct LineIndex {
    newlines: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        LineIndex {
            newlines: text.match_indices('\n').map(|(i, _)| i).collect(),
        }
    }

    fn line(&self, offset: usize) -> usize {
        self.newlines.partition_point(|&n| n < offset) + 1
    }
}

/// The first column of a CSV file: `(line, value)` pairs, or a message.
type Column = Result<Arc<[(usize, f64)]>, String>;

/// What the walk carries: where messages go and how files are found.
struct Ctx<'c> {
    file: &'c Path,
    lines: &'c LineIndex,
    /// The scenario's folder, against which CSV file names are resolved.
    dir: &'c Path,
    errors: Vec<ScenarioError>,
    /// CSV files already read: sweep validation walks the document again.
    cache: HashMap<PathBuf, Column>,
}

impl Ctx<'_> {
    fn error(&mut self, at: usize, key: impl Into<String>, message: impl Into<String>) {
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
    fn column(&mut self, name: &str) -> Column {
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
fn read_column(path: &Path, name: &str) -> Column {
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

/// The scenario's fingerprint: FNV-1a (64 bit) of the text, then of each
/// override as `key=value\n`, in hex.
fn scenario_hash(text: &str, overrides: &[Override]) -> String {
    let mut parts = vec![text.as_bytes()];
    for o in overrides {
        parts.extend([o.key.as_bytes(), b"=", o.value.as_bytes(), b"\n"]);
    }
    format!("{:016x}", crate::rng::fnv1a_concat(parts))
}

/// Is `s` a bare TOML key (no quotes needed)?
fn is_bare(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// `parent.key`, quoting `key` when it is not bare.
fn join(parent: &str, key: &str) -> String {
    let key = if is_bare(key) {
        key.to_string()
    } else {
        quote(key)
    };
    if parent.is_empty() {
        key
    } else {
        format!("{parent}.{key}")
    }
}

/// A TOML basic string literal.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `value` as a TOML literal, as a user would write it after `--set KEY=`.
fn render(value: &DeValue<'_>) -> String {
    match value {
        DeValue::String(s) => quote(s),
        DeValue::Integer(i) => i.to_string(),
        DeValue::Float(f) => f.to_string(),
        DeValue::Boolean(b) => b.to_string(),
        DeValue::Datetime(d) => d.to_string(),
        DeValue::Array(a) => {
            let items: Vec<String> = a.iter().map(|v| render(v.get_ref())).collect();
            format!("[{}]", items.join(", "))
        }
        DeValue::Table(t) if t.is_empty() => "{}".into(),
        DeValue::Table(t) => {
            let items: Vec<String> = t
                .iter()
                .map(|(k, v)| format!("{} = {}", join("", k.get_ref()), render(v.get_ref())))
                .collect();
            format!("{{ {} }}", items.join(", "))
        }
    }
}

/// "an integer (5)", "a string (\"x\")", … for "found …" in messages.
fn found(value: &DeValue<'_>) -> String {
    match value {
        DeValue::String(s) => {
            let short: String = s.chars().take(60).collect();
            let dots = if short.len() < s.len() { "…" } else { "" };
            format!("a string ({}{dots})", quote(&short))
        }
        DeValue::Integer(i) => format!("an integer ({i})"),
        DeValue::Float(f) => format!("a float ({f})"),
        DeValue::Boolean(b) => format!("a boolean ({b})"),
        DeValue::Datetime(d) => format!("a date-time ({d})"),
        DeValue::Array(_) => "an array".into(),
        DeValue::Table(_) => "a table".into(),
    }
}

/// "`a`, `b` or `c`".
fn one_of(options: &[&str], tick: bool) -> String {
    let shown: Vec<String> = options
        .iter()
        .map(|o| if tick { format!("`{o}`") } else { quote(o) })
        .collect();
    match shown.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

/// "; did you mean `key`?" or nothing.
fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    nearest(word, candidates).map_or(String::new(), |s| format!("; did you mean `{s}`?"))
}

/// "; did you mean \"value\"?" or nothing: values are shown as written in TOML.
fn did_you_mean_value<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    nearest(word, candidates).map_or(String::new(), |s| format!("; did you mean {}?", quote(s)))
}

fn integer_value(value: &DeValue<'_>) -> Option<i128> {
    match value {
        DeValue::Integer(i) => i128::from_str_radix(i.as_str(), i.radix()).ok(),
        _ => None,
    }
}

/// An integer or a float, as `f64` (not checked for finiteness).
fn number_value(value: &DeValue<'_>) -> Option<f64> {
    match value {
        DeValue::Integer(_) => integer_value(value).map(|i| i as f64),
        DeValue::Float(f) => Some(f.as_str().parse::<f64>().unwrap_or(f64::NAN)),
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// Overrides
// ---------------------------------------------------------------------------

/// The value of an override: TOML if it parses, else the plain string.
fn override_value(text: &str) -> Val<'_> {
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

/// Sets the dotted `key` of `root` to `value`. Every table on the way must
/// exist (a numeric part indexes an array, e.g. `faults.0.at`); the last
/// part is replaced or inserted.
fn set_path<'i>(root: &mut DeValue<'i>, key: &str, value: Val<'i>) -> Result<(), String> {
    let parts: Vec<&str> = key.split('.').map(str::trim).collect();
    if parts.iter().any(|p| p.is_empty()) {
        return Err(format!(
            "`{key}` is not a dotted key path (it has an empty part)"
        ));
    }
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

// ---------------------------------------------------------------------------
// The table reader
// ---------------------------------------------------------------------------

/// An allowed numeric range, with its wording for messages.
#[derive(Clone, Copy)]
struct NumRange {
    min: f64,
    /// `min` itself is excluded.
    min_open: bool,
    max: f64,
    /// e.g. "≥ 0", "> 0", "from 0 to 1".
    text: &'static str,
}

const NON_NEGATIVE: NumRange = NumRange {
    min: 0.0,
    min_open: false,
    max: f64::MAX,
    text: "≥ 0",
};
const POSITIVE: NumRange = NumRange {
    min: 0.0,
    min_open: true,
    max: f64::MAX,
    text: "> 0",
};

/// An allowed range of durations, with its wording for messages.
#[derive(Clone, Copy)]
struct DurRange {
    min: SimDuration,
    min_open: bool,
    max: SimDuration,
    /// e.g. "> 0", "from 60s to 14d"; empty when any duration goes.
    text: &'static str,
}

const ANY_DURATION: DurRange = DurRange {
    min: SimDuration::ZERO,
    min_open: false,
    max: SimDuration(u64::MAX),
    text: "",
};
const POSITIVE_DURATION: DurRange = DurRange {
    min: SimDuration::ZERO,
    min_open: true,
    max: SimDuration(u64::MAX),
    text: "> 0",
};

const fn dur_range(min: SimDuration, max: SimDuration, text: &'static str) -> DurRange {
    DurRange {
        min,
        min_open: false,
        max,
        text,
    }
}

/// A component name as written in a reference, with where it was written.
#[derive(Clone, Debug)]
struct NameRef {
    name: String,
    at: usize,
    key: String,
}

/// One table of the document being read: its key path, where it starts,
/// and typed accessors that report problems at the right key and line.
struct Table<'a, 'i> {
    path: String,
    at: usize,
    map: &'a DeTable<'i>,
}

impl<'a, 'i> Table<'a, 'i> {
    /// `value` (at `path`) as a table, or a type error.
    fn of(ctx: &mut Ctx, path: String, value: &'a Val<'i>, expected: &str) -> Option<Self> {
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

    fn key(&self, name: &str) -> String {
        join(&self.path, name)
    }

    fn get(&self, name: &str) -> Option<&'a Val<'i>> {
        self.map.get(name)
    }

    /// The value of `name` as written (a TOML literal), for messages.
    fn shown(&self, name: &str) -> String {
        self.get(name)
            .map_or_else(String::new, |v| render(v.get_ref()))
    }

    fn has(&self, name: &str) -> bool {
        self.map.contains_key(name)
    }

    /// `(key, key offset, value)` in file order.
    fn entries(&self) -> impl Iterator<Item = (&'a str, usize, &'a Val<'i>)> + use<'a, 'i> {
        self.map
            .iter()
            .map(|(k, v)| (k.get_ref().as_ref(), k.span().start, v))
    }

    /// Reports every key not in `allowed`, suggesting the nearest one.
    fn check_keys(&self, ctx: &mut Ctx, allowed: &[&str]) {
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
    fn at(&self, name: &str) -> usize {
        self.get(name).map_or(self.at, |v| v.span().start)
    }

    fn err(&self, ctx: &mut Ctx, name: &str, message: impl Into<String>) {
        ctx.error(self.at(name), self.key(name), message);
    }

    /// Reports `name` missing unless present; true if present.
    fn require(&self, ctx: &mut Ctx, name: &str, what: &str) -> bool {
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

    fn str(&self, ctx: &mut Ctx, name: &str, what: &str) -> Option<&'a str> {
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

    fn req_str(&self, ctx: &mut Ctx, name: &str, what: &str) -> Option<&'a str> {
        if self.require(ctx, name, what) {
            self.str(ctx, name, what)
        } else {
            None
        }
    }

    /// One of a fixed set of strings.
    fn choice<T: Copy>(&self, ctx: &mut Ctx, name: &str, options: &[(&str, T)]) -> Option<T> {
        let v = self.get(name)?;
        choice_value(ctx, &self.key(name), v, options)
    }

    fn int(&self, ctx: &mut Ctx, name: &str, min: i128, max: i128) -> Option<i128> {
        let v = self.get(name)?;
        int_value(ctx, &self.key(name), v, min, max)
    }

    fn u32(&self, ctx: &mut Ctx, name: &str, min: u32, max: u32) -> Option<u32> {
        self.int(ctx, name, min.into(), max.into())
            .and_then(|i| u32::try_from(i).ok())
    }

    fn num(&self, ctx: &mut Ctx, name: &str, range: NumRange) -> Option<f64> {
        let v = self.get(name)?;
        num_value(ctx, &self.key(name), v, range)
    }

    fn req_num(&self, ctx: &mut Ctx, name: &str, range: NumRange) -> Option<f64> {
        if self.require(ctx, name, &format!("a number {}", range.text)) {
            self.num(ctx, name, range)
        } else {
            None
        }
    }

    fn dur(&self, ctx: &mut Ctx, name: &str, range: DurRange) -> Option<SimDuration> {
        let v = self.get(name)?;
        dur_value(ctx, &self.key(name), v, range)
    }

    fn req_dur(&self, ctx: &mut Ctx, name: &str, range: DurRange) -> Option<SimDuration> {
        if self.require(ctx, name, "a duration string such as \"250ms\"") {
            self.dur(ctx, name, range)
        } else {
            None
        }
    }

    fn bool(&self, ctx: &mut Ctx, name: &str) -> Option<bool> {
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

    fn dist(&self, ctx: &mut Ctx, name: &str) -> Option<Dist> {
        let v = self.get(name)?;
        dist_value(ctx, &self.key(name), v)
    }

    fn req_dist(&self, ctx: &mut Ctx, name: &str) -> Option<Dist> {
        if self.require(ctx, name, DIST_EXPECTED) {
            self.dist(ctx, name)
        } else {
            None
        }
    }

    /// A sub-table (inline or `[….name]`).
    fn sub(&self, ctx: &mut Ctx, name: &str) -> Option<Table<'a, 'i>> {
        let v = self.get(name)?;
        Table::of(ctx, self.key(name), v, "a table")
    }

    /// A component name or an array of names.
    fn names(&self, ctx: &mut Ctx, name: &str) -> Vec<NameRef> {
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

    /// Reads the names under `name` into `refs`; returns how many.
    fn refs(
        &self,
        ctx: &mut Ctx,
        refs: &mut Vec<Ref>,
        name: &str,
        role: Role,
        allowed: &'static [Kind],
    ) -> usize {
        let names = self.names(ctx, name);
        let n = names.len();
        refs.extend(names.into_iter().map(|to| Ref { to, role, allowed }));
        n
    }
}

fn choice_value<T: Copy>(
    ctx: &mut Ctx,
    key: &str,
    v: &Val<'_>,
    options: &[(&str, T)],
) -> Option<T> {
    let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
    match v.get_ref() {
        DeValue::String(s) => {
            if let Some((_, t)) = options.iter().find(|(n, _)| *n == s.as_ref()) {
                return Some(*t);
            }
            let hint = did_you_mean_value(s, names.iter().copied());
            ctx.error(
                v.span().start,
                key,
                format!(
                    "expected {}, found {}{hint}",
                    one_of(&names, false),
                    quote(s)
                ),
            );
            None
        }
        other => {
            ctx.error(
                v.span().start,
                key,
                format!("expected {}, found {}", one_of(&names, false), found(other)),
            );
            None
        }
    }
}

fn int_value(ctx: &mut Ctx, key: &str, v: &Val<'_>, min: i128, max: i128) -> Option<i128> {
    let expected = if max >= i128::from(u32::MAX) {
        format!("an integer ≥ {min}")
    } else {
        format!("an integer from {min} to {max}")
    };
    match v.get_ref() {
        DeValue::Integer(_) => match integer_value(v.get_ref()) {
            Some(i) if (min..=max).contains(&i) => Some(i),
            _ => {
                ctx.error(
                    v.span().start,
                    key,
                    format!("expected {expected}, found {}", found(v.get_ref())),
                );
                None
            }
        },
        other => {
            ctx.error(
                v.span().start,
                key,
                format!("expected {expected}, found {}", found(other)),
            );
            None
        }
    }
}

fn num_value(ctx: &mut Ctx, key: &str, v: &Val<'_>, range: NumRange) -> Option<f64> {
    let Some(x) = number_value(v.get_ref()) else {
        ctx.error(
            v.span().start,
            key,
            format!(
                "expected a number {}, found {}",
                range.text,
                found(v.get_ref())
            ),
        );
        return None;
    };
    let above_min = if range.min_open {
        x > range.min
    } else {
        x >= range.min
    };
    if !x.is_finite() || !above_min || x > range.max {
        let finite = if x.is_finite() { "" } else { "finite " };
        ctx.error(
            v.span().start,
            key,
            format!(
                "expected a {finite}number {}, found {}",
                range.text,
                render(v.get_ref())
            ),
        );
        return None;
    }
    Some(x)
}

fn dur_value(ctx: &mut Ctx, key: &str, v: &Val<'_>, range: DurRange) -> Option<SimDuration> {
    let at = v.span().start;
    let text = match v.get_ref() {
        DeValue::String(s) => s,
        other @ (DeValue::Integer(_) | DeValue::Float(_)) => {
            ctx.error(
                at,
                key,
                format!(
                    "expected a duration string such as \"250ms\", found {}; write e.g. \"{}s\"",
                    found(other),
                    render(other)
                ),
            );
            return None;
        }
        other => {
            ctx.error(
                at,
                key,
                format!(
                    "expected a duration string such as \"250ms\", found {}",
                    found(other)
                ),
            );
            return None;
        }
    };
    match SimDuration::parse(text) {
        Ok(d) => {
            let above_min = if range.min_open {
                d > range.min
            } else {
                d >= range.min
            };
            if above_min && d <= range.max {
                Some(d)
            } else {
                ctx.error(
                    at,
                    key,
                    format!("expected a duration {}, found {}", range.text, quote(text)),
                );
                None
            }
        }
        Err(e) => {
            ctx.error(
                at,
                key,
                format!("expected a duration string such as \"250ms\": {e}"),
            );
            None
        }
    }
}

// ---------------------------------------------------------------------------
// Distributions
// ---------------------------------------------------------------------------

const DIST_EXPECTED: &str = "a distribution: a duration string such as \"250ms\" or a table such as { dist = \"exp\", mean = \"100ms\" }";

const DIST_KINDS: &[&str] = &[
    "constant",
    "exp",
    "lognormal",
    "gamma",
    "uniform",
    "normal",
    "pareto",
    "empirical",
];

/// A distribution: a duration string (constant) or a `{ dist = …, … }` table.
fn dist_value(ctx: &mut Ctx, key: &str, v: &Val<'_>) -> Option<Dist> {
    dist_value_scaled(ctx, key, v, 1.0)
}

/// `d` × `scale` (exactly `d` when `scale` is 1).
fn scale_duration(d: SimDuration, scale: f64) -> SimDuration {
    if scale == 1.0 { d } else { d.mul_f64(scale) }
}

/// [`dist_value`] with every duration in it (values, means, medians,
/// percentiles, bounds, standard deviations, samples) multiplied by `scale`
/// (> 0): the same shape, stretched in time. Dimensionless parameters
/// (`cv`, `alpha`) are unchanged. Callers validate the distribution as
/// written first, so that messages quote the user's numbers.
fn dist_value_scaled(ctx: &mut Ctx, key: &str, v: &Val<'_>, scale: f64) -> Option<Dist> {
    let at = v.span().start;
    match v.get_ref() {
        DeValue::String(s) => match SimDuration::parse(s) {
            Ok(d) => Some(Dist::constant(scale_duration(d, scale))),
            Err(e) => {
                ctx.error(at, key, format!("expected {DIST_EXPECTED}: {e}"));
                None
            }
        },
        DeValue::Table(_) => {
            let t = Table::of(ctx, key.to_string(), v, "a table")?;
            let result = dist_table(ctx, &t, scale)?;
            match result {
                Ok(d) => Some(d),
                Err(message) => {
                    ctx.error(at, key, message);
                    None
                }
            }
        }
        other => {
            ctx.error(
                at,
                key,
                format!("expected {DIST_EXPECTED}, found {}", found(other)),
            );
            None
        }
    }
}

/// The table form, its durations multiplied by `scale`; `None` when a
/// problem was reported, `Some(Err)` when the constructor refused the
/// parameters.
fn dist_table(ctx: &mut Ctx, t: &Table, scale: f64) -> Option<Result<Dist, String>> {
    let every_param = [
        "dist", "value", "mean", "median", "p99", "cv", "min", "max", "sd", "alpha", "file", "unit",
    ];
    let kind = match t.get("dist") {
        None => {
            t.check_keys(ctx, &every_param);
            t.require(
                ctx,
                "dist",
                &format!("one of {}", one_of(DIST_KINDS, false)),
            );
            return None;
        }
        Some(_) => {
            let options: Vec<(&str, &str)> = DIST_KINDS.iter().map(|k| (*k, *k)).collect();
            match t.choice(ctx, "dist", &options) {
                Some(k) => k,
                None => {
                    t.check_keys(ctx, &every_param);
                    return None;
                }
            }
        }
    };
    let d = ANY_DURATION;
    let cv = NON_NEGATIVE;
    let sc = |d: SimDuration| scale_duration(d, scale);
    Some(match kind {
        "constant" => {
            t.check_keys(ctx, &["dist", "value"]);
            Ok(Dist::constant(sc(t.req_dur(ctx, "value", d)?)))
        }
        "exp" => {
            t.check_keys(ctx, &["dist", "mean"]);
            Dist::exp(sc(t.req_dur(ctx, "mean", d)?))
        }
        "lognormal" => {
            t.check_keys(ctx, &["dist", "median", "p99", "mean", "cv"]);
            let by_percentiles = t.has("median") || t.has("p99");
            if by_percentiles && (t.has("mean") || t.has("cv")) {
                let name = if t.has("mean") { "mean" } else { "cv" };
                t.err(
                    ctx,
                    name,
                    "a lognormal takes either `median` and `p99`, or `mean` and `cv`, not both",
                );
                return None;
            }
            if by_percentiles {
                let median = t.req_dur(ctx, "median", d);
                let p99 = t.req_dur(ctx, "p99", d);
                Dist::lognormal_median_p99(sc(median?), sc(p99?))
            } else {
                let mean = t.req_dur(ctx, "mean", d);
                let cv = t.req_num(ctx, "cv", cv);
                Dist::lognormal_mean_cv(sc(mean?), cv?)
            }
        }
        "gamma" => {
            t.check_keys(ctx, &["dist", "mean", "cv"]);
            let mean = t.req_dur(ctx, "mean", d);
            let cv = t.req_num(ctx, "cv", cv);
            Dist::gamma_mean_cv(sc(mean?), cv?)
        }
        "uniform" => {
            t.check_keys(ctx, &["dist", "min", "max"]);
            let min = t.req_dur(ctx, "min", d);
            let max = t.req_dur(ctx, "max", d);
            Dist::uniform(sc(min?), sc(max?))
        }
        "normal" => {
            t.check_keys(ctx, &["dist", "mean", "sd", "min", "max"]);
            let mean = t.req_dur(ctx, "mean", d);
            let sd = t.req_dur(ctx, "sd", d);
            let min = t.dur(ctx, "min", d);
            let max = t.dur(ctx, "max", d);
            if (t.has("min") && min.is_none()) || (t.has("max") && max.is_none()) {
                return None;
            }
            Dist::normal(sc(mean?), sc(sd?), min.map(sc), max.map(sc))
        }
        "pareto" => {
            t.check_keys(ctx, &["dist", "min", "alpha"]);
            let min = t.req_dur(ctx, "min", d);
            let alpha = t.req_num(ctx, "alpha", POSITIVE);
            Dist::pareto(sc(min?), alpha?)
        }
        "empirical" => {
            t.check_keys(ctx, &["dist", "file", "unit"]);
            let unit = t.choice(ctx, "unit", &[("ms", 1e-3), ("s", 1.0), ("us", 1e-6)]);
            if t.has("unit") && unit.is_none() {
                return None;
            }
            let file = t.req_str(ctx, "file", "a CSV file name (relative to the scenario)")?;
            match ctx.column(file) {
                Err(message) => {
                    t.err(ctx, "file", message);
                    return None;
                }
                Ok(values) if values.is_empty() => {
                    t.err(ctx, "file", format!("`{file}` holds no values"));
                    return None;
                }
                Ok(values) => {
                    let secs = unit.unwrap_or(1e-3) * scale;
                    Dist::empirical(
                        values
                            .iter()
                            .map(|&(_, x)| SimDuration::from_secs_f64(x * secs))
                            .collect(),
                    )
                }
            }
        }
        _ => return None,
    })
}

// ---------------------------------------------------------------------------
// Components
// ---------------------------------------------------------------------------

/// Component kinds, as written in `kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    LoadBalancer,
    ApiGateway,
    Ec2,
    Fargate,
    Lambda,
    Database,
    Queue,
    Topic,
}

const KINDS: &[(&str, Kind)] = &[
    ("load_balancer", Kind::LoadBalancer),
    ("api_gateway", Kind::ApiGateway),
    ("ec2", Kind::Ec2),
    ("fargate", Kind::Fargate),
    ("lambda", Kind::Lambda),
    ("database", Kind::Database),
    ("queue", Kind::Queue),
    ("topic", Kind::Topic),
];

impl Kind {
    fn name(self) -> &'static str {
        KINDS
            .iter()
            .find(|(_, k)| *k == self)
            .map_or("?", |(n, _)| n)
    }
}

/// What load balancers route to.
const SYNC_TARGETS: &[Kind] = &[
    Kind::Ec2,
    Kind::Fargate,
    Kind::Lambda,
    Kind::Database,
    Kind::LoadBalancer,
];
/// What `calls` may name.
const CALLABLE: &[Kind] = &[
    Kind::Ec2,
    Kind::Fargate,
    Kind::Lambda,
    Kind::Database,
    Kind::LoadBalancer,
    Kind::ApiGateway,
];
/// What `sends` may name.
const SENDABLE: &[Kind] = &[Kind::Queue, Kind::Topic, Kind::Lambda];
/// What consumes a queue.
const CONSUMERS: &[Kind] = &[Kind::Ec2, Kind::Fargate, Kind::Lambda];
/// What a topic delivers to (queues, functions, HTTP endpoints).
const SUBSCRIBERS: &[Kind] = &[
    Kind::Queue,
    Kind::Lambda,
    Kind::Ec2,
    Kind::Fargate,
    Kind::LoadBalancer,
    Kind::ApiGateway,
];
const QUEUES: &[Kind] = &[Kind::Queue];
const ANY_KIND: &[Kind] = &[
    Kind::LoadBalancer,
    Kind::ApiGateway,
    Kind::Ec2,
    Kind::Fargate,
    Kind::Lambda,
    Kind::Database,
    Kind::Queue,
    Kind::Topic,
];

/// How a component refers to another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    /// Load balancer or API gateway target (synchronous).
    Target,
    /// `calls` (synchronous).
    Call,
    /// `sends` (asynchronous).
    Send,
    /// A queue's `consumer`.
    Consumer,
    /// A queue's `dead_letter`.
    DeadLetter,
    /// One of a topic's `subscribers`.
    Subscriber,
    /// A function's `on_failure` destination.
    OnFailure,
}

impl Role {
    fn is_sync(self) -> bool {
        matches!(self, Role::Target | Role::Call)
    }
}

/// A reference to another component, before resolution.
#[derive(Clone, Debug)]
struct Ref {
    to: NameRef,
    role: Role,
    allowed: &'static [Kind],
}

/// A component's settings, all valid, waiting for its references to be
/// resolved within a design.
#[derive(Clone, Debug)]
enum Partial {
    LoadBalancer {
        lb_type: LbType,
        routing: Routing,
        weights: Option<Vec<f64>>,
        latency: Dist,
        slow_start: SimDuration,
        cross_zone: bool,
    },
    Ec2 {
        instance_type: String,
        instances: u32,
        workers: u32,
        queue_limit: Option<u32>,
        service_time: Dist,
        /// Boxed: far larger than the other settings.
        autoscaling: Option<Box<AutoScalingSpec>>,
        lifecycle: Box<LifecycleSpec>,
        purchase: PurchaseSpec,
        fargate: Option<FargateSpec>,
        zones: Vec<String>,
    },
    Database(DatabaseSpec),
    /// `consumer` and `dead_letter` are filled in from the references.
    Queue(QueueSpec),
    Topic {
        /// One per `Role::Subscriber` reference, in the same order.
        filters: Vec<Option<Vec<usize>>>,
        latency: Dist,
    },
    /// `calls` and `sends` are filled in from the references. Boxed: by far
    /// the largest variant.
    Lambda(Box<LambdaSpec>),
    /// `targets` are filled in from the references.
    ApiGateway(ApiGatewaySpec),
}

impl Partial {
    fn build(&self, refs: &[(Role, ComponentId)]) -> ComponentSpec {
        let with = |role: Role| -> Vec<ComponentId> {
            refs.iter()
                .filter(|(r, _)| *r == role)
                .map(|(_, id)| *id)
                .collect()
        };
        match self {
            Partial::LoadBalancer {
                lb_type,
                routing,
                weights,
                latency,
                slow_start,
                cross_zone,
            } => ComponentSpec::LoadBalancer(LoadBalancerSpec {
                lb_type: *lb_type,
                routing: *routing,
                targets: with(Role::Target),
                weights: weights.clone(),
                latency: latency.clone(),
                slow_start: *slow_start,
                cross_zone: *cross_zone,
            }),
            Partial::Ec2 {
                instance_type,
                instances,
                workers,
                queue_limit,
                service_time,
                autoscaling,
                lifecycle,
                purchase,
                fargate,
                zones,
            } => ComponentSpec::Ec2(Ec2Spec {
                instance_type: instance_type.clone(),
                instances: *instances,
                workers: *workers,
                queue_limit: *queue_limit,
                service_time: service_time.clone(),
                calls: with(Role::Call),
                sends: with(Role::Send),
                autoscaling: autoscaling.as_deref().cloned(),
                lifecycle: (**lifecycle).clone(),
                purchase: purchase.clone(),
                fargate: *fargate,
                zones: zones.clone(),
            }),
            Partial::Database(spec) => ComponentSpec::Database(spec.clone()),
            Partial::Queue(spec) => ComponentSpec::Queue(QueueSpec {
                consumer: with(Role::Consumer).first().copied(),
                dead_letter: with(Role::DeadLetter).first().copied(),
                ..spec.clone()
            }),
            Partial::Topic { filters, latency } => ComponentSpec::Topic(TopicSpec {
                subscriptions: with(Role::Subscriber)
                    .into_iter()
                    .zip(filters)
                    .map(|(target, filter)| Subscription {
                        target,
                        filter: filter.clone(),
                    })
                    .collect(),
                latency: latency.clone(),
            }),
            Partial::Lambda(spec) => ComponentSpec::Lambda(LambdaSpec {
                calls: with(Role::Call),
                sends: with(Role::Send),
                on_failure: with(Role::OnFailure).first().copied(),
                ..(**spec).clone()
            }),
            Partial::ApiGateway(spec) => ComponentSpec::ApiGateway(ApiGatewaySpec {
                targets: with(Role::Target),
                ..spec.clone()
            }),
        }
    }
}

/// A component as read, before it is placed in a design.
#[derive(Debug)]
struct Raw {
    name: String,
    path: String,
    at: usize,
    /// `None` when `kind` is missing or unknown (then nothing else was read).
    kind: Option<Kind>,
    refs: Vec<Ref>,
    /// `None` when the component has problems.
    spec: Option<Partial>,
}

/// Reads the component `name` at `path`; `classes` are the request classes
/// of `[workload] classes` (`None` when they are invalid), for topic filters.
fn component(
    ctx: &mut Ctx,
    path: String,
    name: &str,
    name_at: usize,
    value: &Val<'_>,
    classes: Option<&[&str]>,
) -> Option<Raw> {
    let t = Table::of(ctx, path.clone(), value, "a component table with a `kind`")?;
    check_name(ctx, name_at, &path, name, "component");
    let kinds: Vec<&str> = KINDS.iter().map(|(n, _)| *n).collect();
    let kind = if t.require(ctx, "kind", &one_of(&kinds, false)) {
        t.choice(ctx, "kind", KINDS)
    } else {
        None
    };
    let mut refs = Vec::new();
    let r = &mut refs;
    let spec = match kind {
        // Without a kind we cannot tell which keys are valid: say nothing more.
        None => None,
        Some(Kind::LoadBalancer) => component_load_balancer(ctx, &t, r),
        Some(Kind::ApiGateway) => component_api_gateway(ctx, &t, r),
        Some(Kind::Ec2) => component_ec2(ctx, &t, r),
        Some(Kind::Fargate) => component_fargate(ctx, &t, r),
        Some(Kind::Lambda) => component_lambda(ctx, &t, r),
        Some(Kind::Database) => component_database(ctx, &t, r),
        Some(Kind::Queue) => component_queue(ctx, &t, r, name),
        Some(Kind::Topic) => component_topic(ctx, &t, r, classes),
    };
    Some(Raw {
        name: name.to_string(),
        path,
        at: t.at,
        kind,
        refs,
        spec,
    })
}

/// Design and component names become folder names and CSV fields.
fn check_name(ctx: &mut Ctx, at: usize, path: &str, name: &str, what: &str) {
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

const ROUTINGS: &[(&str, Routing)] = &[
    ("round_robin", Routing::RoundRobin),
    ("least_outstanding", Routing::LeastOutstanding),
    ("random", Routing::Random),
    ("power_of_two", Routing::PowerOfTwo),
    ("weighted", Routing::Weighted),
];

fn component_load_balancer(ctx: &mut Ctx, t: &Table, refs: &mut Vec<Ref>) -> Option<Partial> {
    t.check_keys(
        ctx,
        &[
            "kind",
            "type",
            "routing",
            "targets",
            "weights",
            "latency",
            "slow_start",
            "cross_zone",
        ],
    );
    let lb_type = t.choice(ctx, "type", &[("alb", LbType::Alb), ("nlb", LbType::Nlb)]);
    let routing = t.choice(ctx, "routing", ROUTINGS);
    let n_targets = targets(ctx, t, refs);
    let weights = match t.get("weights") {
        None => None,
        Some(v) => {
            if t.has("routing") && routing.is_some() && routing != Some(Routing::Weighted) {
                t.err(
                    ctx,
                    "weights",
                    "`weights` only applies with routing = \"weighted\"",
                );
            } else if !t.has("routing") {
                t.err(ctx, "weights", "`weights` needs routing = \"weighted\"");
            }
            weights(ctx, &t.key("weights"), v, n_targets)
        }
    };
    let latency = t.dist(ctx, "latency");
    // ELB: 30–900 s, or 0 to turn it off (the default).
    let slow_start = t.dur(
        ctx,
        "slow_start",
        dur_range(
            SimDuration::ZERO,
            SimDuration::from_secs(900),
            "0s (off) or from 30s to 900s",
        ),
    );
    if let Some(d) = slow_start {
        if d > SimDuration::ZERO && d < SimDuration::from_secs(30) {
            t.err(
                ctx,
                "slow_start",
                format!(
                    "expected 0s (off) or from 30s to 900s, found {}s",
                    d.as_secs_f64()
                ),
            );
        }
        if routing == Some(Routing::LeastOutstanding) && d > SimDuration::ZERO {
            t.err(
                ctx,
                "slow_start",
                "ALB cannot combine slow start with routing = \"least_outstanding\"",
            );
        }
    }
    Some(Partial::LoadBalancer {
        lb_type: lb_type.unwrap_or(LbType::Alb),
        routing: routing.unwrap_or(Routing::RoundRobin),
        weights,
        latency: latency.unwrap_or_else(|| Dist::constant(SimDuration::from_millis(1))),
        slow_start: slow_start.unwrap_or(SimDuration::ZERO),
        // ALB: cross-zone load balancing is on by default.
        cross_zone: t.bool(ctx, "cross_zone").unwrap_or(true),
    })
}

/// `targets`: at least one, of a synchronous kind. Returns how many.
fn targets(ctx: &mut Ctx, t: &Table, refs: &mut Vec<Ref>) -> usize {
    if !t.require(ctx, "targets", "a component name or an array of names") {
        return 0;
    }
    let n = t.refs(ctx, refs, "targets", Role::Target, SYNC_TARGETS);
    if n == 0
        && matches!(t.get("targets").map(Spanned::get_ref), Some(DeValue::Array(a)) if a.is_empty())
    {
        t.err(
            ctx,
            "targets",
            "expected at least one target, found an empty array",
        );
    }
    n
}

fn weights(ctx: &mut Ctx, key: &str, v: &Val<'_>, n_targets: usize) -> Option<Vec<f64>> {
    let DeValue::Array(items) = v.get_ref() else {
        ctx.error(
            v.span().start,
            key,
            format!(
                "expected an array of numbers > 0, one per target, found {}",
                found(v.get_ref())
            ),
        );
        return None;
    };
    let ws: Vec<Option<f64>> = items
        .iter()
        .map(|w| num_value(ctx, key, w, POSITIVE))
        .collect();
    if ws.len() != n_targets && n_targets > 0 {
        ctx.error(
            v.span().start,
            key,
            format!(
                "expected {n_targets} weights (one per target), found {}",
                ws.len()
            ),
        );
        return None;
    }
    ws.into_iter().collect()
}

const POLICIES: &[(&str, &str)] = &[
    ("target_tracking", "target_tracking"),
    ("step", "step"),
    ("scheduled", "scheduled"),
];
const METRICS: &[(&str, ScalingMetric)] = &[
    ("cpu", ScalingMetric::Cpu),
    ("requests_per_target", ScalingMetric::RequestsPerTarget),
    ("backlog_per_instance", ScalingMetric::BacklogPerInstance),
];
const TERMINATION_POLICIES: &[(&str, TerminationPolicy)] = &[
    ("default", TerminationPolicy::Default),
    ("oldest_instance", TerminationPolicy::OldestInstance),
    ("newest_instance", TerminationPolicy::NewestInstance),
];

/// `[….autoscaling]` of an EC2 or Fargate fleet; `bound` is the most
/// instances (or tasks) a group may have.
fn autoscaling(ctx: &mut Ctx, a: &Table, bound: u32) -> Option<AutoScalingSpec> {
    a.check_keys(
        ctx,
        &[
            "min",
            "max",
            "desired",
            "policy",
            "metric",
            "target",
            "disable_scale_in",
            "steps",
            "datapoints",
            "evaluation_periods",
            "scale_in_cooldown",
            "scale_out_cooldown",
            "warmup",
            "period",
            "metric_delay",
            "termination_policy",
            "scheduled",
            "max_scale_in",
        ],
    );
    let min = if a.require(ctx, "min", "an integer ≥ 0") {
        a.u32(ctx, "min", 0, bound)
    } else {
        None
    };
    let max = if a.require(ctx, "max", "an integer ≥ 1") {
        a.u32(ctx, "max", 1, bound)
    } else {
        None
    };
    let desired = a.u32(ctx, "desired", 0, bound);
    let mut ok = true;
    if let (Some(lo), Some(hi)) = (min, max)
        && lo > hi
    {
        a.err(
            ctx,
            "min",
            format!("expected `min` ≤ `max` ({hi}), found {lo}"),
        );
        ok = false;
    }
    if let Some(d) = desired
        && (min.is_some_and(|lo| d < lo) || max.is_some_and(|hi| d > hi))
    {
        a.err(
            ctx,
            "desired",
            format!("expected `desired` between `min` and `max`, found {d}"),
        );
        ok = false;
    }
    let policy = a.choice(ctx, "policy", POLICIES);
    let metric = a.choice(ctx, "metric", METRICS);
    let policy_ok = !a.has("policy") || policy.is_some();
    let metric_ok = !a.has("metric") || metric.is_some();
    let metric = metric.unwrap_or(ScalingMetric::Cpu);
    let range = if metric == ScalingMetric::Cpu {
        NumRange {
            min: 0.0,
            min_open: true,
            max: 100.0,
            text: "> 0 and ≤ 100 (percent)",
        }
    } else {
        POSITIVE
    };
    let kind = policy.unwrap_or("target_tracking");
    let mut target = None;
    if kind == "target_tracking" && policy_ok {
        if a.require(ctx, "target", "a number > 0 (percent for metric = \"cpu\")") && metric_ok {
            target = a.num(ctx, "target", range);
        }
    } else {
        a.num(ctx, "target", POSITIVE);
        if a.has("target") && policy_ok {
            a.err(
                ctx,
                "target",
                format!("`target` belongs to policy = \"target_tracking\", not \"{kind}\""),
            );
        }
    }
    let disable_scale_in = a.bool(ctx, "disable_scale_in").unwrap_or(false);
    let datapoints = a.u32(ctx, "datapoints", 1, 100);
    let periods = a.u32(ctx, "evaluation_periods", 1, 100);
    if let (Some(n), Some(m)) = (datapoints, periods)
        && n > m
    {
        a.err(
            ctx,
            "datapoints",
            format!("expected `datapoints` ≤ `evaluation_periods` ({m}), found {n}"),
        );
        ok = false;
    }
    let steps = if kind == "step" && policy_ok {
        if a.require(
            ctx,
            "steps",
            "an array of steps such as [{ above = 70, change = 2 }, { below = 30, change = -1 }]",
        ) {
            scaling_steps(ctx, a, range)
        } else {
            None
        }
    } else {
        for key in ["steps", "datapoints", "evaluation_periods"] {
            if a.has(key) && policy_ok {
                a.err(
                    ctx,
                    key,
                    format!("`{key}` belongs to policy = \"step\", not \"{kind}\""),
                );
                ok = false;
            }
        }
        Some(Vec::new())
    };
    let defaults = &crate::catalog::builtin().autoscaling;
    let secs = |q: &crate::catalog::Sourced| SimDuration::from_secs_f64(q.value);
    let cooldown = secs(&defaults.default_cooldown_s);
    let hour = SimDuration::from_secs(3600);
    let scale_in_cooldown = a.dur(ctx, "scale_in_cooldown", ANY_DURATION);
    let scale_out_cooldown = a.dur(ctx, "scale_out_cooldown", ANY_DURATION);
    // AWS accepts warm-ups from 0 to 3,600 s.
    let warmup = a.dur(
        ctx,
        "warmup",
        dur_range(SimDuration::ZERO, hour, "from 0s to 1h"),
    );
    let period = a.dur(
        ctx,
        "period",
        dur_range(SimDuration::from_secs(1), hour, "from 1s to 1h"),
    );
    let metric_delay = a.dur(
        ctx,
        "metric_delay",
        dur_range(SimDuration::ZERO, hour, "from 0s to 1h"),
    );
    let termination = a.choice(ctx, "termination_policy", TERMINATION_POLICIES);
    let max_scale_in = a.u32(ctx, "max_scale_in", 1, bound);
    let scheduled = scheduled_actions(ctx, a, bound);
    if !(policy_ok && metric_ok && ok) {
        return None;
    }
    let (min, max) = (min?, max?);
    let policy = match kind {
        "target_tracking" => ScalingPolicy::TargetTracking {
            metric,
            target: target?,
            disable_scale_in,
        },
        "step" => {
            let n = datapoints.unwrap_or(1);
            ScalingPolicy::Step {
                metric,
                steps: steps?,
                datapoints: n,
                evaluation_periods: periods.unwrap_or(n),
            }
        }
        _ => ScalingPolicy::None,
    };
    Some(AutoScalingSpec {
        min,
        max,
        desired: desired.unwrap_or(min),
        policy,
        scale_in_cooldown: scale_in_cooldown.unwrap_or(cooldown),
        scale_out_cooldown: scale_out_cooldown.unwrap_or(cooldown),
        warmup: warmup.unwrap_or(secs(&defaults.default_warmup_s)),
        period: period.unwrap_or(secs(&defaults.metric_period_s)),
        metric_delay: metric_delay.unwrap_or(secs(&defaults.metric_delay_s)),
        termination: termination.unwrap_or(TerminationPolicy::Default),
        max_scale_in,
        scheduled: scheduled?,
    })
}

/// `steps = [{ above = 70, change = 2 }, { below = 30, change = -1 }]`.
fn scaling_steps(ctx: &mut Ctx, a: &Table, range: NumRange) -> Option<Vec<StepAdjustment>> {
    let v = a.get("steps")?;
    let key = a.key("steps");
    let DeValue::Array(items) = v.get_ref() else {
        ctx.error(
            v.span().start,
            key,
            format!(
                "expected an array of steps such as [{{ above = 70, change = 2 }}], found {}",
                found(v.get_ref())
            ),
        );
        return None;
    };
    let mut steps = Vec::new();
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        let Some(s) = Table::of(
            ctx,
            format!("{key}[{i}]"),
            item,
            "a step { above = 70, change = 2 } or { below = 30, change = -1 }",
        ) else {
            ok = false;
            continue;
        };
        s.check_keys(ctx, &["above", "below", "change"]);
        let above = s.num(ctx, "above", range);
        let below = s.num(ctx, "below", range);
        let change = if s.require(ctx, "change", "a non-zero integer") {
            s.int(
                ctx,
                "change",
                -i128::from(MAX_INSTANCES),
                i128::from(MAX_INSTANCES),
            )
        } else {
            None
        };
        if change == Some(0) {
            s.err(ctx, "change", "expected a non-zero integer, found 0");
            ok = false;
        }
        let step = match (s.has("above"), s.has("below")) {
            (true, false) => above.map(|b| (b, true)),
            (false, true) => below.map(|b| (b, false)),
            (both, _) => {
                let message = if both {
                    "a step has either `above` or `below`, not both"
                } else {
                    "missing `above` or `below`: expected the metric value the step starts at"
                };
                ctx.error(s.at, s.path.clone(), message);
                None
            }
        };
        match (step, change) {
            (Some((bound, above)), Some(c)) if c != 0 => {
                let change = c as i32;
                if above != (change > 0) {
                    s.err(
                        ctx,
                        "change",
                        if above {
                            "a step `above` a bound adds instances: expected `change` > 0"
                        } else {
                            "a step `below` a bound removes instances: expected `change` < 0"
                        },
                    );
                    ok = false;
                } else {
                    steps.push(StepAdjustment {
                        bound,
                        above,
                        change,
                    });
                }
            }
            _ => ok = false,
        }
    }
    if !ok {
        return None;
    }
    // Sorted from the most extreme bound in each direction, so the first
    // step a datapoint passes is the one that applies.
    steps.sort_by(|x, y| match (x.above, y.above) {
        (true, true) => y.bound.total_cmp(&x.bound),
        (false, false) => x.bound.total_cmp(&y.bound),
        (true, false) => std::cmp::Ordering::Less,
        (false, true) => std::cmp::Ordering::Greater,
    });
    Some(steps)
}

/// `scheduled = [{ at = "8h", min = 4, desired = 6 }, …]`.
fn scheduled_actions(ctx: &mut Ctx, a: &Table, bound: u32) -> Option<Vec<ScheduledAction>> {
    let items = timed_items(
        ctx,
        a,
        "scheduled",
        "an array of actions such as [{ at = \"8h\", desired = 6 }]",
        "an action { at = \"8h\", min = 2, max = 10, desired = 6 }",
        "actions",
        |ctx, s| {
            s.check_keys(ctx, &["at", "min", "max", "desired"]);
            let min = s.u32(ctx, "min", 0, bound);
            let max = s.u32(ctx, "max", 1, bound);
            let desired = s.u32(ctx, "desired", 0, bound);
            let mut ok = true;
            if !(s.has("min") || s.has("max") || s.has("desired")) {
                ctx.error(
                    s.at,
                    s.path.clone(),
                    "an action sets at least one of `min`, `max` and `desired`",
                );
                ok = false;
            }
            if let (Some(lo), Some(hi)) = (min, max)
                && lo > hi
            {
                s.err(
                    ctx,
                    "min",
                    format!("expected `min` ≤ `max` ({hi}), found {lo}"),
                );
                ok = false;
            }
            ok.then_some((min, max, desired))
        },
    )?;
    Some(
        items
            .into_iter()
            .map(|(at, (min, max, desired))| ScheduledAction {
                at,
                min,
                max,
                desired,
            })
            .collect(),
    )
}

/// `key = [{ at = …, … }, …]`: an array of tables in strictly increasing
/// order of their required `at`, the rest of each read by `item` (which
/// checks its keys, `at` included). Absent: empty. `None` when any item
/// has a problem, after every problem was reported.
fn timed_items<T>(
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

/// `health_check = { interval, timeout, healthy_threshold, unhealthy_threshold }`.
fn health_check(ctx: &mut Ctx, t: &Table) -> Option<HealthCheckSpec> {
    let tg = &crate::catalog::builtin().target_group;
    let secs = |q: &crate::catalog::Sourced| SimDuration::from_secs_f64(q.value);
    let defaults = HealthCheckSpec {
        interval: secs(&tg.health_check_interval_s),
        timeout: secs(&tg.health_check_timeout_s),
        healthy_threshold: tg.healthy_threshold.value as u32,
        unhealthy_threshold: tg.unhealthy_threshold.value as u32,
    };
    if !t.has("health_check") {
        return Some(defaults);
    }
    let h = t.sub(ctx, "health_check")?;
    h.check_keys(
        ctx,
        &[
            "interval",
            "timeout",
            "healthy_threshold",
            "unhealthy_threshold",
        ],
    );
    // The ranges ELB accepts for instance targets.
    let interval = h.dur(
        ctx,
        "interval",
        dur_range(
            SimDuration::from_secs(5),
            SimDuration::from_secs(300),
            "from 5s to 300s",
        ),
    );
    let timeout = h.dur(
        ctx,
        "timeout",
        dur_range(
            SimDuration::from_secs(2),
            SimDuration::from_secs(120),
            "from 2s to 120s",
        ),
    );
    let healthy = h.u32(ctx, "healthy_threshold", 2, 10);
    let unhealthy = h.u32(ctx, "unhealthy_threshold", 2, 10);
    let bad = |k: &str| h.has(k);
    if (bad("interval") && interval.is_none())
        || (bad("timeout") && timeout.is_none())
        || (bad("healthy_threshold") && healthy.is_none())
        || (bad("unhealthy_threshold") && unhealthy.is_none())
    {
        return None;
    }
    let spec = HealthCheckSpec {
        interval: interval.unwrap_or(defaults.interval),
        timeout: timeout.unwrap_or(defaults.timeout),
        healthy_threshold: healthy.unwrap_or(defaults.healthy_threshold),
        unhealthy_threshold: unhealthy.unwrap_or(defaults.unhealthy_threshold),
    };
    if spec.timeout >= spec.interval {
        h.err(
            ctx,
            "timeout",
            format!(
                "expected a timeout shorter than the interval ({}s)",
                spec.interval.as_secs_f64()
            ),
        );
        return None;
    }
    Some(spec)
}

fn component_ec2(ctx: &mut Ctx, t: &Table, refs: &mut Vec<Ref>) -> Option<Partial> {
    t.check_keys(
        ctx,
        &[
            "kind",
            "instance_type",
            "instances",
            "workers",
            "queue_limit",
            "service_time",
            "calls",
            "sends",
            "boot_time",
            "start_time",
            "autoscaling",
            "health_check",
            "deregistration_delay",
            "mtbf",
            "purchase",
            "on_demand_base",
            "spot_percent",
            "interruption_frequency",
            "spot_discount",
            "savings_plan",
            "reserved",
            "zones",
        ],
    );
    let purchase = purchase(ctx, t);
    let instance_type = t.req_str(
        ctx,
        "instance_type",
        "an EC2 instance type such as \"m5.large\"",
    );
    if let Some(name) = instance_type {
        let catalog = crate::catalog::builtin();
        if catalog.instance_type(name).is_none() {
            let known: Vec<&str> = catalog.instance_type_names().collect();
            let hint = did_you_mean_value(name, known.iter().copied());
            t.err(
                ctx,
                "instance_type",
                format!(
                    "unknown instance type {}{hint} (known types: {})",
                    quote(name),
                    known.join(", ")
                ),
            );
        }
    }
    let scaling = t.sub(ctx, "autoscaling");
    let group = scaling.as_ref().map(|a| autoscaling(ctx, a, MAX_INSTANCES));
    if t.has("autoscaling") && t.has("instances") {
        t.err(
            ctx,
            "instances",
            format!(
                "`instances` cannot be combined with `autoscaling` ({}): the group's size comes from its min, max and desired",
                t.key("autoscaling")
            ),
        );
    }
    // Bounds far above any real fleet, low enough that instances × workers
    // (every worker a queue poller) can neither overflow nor exhaust memory.
    let instances = t.u32(ctx, "instances", 1, MAX_INSTANCES);
    let workers = t.u32(ctx, "workers", 1, MAX_WORKERS);
    let queue_limit = t.u32(ctx, "queue_limit", 0, u32::MAX);
    let service_time = t.req_dist(ctx, "service_time");
    t.refs(ctx, refs, "calls", Role::Call, CALLABLE);
    t.refs(ctx, refs, "sends", Role::Send, SENDABLE);
    // A fixed fleet is up from the start: its boot time matters only to
    // the replacements of failed instances.
    let boot_time = t.dist(ctx, "boot_time");
    let start_time = t.dist(ctx, "start_time");
    let health = health_check(ctx, t);
    let tg = &crate::catalog::builtin().target_group;
    let deregistration_delay = t.dur(
        ctx,
        "deregistration_delay",
        dur_range(
            SimDuration::ZERO,
            SimDuration::from_secs(3600),
            "from 0s to 3600s",
        ),
    );
    let mtbf = t.dur(ctx, "mtbf", POSITIVE_DURATION);
    let lifecycle = LifecycleSpec {
        // Without a boot time an instance is running at once.
        boot_time: boot_time.unwrap_or_else(|| Dist::constant(SimDuration::ZERO)),
        start_time: start_time.unwrap_or_else(|| Dist::constant(SimDuration::ZERO)),
        health_check: health?,
        deregistration_delay: deregistration_delay
            .unwrap_or(SimDuration::from_secs_f64(tg.deregistration_delay_s.value)),
        mtbf,
    };
    let zones = zones(ctx, t);
    let autoscaling = match group {
        Some(g) => Some(g?),
        None => None,
    };
    Some(Partial::Ec2 {
        instance_type: instance_type?.to_string(),
        instances: autoscaling
            .as_ref()
            .map_or(instances.unwrap_or(1), |g| g.desired),
        workers: workers.unwrap_or(1),
        queue_limit,
        service_time: service_time?,
        autoscaling: autoscaling.map(Box::new),
        lifecycle: Box::new(lifecycle),
        purchase: purchase?,
        fargate: None,
        zones: zones?,
    })
}

/// `purchase`, its mix and its discounts (an `ec2` fleet's keys).
fn purchase(ctx: &mut Ctx, t: &Table) -> Option<PurchaseSpec> {
    #[derive(Clone, Copy, PartialEq)]
    enum Kind {
        OnDemand,
        Spot,
        Mixed,
    }
    let p = &crate::catalog::builtin().ec2_purchase;
    let kind = t.choice(
        ctx,
        "purchase",
        &[
            ("on_demand", Kind::OnDemand),
            ("spot", Kind::Spot),
            ("mixed", Kind::Mixed),
        ],
    );
    let valid = kind.is_some() || !t.has("purchase");
    let kind = kind.unwrap_or(Kind::OnDemand);
    for key in ["on_demand_base", "spot_percent"] {
        if t.has(key) && kind != Kind::Mixed {
            t.err(
                ctx,
                key,
                format!("`{key}` sets the mix of purchase = \"mixed\"; add it or remove `{key}`"),
            );
        }
    }
    let base = t.u32(ctx, "on_demand_base", 0, MAX_INSTANCES);
    let percent = t.u32(ctx, "spot_percent", 0, 100);
    let spot_percent = match kind {
        Kind::OnDemand => 0,
        Kind::Spot => 100,
        Kind::Mixed => percent.unwrap_or(0),
    };
    for key in ["interruption_frequency", "spot_discount"] {
        if t.has(key) && kind == Kind::OnDemand {
            t.err(
                ctx,
                key,
                format!(
                    "`{key}` applies to Spot instances: it needs purchase = \"spot\" or \"mixed\""
                ),
            );
        }
    }
    let band = t.choice(
        ctx,
        "interruption_frequency",
        &[
            ("<5%", p.band_lt5_pct.value),
            ("5-10%", p.band_5_10_pct.value),
            ("10-15%", p.band_10_15_pct.value),
            ("15-20%", p.band_15_20_pct.value),
            (">20%", p.band_gt20_pct.value),
        ],
    );
    const SPOT_DISCOUNT: NumRange = NumRange {
        min: 0.0,
        min_open: false,
        max: 90.0,
        text: "from 0 to 90 (percent; AWS: up to 90)",
    };
    const COMMITMENT_DISCOUNT: NumRange = NumRange {
        min: 0.0,
        min_open: false,
        max: 72.0,
        text: "from 0 to 72 (percent; AWS: up to 72)",
    };
    let spot_discount = t.num(ctx, "spot_discount", SPOT_DISCOUNT);
    let savings_plan = t.num(ctx, "savings_plan", COMMITMENT_DISCOUNT);
    let reserved = t.num(ctx, "reserved", COMMITMENT_DISCOUNT);
    if t.has("savings_plan") && t.has("reserved") {
        t.err(
            ctx,
            "reserved",
            "`reserved` cannot be combined with `savings_plan`: give the one discount the on-demand instances get",
        );
    }
    valid.then(|| PurchaseSpec {
        on_demand_base: if kind == Kind::Mixed {
            base.unwrap_or(0)
        } else {
            0
        },
        spot_percent,
        interruptions_per_month_pct: band.unwrap_or(p.default_band_pct.value),
        spot_discount_pct: spot_discount.unwrap_or(p.spot_discount_pct.value),
        spot_discount_given: spot_discount.is_some(),
        on_demand_discount_pct: savings_plan.or(reserved).unwrap_or(0.0),
    })
}

/// Most availability zones of a fleet (zone names `a` to `z`).
const MAX_ZONES: u32 = 26;

/// `zones`: a count (zones `a`, `b`, … as in `us-east-1a`) or an array of
/// distinct names; empty when absent.
fn zones(ctx: &mut Ctx, t: &Table) -> Option<Vec<String>> {
    let Some(v) = t.get("zones") else {
        return Some(Vec::new());
    };
    let key = t.key("zones");
    let expected = format!("a number of zones from 1 to {MAX_ZONES} or an array of zone names");
    match v.get_ref() {
        DeValue::Integer(_) => {
            let n = t.u32(ctx, "zones", 1, MAX_ZONES)?;
            Some(
                (0..n)
                    .map(|i| char::from(b'a' + i as u8).to_string())
                    .collect(),
            )
        }
        DeValue::Array(items) if !items.is_empty() && items.len() <= MAX_ZONES as usize => {
            let mut names: Vec<String> = Vec::new();
            let mut ok = true;
            for item in items {
                match item.get_ref() {
                    DeValue::String(s) if !s.is_empty() && !names.iter().any(|n| n == s) => {
                        names.push(s.to_string());
                    }
                    DeValue::String(s) => {
                        let problem = if s.is_empty() {
                            "an empty zone name".to_string()
                        } else {
                            format!("zone {} twice", quote(s))
                        };
                        ctx.error(
                            item.span().start,
                            key.clone(),
                            format!("expected distinct zone names, found {problem}"),
                        );
                        ok = false;
                    }
                    other => {
                        ctx.error(
                            item.span().start,
                            key.clone(),
                            format!(
                                "expected {expected}, found an array holding {}",
                                found(other)
                            ),
                        );
                        ok = false;
                    }
                }
            }
            ok.then_some(names)
        }
        other => {
            ctx.error(
                v.span().start,
                key,
                format!("expected {expected}, found {}", found(other)),
            );
            None
        }
    }
}

fn component_database(ctx: &mut Ctx, t: &Table, _refs: &mut Vec<Ref>) -> Option<Partial> {
    t.check_keys(
        ctx,
        &[
            "kind",
            "capacity",
            "service_time",
            "queue_limit",
            "cost_per_hour",
            "cost_per_million",
        ],
    );
    let capacity = t.u32(ctx, "capacity", 1, MAX_CAPACITY);
    let service_time = t.req_dist(ctx, "service_time");
    let queue_limit = t.u32(ctx, "queue_limit", 0, u32::MAX);
    let cost_per_hour = t.num(ctx, "cost_per_hour", NON_NEGATIVE);
    let cost_per_million = t.num(ctx, "cost_per_million", NON_NEGATIVE);
    Some(Partial::Database(DatabaseSpec {
        capacity: capacity.unwrap_or(1),
        service_time: service_time?,
        queue_limit,
        cost_per_hour: cost_per_hour.unwrap_or(0.0),
        cost_per_million: cost_per_million.unwrap_or(0.0),
    }))
}

/// SQS API call latency: ~16 ms to send a 1 KB message (steady state,
/// us-east-1) in an AWS-run benchmark — Stony Brook "Cloud Performance
/// Benchmark Series – SQS", rev. July 2012, Amazon-provided results
/// (/work/shared/reference/aws-facts.md §4).
const SQS_LATENCY: SimDuration = SimDuration::from_millis(16);
/// SNS publish → delivery: "typically tens of ms to <1 s" per aws-facts.md
/// §5, tagged UNCONFIRMED there (no measurement found); 20 ms is a
/// modelling assumption.
const SNS_LATENCY: SimDuration = SimDuration::from_millis(20);
/// Largest SQS message, 1 MiB (aws-facts.md §4).
const MAX_MESSAGE_BYTES: u32 = 1_048_576;
/// Largest batch of an SQS event source mapping (standard queues).
const ESM_MAX_BATCH_SIZE: u32 = 10_000;

const QUEUE_TYPES: &[(&str, QueueType)] =
    &[("standard", QueueType::Standard), ("fifo", QueueType::Fifo)];

/// Defaults are AWS's where AWS has one (aws-facts.md §4).
fn component_queue(
    ctx: &mut Ctx,
    t: &Table,
    refs: &mut Vec<Ref>,
    own_name: &str,
) -> Option<Partial> {
    t.check_keys(
        ctx,
        &[
            "kind",
            "type",
            "consumer",
            "visibility_timeout",
            "retention",
            "delay",
            "wait_time",
            "max_receives",
            "dead_letter",
            "batch_size",
            "batching_window",
            "report_batch_item_failures",
            "groups",
            "duplicate_probability",
            "high_throughput",
            "latency",
            "message_size",
        ],
    );
    let queue_type = t.choice(ctx, "type", QUEUE_TYPES);
    // With an invalid `type`, keys that depend on it are not checked against it.
    let type_known = !t.has("type") || queue_type.is_some();
    let fifo = queue_type == Some(QueueType::Fifo);
    if t.has("consumer") {
        single_name(ctx, t, "consumer");
        t.refs(ctx, refs, "consumer", Role::Consumer, CONSUMERS);
    }
    const H: u64 = 3600;
    let visibility_timeout = t.dur(
        ctx,
        "visibility_timeout",
        dur_range(
            SimDuration::ZERO,
            SimDuration::from_secs(12 * H),
            "from 0s to 12h",
        ),
    );
    let retention = t.dur(
        ctx,
        "retention",
        dur_range(
            SimDuration::from_secs(60),
            SimDuration::from_secs(14 * 24 * H),
            "from 60s to 14d",
        ),
    );
    let delay = t.dur(
        ctx,
        "delay",
        dur_range(
            SimDuration::ZERO,
            SimDuration::from_secs(15 * 60),
            "from 0s to 15m",
        ),
    );
    let wait_time = t.dur(
        ctx,
        "wait_time",
        dur_range(
            SimDuration::ZERO,
            SimDuration::from_secs(20),
            "from 0s to 20s",
        ),
    );
    // Without `dead_letter`, a message received this often is discarded.
    let max_receives = t.u32(ctx, "max_receives", 1, 1000);
    if t.has("dead_letter") {
        single_name(ctx, t, "dead_letter");
        let before = refs.len();
        // Its type is checked once resolved (`check_dead_letters`).
        t.refs(ctx, refs, "dead_letter", Role::DeadLetter, QUEUES);
        if refs[before..].iter().any(|r| r.to.name == own_name) {
            t.err(
                ctx,
                "dead_letter",
                "a queue cannot be its own dead-letter queue",
            );
        }
    }
    // Above ten only for a Lambda consumer (`check_event_source_mappings`).
    let batch_size = t.u32(ctx, "batch_size", 1, ESM_MAX_BATCH_SIZE);
    let batching_window = t.dur(
        ctx,
        "batching_window",
        dur_range(
            SimDuration::ZERO,
            SimDuration::from_secs(300),
            "from 0s to 5m",
        ),
    );
    let report_batch_item_failures = t.bool(ctx, "report_batch_item_failures");
    if !t.has("consumer") {
        for key in ["batching_window", "report_batch_item_failures"] {
            if t.has(key) {
                t.err(
                    ctx,
                    key,
                    format!("`{key}` is a setting of the queue's Lambda consumer, but the queue has no `consumer`"),
                );
            }
        }
    }
    if fifo && batching_window.is_some_and(|w| w > SimDuration::ZERO) {
        t.err(
            ctx,
            "batching_window",
            "a FIFO queue's event source mapping has no batching window (AWS supports it for standard queues only)",
        );
    }
    if let Some(n) = batch_size.filter(|&n| n > 10) {
        if fifo {
            t.err(
                ctx,
                "batch_size",
                format!("expected at most 10 for a FIFO queue, found {n}"),
            );
        } else if batching_window.is_none_or(|w| w < SimDuration::from_secs(1)) {
            t.err(
                ctx,
                "batch_size",
                format!("a batch of {n} (more than 10) needs `batching_window` of at least 1s, as AWS requires"),
            );
        }
    }
    let groups = t.u32(ctx, "groups", 1, u32::MAX);
    if groups.is_some() && type_known && !fifo {
        t.err(
            ctx,
            "groups",
            "`groups` (message groups) only applies with type = \"fifo\"",
        );
    }
    let duplicate_probability = t.num(
        ctx,
        "duplicate_probability",
        NumRange {
            min: 0.0,
            min_open: false,
            max: 1.0,
            text: "from 0 to 1",
        },
    );
    if duplicate_probability.is_some() && type_known && fifo {
        t.err(
            ctx,
            "duplicate_probability",
            "`duplicate_probability` only applies with type = \"standard\": a FIFO queue delivers each message once",
        );
    }
    let high_throughput = t.bool(ctx, "high_throughput");
    if high_throughput.is_some() && type_known && !fifo {
        t.err(
            ctx,
            "high_throughput",
            "`high_throughput` only applies with type = \"fifo\"",
        );
    }
    let latency = t.dist(ctx, "latency");
    let message_bytes = t.u32(ctx, "message_size", 1, MAX_MESSAGE_BYTES);
    let queue_type = match queue_type {
        Some(q) => q,
        // The dead-letter check needs the type: say nothing more.
        None if t.has("type") => return None,
        None => QueueType::Standard,
    };
    Some(Partial::Queue(QueueSpec {
        queue_type,
        consumer: None,
        visibility_timeout: visibility_timeout.unwrap_or(SimDuration::from_secs(30)),
        max_receives,
        dead_letter: None,
        retention: retention.unwrap_or(SimDuration::from_secs(4 * 24 * H)),
        delay: delay.unwrap_or(SimDuration::ZERO),
        batch_size: batch_size.unwrap_or(1),
        batching_window: batching_window.unwrap_or(SimDuration::ZERO),
        report_batch_item_failures: report_batch_item_failures.unwrap_or(false),
        wait_time: wait_time.unwrap_or(SimDuration::ZERO),
        groups: groups.unwrap_or(1),
        duplicate_probability: duplicate_probability.unwrap_or(0.0),
        high_throughput: high_throughput.unwrap_or(false),
        latency: latency.unwrap_or_else(|| Dist::constant(SQS_LATENCY)),
        message_bytes: message_bytes.unwrap_or(1024),
    }))
}

/// `name` must be one component name, not an array.
fn single_name(ctx: &mut Ctx, t: &Table, name: &str) {
    if let Some(v) = t.get(name)
        && !matches!(v.get_ref(), DeValue::String(_))
    {
        t.err(
            ctx,
            name,
            format!("expected one component name, found {}", found(v.get_ref())),
        );
    }
}

fn component_topic(
    ctx: &mut Ctx,
    t: &Table,
    refs: &mut Vec<Ref>,
    classes: Option<&[&str]>,
) -> Option<Partial> {
    t.check_keys(ctx, &["kind", "subscribers", "latency"]);
    let latency = t
        .dist(ctx, "latency")
        .unwrap_or_else(|| Dist::constant(SNS_LATENCY));
    let expected =
        "an array of component names or of tables { target = \"name\", filter = [\"class\", …] }";
    if !t.require(ctx, "subscribers", expected) {
        return None;
    }
    let v = t.get("subscribers")?;
    let key = t.key("subscribers");
    let subscriber = |to: NameRef| Ref {
        to,
        role: Role::Subscriber,
        allowed: SUBSCRIBERS,
    };
    let mut filters = Vec::new();
    let items = match v.get_ref() {
        DeValue::Array(items) if items.is_empty() => {
            t.err(
                ctx,
                "subscribers",
                "expected at least one subscriber, found an empty array",
            );
            return None;
        }
        DeValue::Array(items) => items,
        DeValue::String(_) => {
            t.refs(ctx, refs, "subscribers", Role::Subscriber, SUBSCRIBERS);
            filters.push(None);
            return Some(Partial::Topic { filters, latency });
        }
        other => {
            ctx.error(
                v.span().start,
                key,
                format!("expected {expected}, found {}", found(other)),
            );
            return None;
        }
    };
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        match item.get_ref() {
            DeValue::String(s) => {
                refs.push(subscriber(NameRef {
                    name: s.to_string(),
                    at: item.span().start,
                    key: key.clone(),
                }));
                filters.push(None);
            }
            DeValue::Table(_) => {
                let Some(s) = Table::of(ctx, format!("{key}[{i}]"), item, "a table") else {
                    ok = false;
                    continue;
                };
                s.check_keys(ctx, &["target", "filter"]);
                let filter = match s.get("filter") {
                    None => Some(None),
                    Some(f) => class_filter(ctx, &s.key("filter"), f, classes).map(Some),
                };
                match s.req_str(ctx, "target", "a component name") {
                    Some(name) => refs.push(subscriber(NameRef {
                        name: name.to_string(),
                        at: s.at("target"),
                        key: s.key("target"),
                    })),
                    None => ok = false,
                }
                // Any problem returns `None`, so `filters` and the
                // subscriber references stay aligned in a built topic.
                match filter {
                    Some(f) => filters.push(f),
                    None => ok = false,
                }
            }
            other => {
                ctx.error(
                    item.span().start,
                    key.clone(),
                    format!(
                        "expected {expected}, found an array holding {}",
                        found(other)
                    ),
                );
                ok = false;
            }
        }
    }
    ok.then_some(Partial::Topic { filters, latency })
}

/// A subscription's `filter`: request classes of `[workload] classes`, as
/// indices in file order; `None` once a problem is reported. Without
/// `classes` (they are invalid) the names cannot be checked.
fn class_filter(
    ctx: &mut Ctx,
    key: &str,
    v: &Val<'_>,
    classes: Option<&[&str]>,
) -> Option<Vec<usize>> {
    let expected =
        "a non-empty array of request classes from [workload] classes, such as [\"order\"]";
    let items = match v.get_ref() {
        DeValue::Array(items) if items.is_empty() => {
            ctx.error(
                v.span().start,
                key,
                format!(
                    "expected {expected}, found an empty array (leave `filter` out to deliver every class)"
                ),
            );
            return None;
        }
        DeValue::Array(items) => items,
        other => {
            ctx.error(
                v.span().start,
                key,
                format!("expected {expected}, found {}", found(other)),
            );
            return None;
        }
    };
    let mut indices = Vec::with_capacity(items.len());
    let mut ok = true;
    for item in items.iter() {
        let at = item.span().start;
        let DeValue::String(name) = item.get_ref() else {
            ctx.error(
                at,
                key,
                format!(
                    "expected {expected}, found an array holding {}",
                    found(item.get_ref())
                ),
            );
            ok = false;
            continue;
        };
        let Some(classes) = classes else {
            ok = false;
            continue;
        };
        match classes.iter().position(|c| *c == name.as_ref()) {
            Some(i) if indices.contains(&i) => {
                ctx.error(at, key, format!("class {} is listed twice", quote(name)));
                ok = false;
            }
            Some(i) => indices.push(i),
            None => {
                let hint = did_you_mean_value(name, classes.iter().copied());
                let declared: Vec<&str> = classes.to_vec();
                ctx.error(
                    at,
                    key,
                    format!(
                        "expected a request class declared in [workload] classes ({}), found {}{hint}",
                        one_of(&declared, false),
                        quote(name)
                    ),
                );
                ok = false;
            }
        }
    }
    ok.then_some(indices)
}

/// The runtime without a catalog figure: container-image functions.
const CONTAINER: &str = "container";

/// Spread of the default cold start: a log-normal with coefficient of
/// variation 0.25 around the catalog's figure. The reference gives one mean
/// per runtime and no spread, so 0.25 is a modelling assumption.
const COLD_START_CV: f64 = 0.25;

/// `memory_mb` range and default, AWS's (aws-facts.md §6.2, "Configure memory").
const LAMBDA_MIN_MB: u32 = 128;
const LAMBDA_MAX_MB: u32 = 10_240;

/// `cpu_bound`, for messages.
const CPU_BOUND_EXPECTED: &str = "the memory size in MB at which `service_time` was measured, an integer from 128 to 10240 (e.g. cpu_bound = 1769)";

/// A duration from `min` to `max`, both inclusive; the bounds may come from
/// the catalog, hence the message is built here rather than in a [`DurRange`].
fn dur_between(
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

/// Defaults are AWS's where AWS has one, else the catalog's (aws-facts.md §6).
fn component_lambda(ctx: &mut Ctx, t: &Table, refs: &mut Vec<Ref>) -> Option<Partial> {
    t.check_keys(
        ctx,
        &[
            "kind",
            "runtime",
            "memory_mb",
            "architecture",
            "service_time",
            "cold_start",
            "keep_alive",
            "concurrency",
            "provisioned",
            "timeout",
            "calls",
            "sends",
            "cpu_bound",
            "retries",
            "max_event_age",
            "on_failure",
        ],
    );
    let catalog = crate::catalog::builtin();
    let limits = &catalog.lambda;
    let mut runtimes: Vec<&str> = catalog.lambda_runtime_names().collect();
    runtimes.push(CONTAINER);
    let options: Vec<(&str, &str)> = runtimes.iter().map(|r| (*r, *r)).collect();
    let runtime = if t.require(ctx, "runtime", &one_of(&runtimes, false)) {
        t.choice(ctx, "runtime", &options)
    } else {
        None
    };
    let memory_mb = t.u32(ctx, "memory_mb", LAMBDA_MIN_MB, LAMBDA_MAX_MB);
    let memory_ok = !t.has("memory_mb") || memory_mb.is_some();
    let memory_mb = memory_mb.unwrap_or(LAMBDA_MIN_MB);
    let architecture = t.choice(
        ctx,
        "architecture",
        &[
            ("x86_64", Architecture::X86_64),
            ("arm64", Architecture::Arm64),
        ],
    );
    // `cpu_bound = N`: service_time was measured at N MB and is CPU-bound, so
    // it scales with the CPU share: × cpu(N) / cpu(memory_mb).
    let cpu_bound = t
        .get("cpu_bound")
        .and_then(|v| match integer_value(v.get_ref()) {
            Some(n) if (i128::from(LAMBDA_MIN_MB)..=i128::from(LAMBDA_MAX_MB)).contains(&n) => {
                u32::try_from(n).ok()
            }
            _ => {
                t.err(
                    ctx,
                    "cpu_bound",
                    format!(
                        "expected {CPU_BOUND_EXPECTED}, found {}",
                        found(v.get_ref())
                    ),
                );
                None
            }
        });
    let factor = cpu_bound
        .filter(|&n| memory_ok && n != memory_mb)
        .map(|n| catalog.lambda_vcpus(f64::from(n)) / catalog.lambda_vcpus(f64::from(memory_mb)));
    let service_time = match (t.req_dist(ctx, "service_time"), factor) {
        // Read again, stretched: the distribution was checked as written
        // (so messages quote the user's numbers); only the scaled numbers
        // can still be refused.
        (Some(_), Some(f)) => t
            .get("service_time")
            .and_then(|v| dist_value_scaled(ctx, &t.key("service_time"), v, f)),
        (st, _) => st,
    };
    let cold_start = match t.get("cold_start") {
        Some(_) => t.dist(ctx, "cold_start"),
        None if runtime == Some(CONTAINER) => {
            t.err(
                ctx,
                "cold_start",
                format!(
                    "missing `cold_start`: runtime = \"{CONTAINER}\" has no default because no published cold-start figure exists for container-image functions; expected {DIST_EXPECTED}"
                ),
            );
            None
        }
        // Default: log-normal with median = the catalog's measured init
        // time and cv = COLD_START_CV (the spread is a modelling assumption).
        // For a log-normal, mean = median·√(1 + cv²).
        None => runtime
            .and_then(|r| catalog.lambda_runtime(r))
            .and_then(|r| {
                let median = SimDuration::from_secs_f64(r.init_ms.value / 1e3);
                let mean = median.mul_f64((1.0 + COLD_START_CV * COLD_START_CV).sqrt());
                Dist::lognormal_mean_cv(mean, COLD_START_CV).ok()
            }),
    };
    let keep_alive = t.dist(ctx, "keep_alive").unwrap_or_else(|| {
        Dist::constant(SimDuration::from_secs_f64(
            limits.default_keep_alive_minutes.value * 60.0,
        ))
    });
    // Reserved and provisioned concurrency both come out of the account's.
    let account = limits.account_concurrency.value as u32;
    let concurrency = t.u32(ctx, "concurrency", 1, account);
    let provisioned = t.u32(ctx, "provisioned", 0, account);
    if let (Some(p), Some(c)) = (provisioned, concurrency)
        && p > c
    {
        t.err(
            ctx,
            "provisioned",
            format!("expected at most `concurrency` ({c}) provisioned environments, found {p}"),
        );
    }
    let timeout = dur_between(
        ctx,
        t,
        "timeout",
        SimDuration::from_secs(1),
        SimDuration::from_secs_f64(limits.max_timeout_s.value),
    );
    // Asynchronous invocations: retries of a failed event (0–2, default 2)
    // and its maximum age (60 s–6 h, default 6 h), as AWS documents them
    // (aws-facts.md §6.2).
    let retries = t.u32(ctx, "retries", 0, 2);
    let max_event_age = dur_between(
        ctx,
        t,
        "max_event_age",
        SimDuration::from_secs(60),
        SimDuration::from_secs(6 * 3600),
    );
    t.refs(ctx, refs, "calls", Role::Call, CALLABLE);
    t.refs(ctx, refs, "sends", Role::Send, SENDABLE);
    t.refs(ctx, refs, "on_failure", Role::OnFailure, QUEUES);
    // Values refused above fall back to their defaults here; the reported
    // problem keeps the scenario from loading.
    Some(Partial::Lambda(Box::new(LambdaSpec {
        runtime: runtime?.to_string(),
        memory_mb,
        architecture: architecture.unwrap_or(Architecture::X86_64),
        service_time: service_time?,
        cold_start: cold_start?,
        keep_alive,
        concurrency,
        provisioned: provisioned.unwrap_or(0),
        timeout: timeout
            .unwrap_or_else(|| SimDuration::from_secs_f64(limits.default_timeout_s.value)),
        calls: Vec::new(),
        sends: Vec::new(),
        async_retries: retries.unwrap_or(2),
        max_event_age: max_event_age.unwrap_or(SimDuration::from_secs(6 * 3600)),
        on_failure: None,
    })))
}

/// Defaults are the account-level ones (aws-facts.md §8).
fn component_api_gateway(ctx: &mut Ctx, t: &Table, refs: &mut Vec<Ref>) -> Option<Partial> {
    t.check_keys(
        ctx,
        &[
            "kind", "type", "targets", "rate", "burst", "timeout", "latency",
        ],
    );
    let limits = &crate::catalog::builtin().api_gateway;
    let api_type = t.choice(
        ctx,
        "type",
        &[("http", ApiType::Http), ("rest", ApiType::Rest)],
    );
    targets(ctx, t, refs);
    let rate = t.num(ctx, "rate", POSITIVE);
    let burst = t.u32(ctx, "burst", 1, u32::MAX);
    let max_timeout = SimDuration::from_secs_f64(limits.integration_timeout_s.value);
    let timeout = dur_between(ctx, t, "timeout", SimDuration::from_millis(50), max_timeout);
    // No published figure for the time the gateway itself adds: 1 ms is a
    // modelling assumption.
    let latency = t.dist(ctx, "latency");
    Some(Partial::ApiGateway(ApiGatewaySpec {
        api_type: api_type.unwrap_or(ApiType::Http),
        targets: Vec::new(),
        rate: rate.unwrap_or(limits.throttle_rate_per_s.value),
        burst: burst.unwrap_or(limits.throttle_burst.value as u32),
        timeout: timeout.unwrap_or(max_timeout),
        latency: latency.unwrap_or_else(|| Dist::constant(SimDuration::from_millis(1))),
    }))
}

fn component_fargate(ctx: &mut Ctx, t: &Table, refs: &mut Vec<Ref>) -> Option<Partial> {
    t.check_keys(
        ctx,
        &[
            "kind",
            "vcpu",
            "memory_gb",
            "tasks",
            "workers",
            "service_time",
            "calls",
            "sends",
            "start_time",
            "autoscaling",
            "queue_limit",
            "health_check",
            "deregistration_delay",
            "mtbf",
            "purchase",
            "on_demand_base",
            "spot_percent",
            "interruption_frequency",
            "spot_discount",
            "savings_plan",
        ],
    );
    let purchase = purchase(ctx, t);
    const VCPUS: &[f64] = &[0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0];
    let mut vcpu = t.req_num(ctx, "vcpu", POSITIVE);
    if let Some(v) = vcpu
        && !VCPUS.contains(&v)
    {
        t.err(
            ctx,
            "vcpu",
            format!("expected one of 0.25, 0.5, 1, 2, 4, 8 or 16, found {v}"),
        );
        vcpu = None;
    }
    let memory_gb = t.req_num(ctx, "memory_gb", POSITIVE);
    let scaling = t.sub(ctx, "autoscaling");
    let group = scaling.as_ref().map(|a| autoscaling(ctx, a, MAX_INSTANCES));
    if t.has("autoscaling") && t.has("tasks") {
        t.err(ctx, "tasks", "`tasks` cannot be combined with `autoscaling`: the service's size comes from its min, max and desired");
    }
    let tasks = t.u32(ctx, "tasks", 1, MAX_INSTANCES);
    let workers = t.u32(ctx, "workers", 1, MAX_WORKERS);
    let queue_limit = t.u32(ctx, "queue_limit", 0, u32::MAX);
    let service_time = t.req_dist(ctx, "service_time");
    t.refs(ctx, refs, "calls", Role::Call, CALLABLE);
    t.refs(ctx, refs, "sends", Role::Send, SENDABLE);
    // The task start-up (PROVISIONING → RUNNING, the image pull most of
    // it) plays the part of an instance's boot.
    let start_time = t.dist(ctx, "start_time");
    let health = health_check(ctx, t);
    let catalog = crate::catalog::builtin();
    let deregistration_delay = t.dur(
        ctx,
        "deregistration_delay",
        dur_range(
            SimDuration::ZERO,
            SimDuration::from_secs(3600),
            "from 0s to 3600s",
        ),
    );
    let mtbf = t.dur(ctx, "mtbf", POSITIVE_DURATION);
    let f = &catalog.fargate;
    let lifecycle = LifecycleSpec {
        boot_time: start_time.unwrap_or_else(|| {
            let min = SimDuration::from_secs_f64(f.task_start_min_s.value);
            let max = SimDuration::from_secs_f64(f.task_start_max_s.value);
            Dist::uniform(min, max).unwrap_or_else(|_| Dist::constant(min))
        }),
        start_time: Dist::constant(SimDuration::ZERO),
        health_check: health?,
        deregistration_delay: deregistration_delay.unwrap_or(SimDuration::from_secs_f64(
            catalog.target_group.deregistration_delay_s.value,
        )),
        mtbf,
    };
    let autoscaling = match group {
        Some(g) => Some(g?),
        None => None,
    };
    Some(Partial::Ec2 {
        instance_type: String::new(),
        instances: autoscaling
            .as_ref()
            .map_or(tasks.unwrap_or(1), |g| g.desired),
        workers: workers.unwrap_or(1),
        queue_limit,
        service_time: service_time?,
        autoscaling: autoscaling.map(Box::new),
        lifecycle: Box::new(lifecycle),
        purchase: purchase?,
        fargate: Some(FargateSpec {
            vcpu: vcpu?,
            memory_gb: memory_gb?,
        }),
        // Zones are an `ec2` fleet's setting so far.
        zones: Vec::new(),
    })
}

// ---------------------------------------------------------------------------
// Designs: placing components, resolving references, finding cycles
// ---------------------------------------------------------------------------

/// `[designs.NAME]` as read.
struct RawDesign {
    name: String,
    entry: Option<NameRef>,
    own: Vec<Raw>,
}

/// Places a design's components (its own, then the shared ones it reaches),
/// resolves every reference and rejects synchronous call cycles.
fn assemble(ctx: &mut Ctx, d: &RawDesign, shared: &[Raw]) -> Option<Design> {
    let errors_before = ctx.errors.len();
    let shared_index: HashMap<&str, usize> = shared
        .iter()
        .enumerate()
        .map(|(i, c)| (c.name.as_str(), i))
        .collect();
    let mut own_index: HashMap<&str, usize> = HashMap::new();
    for (i, c) in d.own.iter().enumerate() {
        own_index.entry(c.name.as_str()).or_insert(i);
        if let Some(&s) = shared_index.get(c.name.as_str()) {
            ctx.error(
                c.at,
                c.path.clone(),
                format!(
                    "design `{}` defines `{}`, which is already a shared component ({}); rename one of them",
                    d.name, c.name, shared[s].path
                ),
            );
        }
    }
    // The shared components reached from the design's own, transitively.
    let mut reached = vec![false; shared.len()];
    let mut stack: Vec<&str> = d.entry.iter().map(|e| e.name.as_str()).collect();
    stack.extend(
        d.own
            .iter()
            .flat_map(|c| c.refs.iter().map(|r| r.to.name.as_str())),
    );
    while let Some(name) = stack.pop() {
        if own_index.contains_key(name) {
            continue;
        }
        if let Some(&i) = shared_index.get(name)
            && !reached[i]
        {
            reached[i] = true;
            stack.extend(shared[i].refs.iter().map(|r| r.to.name.as_str()));
        }
    }
    let members: Vec<&Raw> = d
        .own
        .iter()
        .chain(
            shared
                .iter()
                .zip(&reached)
                .filter(|(_, r)| **r)
                .map(|(c, _)| c),
        )
        .collect();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (i, c) in members.iter().enumerate() {
        index.entry(c.name.as_str()).or_insert(i);
    }
    // Every name the design could mean, for suggestions.
    let known: Vec<&str> = d
        .own
        .iter()
        .chain(shared)
        .map(|c| c.name.as_str())
        .collect();
    let resolve = |ctx: &mut Ctx, r: &NameRef, role: &str, allowed: &[Kind]| -> Option<usize> {
        let Some(&i) = index.get(r.name.as_str()) else {
            let hint = did_you_mean_value(&r.name, known.iter().copied());
            ctx.error(
                r.at,
                r.key.clone(),
                format!(
                    "no component named {} in design `{}` or in [components]{hint}",
                    quote(&r.name),
                    d.name
                ),
            );
            return None;
        };
        if let Some(kind) = members[i].kind
            && !allowed.contains(&kind)
        {
            let names: Vec<&str> = allowed.iter().map(|k| k.name()).collect();
            ctx.error(
                r.at,
                r.key.clone(),
                format!(
                    "`{}` is a {}, but {role} must name a {} component",
                    r.name,
                    kind.name(),
                    one_of(&names, false).replace('"', "")
                ),
            );
            return None;
        }
        Some(i)
    };
    let entry = d
        .entry
        .as_ref()
        .and_then(|e| resolve(ctx, e, "`entry`", ANY_KIND));
    let mut resolved: Vec<Vec<(Role, Option<usize>)>> = Vec::with_capacity(members.len());
    for c in &members {
        let list = c
            .refs
            .iter()
            .map(|r| {
                let field = r.to.key.rsplit('.').next().unwrap_or_default();
                (
                    r.role,
                    resolve(ctx, &r.to, &format!("`{field}`"), r.allowed),
                )
            })
            .collect();
        resolved.push(list);
    }
    find_cycles(ctx, &members, &resolved);
    check_dead_letters(ctx, &members, &resolved);
    check_event_source_mappings(ctx, &members, &resolved);
    check_backlog_metrics(ctx, &d.name, &members, &resolved);
    if ctx.errors.len() > errors_before {
        return None;
    }
    let mut components = Vec::with_capacity(members.len());
    for (c, refs) in members.iter().zip(&resolved) {
        let refs: Option<Vec<(Role, ComponentId)>> = refs
            .iter()
            .map(|(role, i)| i.map(|i| (*role, ComponentId(i))))
            .collect();
        components.push(Component {
            name: c.name.clone(),
            spec: c.spec.as_ref()?.build(&refs?),
        });
    }
    Some(Design {
        name: d.name.clone(),
        entry: ComponentId(entry?),
        components,
    })
}

/// A group that scales on `backlog_per_instance` needs the queue it
/// consumes: some queue of the design must name it as its `consumer`.
fn check_backlog_metrics(
    ctx: &mut Ctx,
    design: &str,
    members: &[&Raw],
    resolved: &[Vec<(Role, Option<usize>)>],
) {
    for (i, c) in members.iter().enumerate() {
        let Some(Partial::Ec2 {
            autoscaling: Some(g),
            ..
        }) = &c.spec
        else {
            continue;
        };
        let backlog = match &g.policy {
            ScalingPolicy::TargetTracking { metric, .. } | ScalingPolicy::Step { metric, .. } => {
                *metric == ScalingMetric::BacklogPerInstance
            }
            ScalingPolicy::None => false,
        };
        let consumed = resolved.iter().any(|refs| {
            refs.iter()
                .any(|(r, to)| *r == Role::Consumer && *to == Some(i))
        });
        if backlog && !consumed {
            ctx.error(
                c.at,
                format!("{}.autoscaling.metric", c.path),
                format!(
                    "metric = \"backlog_per_instance\" needs a queue whose `consumer` is `{}`, and no queue of design `{design}` names it",
                    c.name
                ),
            );
        }
    }
}

/// A queue's dead-letter queue must be of the same type: AWS requires the
/// dead-letter queue of a FIFO queue to be FIFO, of a standard queue standard.
fn check_dead_letters(ctx: &mut Ctx, members: &[&Raw], resolved: &[Vec<(Role, Option<usize>)>]) {
    let type_name = |q: QueueType| match q {
        QueueType::Standard => "standard",
        QueueType::Fifo => "FIFO",
    };
    for (c, refs) in members.iter().zip(resolved) {
        let Some(Partial::Queue(queue)) = &c.spec else {
            continue;
        };
        for (r, (role, to)) in c.refs.iter().zip(refs) {
            if *role != Role::DeadLetter {
                continue;
            }
            let Some(Partial::Queue(dlq)) = to.and_then(|i| members[i].spec.as_ref()) else {
                continue;
            };
            if dlq.queue_type != queue.queue_type {
                let want = type_name(queue.queue_type);
                ctx.error(
                    r.to.at,
                    r.to.key.clone(),
                    format!(
                        "`{}` is a {} queue, but the dead-letter queue of a {want} queue must also be {want} (type = \"{}\")",
                        r.to.name,
                        type_name(dlq.queue_type),
                        want.to_lowercase()
                    ),
                );
            }
        }
    }
}

/// Batches above ten messages, batching windows and partial batch
/// responses are settings of a Lambda event source mapping: an EC2
/// consumer's ReceiveMessage returns at most ten messages, one by one.
fn check_event_source_mappings(
    ctx: &mut Ctx,
    members: &[&Raw],
    resolved: &[Vec<(Role, Option<usize>)>],
) {
    for (c, refs) in members.iter().zip(resolved) {
        let Some(Partial::Queue(queue)) = &c.spec else {
            continue;
        };
        for (r, (role, to)) in c.refs.iter().zip(refs) {
            let Some(consumer) = to.filter(|_| *role == Role::Consumer).map(|i| members[i]) else {
                continue;
            };
            if matches!(consumer.spec, Some(Partial::Lambda(_))) || consumer.spec.is_none() {
                continue;
            }
            let mut lambda_only = Vec::new();
            if queue.batch_size > 10 {
                lambda_only.push(format!("batch_size = {}", queue.batch_size));
            }
            if queue.batching_window > SimDuration::ZERO {
                lambda_only.push("batching_window".to_string());
            }
            if queue.report_batch_item_failures {
                lambda_only.push("report_batch_item_failures".to_string());
            }
            if !lambda_only.is_empty() {
                ctx.error(
                    r.to.at,
                    r.to.key.clone(),
                    format!(
                        "`{}` is not a Lambda function, but {} {} to a Lambda consumer only (an event source mapping); a fleet receives at most 10 messages at a time",
                        r.to.name,
                        lambda_only
                            .iter()
                            .map(|k| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(" and "),
                        if lambda_only.len() == 1 { "applies" } else { "apply" }
                    ),
                );
            }
        }
    }
}

/// Reports each synchronous call cycle (`app → db → app`) at the reference
/// that closes it. Iterative depth-first search: no recursion limit.
fn find_cycles(ctx: &mut Ctx, members: &[&Raw], resolved: &[Vec<(Role, Option<usize>)>]) {
    const WHITE: u8 = 0;
    const GREY: u8 = 1;
    const BLACK: u8 = 2;
    let mut colour = vec![WHITE; members.len()];
    for start in 0..members.len() {
        if colour[start] != WHITE {
            continue;
        }
        colour[start] = GREY;
        // (component, index of the next reference to follow)
        let mut path: Vec<(usize, usize)> = vec![(start, 0)];
        while let Some(&(node, next)) = path.last() {
            let Some(&(role, to)) = resolved[node].get(next) else {
                colour[node] = BLACK;
                path.pop();
                continue;
            };
            if let Some(top) = path.last_mut() {
                top.1 += 1;
            }
            let Some(to) = to.filter(|_| role.is_sync()) else {
                continue;
            };
            match colour[to] {
                WHITE => {
                    colour[to] = GREY;
                    path.push((to, 0));
                }
                GREY => {
                    let from = path.iter().position(|&(n, _)| n == to).unwrap_or(0);
                    let mut names: Vec<&str> = path[from..]
                        .iter()
                        .map(|&(n, _)| members[n].name.as_str())
                        .collect();
                    names.push(members[to].name.as_str());
                    let r = &members[node].refs[next].to;
                    ctx.error(
                        r.at,
                        r.key.clone(),
                        format!("synchronous call cycle: {}", names.join(" → ")),
                    );
                }
                _ => {}
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Top-level sections
// ---------------------------------------------------------------------------

/// `[scenario]` as read.
struct Head {
    name: String,
    description: String,
    duration: Option<SimDuration>,
    /// As written, for messages.
    warmup: SimDuration,
    seed: u64,
    replications: u32,
    interval: SimDuration,
    baseline: Option<NameRef>,
}

/// Validates the whole document; `Some` only when no problem was found.
fn walk(ctx: &mut Ctx, root: &DeValue<'_>) -> Option<Scenario> {
    let DeValue::Table(map) = root else {
        return None;
    };
    let root = Table {
        path: String::new(),
        at: NO_LINE,
        map,
    };
    root.check_keys(
        ctx,
        &[
            "scenario",
            "workload",
            "components",
            "designs",
            "faults",
            "sweep",
            "slo",
        ],
    );
    let head = section_scenario(ctx, &root);
    let slo = section_slo(ctx, &root);
    let classes = section_classes(ctx, &root);
    let class_names: Option<Vec<&str>> = classes
        .as_ref()
        .map(|c| c.iter().map(|(n, _)| n.as_str()).collect());
    let class_names = class_names.as_deref();
    let workload = section_workload(ctx, &root, head.as_ref(), classes.clone());
    let shared = section_components(ctx, &root, class_names);
    let raw_designs = section_designs(ctx, &root, class_names);
    let designs: Vec<Option<Design>> = raw_designs
        .iter()
        .map(|d| assemble(ctx, d, &shared))
        .collect();
    check_unreached(ctx, &raw_designs, &shared);
    let mut component_names: Vec<&str> = shared.iter().map(|c| c.name.as_str()).collect();
    for d in &raw_designs {
        component_names.extend(d.own.iter().map(|c| c.name.as_str()));
    }
    // The zones of every fleet, by name, for zone outages.
    let zoned: Vec<(&str, &[String])> = shared
        .iter()
        .chain(raw_designs.iter().flat_map(|d| d.own.iter()))
        .filter_map(|c| match &c.spec {
            Some(Partial::Ec2 { zones, .. }) => Some((c.name.as_str(), zones.as_slice())),
            _ => None,
        })
        .collect();
    let faults = section_faults(ctx, &root, &component_names, &zoned);
    let head = head?;
    let mut baseline = 0;
    if let Some(b) = &head.baseline {
        match raw_designs.iter().position(|d| d.name == b.name) {
            Some(i) => baseline = i,
            None => {
                let hint = did_you_mean_value(&b.name, raw_designs.iter().map(|d| d.name.as_str()));
                ctx.error(
                    b.at,
                    b.key.clone(),
                    format!("no design named {}{hint}", quote(&b.name)),
                );
            }
        }
    }
    if !ctx.errors.is_empty() {
        return None;
    }
    Some(Scenario {
        file: ctx.file.to_path_buf(),
        name: head.name,
        description: head.description,
        duration: head.duration?,
        warmup: head.warmup,
        seed: head.seed,
        replications: head.replications,
        interval: head.interval,
        baseline,
        slo: slo?,
        workload: workload?,
        designs: designs.into_iter().collect::<Option<Vec<_>>>()?,
        faults: faults?,
        sweep: Vec::new(),
        hash: String::new(),
    })
}

/// Most instances of a fleet.
const MAX_INSTANCES: u32 = 10_000;
/// Most workers per instance.
const MAX_WORKERS: u32 = 1_000;
/// Most operations a database serves at once.
const MAX_CAPACITY: u32 = 1_000_000;

/// Most `timeseries.csv` intervals in one run.
const MAX_INTERVALS: u64 = 1_000_000;

/// `[slo]`: every target optional; `None` when it has problems.
fn section_slo(ctx: &mut Ctx, root: &Table) -> Option<Slo> {
    let Some(v) = root.get("slo") else {
        return Some(Slo::default());
    };
    let t = Table::of(ctx, "slo".into(), v, "a table of targets")?;
    t.check_keys(
        ctx,
        &[
            "response_p99",
            "completion_p99",
            "error_rate",
            "lost",
            "monthly_budget",
        ],
    );
    let errors_before = ctx.errors.len();
    let latency = dur_range(
        SimDuration(1),
        SimDuration::from_secs(365 * 24 * 3600),
        "longer than 0s",
    );
    let slo = Slo {
        response_p99: t.dur(ctx, "response_p99", latency),
        completion_p99: t.dur(ctx, "completion_p99", latency),
        error_rate: t.num(
            ctx,
            "error_rate",
            NumRange {
                min: 0.0,
                min_open: false,
                max: 1.0,
                text: "from 0 to 1 (a fraction: 0.001 is 0.1%)",
            },
        ),
        lost: t.u32(ctx, "lost", 0, u32::MAX).map(u64::from),
        monthly_budget: t.num(
            ctx,
            "monthly_budget",
            NumRange {
                min: 0.0,
                min_open: true,
                max: f64::MAX,
                text: "more than 0 (USD per month)",
            },
        ),
    };
    (ctx.errors.len() == errors_before).then_some(slo)
}

fn section_scenario(ctx: &mut Ctx, root: &Table) -> Option<Head> {
    let Some(v) = root.get("scenario") else {
        ctx.error(
            NO_LINE,
            "scenario",
            "missing [scenario] table: expected at least `name` and `duration`",
        );
        return None;
    };
    let t = Table::of(ctx, "scenario".into(), v, "a table")?;
    t.check_keys(
        ctx,
        &[
            "name",
            "description",
            "duration",
            "warmup",
            "seed",
            "replications",
            "interval",
            "baseline",
        ],
    );
    let name = t.req_str(
        ctx,
        "name",
        "a name made of letters, digits, `.`, `_` and `-`",
    );
    if let Some(n) = name
        && (n.is_empty()
            || n.chars().all(|c| c == '.')
            || !n
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b)))
    {
        t.err(
            ctx,
            "name",
            format!(
                "expected a name made of letters, digits, `.`, `_` and `-` (it names the output folder), found {}",
                quote(n)
            ),
        );
    }
    let description = t.str(ctx, "description", "a string");
    let duration = t.req_dur(ctx, "duration", POSITIVE_DURATION);
    let duration_text = match t.get("duration").map(Spanned::get_ref) {
        Some(DeValue::String(s)) => s.to_string(),
        _ => String::new(),
    };
    let warmup = t.dur(ctx, "warmup", ANY_DURATION);
    if let (Some(w), Some(d)) = (warmup, duration)
        && w >= d
    {
        t.err(
            ctx,
            "warmup",
            format!(
                "expected a warmup shorter than the duration ({duration_text}), found {}",
                t.shown("warmup")
            ),
        );
    }
    let seed = t.int(ctx, "seed", 0, i128::from(i64::MAX));
    let replications = t.u32(ctx, "replications", 1, 100_000);
    let interval = t.dur(ctx, "interval", POSITIVE_DURATION);
    // Every interval is a row per metric and component in memory until the
    // run ends: cap their number so that a typo ("1ns") cannot exhaust memory.
    if let (Some(i), Some(d)) = (interval, duration)
        && i.0 > 0
        && d.0 / i.0 > MAX_INTERVALS
    {
        t.err(
            ctx,
            "interval",
            format!(
                "expected at most {MAX_INTERVALS} intervals in the run, found {} (duration / interval); use a longer interval",
                d.0 / i.0
            ),
        );
    }
    let baseline = t.str(ctx, "baseline", "a design name").map(|b| NameRef {
        name: b.to_string(),
        at: t.at("baseline"),
        key: t.key("baseline"),
    });
    Some(Head {
        name: name?.to_string(),
        description: description.unwrap_or_default().to_string(),
        duration,
        warmup: warmup.unwrap_or_default(),
        seed: seed.and_then(|s| u64::try_from(s).ok()).unwrap_or(1),
        replications: replications.unwrap_or(1),
        interval: interval.unwrap_or(SimDuration::from_secs(60)),
        baseline,
    })
}

/// `[workload] classes` (read before the rest of `[workload]`, which takes
/// the result): class name → share, normalised to sum 1, in file order;
/// one class `default` when absent. `None` after reporting a problem.
fn section_classes(ctx: &mut Ctx, root: &Table) -> Option<Vec<(String, f64)>> {
    let default = vec![("default".to_string(), 1.0)];
    // A missing or malformed [workload] is reported by `section_workload`.
    let Some(DeValue::Table(map)) = root.get("workload").map(Spanned::get_ref) else {
        return Some(default);
    };
    let t = Table {
        path: "workload".into(),
        at: root.at("workload"),
        map,
    };
    let Some(v) = t.get("classes") else {
        return Some(default);
    };
    let example = "{ order = 0.7, refund = 0.3 }";
    let c = Table::of(
        ctx,
        t.key("classes"),
        v,
        &format!("a table of request classes and their shares, such as {example}"),
    )?;
    if c.map.is_empty() {
        ctx.error(
            c.at,
            c.path.clone(),
            format!("expected at least one request class, such as {example}, found an empty table"),
        );
        return None;
    }
    let mut classes = Vec::with_capacity(c.map.len());
    let mut ok = true;
    for (name, at, share) in c.entries() {
        let key = c.key(name);
        if !is_bare(name) {
            check_name(ctx, at, &key, name, "class");
            ok = false;
        }
        match num_value(ctx, &key, share, POSITIVE) {
            Some(x) => classes.push((name.to_string(), x)),
            None => ok = false,
        }
    }
    if !ok {
        return None;
    }
    // Scaled by the largest share first should the sum overflow.
    let total: f64 = classes.iter().map(|(_, x)| x).sum();
    let (scale, total) = if total.is_finite() {
        (1.0, total)
    } else {
        let max = classes.iter().map(|(_, x)| *x).fold(0.0, f64::max);
        (max, classes.iter().map(|(_, x)| x / max).sum())
    };
    for (_, x) in &mut classes {
        *x = *x / scale / total;
    }
    Some(classes)
}

fn section_workload(
    ctx: &mut Ctx,
    root: &Table,
    head: Option<&Head>,
    classes: Option<Vec<(String, f64)>>,
) -> Option<Workload> {
    let duration = head.and_then(|h| h.duration);
    let Some(v) = root.get("workload") else {
        ctx.error(
            NO_LINE,
            "workload",
            "missing [workload] table: expected one of `rate`, `pattern` or `trace`",
        );
        return None;
    };
    let t = Table::of(ctx, "workload".into(), v, "a table")?;
    t.check_keys(
        ctx,
        &[
            "arrival", "rate", "schedule", "pattern", "trace", "client", "classes",
        ],
    );
    let arrival = t.choice(
        ctx,
        "arrival",
        &[
            ("poisson", ArrivalProcess::Poisson),
            ("constant", ArrivalProcess::Constant),
        ],
    );
    let present: Vec<&str> = ["rate", "pattern", "trace"]
        .into_iter()
        .filter(|k| t.has(k))
        .collect();
    let rate = match present.as_slice() {
        [] => {
            ctx.error(
                t.at,
                "workload",
                "expected one of `rate` (requests per second), `pattern` (a diurnal curve) or `trace` (a CSV file of arrival times)",
            );
            if t.has("schedule") {
                t.err(
                    ctx,
                    "schedule",
                    "`schedule` needs `rate` (the rate before the first step)",
                );
            }
            None
        }
        ["rate"] => workload_steps(ctx, &t),
        [one] => {
            if t.has("schedule") {
                t.err(
                    ctx,
                    "schedule",
                    format!("`schedule` needs `rate`; it cannot be combined with `{one}`"),
                );
            }
            if *one == "pattern" {
                workload_pattern(ctx, &t)
            } else {
                workload_trace(ctx, &t, duration)
            }
        }
        [first, rest @ ..] => {
            for other in rest {
                t.err(ctx, other, format!("`{other}` cannot be combined with `{first}`: use only one of `rate`, `pattern` or `trace`"));
            }
            None
        }
    };
    let client = match t.get("client") {
        None => Some(Client {
            timeout: None,
            retries: 0,
            backoff: default_backoff(),
        }),
        Some(v) => {
            let c = Table::of(ctx, t.key("client"), v, "a table")?;
            workload_client(ctx, &c)
        }
    };
    Some(Workload {
        arrival: arrival.unwrap_or(ArrivalProcess::Poisson),
        rate: rate?,
        client: client?,
        classes: classes?,
    })
}

fn workload_steps(ctx: &mut Ctx, t: &Table) -> Option<RateProfile> {
    let initial = t.num(ctx, "rate", NON_NEGATIVE);
    // A step after the end never happens; that is allowed, so that a
    // scenario can be shortened with `--set scenario.duration=…`.
    let steps = timed_items(
        ctx,
        t,
        "schedule",
        "an array of steps such as [{ at = \"40m\", rate = 900 }]",
        "a step { at = \"40m\", rate = 900 }",
        "steps",
        |ctx, s| {
            s.check_keys(ctx, &["at", "rate"]);
            s.req_num(ctx, "rate", NON_NEGATIVE)
        },
    )?;
    Some(RateProfile::Steps {
        initial: initial?,
        steps,
    })
}

fn workload_pattern(ctx: &mut Ctx, t: &Table) -> Option<RateProfile> {
    let p = Table::of(
        ctx,
        t.key("pattern"),
        t.get("pattern")?,
        "a table such as { kind = \"diurnal\", min_rate = 50, max_rate = 400, peak_at = \"14h\", period = \"24h\" }",
    )?;
    p.check_keys(ctx, &["kind", "min_rate", "max_rate", "peak_at", "period"]);
    if p.require(ctx, "kind", "\"diurnal\"") {
        p.choice(ctx, "kind", &[("diurnal", ())])?;
    }
    let min_rate = p.req_num(ctx, "min_rate", NON_NEGATIVE);
    let max_rate = p.req_num(ctx, "max_rate", NON_NEGATIVE);
    if let (Some(lo), Some(hi)) = (min_rate, max_rate)
        && lo > hi
    {
        p.err(
            ctx,
            "max_rate",
            format!("expected `max_rate` ≥ `min_rate` ({lo}), found {hi}"),
        );
        return None;
    }
    let peak_at = p.dur(ctx, "peak_at", ANY_DURATION);
    let period = p.req_dur(ctx, "period", POSITIVE_DURATION);
    if p.has("peak_at") && peak_at.is_none() {
        return None;
    }
    Some(RateProfile::Diurnal {
        min_rate: min_rate?,
        max_rate: max_rate?,
        peak_at: peak_at.unwrap_or_default(),
        period: period?,
    })
}

fn workload_trace(ctx: &mut Ctx, t: &Table, duration: Option<SimDuration>) -> Option<RateProfile> {
    let file = t.str(ctx, "trace", "a CSV file name (relative to the scenario)")?;
    let values = match ctx.column(file) {
        Ok(v) => v,
        Err(message) => {
            t.err(ctx, "trace", message);
            return None;
        }
    };
    let mut prev: Option<f64> = None;
    for &(line, x) in values.iter() {
        if let Some(p) = prev
            && x < p
        {
            t.err(
                ctx,
                "trace",
                format!("`{file}` line {line}: arrival time {x} s is earlier than the one before ({p} s); the times must not decrease"),
            );
            return None;
        }
        prev = Some(x);
    }
    let end = duration.map_or(SimTime::NEVER, |d| SimTime(d.0));
    let times: Vec<SimTime> = values
        .iter()
        .map(|&(_, x)| SimTime::from_secs_f64(x))
        .filter(|&t| t <= end)
        .collect();
    Some(RateProfile::Trace(times.into()))
}

fn default_backoff() -> Backoff {
    Backoff {
        base: SimDuration::from_millis(100),
        max: SimDuration::from_secs(20),
        multiplier: 2.0,
        jitter: Jitter::Full,
    }
}

fn workload_client(ctx: &mut Ctx, t: &Table) -> Option<Client> {
    t.check_keys(ctx, &["timeout", "retries", "backoff"]);
    let timeout = t.dur(ctx, "timeout", POSITIVE_DURATION);
    let retries = t.u32(ctx, "retries", 0, 100);
    let mut backoff = default_backoff();
    if let Some(b) = t.sub(ctx, "backoff") {
        b.check_keys(ctx, &["base", "max", "multiplier", "jitter"]);
        let base = b.dur(ctx, "base", ANY_DURATION);
        let max = b.dur(ctx, "max", ANY_DURATION);
        let multiplier = b.num(
            ctx,
            "multiplier",
            NumRange {
                min: 1.0,
                min_open: false,
                max: f64::MAX,
                text: "≥ 1",
            },
        );
        let jitter = b.choice(
            ctx,
            "jitter",
            &[
                ("full", Jitter::Full),
                ("equal", Jitter::Equal),
                ("none", Jitter::None),
            ],
        );
        backoff = Backoff {
            base: base.unwrap_or(backoff.base),
            max: max.unwrap_or(backoff.max),
            multiplier: multiplier.unwrap_or(backoff.multiplier),
            jitter: jitter.unwrap_or(backoff.jitter),
        };
        if backoff.base > backoff.max {
            let name = if b.has("base") { "base" } else { "max" };
            b.err(
                ctx,
                name,
                format!(
                    "expected `base` ({}) ≤ `max` ({})",
                    backoff.base, backoff.max
                ),
            );
        }
    }
    if t.has("timeout") && timeout.is_none() {
        return None;
    }
    Some(Client {
        timeout,
        retries: retries.unwrap_or(0),
        backoff,
    })
}

fn section_components(ctx: &mut Ctx, root: &Table, classes: Option<&[&str]>) -> Vec<Raw> {
    let Some(t) = root.sub(ctx, "components") else {
        return Vec::new();
    };
    t.entries()
        .filter_map(|(name, at, v)| component(ctx, t.key(name), name, at, v, classes))
        .collect()
}

fn section_designs(ctx: &mut Ctx, root: &Table, classes: Option<&[&str]>) -> Vec<RawDesign> {
    let Some(v) = root.get("designs") else {
        ctx.error(
            NO_LINE,
            "designs",
            "missing [designs.NAME] tables: expected at least one design",
        );
        return Vec::new();
    };
    let Some(t) = Table::of(ctx, "designs".into(), v, "[designs.NAME] tables") else {
        return Vec::new();
    };
    if t.map.is_empty() {
        ctx.error(
            t.at,
            "designs",
            "expected at least one design [designs.NAME], found none",
        );
    }
    let mut designs = Vec::new();
    for (name, name_at, v) in t.entries() {
        let path = t.key(name);
        let Some(d) = Table::of(
            ctx,
            path.clone(),
            v,
            "a design table with `entry` and components",
        ) else {
            continue;
        };
        check_name(ctx, name_at, &path, name, "design");
        let entry = d
            .req_str(
                ctx,
                "entry",
                "the name of the component that receives each request",
            )
            .map(|e| NameRef {
                name: e.to_string(),
                at: d.at("entry"),
                key: d.key("entry"),
            });
        let mut own = Vec::new();
        for (key, key_at, value) in d.entries() {
            if key == "entry" {
                continue;
            }
            if matches!(value.get_ref(), DeValue::Table(_)) {
                own.extend(component(ctx, d.key(key), key, key_at, value, classes));
            } else {
                let hint = did_you_mean(key, ["entry"]);
                let hint = if hint.is_empty() {
                    "; expected `entry` or a component table".into()
                } else {
                    hint
                };
                ctx.error(key_at, d.key(key), format!("unknown key `{key}`{hint}"));
            }
        }
        designs.push(RawDesign {
            name: name.to_string(),
            entry,
            own,
        });
    }
    designs
}

/// Shared components no design uses are still checked: their references
/// must name a component defined somewhere.
fn check_unreached(ctx: &mut Ctx, designs: &[RawDesign], shared: &[Raw]) {
    let mut used: HashSet<&str> = HashSet::new();
    for d in designs {
        let mut stack: Vec<&str> = d.entry.iter().map(|e| e.name.as_str()).collect();
        stack.extend(
            d.own
                .iter()
                .flat_map(|c| c.refs.iter().map(|r| r.to.name.as_str())),
        );
        while let Some(n) = stack.pop() {
            if let Some(c) = shared.iter().find(|c| c.name == n)
                && used.insert(n)
            {
                stack.extend(c.refs.iter().map(|r| r.to.name.as_str()));
            }
        }
    }
    let mut all: Vec<&str> = shared.iter().map(|c| c.name.as_str()).collect();
    all.extend(
        designs
            .iter()
            .flat_map(|d| d.own.iter().map(|c| c.name.as_str())),
    );
    for c in shared.iter().filter(|c| !used.contains(c.name.as_str())) {
        for r in &c.refs {
            if !all.contains(&r.to.name.as_str()) {
                let hint = did_you_mean_value(&r.to.name, all.iter().copied());
                ctx.error(
                    r.to.at,
                    r.to.key.clone(),
                    format!(
                        "no component named {} in [components] or in any design{hint}",
                        quote(&r.to.name)
                    ),
                );
            }
        }
    }
}

fn section_faults(
    ctx: &mut Ctx,
    root: &Table,
    components: &[&str],
    zoned: &[(&str, &[String])],
) -> Option<Vec<Fault>> {
    let Some(v) = root.get("faults") else {
        return Some(Vec::new());
    };
    let DeValue::Array(items) = v.get_ref() else {
        ctx.error(
            v.span().start,
            "faults",
            format!(
                "expected an array of tables ([[faults]]), found {}",
                found(v.get_ref())
            ),
        );
        return None;
    };
    let mut faults = Vec::new();
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        let Some(t) = Table::of(ctx, format!("faults[{i}]"), item, "a table ([[faults]])") else {
            ok = false;
            continue;
        };
        t.check_keys(
            ctx,
            &["component", "kind", "factor", "zone", "at", "duration"],
        );
        let component = t.req_str(ctx, "component", "a component name");
        if let Some(c) = component
            && !components.contains(&c)
        {
            let hint = did_you_mean_value(c, components.iter().copied());
            t.err(
                ctx,
                "component",
                format!(
                    "no component named {} in any design or in [components]{hint}",
                    quote(c)
                ),
            );
            ok = false;
        }
        let kinds = [
            ("outage", "outage"),
            ("slowdown", "slowdown"),
            ("zone_outage", "zone_outage"),
        ];
        let kind = if t.require(ctx, "kind", "\"outage\", \"slowdown\" or \"zone_outage\"") {
            t.choice(ctx, "kind", &kinds)
        } else {
            None
        };
        let factor = match kind {
            Some("slowdown") => t.req_num(ctx, "factor", POSITIVE),
            _ => {
                if t.has("factor") && kind.is_some() {
                    t.err(
                        ctx,
                        "factor",
                        "`factor` only applies to kind = \"slowdown\"",
                    );
                }
                None
            }
        };
        let zone = match kind {
            Some("zone_outage") => fault_zone(ctx, &t, component, zoned),
            _ => {
                if t.has("zone") && kind.is_some() {
                    t.err(ctx, "zone", "`zone` only applies to kind = \"zone_outage\"");
                }
                None
            }
        };
        // A fault after the end never happens (allowed, as for schedule steps).
        let at = t.req_dur(ctx, "at", ANY_DURATION);
        let length = t.req_dur(ctx, "duration", POSITIVE_DURATION);
        let kind = match (kind, factor, zone) {
            (Some("outage"), _, _) => Some(FaultKind::Outage),
            (Some("zone_outage"), _, Some(zone)) => Some(FaultKind::ZoneOutage { zone }),
            (Some("slowdown"), Some(factor), _) => Some(FaultKind::Slowdown { factor }),
            _ => None,
        };
        match (component, kind, at, length) {
            (Some(c), Some(kind), Some(at), Some(duration)) => faults.push(Fault {
                component: c.to_string(),
                kind,
                at: SimTime(at.0),
                duration,
            }),
            _ => ok = false,
        }
    }
    ok.then_some(faults)
}

/// The `zone` of a zone outage of fleet `component`: a zone name of the
/// fleet or an index into its `zones` (from 0). Every fleet of that name
/// (in any design) must have the zone, at the same index.
fn fault_zone(
    ctx: &mut Ctx,
    t: &Table,
    component: Option<&str>,
    zoned: &[(&str, &[String])],
) -> Option<u32> {
    if !t.require(ctx, "zone", "a zone name such as \"b\" or an index from 0") {
        return None;
    }
    let v = t.get("zone")?;
    let component = component?;
    let fleets: Vec<&[String]> = zoned
        .iter()
        .filter(|(n, _)| *n == component)
        .map(|(_, z)| *z)
        .collect();
    if fleets.is_empty() || fleets.iter().any(|z| z.is_empty()) {
        t.err(
            ctx,
            "zone",
            format!(
                "a zone outage needs an `ec2` fleet with `zones`; {} has no zones",
                quote(component)
            ),
        );
        return None;
    }
    let zones = fleets[0];
    let listed = || {
        zones
            .iter()
            .map(|z| quote(z))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let index = match v.get_ref() {
        DeValue::String(s) => match zones.iter().position(|z| z == s) {
            Some(i) => i,
            None => {
                let hint = did_you_mean_value(s, zones.iter().map(String::as_str));
                t.err(
                    ctx,
                    "zone",
                    format!(
                        "{} has no zone {}{hint} (its zones: {})",
                        quote(component),
                        quote(s),
                        listed()
                    ),
                );
                return None;
            }
        },
        DeValue::Integer(_) => {
            let i = t.int(ctx, "zone", 0, zones.len() as i128 - 1)?;
            i as usize
        }
        other => {
            t.err(
                ctx,
                "zone",
                format!(
                    "expected a zone name or an index from 0, found {}",
                    found(other)
                ),
            );
            return None;
        }
    };
    let name = &zones[index];
    if fleets.iter().any(|z| z.get(index) != Some(name)) {
        t.err(
            ctx,
            "zone",
            format!(
                "the fleets named {} in the designs do not all have zone {} at the same place in `zones`",
                quote(component),
                quote(name)
            ),
        );
        return None;
    }
    Some(index as u32)
}

/// `[sweep]`: every value of every axis is applied to the document like
/// `--set` and the result validated; new problems are reported at the
/// sweep entry. Nested tables are read as dotted keys, so an unquoted
/// `designs.a.b = [...]` works too.
fn section_sweep(
    ctx: &mut Ctx,
    root: &DeValue<'_>,
    base_errors: &[ScenarioError],
) -> Vec<SweepAxis> {
    let DeValue::Table(map) = root else {
        return Vec::new();
    };
    let Some(v) = map.get("sweep") else {
        return Vec::new();
    };
    let Some(t) = Table::of(ctx, "sweep".into(), v, "a table of key path = [values]") else {
        return Vec::new();
    };
    let mut axes_in = Vec::new();
    flatten(&t, "", &mut axes_in);
    let known: HashSet<(&str, &str)> = base_errors
        .iter()
        .map(|e| (e.key.as_str(), e.message.as_str()))
        .collect();
    let mut seen = HashSet::new();
    let mut axes = Vec::new();
    for (key, key_at, value) in axes_in {
        let path = format!("sweep.{}", quote(&key));
        if !seen.insert(key.clone()) {
            ctx.error(key_at, path, "this key path is swept twice");
            continue;
        }
        let items = match value.get_ref() {
            DeValue::Array(items) if !items.is_empty() => items,
            other => {
                let what = if matches!(other, DeValue::Array(_)) {
                    "an empty array".to_string()
                } else {
                    found(other)
                };
                ctx.error(
                    value.span().start,
                    path,
                    format!(
                        "expected a non-empty array of values such as [40, 50, 60], found {what}"
                    ),
                );
                continue;
            }
        };
        for item in items.iter() {
            let mut doc = root.clone();
            if let Err(message) = set_path(&mut doc, &key, item.clone()) {
                ctx.error(key_at, path.clone(), message);
                break;
            }
            let mut sub = Ctx {
                file: ctx.file,
                lines: ctx.lines,
                dir: ctx.dir,
                errors: Vec::new(),
                cache: std::mem::take(&mut ctx.cache),
            };
            walk(&mut sub, &doc);
            ctx.cache = sub.cache;
            let shown = render(item.get_ref());
            for e in sub.errors {
                if !known.contains(&(e.key.as_str(), e.message.as_str())) {
                    ctx.error(
                        item.span().start,
                        path.clone(),
                        if e.key == key {
                            format!("with {key} = {shown}: {}", e.message)
                        } else {
                            format!("with {key} = {shown}: {}: {}", e.key, e.message)
                        },
                    );
                }
            }
        }
        axes.push(SweepAxis {
            key,
            values: items.iter().map(|v| render(v.get_ref())).collect(),
        });
    }
    axes
}

/// Collects `(dotted key, key offset, value)` for every non-table value under `t`.
fn flatten<'a, 'i>(t: &Table<'a, 'i>, prefix: &str, out: &mut Vec<(String, usize, &'a Val<'i>)>) {
    for (k, at, v) in t.entries() {
        let key = if prefix.is_empty() {
            k.to_string()
        } else {
            format!("{prefix}.{k}")
        };
        match v.get_ref() {
            DeValue::Table(map) => flatten(
                &Table {
                    path: String::new(),
                    at,
                    map,
                },
                &key,
                out,
            ),
            _ => out.push((key, at, v)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The copies of the contract's examples that ship with the project.
    const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/contract");

    /// A small valid scenario; tests edit it.
    const MINI: &str = r#"[scenario]
name = "t"
duration = "1h"

[workload]
rate = 10

[designs.d]
entry = "app"

[designs.d.app]
kind = "ec2"
instance_type = "m5.large"
workers = 4
service_time = "10ms"
"#;

    fn load_text(text: &str) -> Result<Scenario, ScenarioErrors> {
        load_str(text, Path::new("t.toml"), &[])
    }

    fn errors(text: &str) -> Vec<ScenarioError> {
        match load_text(text) {
            Ok(_) => panic!("expected errors for:\n{text}"),
            Err(e) => e.0,
        }
    }

    /// MINI with `from` replaced by `to`.
    fn edit(from: &str, to: &str) -> String {
        assert!(MINI.contains(from), "{from} not in MINI");
        MINI.replacen(from, to, 1)
    }

    /// 1-based line of the first line of `text` containing `needle`.
    fn line_of(text: &str, needle: &str) -> usize {
        text.lines()
            .position(|l| l.contains(needle))
            .expect("needle")
            + 1
    }

    /// Asserts there is an error at `key` on `line` whose message holds
    /// every one of `parts`.
    #[track_caller]
    fn expect(errors: &[ScenarioError], key: &str, line: Option<usize>, parts: &[&str]) {
        let hit = errors
            .iter()
            .any(|e| e.key == key && e.line == line && parts.iter().all(|p| e.message.contains(p)));
        assert!(
            hit,
            "no error at {key} line {line:?} containing {parts:?}; got:\n{}",
            ScenarioErrors(errors.to_vec())
        );
    }

    /// Expects exactly one error, as described.
    #[track_caller]
    fn expect_one(text: &str, key: &str, needle: &str, parts: &[&str]) {
        let errs = errors(text);
        expect(&errs, key, Some(line_of(text, needle)), parts);
        assert_eq!(
            errs.len(),
            1,
            "expected one error, got:\n{}",
            ScenarioErrors(errs.clone())
        );
    }

    fn example(name: &str) -> (String, Scenario) {
        let path = Path::new(EXAMPLES).join(name);
        let text = std::fs::read_to_string(&path).expect("readable example");
        match load(&path, &[]) {
            Ok(s) => (text, s),
            Err(e) => panic!("{name} must load:\n{e}"),
        }
    }

    /// `Dist` has no `PartialEq`; equal parameters give equal `Debug` output.
    #[track_caller]
    fn assert_dist(a: &Dist, b: &Dist) {
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
    }

    fn component<'a>(d: &'a Design, name: &str) -> &'a Component {
        d.components
            .iter()
            .find(|c| c.name == name)
            .expect("component")
    }

    /// The lambda `name` of design `d`.
    fn lambda_of(s: &Scenario, d: usize, name: &str) -> LambdaSpec {
        match &component(&s.designs[d], name).spec {
            ComponentSpec::Lambda(l) => l.clone(),
            other => panic!("{name} is {other:?}"),
        }
    }

    /// The API gateway `name` of design `d`.
    fn api_of(s: &Scenario, d: usize, name: &str) -> ApiGatewaySpec {
        match &component(&s.designs[d], name).spec {
            ComponentSpec::ApiGateway(a) => a.clone(),
            other => panic!("{name} is {other:?}"),
        }
    }

    /// The median of `d` is `secs`, to a nanosecond.
    #[track_caller]
    fn assert_median(d: &Dist, secs: f64) {
        let m = d.quantile_secs(0.5).expect("a median");
        assert!((m - secs).abs() < 1e-9, "median {m} s, expected {secs} s");
    }

    #[track_caller]
    fn assert_mean(d: &Dist, secs: f64) {
        let m = d.mean_secs();
        assert!((m - secs).abs() < 1e-9, "mean {m} s, expected {secs} s");
    }

    #[test]
    fn mini_loads() {
        let s = load_text(MINI).unwrap();
        assert_eq!(s.name, "t");
        assert_eq!(s.seed, 1);
        assert_eq!(s.replications, 1);
        assert_eq!(s.interval, SimDuration::from_secs(60));
        assert_eq!(s.warmup, SimDuration::ZERO);
        assert_eq!(s.baseline, 0);
        assert!(s.workload.client.timeout.is_none());
        assert_eq!(s.workload.client.backoff.jitter, Jitter::Full);
        let ComponentSpec::Ec2(e) = &s.designs[0].components[0].spec else {
            panic!()
        };
        assert_eq!((e.instances, e.workers, e.queue_limit), (1, 4, None));
        assert_dist(
            &e.service_time,
            &Dist::constant(SimDuration::from_millis(10)),
        );
        assert_eq!(s.hash.len(), 16);
    }

    #[test]
    fn example_flash_sale() {
        let (_, s) = example("flash-sale.toml");
        assert_eq!(s.name, "flash-sale");
        assert_eq!(s.duration, SimDuration::from_secs(90 * 60));
        assert_eq!(s.warmup, SimDuration::from_secs(600));
        assert_eq!((s.seed, s.replications), (7, 8));
        let names: Vec<&str> = s.designs.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["monolith", "decoupled"]);
        let RateProfile::Steps { initial, steps } = &s.workload.rate else {
            panic!()
        };
        assert_eq!(*initial, 150.0);
        assert_eq!(
            steps,
            &[
                (SimTime(40 * 60 * NANOS), 900.0),
                (SimTime(50 * 60 * NANOS), 150.0)
            ]
        );
        assert_eq!(s.workload.client.timeout, Some(SimDuration::from_secs(10)));
        assert_eq!(s.workload.client.retries, 1);
        assert_eq!(s.faults.len(), 1);
        assert_eq!(s.faults[0].component, "db");
        assert_eq!(s.faults[0].kind, FaultKind::Outage);
        assert_eq!(s.faults[0].at, SimTime(65 * 60 * NANOS));
        assert_eq!(s.faults[0].duration, SimDuration::from_secs(240));
        // Own components first, then the shared `db` in both designs.
        let mono: Vec<&str> = s.designs[0]
            .components
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(mono, ["alb", "app", "db"]);
        let dec: Vec<&str> = s.designs[1]
            .components
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(dec, ["alb", "web", "orders", "worker", "db"]);
        assert_eq!(s.designs[0].entry, ComponentId(0));
        let ComponentSpec::Database(db) = &component(&s.designs[0], "db").spec else {
            panic!()
        };
        assert_eq!(db.capacity, 200);
        assert_dist(
            &db.service_time,
            &Dist::lognormal_median_p99(SimDuration::from_millis(5), SimDuration::from_millis(40))
                .unwrap(),
        );
        let ComponentSpec::Ec2(app) = &component(&s.designs[0], "app").spec else {
            panic!()
        };
        assert_eq!(app.calls, [ComponentId(2)]);
        assert_eq!((app.instances, app.workers), (4, 16));
        let ComponentSpec::LoadBalancer(lb) = &component(&s.designs[1], "alb").spec else {
            panic!()
        };
        assert_eq!(lb.routing, Routing::LeastOutstanding);
        assert_eq!(lb.targets, [ComponentId(1)]);
        assert_dist(&lb.latency, &Dist::constant(SimDuration::from_millis(1)));
        let ComponentSpec::Ec2(web) = &component(&s.designs[1], "web").spec else {
            panic!()
        };
        assert_eq!(web.sends, [ComponentId(2)]);
        let ComponentSpec::Queue(orders) = &component(&s.designs[1], "orders").spec else {
            panic!()
        };
        assert_eq!(orders.queue_type, QueueType::Standard);
        assert_eq!(orders.consumer, Some(ComponentId(3)));
        // `max_receives` without `dead_letter`: discarded after 10 receives.
        assert_eq!((orders.max_receives, orders.dead_letter), (Some(10), None));
        assert_eq!(orders.retention, SimDuration::from_secs(4 * 24 * 3600));
        assert_eq!(orders.visibility_timeout, SimDuration::from_secs(30));
        assert_eq!(s.workload.classes, [("default".to_string(), 1.0)]);
        let ComponentSpec::Lambda(worker) = &component(&s.designs[1], "worker").spec else {
            panic!()
        };
        assert_eq!(worker.runtime, "python3.12");
        assert_eq!(worker.memory_mb, 1024);
        assert_eq!(worker.architecture, Architecture::X86_64);
        assert_eq!(worker.concurrency, Some(50));
        assert_eq!(worker.provisioned, 0);
        assert_eq!(worker.timeout, SimDuration::from_secs(3));
        assert_eq!(worker.calls, [ComponentId(4)]);
        assert!(worker.sends.is_empty());
        assert_dist(
            &worker.service_time,
            &Dist::lognormal_median_p99(
                SimDuration::from_millis(55),
                SimDuration::from_millis(240),
            )
            .unwrap(),
        );
        assert_dist(
            &worker.keep_alive,
            &Dist::constant(SimDuration::from_secs(600)),
        );
        assert_median(&worker.cold_start, 0.071);
        assert!(s.sweep.is_empty());
    }

    const NANOS: u64 = 1_000_000_000;

    #[test]
    fn example_autoscaling() {
        let (_, s) = example("autoscaling.toml");
        let RateProfile::Diurnal {
            min_rate,
            max_rate,
            peak_at,
            period,
        } = s.workload.rate
        else {
            panic!()
        };
        assert_eq!((min_rate, max_rate), (50.0, 400.0));
        assert_eq!(peak_at, SimDuration::from_secs(14 * 3600));
        assert_eq!(period, SimDuration::from_secs(24 * 3600));
        assert!(matches!(
            component(&s.designs[0], "app").spec,
            ComponentSpec::Ec2(_)
        ));
        let ComponentSpec::Ec2(app) = &component(&s.designs[1], "app").spec else {
            panic!()
        };
        let g = app.autoscaling.as_ref().expect("a group");
        assert_eq!((g.min, g.max, g.desired), (2, 20, 2));
        assert_eq!(app.instances, 2, "the initial desired capacity");
        assert_eq!(
            g.policy,
            ScalingPolicy::TargetTracking {
                metric: ScalingMetric::Cpu,
                target: 50.0,
                disable_scale_in: false
            }
        );
        assert_eq!(g.scale_in_cooldown, SimDuration::from_secs(300));
        // AWS defaults for everything not given.
        assert_eq!(g.scale_out_cooldown, SimDuration::from_secs(300));
        assert_eq!(g.warmup, SimDuration::from_secs(300));
        assert_eq!(g.period, SimDuration::from_secs(60));
        assert_eq!(g.termination, TerminationPolicy::Default);
        let hc = app.lifecycle.health_check;
        assert_eq!(hc.interval, SimDuration::from_secs(30));
        assert_eq!(hc.timeout, SimDuration::from_secs(5));
        assert_eq!((hc.healthy_threshold, hc.unhealthy_threshold), (5, 2));
        assert_eq!(
            app.lifecycle.deregistration_delay,
            SimDuration::from_secs(300)
        );
        assert_eq!(app.lifecycle.mtbf, None);
        assert_mean(&app.lifecycle.boot_time, 90.0);
        assert_eq!(s.sweep.len(), 1);
        assert_eq!(s.sweep[0].key, "designs.scaled.app.autoscaling.target");
        assert_eq!(s.sweep[0].values, ["40", "50", "60", "70"]);
    }

    #[test]
    fn example_lambda_keepalive_and_mmc() {
        {
            let (_, s) = example("lambda-keepalive.toml");
            let names: Vec<&str> = s.designs.iter().map(|d| d.name.as_str()).collect();
            assert_eq!(names, ["python", "java"]);
            let mut medians = Vec::new();
            for (d, runtime) in s.designs.iter().zip(["python3.12", "java21"]) {
                let ComponentSpec::ApiGateway(api) = &d.components[0].spec else {
                    panic!("{:?}", d.components[0])
                };
                assert_eq!(api.api_type, ApiType::Http);
                assert_eq!(api.targets, [ComponentId(1)]);
                assert_eq!((api.rate, api.burst), (10_000.0, 5000));
                assert_eq!(api.timeout, SimDuration::from_secs(29));
                let ComponentSpec::Lambda(f) = &d.components[1].spec else {
                    panic!("{:?}", d.components[1])
                };
                assert_eq!(f.runtime, runtime);
                assert_eq!(f.memory_mb, 512);
                assert_dist(&f.keep_alive, &Dist::constant(SimDuration::from_secs(600)));
                assert_dist(
                    &f.service_time,
                    &Dist::gamma_mean_cv(SimDuration::from_millis(120), 0.5).unwrap(),
                );
                medians.push(f.cold_start.quantile_secs(0.5).unwrap());
            }
            // Catalog: python3.12 71 ms, java21 262 ms (maxday/lambda-perf).
            assert_median(&lambda_of(&s, 0, "fn").cold_start, 0.071);
            assert_median(&lambda_of(&s, 1, "fn").cold_start, 0.262);
            assert!(medians[1] > medians[0]);
            let RateProfile::Steps { steps, .. } = &s.workload.rate else {
                panic!()
            };
            assert_eq!(steps[1], (SimTime(7800 * NANOS), 0.001));
            assert_eq!(s.warmup, SimDuration::ZERO);
        }
        {
            let (_, s) = example("mmc.toml");
            let ComponentSpec::Ec2(e) = &s.designs[0].components[0].spec else {
                panic!()
            };
            assert_dist(
                &e.service_time,
                &Dist::exp(SimDuration::from_millis(100)).unwrap(),
            );
            assert_eq!((e.instances, e.workers), (1, 8));
            assert_eq!(s.workload.arrival, ArrivalProcess::Poisson);
        }
    }

    #[test]
    fn syntax_error_has_line_and_no_key() {
        let text = edit("workers = 4", "workers = = 4");
        let errs = errors(&text);
        assert_eq!(errs[0].key, "");
        assert_eq!(errs[0].line, Some(line_of(&text, "workers")));
        assert!(
            errs[0]
                .to_string()
                .starts_with(&format!("t.toml:{}: ", errs[0].line.unwrap()))
        );
    }

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
    fn scenario_section() {
        let text = edit("name = \"t\"", "name = \"my sim\"");
        expect_one(
            &text,
            "scenario.name",
            "my sim",
            &["letters, digits", "\"my sim\""],
        );
        let text = edit("name = \"t\"", "name = \"..\"");
        expect_one(&text, "scenario.name", "name", &["names the output folder"]);
        let text = edit("name = \"t\"", "name = \"\"");
        expect_one(&text, "scenario.name", "name", &["found \"\""]);
        let text = edit("name = \"t\"\n", "");
        expect_one(&text, "scenario.name", "[scenario]", &["missing `name`"]);
        let text = edit("duration = \"1h\"", "duration = \"1h\"\nwarmup = \"1h\"");
        expect_one(
            &text,
            "scenario.warmup",
            "warmup",
            &["shorter than the duration (1h)"],
        );
        let text = edit("duration = \"1h\"", "duration = \"1h\"\nbaseline = \"e\"");
        expect_one(
            &text,
            "scenario.baseline",
            "baseline",
            &["no design named \"e\""],
        );
        let text = edit(
            "duration = \"1h\"",
            "duration = \"1h\"\nbaseline = \"d\"\nseed = 0",
        );
        let s = load_text(&text).unwrap();
        assert_eq!((s.baseline, s.seed), (0, 0));
        let text = MINI.replace("[scenario]\nname = \"t\"\nduration = \"1h\"\n", "");
        let errs = errors(&text);
        expect(&errs, "scenario", None, &["missing [scenario]"]);
        let text = MINI
            .split("[designs.d]")
            .next()
            .unwrap_or_default()
            .to_string()
            + "[designs]\n";
        expect_one(&text, "designs", "[designs]", &["at least one design"]);
        let text = edit(
            "rate = 10",
            "rate = 10\nschedule = { at = \"1m\", rate = 3 }",
        );
        expect_one(
            &text,
            "workload.schedule",
            "schedule",
            &["array of steps", "found a table"],
        );
        let errs = errors("");
        expect(&errs, "scenario", None, &["missing [scenario]"]);
        expect(&errs, "workload", None, &["missing [workload]"]);
        expect(&errs, "designs", None, &["at least one design"]);
    }

    #[test]
    fn workload_rate_choices() {
        let text = edit("rate = 10", "arrival = \"constant\"");
        expect_one(
            &text,
            "workload",
            "[workload]",
            &["`rate`", "`pattern`", "`trace`"],
        );
        let text = edit("rate = 10", "schedule = [{ at = \"1m\", rate = 3 }]");
        let errs = errors(&text);
        expect(
            &errs,
            "workload.schedule",
            Some(line_of(&text, "schedule")),
            &["needs `rate`"],
        );
        let text = edit(
            "rate = 10",
            "rate = 10\npattern = { kind = \"diurnal\", min_rate = 1, max_rate = 2, period = \"1h\" }",
        );
        expect_one(
            &text,
            "workload.pattern",
            "pattern",
            &["cannot be combined with `rate`"],
        );
        let text = edit(
            "rate = 10",
            "schedule = [\n  { at = \"20m\", rate = 1 },\n  { at = \"10m\", rate = 2 },\n]\nrate = 3",
        );
        expect_one(
            &text,
            "workload.schedule[1].at",
            "10m",
            &["strictly increasing"],
        );
        let text = edit(
            "rate = 10",
            "rate = 3\nschedule = [{ at = \"2m\", rte = 1 }]",
        );
        let errs = errors(&text);
        expect(
            &errs,
            "workload.schedule[0].rte",
            Some(7),
            &["did you mean `rate`?"],
        );
        expect(
            &errs,
            "workload.schedule[0].rate",
            Some(7),
            &["missing `rate`"],
        );
        let text = edit("rate = 10", "rate = 3\nschedule = [5]");
        expect_one(
            &text,
            "workload.schedule[0]",
            "schedule",
            &["found an integer (5)"],
        );
        let text = edit("rate = 10", "arrival = \"posson\"\nrate = 1");
        expect_one(
            &text,
            "workload.arrival",
            "posson",
            &["did you mean \"poisson\"?"],
        );
        let text = edit(
            "rate = 10",
            "pattern = { kind = \"diurnal\", min_rate = 5, max_rate = 2, period = \"1h\" }",
        );
        expect_one(
            &text,
            "workload.pattern.max_rate",
            "pattern",
            &["≥ `min_rate`"],
        );
        let text = edit(
            "rate = 10",
            "pattern = { kind = \"weekly\", min_rate = 1, max_rate = 2, period = \"1h\" }",
        );
        expect_one(&text, "workload.pattern.kind", "pattern", &["\"diurnal\""]);
        let text = edit(
            "rate = 10",
            "pattern = { kind = \"diurnal\", min_rate = 1, max_rate = 2 }",
        );
        expect_one(
            &text,
            "workload.pattern.period",
            "pattern",
            &["missing `period`"],
        );
    }

    #[test]
    fn workload_client() {
        let text = format!("{MINI}[workload.client]\nretries = 101\n");
        expect_one(
            &text,
            "workload.client.retries",
            "retries",
            &["from 0 to 100"],
        );
        let text = format!(
            "{MINI}[workload.client]\ntimeout = \"2s\"\nbackoff = {{ base = \"1s\", jitter = \"fulll\", mult = 2 }}\n"
        );
        let errs = errors(&text);
        let line = Some(line_of(&text, "backoff"));
        expect(
            &errs,
            "workload.client.backoff.jitter",
            line,
            &["did you mean \"full\"?"],
        );
        expect(
            &errs,
            "workload.client.backoff.mult",
            line,
            &["unknown key `mult`"],
        );
        let text = format!(
            "{MINI}[workload.client]\ntimeout = \"2s\"\nretries = 3\nbackoff = {{ base = \"1s\", max = \"4s\", multiplier = 3.0, jitter = \"equal\" }}\n"
        );
        let c = load_text(&text).unwrap().workload.client;
        assert_eq!(c.timeout, Some(SimDuration::from_secs(2)));
        assert_eq!(c.retries, 3);
        assert_eq!(c.backoff.base, SimDuration::from_secs(1));
        assert_eq!(c.backoff.max, SimDuration::from_secs(4));
        assert_eq!(c.backoff.multiplier, 3.0);
        assert_eq!(c.backoff.jitter, Jitter::Equal);
        let text = format!("{MINI}[workload.client]\nbackoff = {{ multiplier = 0.5 }}\n");
        expect_one(
            &text,
            "workload.client.backoff.multiplier",
            "backoff",
            &["≥ 1"],
        );
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

    #[test]
    fn components_and_designs() {
        let text =
            format!("{MINI}\n[components.app]\nkind = \"database\"\nservice_time = \"1ms\"\n");
        expect_one(
            &text,
            "designs.d.app",
            "[designs.d.app]",
            &["already a shared component (components.app)"],
        );
        let text = edit("[designs.d.app]", "[designs.d.\"my app\"]");
        let errs = errors(&text);
        expect(
            &errs,
            "designs.d.\"my app\"",
            Some(line_of(&text, "my app")),
            &["component name"],
        );
        let text = edit("kind = \"ec2\"\n", "");
        expect_one(
            &text,
            "designs.d.app.kind",
            "[designs.d.app]",
            &["missing `kind`", "\"ec2\""],
        );
        let text = edit("kind = \"ec2\"", "kind = \"ec3\"");
        expect_one(
            &text,
            "designs.d.app.kind",
            "ec3",
            &["did you mean \"ec2\"?"],
        );
        let text = edit("entry = \"app\"", "entry = \"app\"\nentyr = 1");
        expect_one(
            &text,
            "designs.d.entyr",
            "entyr",
            &["did you mean `entry`?"],
        );
        let text = edit("entry = \"app\"\n", "");
        expect_one(
            &text,
            "designs.d.entry",
            "[designs.d]",
            &["missing `entry`"],
        );
        let text = edit("entry = \"app\"", "entry = \"ap\"");
        expect_one(
            &text,
            "designs.d.entry",
            "entry",
            &["no component named \"ap\"", "did you mean \"app\"?"],
        );
        let text =
            edit("[designs.d]", "[designs.\"a b\"]").replace("designs.d.", "designs.\"a b\".");
        let errs = errors(&text);
        expect(
            &errs,
            "designs.\"a b\"",
            Some(line_of(&text, "a b")),
            &["design name"],
        );
        let text = edit("[designs.d.app]", "[designs.d.app.x]");
        assert!(load_text(&text).is_err());
    }

    /// Shared components reached transitively come after the design's own, in
    /// `[components]` file order; unreached ones are left out.
    #[test]
    fn shared_components_order() {
        let text = edit("workers = 4", "workers = 4\ncalls = [\"cache\"]")
            + "\n[components.unused]\nkind = \"database\"\nservice_time = \"1ms\"\n"
            + "\n[components.db]\nkind = \"database\"\nservice_time = \"1ms\"\n"
            + "\n[components.cache]\nkind = \"ec2\"\ninstance_type = \"t3.micro\"\nservice_time = \"1ms\"\ncalls = [\"db\"]\n";
        let s = load_text(&text).unwrap();
        let names: Vec<&str> = s.designs[0]
            .components
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(names, ["app", "db", "cache"]);
        let ComponentSpec::Ec2(cache) = &s.designs[0].components[2].spec else {
            panic!()
        };
        assert_eq!(cache.calls, [ComponentId(1)]);
    }

    #[test]
    fn load_balancer_checks() {
        let lb = "\n[designs.d.lb]\nkind = \"load_balancer\"\n";
        let text = format!("{MINI}{lb}targets = \"app\"\nweights = [1]\n");
        expect_one(
            &text,
            "designs.d.lb.weights",
            "weights",
            &["routing = \"weighted\""],
        );
        let text =
            format!("{MINI}{lb}targets = [\"app\"]\nrouting = \"weighted\"\nweights = [1, 2]\n");
        expect_one(
            &text,
            "designs.d.lb.weights",
            "weights",
            &["expected 1 weights", "found 2"],
        );
        let text =
            format!("{MINI}{lb}targets = [\"app\"]\nrouting = \"weighted\"\nweights = [0]\n");
        expect_one(&text, "designs.d.lb.weights", "weights", &["> 0"]);
        let text = format!("{MINI}{lb}targets = []\n");
        expect_one(
            &text,
            "designs.d.lb.targets",
            "targets",
            &["at least one target"],
        );
        let text = format!("{MINI}{lb}\n");
        expect_one(
            &text,
            "designs.d.lb.targets",
            "[designs.d.lb]",
            &["missing `targets`"],
        );
        let text = format!("{MINI}{lb}targets = \"q\"\n[designs.d.q]\nkind = \"queue\"\n");
        expect_one(
            &text,
            "designs.d.lb.targets",
            "targets",
            &[
                "`q` is a queue",
                "ec2, fargate, lambda, database or load_balancer",
            ],
        );
        let text = format!("{MINI}{lb}targets = \"app\"\nrouting = \"round_robbin\"\n");
        expect_one(
            &text,
            "designs.d.lb.routing",
            "routing",
            &["did you mean \"round_robin\"?"],
        );
        let text = format!(
            "{MINI}{lb}targets = [\"app\"]\nrouting = \"weighted\"\nweights = [3]\ntype = \"nlb\"\nlatency = \"2ms\"\n"
        );
        let s = load_text(&text).unwrap();
        let ComponentSpec::LoadBalancer(l) = &s.designs[0].components[1].spec else {
            panic!()
        };
        assert_eq!(l.weights, Some(vec![3.0]));
        assert_eq!(l.lb_type, LbType::Nlb);
        assert_dist(&l.latency, &Dist::constant(SimDuration::from_millis(2)));
    }

    #[test]
    fn ec2_checks() {
        let text = edit("\"m5.large\"", "\"m5.larg\"");
        expect_one(
            &text,
            "designs.d.app.instance_type",
            "m5.larg",
            &[
                "unknown instance type \"m5.larg\"",
                "did you mean \"m5.large\"?",
                "t3.micro",
            ],
        );
        let auto = "\n[designs.d.app.autoscaling]\nmin = 1\nmax = 4\ntarget = 50\n";
        let s = load_text(&format!("{MINI}{auto}")).unwrap();
        let ComponentSpec::Ec2(e) = &s.designs[0].components[0].spec else {
            panic!()
        };
        assert_eq!(e.autoscaling.as_ref().map(|g| g.desired), Some(1));
        let text = format!(
            "{}{auto}",
            edit("workers = 4", "workers = 4\ninstances = 2")
        );
        expect_one(
            &text,
            "designs.d.app.instances",
            "instances",
            &["cannot be combined with `autoscaling`"],
        );
        let text = format!("{MINI}{}", auto.replace("target = 50", "target = 120"));
        expect_one(
            &text,
            "designs.d.app.autoscaling.target",
            "target",
            &["≤ 100", "120"],
        );
        let text = format!("{MINI}{}", auto.replace("min = 1", "min = 5"));
        expect_one(
            &text,
            "designs.d.app.autoscaling.min",
            "min = 5",
            &["≤ `max` (4)"],
        );
        let text = format!("{MINI}{}", auto.replace("min = 1", "min = 1\ndesired = 9"));
        expect_one(
            &text,
            "designs.d.app.autoscaling.desired",
            "desired",
            &["between `min` and `max`"],
        );
        let text = format!(
            "{MINI}{}",
            auto.replace("min = 1", "min = 1\npolicy = \"stepp\"")
        );
        expect_one(
            &text,
            "designs.d.app.autoscaling.policy",
            "stepp",
            &["did you mean \"step\"?"],
        );
        let text = edit("service_time = \"10ms\"\n", "");
        expect_one(
            &text,
            "designs.d.app.service_time",
            "[designs.d.app]",
            &["missing `service_time`"],
        );
    }

    #[test]
    fn autoscaling_policies_and_lifecycle() {
        let auto = "\n[designs.d.app.autoscaling]\nmin = 1\nmax = 4\n";
        // Step scaling: steps sorted from the most extreme bound.
        let steps = "policy = \"step\"\nsteps = [{ above = 70, change = 1 }, { above = 90, change = 3 }, { below = 20, change = -1 }]\ndatapoints = 2\nevaluation_periods = 3\n";
        let s = load_text(&format!("{MINI}{auto}{steps}")).unwrap();
        let ComponentSpec::Ec2(e) = &s.designs[0].components[0].spec else {
            panic!()
        };
        let ScalingPolicy::Step {
            steps,
            datapoints,
            evaluation_periods,
            ..
        } = &e.autoscaling.as_ref().unwrap().policy
        else {
            panic!()
        };
        assert_eq!((*datapoints, *evaluation_periods), (2, 3));
        let bounds: Vec<f64> = steps.iter().map(|s| s.bound).collect();
        assert_eq!(bounds, [90.0, 70.0, 20.0]);
        let text =
            format!("{MINI}{auto}policy = \"step\"\nsteps = [{{ above = 70, change = -1 }}]\n");
        expect_one(
            &text,
            "designs.d.app.autoscaling.steps[0].change",
            "change = -1",
            &["expected `change` > 0"],
        );
        let text =
            format!("{MINI}{auto}policy = \"step\"\nsteps = [{{ abve = 70, change = 1 }}]\n");
        let errors = errors(&text);
        expect(
            &errors,
            "designs.d.app.autoscaling.steps[0].abve",
            Some(line_of(&text, "abve")),
            &["did you mean `above`?"],
        );
        let text = format!("{MINI}{auto}target = 50\nscale_in_cooldwn = \"1m\"\n");
        expect_one(
            &text,
            "designs.d.app.autoscaling.scale_in_cooldwn",
            "scale_in_cooldwn",
            &["did you mean `scale_in_cooldown`?"],
        );
        // Scheduled actions, in order.
        let sched = "policy = \"scheduled\"\nscheduled = [{ at = \"8h\", min = 3, desired = 4 }, { at = \"20h\", desired = 1 }]\n";
        let s = load_text(&format!("{MINI}{auto}{sched}")).unwrap();
        let ComponentSpec::Ec2(e) = &s.designs[0].components[0].spec else {
            panic!()
        };
        let g = e.autoscaling.as_ref().unwrap();
        assert_eq!(g.policy, ScalingPolicy::None);
        assert_eq!(g.scheduled.len(), 2);
        assert_eq!(
            g.scheduled[0].at,
            SimTime::ZERO + SimDuration::from_secs(8 * 3600)
        );
        assert_eq!(
            (
                g.scheduled[0].min,
                g.scheduled[0].max,
                g.scheduled[0].desired
            ),
            (Some(3), None, Some(4))
        );
        let text = format!(
            "{MINI}{auto}policy = \"scheduled\"\nscheduled = [{{ at = \"8h\", desired = 4 }}, {{ at = \"2h\", desired = 1 }}]\n"
        );
        expect_one(
            &text,
            "designs.d.app.autoscaling.scheduled[1].at",
            "scheduled = [",
            &["strictly increasing"],
        );
        // Health checks and draining.
        let text = edit(
            "workers = 4",
            "workers = 4\nhealth_check = { interval = \"10s\", healthy_threshold = 3 }\nderegistration_delay = \"30s\"\nmtbf = \"2h\"",
        );
        let s = load_text(&text).unwrap();
        let ComponentSpec::Ec2(e) = &s.designs[0].components[0].spec else {
            panic!()
        };
        let hc = e.lifecycle.health_check;
        assert_eq!(hc.interval, SimDuration::from_secs(10));
        assert_eq!(hc.timeout, SimDuration::from_secs(5));
        assert_eq!((hc.healthy_threshold, hc.unhealthy_threshold), (3, 2));
        assert_eq!(e.lifecycle.deregistration_delay, SimDuration::from_secs(30));
        assert_eq!(e.lifecycle.mtbf, Some(SimDuration::from_secs(7200)));
        let text = edit(
            "workers = 4",
            "workers = 4\nhealth_check = { interval = \"5s\", timeout = \"6s\" }",
        );
        expect_one(
            &text,
            "designs.d.app.health_check.timeout",
            "health_check",
            &["shorter than the interval"],
        );
        let text = edit(
            "workers = 4",
            "workers = 4\nhealth_check = { intervall = \"5s\" }",
        );
        expect_one(
            &text,
            "designs.d.app.health_check.intervall",
            "health_check",
            &["did you mean `interval`?"],
        );
        let text = format!("{MINI}{auto}metric = \"backlog_per_instance\"\ntarget = 100\n");
        expect_one(
            &text,
            "designs.d.app.autoscaling.metric",
            "[designs.d.app]",
            &["needs a queue whose `consumer` is `app`"],
        );
        let lb = "[designs.d]\nentry = \"alb\"\n\n[designs.d.alb]\nkind = \"load_balancer\"\ntargets = \"app\"\n";
        let with_lb = MINI.replace("[designs.d]\nentry = \"app\"\n", lb);
        let s = load_text(&with_lb.replace(
            "targets = \"app\"",
            "targets = \"app\"\nslow_start = \"2m\"",
        ))
        .unwrap();
        let ComponentSpec::LoadBalancer(l) = &s.designs[0].components[0].spec else {
            panic!()
        };
        assert_eq!(l.slow_start, SimDuration::from_secs(120));
        let text = with_lb.replace(
            "targets = \"app\"",
            "targets = \"app\"\nrouting = \"least_outstanding\"\nslow_start = \"2m\"",
        );
        expect_one(
            &text,
            "designs.d.alb.slow_start",
            "slow_start",
            &["cannot combine slow start"],
        );
        let text = with_lb.replace(
            "targets = \"app\"",
            "targets = \"app\"\nslow_start = \"10s\"",
        );
        expect_one(
            &text,
            "designs.d.alb.slow_start",
            "slow_start",
            &["from 30s to 900s"],
        );
        let text = edit("workers = 4", "workers = 4\nderegistration_delay = \"2h\"");
        expect_one(
            &text,
            "designs.d.app.deregistration_delay",
            "deregistration_delay",
            &["from 0s to 3600s"],
        );
    }

    #[test]
    fn distributions() {
        let text = edit(
            "\"10ms\"",
            "{ dist = \"lognorml\", median = \"5ms\", p99 = \"40ms\" }",
        );
        expect_one(
            &text,
            "designs.d.app.service_time.dist",
            "service_time",
            &["did you mean \"lognormal\"?"],
        );
        let text = edit(
            "\"10ms\"",
            "{ dist = \"lognormal\", median = \"50ms\", p99 = \"40ms\" }",
        );
        expect_one(
            &text,
            "designs.d.app.service_time",
            "service_time",
            &["p99"],
        );
        let text = edit("\"10ms\"", "{ dist = \"gamma\", mean = \"5ms\" }");
        expect_one(
            &text,
            "designs.d.app.service_time.cv",
            "service_time",
            &["missing `cv`"],
        );
        let text = edit(
            "\"10ms\"",
            "{ dist = \"exp\", mean = \"5ms\", sd = \"1ms\" }",
        );
        expect_one(
            &text,
            "designs.d.app.service_time.sd",
            "service_time",
            &["unknown key `sd`"],
        );
        let text = edit(
            "\"10ms\"",
            "{ dist = \"lognormal\", median = \"5ms\", cv = 1.0 }",
        );
        assert!(load_text(&text).is_err());
        let text = edit("\"10ms\"", "{ mean = \"5ms\" }");
        expect_one(
            &text,
            "designs.d.app.service_time.dist",
            "service_time",
            &["missing `dist`", "\"exp\""],
        );
        let text = edit("\"10ms\"", "5");
        expect_one(
            &text,
            "designs.d.app.service_time",
            "service_time",
            &["distribution", "found an integer (5)"],
        );
        let text = edit("\"10ms\"", "\"10\"");
        expect_one(
            &text,
            "designs.d.app.service_time",
            "service_time",
            &["no unit"],
        );
        let cases = [
            (
                "{ dist = \"constant\", value = \"3ms\" }",
                Dist::constant(SimDuration::from_millis(3)),
            ),
            (
                "{ dist = \"uniform\", min = \"1ms\", max = \"3ms\" }",
                Dist::uniform(SimDuration::from_millis(1), SimDuration::from_millis(3)).unwrap(),
            ),
            (
                "{ dist = \"normal\", mean = \"3ms\", sd = \"1ms\", min = \"0ms\" }",
                Dist::normal(
                    SimDuration::from_millis(3),
                    SimDuration::from_millis(1),
                    Some(SimDuration::ZERO),
                    None,
                )
                .unwrap(),
            ),
            (
                "{ dist = \"pareto\", min = \"1ms\", alpha = 2.5 }",
                Dist::pareto(SimDuration::from_millis(1), 2.5).unwrap(),
            ),
            (
                "{ dist = \"lognormal\", mean = \"3ms\", cv = 2 }",
                Dist::lognormal_mean_cv(SimDuration::from_millis(3), 2.0).unwrap(),
            ),
        ];
        for (src, want) in cases {
            let s = load_text(&edit("\"10ms\"", src)).unwrap();
            let ComponentSpec::Ec2(e) = &s.designs[0].components[0].spec else {
                panic!()
            };
            assert_dist(&e.service_time, &want);
        }
    }

    #[test]
    fn references_and_kinds() {
        let shared = "\n[components.db]\nkind = \"database\"\nservice_time = \"1ms\"\n";
        let text = format!(
            "{}{shared}",
            edit("workers = 4", "workers = 4\ncalls = [\"dbb\"]")
        );
        expect_one(
            &text,
            "designs.d.app.calls",
            "dbb",
            &["no component named \"dbb\"", "did you mean \"db\"?"],
        );
        let text = format!(
            "{}{shared}",
            edit("workers = 4", "workers = 4\nsends = [\"db\"]")
        );
        expect_one(
            &text,
            "designs.d.app.sends",
            "sends",
            &[
                "`db` is a database",
                "`sends` must name a queue, topic or lambda",
            ],
        );
        let q = "\n[designs.d.q]\nkind = \"queue\"\nconsumer = \"app\"\ndead_letter = \"q\"\n";
        let text = format!("{MINI}{q}");
        expect_one(
            &text,
            "designs.d.q.dead_letter",
            "dead_letter",
            &["its own dead-letter"],
        );
        let q = "\n[designs.d.q]\nkind = \"queue\"\nconsumer = \"nobody\"\n";
        let text = format!("{MINI}{q}");
        expect_one(
            &text,
            "designs.d.q.consumer",
            "consumer",
            &["no component named \"nobody\""],
        );
        let t = "\n[designs.d.t]\nkind = \"topic\"\nsubscribers = [\"app\", { target = \"q\", filter = [\"default\"] }, { target = \"zz\" }]\n[designs.d.q]\nkind = \"queue\"\n";
        let text = format!("{MINI}{t}");
        expect_one(
            &text,
            "designs.d.t.subscribers[2].target",
            "subscribers",
            &["\"zz\""],
        );
    }

    /// The queue of design `d`.
    fn queue(s: &Scenario, name: &str) -> QueueSpec {
        match &component(&s.designs[0], name).spec {
            ComponentSpec::Queue(q) => q.clone(),
            other => panic!("{name} is {other:?}"),
        }
    }

    /// The queue `name` of design `d`.
    fn queue_of(s: &Scenario, d: usize, name: &str) -> QueueSpec {
        match &component(&s.designs[d], name).spec {
            ComponentSpec::Queue(q) => q.clone(),
            other => panic!("{name} is {other:?}"),
        }
    }

    /// The topic of design `d`.
    fn topic(s: &Scenario, name: &str) -> TopicSpec {
        match &component(&s.designs[0], name).spec {
            ComponentSpec::Topic(t) => t.clone(),
            other => panic!("{name} is {other:?}"),
        }
    }

    #[test]
    fn queue_defaults_and_values() {
        let text = format!("{MINI}\n[designs.d.q]\nkind = \"queue\"\n");
        let q = queue(&load_text(&text).unwrap(), "q");
        assert_eq!(q.queue_type, QueueType::Standard);
        assert_eq!(
            (q.consumer, q.max_receives, q.dead_letter),
            (None, None, None)
        );
        assert_eq!(q.visibility_timeout, SimDuration::from_secs(30));
        assert_eq!(q.retention, SimDuration::from_secs(4 * 24 * 3600));
        assert_eq!(
            (q.delay, q.wait_time),
            (SimDuration::ZERO, SimDuration::ZERO)
        );
        assert_eq!((q.batch_size, q.groups), (1, 1));
        assert_eq!(q.duplicate_probability, 0.0);
        assert!(!q.high_throughput);
        assert_dist(&q.latency, &Dist::constant(SimDuration::from_millis(16)));
        assert_eq!(q.message_bytes, 1024);

        let text = edit("workers = 4", "workers = 4\nsends = \"q\"")
            + "\n[designs.d.q]\nkind = \"queue\"\ntype = \"fifo\"\nconsumer = \"app\"\n\
               visibility_timeout = \"2m\"\nmax_receives = 3\ndead_letter = \"dlq\"\n\
               retention = \"1d\"\ndelay = \"5s\"\nbatch_size = 10\nwait_time = \"20s\"\n\
               groups = 8\nhigh_throughput = true\nlatency = { dist = \"exp\", mean = \"5ms\" }\n\
               message_size = 1048576\n\
               \n[designs.d.dlq]\nkind = \"queue\"\ntype = \"fifo\"\n";
        let s = load_text(&text).unwrap();
        let q = queue(&s, "q");
        assert_eq!(q.queue_type, QueueType::Fifo);
        assert_eq!(q.consumer, Some(ComponentId(0)));
        assert_eq!(q.dead_letter, Some(ComponentId(2)));
        assert_eq!(q.max_receives, Some(3));
        assert_eq!(q.visibility_timeout, SimDuration::from_secs(120));
        assert_eq!(q.retention, SimDuration::from_secs(24 * 3600));
        assert_eq!(q.delay, SimDuration::from_secs(5));
        assert_eq!(q.wait_time, SimDuration::from_secs(20));
        assert_eq!((q.batch_size, q.groups, q.high_throughput), (10, 8, true));
        assert_dist(&q.latency, &Dist::exp(SimDuration::from_millis(5)).unwrap());
        assert_eq!(q.message_bytes, 1_048_576);
        assert_eq!(queue(&s, "dlq").queue_type, QueueType::Fifo);
        let ComponentSpec::Ec2(app) = &component(&s.designs[0], "app").spec else {
            panic!()
        };
        assert_eq!(app.sends, [ComponentId(1)]);

        let text =
            format!("{MINI}\n[designs.d.q]\nkind = \"queue\"\nduplicate_probability = 0.25\n");
        assert_eq!(
            queue(&load_text(&text).unwrap(), "q").duplicate_probability,
            0.25
        );
        for bad in ["0", "1048577", "\"1KB\""] {
            let text = format!("{MINI}\n[designs.d.q]\nkind = \"queue\"\nmessage_size = {bad}\n");
            expect_one(
                &text,
                "designs.d.q.message_size",
                "message_size",
                &["from 1 to 1048576"],
            );
        }
        let text = format!("{MINI}\n[designs.d.q]\nkind = \"queue\"\nlatency = 5\n");
        expect_one(&text, "designs.d.q.latency", "latency", &["distribution"]);
    }

    #[test]
    fn queue_type_only_keys() {
        let q = "\n[designs.d.q]\nkind = \"queue\"\n";
        let text = format!("{MINI}{q}high_throughput = true\n");
        expect_one(
            &text,
            "designs.d.q.high_throughput",
            "high_throughput",
            &["only applies with type = \"fifo\""],
        );
        let text = format!("{MINI}{q}type = \"standard\"\ngroups = 4\n");
        expect_one(
            &text,
            "designs.d.q.groups",
            "groups",
            &["only applies with type = \"fifo\""],
        );
        let text = format!("{MINI}{q}type = \"fifo\"\nduplicate_probability = 0.1\n");
        expect_one(
            &text,
            "designs.d.q.duplicate_probability",
            "duplicate_probability",
            &["only applies with type = \"standard\""],
        );
        // An unknown type is reported once, not once per dependent key.
        let text = format!("{MINI}{q}type = \"fifoo\"\ngroups = 4\n");
        expect_one(
            &text,
            "designs.d.q.type",
            "fifoo",
            &["did you mean \"fifo\"?"],
        );
    }

    #[test]
    fn dead_letter_type_must_match() {
        let text = format!(
            "{MINI}\n[designs.d.q]\nkind = \"queue\"\ntype = \"fifo\"\ndead_letter = \"dlq\"\nmax_receives = 5\n\
             \n[designs.d.dlq]\nkind = \"queue\"\n"
        );
        expect_one(
            &text,
            "designs.d.q.dead_letter",
            "dead_letter",
            &["`dlq` is a standard queue", "must also be FIFO"],
        );
        let text = format!(
            "{MINI}\n[designs.d.q]\nkind = \"queue\"\ndead_letter = \"dlq\"\n\
             \n[designs.d.dlq]\nkind = \"queue\"\ntype = \"fifo\"\n"
        );
        expect_one(
            &text,
            "designs.d.q.dead_letter",
            "dead_letter",
            &["`dlq` is a FIFO queue", "must also be standard"],
        );
        let text = format!("{MINI}\n[designs.d.q]\nkind = \"queue\"\ndead_letter = \"app\"\n");
        expect_one(
            &text,
            "designs.d.q.dead_letter",
            "dead_letter",
            &["`app` is a ec2", "must name a queue"],
        );
    }

    #[test]
    fn topic_subscribers() {
        let text = format!(
            "{}{}",
            edit(
                "rate = 10",
                "rate = 10\nclasses = { order = 3, refund = 1 }"
            ),
            "\n[designs.d.t]\nkind = \"topic\"\nsubscribers = [\n  \"q\",\n  { target = \"app\", filter = [\"refund\"] },\n  { target = \"q2\", filter = [\"refund\", \"order\"] },\n  { target = \"q\" },\n]\n\
             \n[designs.d.q]\nkind = \"queue\"\n\n[designs.d.q2]\nkind = \"queue\"\n"
        );
        let s = load_text(&text).unwrap();
        let t = topic(&s, "t");
        let subs: Vec<(ComponentId, Option<Vec<usize>>)> = t
            .subscriptions
            .iter()
            .map(|s| (s.target, s.filter.clone()))
            .collect();
        assert_eq!(
            subs,
            [
                (ComponentId(2), None),
                (ComponentId(0), Some(vec![1])),
                (ComponentId(3), Some(vec![1, 0])),
                (ComponentId(2), None),
            ]
        );
        assert_dist(&t.latency, &Dist::constant(SimDuration::from_millis(20)));
        let tt = "\n[designs.d.t]\nkind = \"topic\"\n";
        let text = format!("{MINI}{tt}subscribers = \"app\"\nlatency = \"3ms\"\n");
        let t = topic(&load_text(&text).unwrap(), "t");
        assert_eq!(t.subscriptions.len(), 1);
        assert_eq!(t.subscriptions[0].target, ComponentId(0));
        assert_dist(&t.latency, &Dist::constant(SimDuration::from_millis(3)));
        let text = format!("{MINI}{tt}");
        expect_one(
            &text,
            "designs.d.t.subscribers",
            "[designs.d.t]",
            &["missing `subscribers`"],
        );
        let text = format!("{MINI}{tt}subscribers = []\n");
        expect_one(
            &text,
            "designs.d.t.subscribers",
            "subscribers",
            &["at least one subscriber"],
        );
        let text = format!("{MINI}{tt}subscribers = [\"t\"]\n");
        expect_one(
            &text,
            "designs.d.t.subscribers",
            "subscribers",
            &["`t` is a topic"],
        );
        let text = format!("{MINI}{tt}subscribers = [{{ filter = [\"default\"] }}]\n");
        expect_one(
            &text,
            "designs.d.t.subscribers[0].target",
            "subscribers",
            &["missing `target`"],
        );
    }

    #[test]
    fn topic_filters() {
        let tt = "\n[designs.d.t]\nkind = \"topic\"\nsubscribers = [{ target = \"app\", filter = ";
        let classes = edit(
            "rate = 10",
            "rate = 10\nclasses = { order = 3, refund = 1 }",
        );
        let text = format!("{classes}{tt}[\"refnd\"] }}]\n");
        expect_one(
            &text,
            "designs.d.t.subscribers[0].filter",
            "subscribers",
            &[
                "expected a request class declared in [workload] classes (\"order\" or \"refund\")",
                "found \"refnd\"",
                "did you mean \"refund\"?",
            ],
        );
        // Without `classes`, the only class is `default`.
        let text = format!("{MINI}{tt}[\"order\"] }}]\n");
        expect_one(
            &text,
            "designs.d.t.subscribers[0].filter",
            "subscribers",
            &["(\"default\")", "found \"order\""],
        );
        let text = format!("{MINI}{tt}[\"default\"] }}]\n");
        let t = topic(&load_text(&text).unwrap(), "t");
        assert_eq!(t.subscriptions[0].filter, Some(vec![0]));
        let text = format!("{classes}{tt}[] }}]\n");
        expect_one(
            &text,
            "designs.d.t.subscribers[0].filter",
            "subscribers",
            &["found an empty array"],
        );
        let text = format!("{classes}{tt}\"order\" }}]\n");
        expect_one(
            &text,
            "designs.d.t.subscribers[0].filter",
            "subscribers",
            &["non-empty array", "found a string"],
        );
        let text = format!("{classes}{tt}[\"order\", \"order\"] }}]\n");
        expect_one(
            &text,
            "designs.d.t.subscribers[0].filter",
            "subscribers",
            &["listed twice"],
        );
        let text = format!("{classes}{tt}[\"order\"], fitler = 1 }}]\n");
        expect_one(
            &text,
            "designs.d.t.subscribers[0].fitler",
            "subscribers",
            &["did you mean `filter`?"],
        );
        // Invalid classes are reported once, not again at every filter.
        let text = format!(
            "{}{tt}[\"order\"] }}]\n",
            edit("rate = 10", "rate = 10\nclasses = { order = 0 }")
        );
        expect_one(&text, "workload.classes.order", "classes", &["> 0"]);
    }

    #[test]
    fn workload_classes() {
        let with = |classes: &str| edit("rate = 10", &format!("rate = 10\nclasses = {classes}"));
        let s = load_text(&with("{ order = 0.7, refund = 0.2, other = 0.1 }")).unwrap();
        let names: Vec<&str> = s.workload.classes.iter().map(|c| c.0.as_str()).collect();
        assert_eq!(names, ["order", "refund", "other"]);
        let shares: Vec<f64> = s.workload.classes.iter().map(|c| c.1).collect();
        for (got, want) in shares.iter().zip([0.7, 0.2, 0.1]) {
            assert!((got - want).abs() < 1e-12, "{shares:?}");
        }
        let s = load_text(&with("{ b = 3, a = 1 }")).unwrap();
        assert_eq!(
            s.workload.classes,
            [("b".to_string(), 0.75), ("a".to_string(), 0.25)]
        );
        // A [workload.classes] table works too, and huge shares do not overflow.
        let text = format!("{MINI}\n[workload.classes]\nbig = 1e308\nhuge = 1e308\n");
        let s = load_text(&text).unwrap();
        assert_eq!(
            s.workload.classes,
            [("big".to_string(), 0.5), ("huge".to_string(), 0.5)]
        );
        let text = with("{ order = 0, refund = 1 }");
        expect_one(
            &text,
            "workload.classes.order",
            "classes",
            &["expected a number > 0, found 0"],
        );
        let text = with("{ order = -0.5, refund = 1 }");
        expect_one(&text, "workload.classes.order", "classes", &["> 0", "-0.5"]);
        let text = with("{ order = inf }");
        expect_one(&text, "workload.classes.order", "classes", &["finite"]);
        let text = with("{ order = \"70%\" }");
        expect_one(
            &text,
            "workload.classes.order",
            "classes",
            &["found a string (\"70%\")"],
        );
        let text = with("{}");
        expect_one(
            &text,
            "workload.classes",
            "classes",
            &["at least one request class", "found an empty table"],
        );
        let text = with("[\"order\"]");
        expect_one(
            &text,
            "workload.classes",
            "classes",
            &["table of request classes", "found an array"],
        );
        let text = with("{ \"big order\" = 1 }");
        expect_one(
            &text,
            "workload.classes.\"big order\"",
            "classes",
            &["class name made of letters"],
        );
        let text = edit("rate = 10", "rate = 10\nclases = { a = 1 }");
        expect_one(
            &text,
            "workload.clases",
            "clases",
            &["did you mean `classes`?"],
        );
    }

    /// Shared queues, topics and their consumers are reached through
    /// `sends`, `consumer`, `dead_letter` and `subscribers`, transitively.
    #[test]
    fn shared_messaging_components_are_reached() {
        let text = edit("workers = 4", "workers = 4\nsends = \"t\"")
            + "\n[components.unused]\nkind = \"queue\"\n"
            + "\n[components.worker]\nkind = \"ec2\"\ninstance_type = \"t3.micro\"\nservice_time = \"1ms\"\n"
            + "\n[components.dlq]\nkind = \"queue\"\n"
            + "\n[components.q]\nkind = \"queue\"\nconsumer = \"worker\"\ndead_letter = \"dlq\"\nmax_receives = 2\n"
            + "\n[components.t]\nkind = \"topic\"\nsubscribers = [{ target = \"q\", filter = [\"default\"] }]\n";
        let s = load_text(&text).unwrap();
        let names: Vec<&str> = s.designs[0]
            .components
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(names, ["app", "worker", "dlq", "q", "t"]);
        let q = queue(&s, "q");
        assert_eq!(
            (q.consumer, q.dead_letter),
            (Some(ComponentId(1)), Some(ComponentId(2)))
        );
        assert_eq!(topic(&s, "t").subscriptions[0].target, ComponentId(3));
        // An asynchronous loop through a topic is no call cycle.
        let text = text.replace(
            "service_time = \"1ms\"\n",
            "service_time = \"1ms\"\nsends = \"t\"\n",
        );
        load_text(&text).unwrap();
        // References of unreached shared components are still checked.
        let text =
            format!("{MINI}\n[components.t]\nkind = \"topic\"\nsubscribers = [\"nobody\"]\n");
        expect_one(
            &text,
            "components.t.subscribers",
            "nobody",
            &["no component named \"nobody\""],
        );
    }

    #[test]
    fn call_cycles() {
        let text = edit("workers = 4", "workers = 4\ncalls = [\"b\"]")
            + "\n[designs.d.b]\nkind = \"ec2\"\ninstance_type = \"t3.micro\"\nservice_time = \"1ms\"\ncalls = [\"app\"]\n";
        expect_one(
            &text,
            "designs.d.b.calls",
            "calls = [\"app\"]",
            &["cycle: app → b → app"],
        );
        let text = edit("workers = 4", "workers = 4\ncalls = \"app\"");
        expect_one(&text, "designs.d.app.calls", "calls", &["cycle: app → app"]);
        // An asynchronous loop is fine.
        let text = edit("workers = 4", "workers = 4\nsends = [\"q\"]")
            + "\n[designs.d.q]\nkind = \"queue\"\nconsumer = \"app\"\n";
        load_text(&text).unwrap();
    }

    #[test]
    fn faults() {
        let fault = "\n[[faults]]\ncomponent = \"ap\"\nkind = \"outage\"\nat = \"10m\"\nduration = \"1m\"\n";
        let text = format!("{MINI}{fault}");
        expect_one(
            &text,
            "faults[0].component",
            "\"ap\"",
            &["did you mean \"app\"?"],
        );
        let text = format!(
            "{MINI}{}",
            fault
                .replace("\"ap\"", "\"app\"")
                .replace("\"outage\"", "\"slowdown\"")
        );
        expect_one(
            &text,
            "faults[0].factor",
            "[[faults]]",
            &["missing `factor`"],
        );
        let text = format!(
            "{MINI}{}",
            fault
                .replace("\"ap\"", "\"app\"")
                .replace("\"10m\"", "\"10m\"\nfactor = 2")
        );
        expect_one(
            &text,
            "faults[0].factor",
            "factor",
            &["only applies to kind = \"slowdown\""],
        );
        let text = format!(
            "{MINI}{}",
            fault
                .replace("\"ap\"", "\"app\"")
                .replace("\"1m\"", "\"0s\"")
        );
        expect_one(&text, "faults[0].duration", "0s", &["> 0"]);
        let text = format!("{MINI}\n[faults]\ncomponent = \"app\"\n");
        expect_one(&text, "faults", "[faults]", &["[[faults]]"]);
        let text = format!(
            "{MINI}{}",
            fault
                .replace("\"ap\"", "\"app\"")
                .replace("\"outage\"", "\"slowdown\"\nfactor = 3")
        );
        let s = load_text(&text).unwrap();
        assert_eq!(s.faults[0].kind, FaultKind::Slowdown { factor: 3.0 });
    }

    #[test]
    fn zones_and_zone_outages() {
        let zoned = edit("workers = 4", "workers = 4\nzones = [\"east\", \"west\"]");
        let fault = "\n[[faults]]\ncomponent = \"app\"\nkind = \"zone_outage\"\nzone = \"west\"\nat = \"10m\"\nduration = \"1m\"\n";
        let s = load_text(&format!("{zoned}{fault}")).unwrap();
        assert_eq!(s.faults[0].kind, FaultKind::ZoneOutage { zone: 1 });
        let ComponentSpec::Ec2(e) = &s.designs[0].components[0].spec else {
            panic!("ec2")
        };
        assert_eq!(e.zones, ["east", "west"]);
        // A count names the zones a, b, …; an index picks one from 0.
        let three = edit("workers = 4", "workers = 4\nzones = 3");
        let text = format!("{three}{}", fault.replace("\"west\"", "2"));
        let s = load_text(&text).unwrap();
        assert_eq!(s.faults[0].kind, FaultKind::ZoneOutage { zone: 2 });
        // A zone the fleet does not have: the fleet's zones are named.
        let text = format!("{zoned}{}", fault.replace("\"west\"", "\"wesst\""));
        expect_one(
            &text,
            "faults[0].zone",
            "\"wesst\"",
            &[
                "no zone \"wesst\"",
                "did you mean \"west\"?",
                "\"east\", \"west\"",
            ],
        );
        let text = format!("{three}{}", fault.replace("\"west\"", "3"));
        expect_one(&text, "faults[0].zone", "zone = 3", &["from 0 to 2"]);
        // A fleet without zones has none to lose.
        let text = format!("{MINI}{fault}");
        expect_one(&text, "faults[0].zone", "\"west\"", &["has no zones"]);
        let text = format!("{zoned}{}", fault.replace("zone = \"west\"\n", ""));
        expect_one(&text, "faults[0].zone", "[[faults]]", &["missing `zone`"]);
        let text = format!("{zoned}{}", fault.replace("\"zone_outage\"", "\"outage\""));
        expect_one(
            &text,
            "faults[0].zone",
            "zone =",
            &["only applies to kind = \"zone_outage\""],
        );
        // `zones` itself.
        let text = edit("workers = 4", "workers = 4\nzones = 0");
        expect_one(&text, "designs.d.app.zones", "zones", &["from 1 to 26"]);
        let text = edit("workers = 4", "workers = 4\nzones = [\"a\", \"a\"]");
        expect_one(&text, "designs.d.app.zones", "zones", &["zone \"a\" twice"]);
        let text = edit("workers = 4", "workers = 4\nzones = \"a\"");
        expect_one(
            &text,
            "designs.d.app.zones",
            "zones",
            &["a number of zones from 1 to 26 or an array of zone names"],
        );
        let text = edit("workers = 4", "workers = 4\nzone = 3");
        expect_one(
            &text,
            "designs.d.app.zone",
            "zone",
            &["did you mean `zones`?"],
        );
    }

    #[test]
    fn sweeps() {
        let text = format!("{MINI}\n[sweep]\n\"designs.d.app.workers\" = [1, 0, 2.5]\n");
        let errs = errors(&text);
        let line = Some(line_of(&text, "[1, 0, 2.5]"));
        expect(
            &errs,
            "sweep.\"designs.d.app.workers\"",
            line,
            &["with designs.d.app.workers = 0", "from 1 to 1000"],
        );
        expect(
            &errs,
            "sweep.\"designs.d.app.workers\"",
            line,
            &["= 2.5", "found a float (2.5)"],
        );
        assert_eq!(errs.len(), 2);
        let text = format!("{MINI}\n[sweep]\n\"designs.d.ap.workers\" = [1]\n");
        expect_one(
            &text,
            "sweep.\"designs.d.ap.workers\"",
            "ap.workers",
            &["did you mean `app`?"],
        );
        let text = format!("{MINI}\n[sweep]\n\"designs.d.app.workers\" = []\n");
        expect_one(
            &text,
            "sweep.\"designs.d.app.workers\"",
            "[]",
            &["non-empty array"],
        );
        let text = format!("{MINI}\n[sweep]\n\"designs.d.app.workers\" = 3\n");
        expect_one(
            &text,
            "sweep.\"designs.d.app.workers\"",
            "= 3",
            &["non-empty array"],
        );
        let text = format!(
            "{MINI}\n[sweep]\n\"designs.d.app.instance_type\" = [\"m5.large\", \"c5.large\"]\ndesigns.d.app.workers = [1, 2]\n"
        );
        let s = load_text(&text).unwrap();
        assert_eq!(s.sweep[0].values, ["\"m5.large\"", "\"c5.large\""]);
        assert_eq!(s.sweep[1].key, "designs.d.app.workers");
        // The rendered values work as overrides.
        let o = Override {
            key: s.sweep[0].key.clone(),
            value: s.sweep[0].values[1].clone(),
        };
        let s = load_str(&text, Path::new("t.toml"), &[o]).unwrap();
        let ComponentSpec::Ec2(e) = &s.designs[0].components[0].spec else {
            panic!()
        };
        assert_eq!(e.instance_type, "c5.large");
    }

    fn set(key: &str, value: &str) -> Override {
        Override {
            key: key.into(),
            value: value.into(),
        }
    }

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

    #[test]
    fn override_from_str_and_hash() {
        let o: Override = "designs.monolith.app.instances=8".parse().unwrap();
        assert_eq!(o, set("designs.monolith.app.instances", "8"));
        let o: Override = " a.b = x=y ".parse().unwrap();
        assert_eq!(o, set("a.b", "x=y"));
        assert!("novalue".parse::<Override>().is_err());
        assert!("=3".parse::<Override>().is_err());
        assert_eq!(o.to_string(), "a.b=x=y");
        // FNV-1a 64 test vectors.
        assert_eq!(scenario_hash("", &[]), "cbf29ce484222325");
        assert_eq!(scenario_hash("a", &[]), "af63dc4c8601ec8c");
        assert_eq!(
            scenario_hash("", &[set("a", "")]),
            scenario_hash("a=\n", &[])
        );
        let p = Path::new("t.toml");
        let a = load_str(MINI, p, &[]).unwrap().hash;
        let b = load_str(MINI, p, &[set("designs.d.app.workers", "4")])
            .unwrap()
            .hash;
        assert_ne!(a, b);
        assert_eq!(a, scenario_hash(MINI, &[]));
    }

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
        let e = ScenarioError {
            file: "--set".into(),
            line: None,
            key: "a.b".into(),
            message: "m".into(),
        };
        assert_eq!(e.to_string(), "--set: a.b: m");
    }

    #[test]
    fn other_kinds_validate() {
        let extra = r#"
[designs.d.gw]
kind = "api_gateway"
type = "rest"
targets = ["fn"]
rate = 100
burst = 50
timeout = "30s"

[designs.d.fn]
kind = "lambda"
runtime = "python3.13"
memory_mb = 64
service_time = "5ms"
concurrency = 5
provisioned = 6
timeout = "901s"
architecture = "arm"

[designs.d.f]
kind = "fargate"
vcpu = 3
memory_gb = 4
tasks = 2
service_time = "5ms"

[designs.d.q]
kind = "queue"
type = "standard"
groups = 2
retention = "30s"
wait_time = "21s"
batch_size = 11
max_receives = 0
duplicate_probability = 1.5
high_throughput = "yes"
"#;
        let text = format!("{MINI}{extra}");
        let errs = errors(&text);
        let at = |n: &str| Some(line_of(&text, n));
        expect(
            &errs,
            "designs.d.gw.timeout",
            at("\"30s\""),
            &["from 50ms to 29s", "\"30s\""],
        );
        expect(
            &errs,
            "designs.d.fn.memory_mb",
            at("memory_mb"),
            &["from 128 to 10240"],
        );
        expect(
            &errs,
            "designs.d.fn.provisioned",
            at("provisioned"),
            &["at most `concurrency` (5)"],
        );
        expect(
            &errs,
            "designs.d.fn.timeout",
            at("901s"),
            &["from 1s to 900s"],
        );
        expect(
            &errs,
            "designs.d.fn.architecture",
            at("arm\""),
            &["\"x86_64\" or \"arm64\""],
        );
        expect(&errs, "designs.d.f.vcpu", at("vcpu"), &["0.25"]);
        expect(&errs, "designs.d.q.groups", at("groups"), &["fifo"]);
        expect(
            &errs,
            "designs.d.q.retention",
            at("retention"),
            &["from 60s to 14d"],
        );
        expect(
            &errs,
            "designs.d.q.wait_time",
            at("wait_time"),
            &["from 0s to 20s"],
        );
        expect(
            &errs,
            "designs.d.q.batch_size",
            at("batch_size"),
            &["batch of 11", "`batching_window` of at least 1s"],
        );
        expect(
            &errs,
            "designs.d.q.max_receives",
            at("max_receives"),
            &["from 1 to 1000"],
        );
        expect(
            &errs,
            "designs.d.q.duplicate_probability",
            at("duplicate"),
            &["from 0 to 1"],
        );
        expect(
            &errs,
            "designs.d.q.high_throughput",
            at("high_throughput"),
            &["true or false"],
        );
        assert_eq!(errs.len(), 13, "{}", ScenarioErrors(errs.clone()));
        let bad_runtime = format!(
            "{MINI}\n[designs.d.fn]\nkind = \"lambda\"\nruntime = \"python3.8\"\nservice_time = \"1ms\"\n"
        );
        expect_one(
            &bad_runtime,
            "designs.d.fn.runtime",
            "python3.8",
            &["did you mean \"python3.9\"?"],
        );
    }

    #[test]
    fn slo_targets_validate() {
        let text = format!(
            "{MINI}{}",
            "\n[slo]\nresponse_p99 = \"fast\"\nerror_rate = 5\nmonthly_budgett = 100\n"
        );
        let errs = errors(&text);
        let at = |n: &str| Some(line_of(&text, n));
        expect(&errs, "slo.response_p99", at("fast"), &["duration"]);
        expect(&errs, "slo.error_rate", at("error_rate"), &["from 0 to 1"]);
        expect(
            &errs,
            "slo.monthly_budgett",
            at("monthly_budgett"),
            &["monthly_budget"],
        );
        let ok = format!(
            "{MINI}{}",
            "\n[slo]\nresponse_p99 = \"250ms\"\nlost = 0\nmonthly_budget = 500.0\n"
        );
        let slo = load_text(&ok).expect("valid").slo;
        assert_eq!(slo.response_p99, Some(SimDuration::from_millis(250)));
        assert_eq!((slo.lost, slo.monthly_budget), (Some(0), Some(500.0)));
        assert!(slo.error_rate.is_none() && slo.is_set());
        assert!(!load_text(MINI).unwrap().slo.is_set());
    }

    #[test]
    fn event_source_mapping_settings_need_a_lambda_consumer() {
        let text = format!(
            "{MINI}{}",
            r#"
[designs.d.q]
kind = "queue"
consumer = "app"
batch_size = 100
batching_window = "2s"

[designs.d.fifo]
kind = "queue"
type = "fifo"
consumer = "fn"
batch_size = 20
batching_window = "1s"

[designs.d.lonely]
kind = "queue"
report_batch_item_failures = true

[designs.d.big]
kind = "queue"
consumer = "fn"
batch_size = 10001

[designs.d.fn]
kind = "lambda"
runtime = "python3.12"
service_time = "10ms"
"#
        );
        let errs = errors(&text);
        let line = |n: &str, k: usize| {
            Some(
                text.match_indices(n)
                    .nth(k)
                    .map_or(0, |(i, _)| text[..i].matches('\n').count() + 1),
            )
        };
        expect(
            &errs,
            "designs.d.q.consumer",
            line("consumer = \"app\"", 0),
            &[
                "`app` is not a Lambda function",
                "`batch_size = 100` and `batching_window`",
            ],
        );
        expect(
            &errs,
            "designs.d.fifo.batching_window",
            line("batching_window", 1),
            &["standard queues only"],
        );
        expect(
            &errs,
            "designs.d.fifo.batch_size",
            line("batch_size = 20", 0),
            &["at most 10 for a FIFO queue"],
        );
        expect(
            &errs,
            "designs.d.lonely.report_batch_item_failures",
            line("report_batch_item_failures", 0),
            &["has no `consumer`"],
        );
        expect(
            &errs,
            "designs.d.big.batch_size",
            line("10001", 0),
            &["from 1 to 10000"],
        );
        let ok = format!(
            "{MINI}{}",
            r#"
[designs.d.q]
kind = "queue"
consumer = "fn"
batch_size = 100
batching_window = "2s"
report_batch_item_failures = true

[designs.d.fn]
kind = "lambda"
runtime = "python3.12"
service_time = "10ms"
"#
        );
        let s = load_text(&ok).expect("valid");
        let q = s.designs[0]
            .components
            .iter()
            .find_map(|c| match &c.spec {
                ComponentSpec::Queue(q) => Some(q),
                _ => None,
            })
            .unwrap();
        assert_eq!(
            (
                q.batch_size,
                q.batching_window,
                q.report_batch_item_failures
            ),
            (100, SimDuration::from_secs(2), true)
        );
    }

    /// MINI plus a lambda `fn` (unreached by `app`, which is fine) with `keys`.
    fn with_lambda(keys: &str) -> String {
        format!("{MINI}\n[designs.d.fn]\nkind = \"lambda\"\n{keys}")
    }

    #[test]
    fn lambda_defaults() {
        let s = load_text(&with_lambda(
            "runtime = \"java21\"\nservice_time = \"10ms\"\n",
        ))
        .unwrap();
        let f = lambda_of(&s, 0, "fn");
        assert_eq!(f.runtime, "java21");
        assert_eq!(f.memory_mb, 128);
        assert_eq!(f.architecture, Architecture::X86_64);
        assert_eq!((f.concurrency, f.provisioned), (None, 0));
        assert_eq!(f.timeout, SimDuration::from_secs(3));
        assert!(f.calls.is_empty() && f.sends.is_empty());
        assert_dist(
            &f.service_time,
            &Dist::constant(SimDuration::from_millis(10)),
        );
        assert_dist(&f.keep_alive, &Dist::constant(SimDuration::from_secs(600)));
        // Log-normal, median = the catalog's 262 ms, cv 0.25: mean = median·√(1 + cv²).
        assert_median(&f.cold_start, 0.262);
        assert_mean(&f.cold_start, 0.262 * 1.0625f64.sqrt());
        let p99 = f.cold_start.quantile_secs(0.99).unwrap();
        let sigma = 1.0625f64.ln().sqrt();
        assert!((p99 / 0.262 - (2.326347874040841 * sigma).exp()).abs() < 1e-6);
        // Every runtime of the catalog has a default.
        for name in crate::catalog::builtin().lambda_runtime_names() {
            let text = with_lambda(&format!("runtime = \"{name}\"\nservice_time = \"1ms\"\n"));
            let f = lambda_of(&load_text(&text).unwrap(), 0, "fn");
            let init = crate::catalog::builtin().lambda_runtime(name).unwrap();
            assert_median(&f.cold_start, init.init_ms.value / 1e3);
        }
    }

    #[test]
    fn lambda_values() {
        let text = with_lambda(
            "runtime = \"nodejs22.x\"\nmemory_mb = 2048\narchitecture = \"arm64\"\n\
             service_time = { dist = \"exp\", mean = \"20ms\" }\n\
             cold_start = { dist = \"uniform\", min = \"100ms\", max = \"300ms\" }\n\
             keep_alive = { dist = \"uniform\", min = \"5m\", max = \"15m\" }\n\
             concurrency = 1000\nprovisioned = 1000\ntimeout = \"900s\"\n\
             calls = \"db\"\nsends = [\"q\"]\n\
             [designs.d.db]\nkind = \"database\"\nservice_time = \"1ms\"\n\
             [designs.d.q]\nkind = \"queue\"\n",
        );
        let s = load_text(&text).unwrap();
        let f = lambda_of(&s, 0, "fn");
        assert_eq!(f.runtime, "nodejs22.x");
        assert_eq!(f.memory_mb, 2048);
        assert_eq!(f.architecture, Architecture::Arm64);
        assert_eq!((f.concurrency, f.provisioned), (Some(1000), 1000));
        assert_eq!(f.timeout, SimDuration::from_secs(900));
        assert_eq!(
            (f.calls.as_slice(), f.sends.as_slice()),
            (&[ComponentId(2)][..], &[ComponentId(3)][..])
        );
        assert_dist(
            &f.service_time,
            &Dist::exp(SimDuration::from_millis(20)).unwrap(),
        );
        assert_dist(
            &f.cold_start,
            &Dist::uniform(SimDuration::from_millis(100), SimDuration::from_millis(300)).unwrap(),
        );
        assert_dist(
            &f.keep_alive,
            &Dist::uniform(SimDuration::from_secs(300), SimDuration::from_secs(900)).unwrap(),
        );
        // Bounds.
        let ok = |keys: &str| {
            load_text(&with_lambda(&format!(
                "runtime = \"go\"\nservice_time = \"1ms\"\n{keys}"
            )))
            .map(|_| ())
        };
        ok("memory_mb = 128\ntimeout = \"1s\"\nconcurrency = 1\nprovisioned = 0\n").unwrap();
        ok("memory_mb = 10240\n").unwrap();
        let one = |keys: &str, key: &str, parts: &[&str]| {
            let text = with_lambda(&format!("runtime = \"go\"\nservice_time = \"1ms\"\n{keys}"));
            let needle = keys.lines().last().unwrap();
            expect_one(&text, key, needle, parts);
        };
        one(
            "memory_mb = 10241",
            "designs.d.fn.memory_mb",
            &["from 128 to 10240"],
        );
        one(
            "timeout = \"999ms\"",
            "designs.d.fn.timeout",
            &["from 1s to 900s"],
        );
        one(
            "concurrency = 0",
            "designs.d.fn.concurrency",
            &["from 1 to 1000"],
        );
        one(
            "concurrency = 1001",
            "designs.d.fn.concurrency",
            &["from 1 to 1000"],
        );
        one(
            "provisioned = 1001",
            "designs.d.fn.provisioned",
            &["from 0 to 1000"],
        );
        one(
            "concurrency = 10\nprovisioned = 11",
            "designs.d.fn.provisioned",
            &["at most `concurrency` (10)", "found 11"],
        );
        one(
            "keep_alive = 10",
            "designs.d.fn.keep_alive",
            &["a distribution"],
        );
        one(
            "architecture = \"x86-64\"",
            "designs.d.fn.architecture",
            &["did you mean \"x86_64\"?"],
        );
        // `service_time` is required.
        let text = with_lambda("runtime = \"go\"\n");
        let errs = errors(&text);
        assert_eq!(errs.len(), 1, "{}", ScenarioErrors(errs.clone()));
        assert_eq!(errs[0].key, "designs.d.fn.service_time");
        assert!(errs[0].message.contains("missing `service_time`"));
    }

    #[test]
    fn lambda_runtimes() {
        // Unknown runtimes get the nearest known one.
        for (bad, near) in [
            ("java2l", "java21"),
            ("contianer", "container"),
            ("nodejs22", "nodejs22.x"),
            ("java21-snapstrat", "java21-snapstart"),
        ] {
            let text = with_lambda(&format!("runtime = \"{bad}\"\nservice_time = \"1ms\"\n"));
            expect_one(
                &text,
                "designs.d.fn.runtime",
                "runtime",
                &[
                    &format!("found \"{bad}\""),
                    &format!("did you mean \"{near}\"?"),
                ],
            );
        }
        // The message lists what is accepted: the catalog's runtimes and `container`.
        let errs = errors(&with_lambda(
            "runtime = \"cobol\"\nservice_time = \"1ms\"\n",
        ));
        expect(
            &errs,
            "designs.d.fn.runtime",
            Some(line_of(&with_lambda(""), "kind = \"lambda\"") + 1),
            &[
                "\"python3.12\"",
                "\"java21-snapstart\"",
                "\"provided.al2023\"",
                "or \"container\"",
            ],
        );
        let errs = errors(&with_lambda("service_time = \"1ms\"\n"));
        assert_eq!(errs.len(), 1);
        assert!(errs[0].message.contains("missing `runtime`"), "{}", errs[0]);
        // A container image has no published cold start: `cold_start` is required.
        let text = with_lambda("runtime = \"container\"\nservice_time = \"1ms\"\n");
        let errs = errors(&text);
        assert_eq!(errs.len(), 1, "{}", ScenarioErrors(errs.clone()));
        assert_eq!(errs[0].key, "designs.d.fn.cold_start");
        assert!(
            errs[0].message.contains("missing `cold_start`")
                && errs[0].message.contains("no published cold-start figure"),
            "{}",
            errs[0]
        );
        let text = with_lambda(
            "runtime = \"container\"\nservice_time = \"1ms\"\ncold_start = { dist = \"lognormal\", median = \"800ms\", p99 = \"2s\" }\n",
        );
        let f = lambda_of(&load_text(&text).unwrap(), 0, "fn");
        assert_eq!(f.runtime, "container");
        assert_median(&f.cold_start, 0.8);
        // SnapStart restores faster than a plain JVM starts.
        let median = |runtime: &str| {
            let text = with_lambda(&format!(
                "runtime = \"{runtime}\"\nservice_time = \"1ms\"\n"
            ));
            let f = lambda_of(&load_text(&text).unwrap(), 0, "fn");
            f.cold_start.quantile_secs(0.5).unwrap()
        };
        assert!(median("java21-snapstart") < median("java21"));
        assert!(median("python3.12") < median("java21"));
    }

    #[test]
    fn lambda_cpu_bound_scales_service_time() {
        let mean_at = |memory_mb: u32, service_time: &str, cpu_bound: u32| {
            let text = with_lambda(&format!(
                "runtime = \"python3.12\"\nmemory_mb = {memory_mb}\nservice_time = {service_time}\ncpu_bound = {cpu_bound}\n"
            ));
            lambda_of(&load_text(&text).unwrap(), 0, "fn").service_time
        };
        // Measured 100 ms at 1,769 MB (1 vCPU): twice the memory, twice the CPU, half the time.
        let d = mean_at(3538, "\"100ms\"", 1769);
        assert!(d.is_constant());
        assert_mean(&d, 0.050);
        // At 512 MB the function has 512/1769 of a vCPU.
        assert_mean(&mean_at(512, "\"100ms\"", 1769), 0.1 * 1769.0 / 512.0);
        // Measured where it runs: unchanged.
        assert_dist(
            &mean_at(512, "\"100ms\"", 512),
            &Dist::constant(SimDuration::from_millis(100)),
        );
        // The shape is kept: a gamma stays a gamma with the same cv.
        assert_dist(
            &mean_at(
                3538,
                "{ dist = \"gamma\", mean = \"100ms\", cv = 0.5 }",
                1769,
            ),
            &Dist::gamma_mean_cv(SimDuration::from_millis(50), 0.5).unwrap(),
        );
        assert_dist(
            &mean_at(
                3538,
                "{ dist = \"lognormal\", median = \"100ms\", p99 = \"400ms\" }",
                1769,
            ),
            &Dist::lognormal_median_p99(
                SimDuration::from_millis(50),
                SimDuration::from_millis(200),
            )
            .unwrap(),
        );
        assert_dist(
            &mean_at(
                3538,
                "{ dist = \"uniform\", min = \"10ms\", max = \"30ms\" }",
                1769,
            ),
            &Dist::uniform(SimDuration::from_millis(5), SimDuration::from_millis(15)).unwrap(),
        );
        // Default memory (128 MB).
        let text = with_lambda("runtime = \"go\"\nservice_time = \"128ms\"\ncpu_bound = 1769\n");
        assert_mean(
            &lambda_of(&load_text(&text).unwrap(), 0, "fn").service_time,
            1.769,
        );
        // Only the integer form is accepted.
        for bad in ["true", "false", "64", "10241", "1769.0", "\"1769\""] {
            let text = with_lambda(&format!(
                "runtime = \"go\"\nservice_time = \"1ms\"\ncpu_bound = {bad}\n"
            ));
            expect_one(
                &text,
                "designs.d.fn.cpu_bound",
                "cpu_bound",
                &[
                    "memory size in MB at which `service_time` was measured",
                    "128 to 10240",
                ],
            );
        }
        // Problems with the distribution are reported once, in the user's numbers.
        let text = with_lambda(
            "runtime = \"go\"\nmemory_mb = 3538\nservice_time = { dist = \"lognormal\", median = \"100ms\", p99 = \"50ms\" }\ncpu_bound = 1769\n",
        );
        expect_one(
            &text,
            "designs.d.fn.service_time",
            "p99 = \"50ms\"",
            &["p99 (50ms) must be greater than median (100ms)"],
        );
    }

    #[test]
    fn api_gateway_defaults_and_ranges() {
        let gw = |keys: &str| {
            format!("{MINI}\n[designs.d.gw]\nkind = \"api_gateway\"\ntargets = \"app\"\n{keys}")
        };
        let s = load_text(&gw("")).unwrap();
        let a = api_of(&s, 0, "gw");
        assert_eq!(a.api_type, ApiType::Http);
        assert_eq!(a.targets, [ComponentId(0)]);
        assert_eq!((a.rate, a.burst), (10_000.0, 5000));
        assert_eq!(a.timeout, SimDuration::from_secs(29));
        assert_dist(&a.latency, &Dist::constant(SimDuration::from_millis(1)));
        let s = load_text(&gw(
            "type = \"rest\"\nrate = 0.5\nburst = 1\ntimeout = \"50ms\"\nlatency = { dist = \"exp\", mean = \"3ms\" }\n",
        ))
        .unwrap();
        let a = api_of(&s, 0, "gw");
        assert_eq!(a.api_type, ApiType::Rest);
        assert_eq!((a.rate, a.burst), (0.5, 1));
        assert_eq!(a.timeout, SimDuration::from_millis(50));
        assert_dist(&a.latency, &Dist::exp(SimDuration::from_millis(3)).unwrap());
        load_text(&gw("timeout = \"29s\"\n")).unwrap();
        for (keys, key, parts) in [
            ("timeout = \"49ms\"", "timeout", &["from 50ms to 29s"][..]),
            ("timeout = \"29001ms\"", "timeout", &["from 50ms to 29s"]),
            ("rate = 0", "rate", &["> 0"]),
            ("burst = 0", "burst", &["an integer ≥ 1"]),
            ("type = \"websocket\"", "type", &["\"http\" or \"rest\""]),
            ("latency = 1", "latency", &["a distribution"]),
        ] {
            expect_one(&gw(keys), &format!("designs.d.gw.{key}"), keys, parts);
        }
        let text = format!("{MINI}\n[designs.d.gw]\nkind = \"api_gateway\"\n");
        let errs = errors(&text);
        assert_eq!(errs.len(), 1);
        assert!(errs[0].message.contains("missing `targets`"));
    }

    #[test]
    fn serverless_references() {
        // A shared function and the shared database it calls are part of the
        // design that reaches them through the gateway.
        let text = format!(
            "{}\n[designs.e]\nentry = \"gw\"\n[designs.e.gw]\nkind = \"api_gateway\"\ntargets = \"fn\"\n\
             [components.fn]\nkind = \"lambda\"\nruntime = \"go\"\nservice_time = \"1ms\"\ncalls = \"db\"\nsends = \"q\"\n\
             [components.db]\nkind = \"database\"\nservice_time = \"1ms\"\n\
             [components.q]\nkind = \"queue\"\nconsumer = \"worker\"\n\
             [components.worker]\nkind = \"lambda\"\nruntime = \"python3.13\"\nservice_time = \"1ms\"\n",
            MINI
        );
        let s = load_text(&text).unwrap();
        let names: Vec<&str> = s.designs[0]
            .components
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(names, ["app"]);
        let names: Vec<&str> = s.designs[1]
            .components
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(names, ["gw", "fn", "db", "q", "worker"]);
        assert_eq!(api_of(&s, 1, "gw").targets, [ComponentId(1)]);
        let f = lambda_of(&s, 1, "fn");
        assert_eq!(
            (f.calls.as_slice(), f.sends.as_slice()),
            (&[ComponentId(2)][..], &[ComponentId(3)][..])
        );
        assert_eq!(queue_of(&s, 1, "q").consumer, Some(ComponentId(4)));
        // A function's calls and a gateway's targets are synchronous edges.
        let text = with_lambda(
            "runtime = \"go\"\nservice_time = \"1ms\"\ncalls = \"gw\"\n\
             [designs.d.gw]\nkind = \"api_gateway\"\ntargets = \"fn\"\n",
        );
        expect_one(
            &text,
            "designs.d.gw.targets",
            "targets",
            &["cycle: fn → gw → fn"],
        );
        // Its sends are not.
        let text = with_lambda("runtime = \"go\"\nservice_time = \"1ms\"\nsends = \"fn\"\n");
        load_text(&text).unwrap();
        let text = with_lambda("runtime = \"go\"\nservice_time = \"1ms\"\ncalls = \"fn\"\n");
        expect_one(&text, "designs.d.fn.calls", "calls", &["cycle: fn → fn"]);
        // What they may name.
        let text = with_lambda(
            "runtime = \"go\"\nservice_time = \"1ms\"\ncalls = \"q\"\n[designs.d.q]\nkind = \"queue\"\n",
        );
        expect_one(&text, "designs.d.fn.calls", "calls", &["`q` is a queue"]);
        let text = format!(
            "{MINI}\n[designs.d.gw]\nkind = \"api_gateway\"\ntargets = \"q\"\n[designs.d.q]\nkind = \"queue\"\n"
        );
        expect_one(
            &text,
            "designs.d.gw.targets",
            "targets",
            &["`q` is a queue"],
        );
    }

    /// Mutated and truncated texts never panic.
    #[test]
    fn never_panics_on_truncations_and_mutations() {
        let mut texts = vec![MINI.to_string()];
        let dir = std::fs::read_dir(EXAMPLES).expect("the contract examples ship with the project");
        let mut paths: Vec<PathBuf> = dir.flatten().map(|e| e.path()).collect();
        paths.sort();
        assert!(!paths.is_empty());
        texts.extend(paths.iter().map(|p| std::fs::read_to_string(p).unwrap()));
        let p = Path::new(EXAMPLES).join("x.toml");
        let replacements = [
            "0",
            "-1",
            "nan",
            "\"x\"",
            "[]",
            "{}",
            "[1, \"a\"]",
            "9223372036854775807",
            "1979-05-27T07:32:00Z",
            "\"1000000000d\"",
            "[{}]",
        ];
        for text in &texts {
            // A sample of truncations at arbitrary places.
            for (i, _) in text.char_indices().step_by(13) {
                let _ = load_str(&text[..i], &p, &[]);
            }
            let lines: Vec<&str> = text.lines().collect();
            for i in 0..lines.len() {
                let mut dropped = lines.clone();
                dropped.remove(i);
                let _ = load_str(&dropped.join("\n"), &p, &[]);
                if let Some((k, _)) = lines[i].split_once(" = ") {
                    for r in replacements {
                        let mut changed = lines.clone();
                        let line = format!("{k} = {r}");
                        changed[i] = &line;
                        let _ = load_str(&changed.join("\n"), &p, &[]);
                    }
                }
                // Headers turned into values and arrays of tables.
                if lines[i].starts_with('[') && !lines[i].starts_with("[[") {
                    let mut changed = lines.clone();
                    let line = format!("[{}]", lines[i]);
                    changed[i] = &line;
                    let _ = load_str(&changed.join("\n"), &p, &[]);
                }
            }
            for o in [
                "scenario=1",
                "designs=[]",
                "designs.x=1",
                "workload.rate={}",
                "sweep=5",
                "faults.0=1",
            ] {
                let o: Override = o.parse().unwrap();
                let _ = load_str(text, &p, &[o]);
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]
        #[test]
        fn never_panics_on_random_edits(at in 0usize..400, junk in "[\\[\\]{}=\",.a-z0-9 \n]{0,12}") {
            let mut text = MINI.to_string();
            let at = at.min(text.len());
            text.insert_str(at, &junk);
            let _ = load_text(&text);
        }
    }
}

//! The points of a sweep, built one at a time from the scenario's document:
//! a sweep of a hundred thousand points holds one document, not a hundred
//! thousand scenarios, and costs one walk of the document per point.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

use toml::de::DeValue;

use crate::scenario::error::{ScenarioError, ScenarioErrors};
use crate::scenario::overrides::{Override, set_path};
use crate::scenario::reader::text::render_short;
use crate::scenario::reader::{Column, Ctx, LineIndex, NO_LINE};
use crate::scenario::sections::sweep::Axis;
use crate::scenario::sections::walk;
use crate::scenario::spec::{Scenario, SweepAxis};

/// Problems reported when sweep points fail: enough to see the pattern.
const POINTS_REPORTED: usize = 10;

/// A scenario read and validated once, from which the scenario of each
/// sweep point is built on demand.
#[derive(Debug)]
pub struct Loaded<'t> {
    /// The scenario with the overrides and without a sweep point applied;
    /// its `sweep` lists the axes.
    pub base: Scenario,
    /// The document with the overrides applied and `[sweep]` taken out.
    root: DeValue<'t>,
    pub(crate) axes: Vec<Axis<'t>>,
    pub(crate) lines: LineIndex,
    dir: PathBuf,
    /// CSV files already read (traces, empirical distributions).
    cache: Mutex<HashMap<PathBuf, Column>>,
}

impl<'t> Loaded<'t> {
    pub(crate) fn new(
        base: Scenario,
        root: DeValue<'t>,
        axes: Vec<Axis<'t>>,
        lines: LineIndex,
        dir: PathBuf,
        cache: HashMap<PathBuf, Column>,
    ) -> Loaded<'t> {
        Loaded {
            base,
            root,
            axes,
            lines,
            dir,
            cache: Mutex::new(cache),
        }
    }

    /// The number of sweep points: the product of the axes' lengths (1
    /// without a sweep), saturating.
    pub fn points(&self) -> usize {
        self.axes
            .iter()
            .fold(1usize, |n, a| n.saturating_mul(a.values.len()))
    }

    /// The value of each axis at point `i` (the first axis varies slowest),
    /// as an index into the axis' values.
    fn digits(&self, mut i: usize) -> Vec<usize> {
        let mut digits = vec![0; self.axes.len()];
        for (d, axis) in digits.iter_mut().zip(&self.axes).rev() {
            let n = axis.values.len().max(1);
            *d = i % n;
            i /= n;
        }
        digits
    }

    /// The swept values of point `i`, as TOML literals (one per axis).
    pub fn point_values(&self, i: usize) -> Vec<String> {
        self.base
            .sweep
            .iter()
            .zip(self.digits(i))
            .map(|(axis, d): (&SweepAxis, usize)| axis.values[d].clone())
            .collect()
    }

    /// The sweep point `i` as overrides (what `--set` would apply).
    pub fn point_overrides(&self, i: usize) -> Vec<Override> {
        self.base
            .sweep
            .iter()
            .zip(self.point_values(i))
            .map(|(axis, value)| Override {
                key: axis.key.clone(),
                value,
            })
            .collect()
    }

    /// The scenario of sweep point `i` (the base scenario without a sweep).
    pub fn point(&self, i: usize) -> Result<Scenario, ScenarioErrors> {
        if self.axes.is_empty() {
            return Ok(self.base.clone());
        }
        let (scenario, errors) = self.walk_point(i);
        match scenario {
            Some(s) if errors.is_empty() => Ok(s),
            _ => Err(ScenarioErrors::new(errors)),
        }
    }

    /// Builds point `i`: its scenario, and its problems reported at the
    /// sweep.
    fn walk_point(&self, i: usize) -> (Option<Scenario>, Vec<ScenarioError>) {
        let mut doc = self.root.clone();
        let digits = self.digits(i);
        let mut errors = Vec::new();
        for (axis, &d) in self.axes.iter().zip(&digits) {
            if let Err(message) = set_path(&mut doc, &axis.key, axis.values[d].clone()) {
                errors.push(self.point_error(&digits, format!("{}: {message}", axis.key)));
            }
        }
        if !errors.is_empty() {
            return (None, errors);
        }
        let mut ctx = Ctx::new(&self.base.file, &self.lines, &self.dir);
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        std::mem::swap(&mut ctx.cache, &mut cache);
        let scenario = walk(&mut ctx, &doc);
        std::mem::swap(&mut ctx.cache, &mut cache);
        drop(cache);
        for e in ctx.errors {
            let message = if e.key.is_empty() {
                e.message
            } else {
                format!("{}: {}", e.key, e.message)
            };
            errors.push(self.point_error(&digits, message));
        }
        let scenario = scenario.map(|mut s| {
            s.sweep = Vec::new();
            s.hash = self.base.hash.clone();
            s
        });
        (scenario, errors)
    }

    /// A problem of the sweep point with these digits, reported at the
    /// line of its first axis's value.
    fn point_error(&self, digits: &[usize], message: String) -> ScenarioError {
        let shown: Vec<String> = self
            .axes
            .iter()
            .zip(digits)
            .map(|(a, &d)| format!("{} = {}", a.key, render_short(a.values[d].get_ref())))
            .collect();
        let at = self.axes[0].values[digits[0]].span().start;
        ScenarioError {
            file: self.base.file.clone(),
            line: (at < NO_LINE).then(|| self.lines.line(at)),
            key: "sweep".into(),
            message: format!("at the sweep point {}: {message}", shown.join(", ")),
        }
    }

    /// Validates every sweep point. Each value of each axis was checked on
    /// its own when the scenario was read; with two axes or more, their
    /// combinations are checked here, one walk per point.
    pub(crate) fn check_points(&self) -> Result<(), ScenarioErrors> {
        if self.axes.len() < 2 {
            return Ok(());
        }
        let mut errors = Vec::new();
        let mut failing = 0usize;
        // Only the first problems of the first failing points are kept.
        for i in 0..self.points() {
            let (_, e) = self.walk_point(i);
            if e.is_empty() {
                continue;
            }
            failing += 1;
            if failing <= POINTS_REPORTED {
                errors.extend(e);
            }
        }
        if errors.is_empty() {
            return Ok(());
        }
        let mut errors = ScenarioErrors::new(errors);
        if failing > POINTS_REPORTED {
            errors.0.push(ScenarioError {
                file: self.base.file.clone(),
                line: None,
                key: "sweep".into(),
                message: format!(
                    "{} more sweep points fail (the first {POINTS_REPORTED} are shown)",
                    failing - POINTS_REPORTED
                ),
            });
        }
        Err(errors)
    }
}

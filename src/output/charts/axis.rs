//! Chart axes: linear, logarithmic or categorical, each with the ticks and
//! tick labels chosen here, mapped onto one plotters coordinate type so that
//! every chart draws on the same [`Coord`].

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::Cartesian2d;
use unicode_width::UnicodeWidthStr;

use super::number::format_number;
use super::words::{Phrase, say};
use crate::output::language::Lang;

/// The coordinates of every chart: the axes' plot values (already
/// log-transformed for a log axis), with ticks this module chose.
pub type Coord = Cartesian2d<Ticked, Ticked>;

/// A linear range of plot values whose grid lines are the ones an [`Axis`]
/// chose (plotters' own `WithKeyPoints` cannot take a label formatter).
#[derive(Clone, Debug)]
pub struct Ticked {
    lo: f64,
    hi: f64,
    bold: Vec<f64>,
    light: Vec<f64>,
}

impl Ranged for Ticked {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        RangedCoordf64::from(self.lo..self.hi).map(value, limit)
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            self.light.clone()
        } else {
            self.bold.clone()
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.lo..self.hi
    }
}

/// How an axis maps values.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scale {
    /// Plot value = value.
    Linear,
    /// Plot value = log10(value); only positive values can be drawn.
    Log,
    /// Plot value = index of a named category.
    Categories,
}

/// The most decades a log axis spans.
const MAX_DECADES: f64 = 12.0;

/// One axis: its description, scale, range and ticks, in plot values.
#[derive(Clone, Debug)]
pub struct Axis {
    /// Description with the unit: "response time [ms]".
    pub desc: String,
    /// How values map to plot values.
    pub scale: Scale,
    /// Lowest plot value.
    pub lo: f64,
    /// Highest plot value.
    pub hi: f64,
    ticks: Vec<f64>,
    light: Vec<f64>,
    decimals: usize,
    categories: Vec<String>,
}

impl Axis {
    /// A linear axis over `[lo, hi]` with about `n` labelled ticks at round
    /// numbers; a degenerate range is widened so it can still be drawn.
    pub fn linear(desc: &str, lo: f64, hi: f64, n: usize) -> Axis {
        let (mut lo, mut hi) = finite_range(lo, hi, 0.0, 1.0);
        if hi - lo < 1e-12 * hi.abs().max(1.0) {
            let pad = if hi == 0.0 { 1.0 } else { hi.abs() * 0.1 };
            lo -= pad;
            hi += pad;
        }
        let step = nice_step((hi - lo) / n.max(1) as f64);
        let first = (lo / step).ceil() as i64;
        let last = (hi / step).floor() as i64;
        let ticks = (first..=last).map(|k| k as f64 * step).collect();
        let decimals = (-step.log10().floor()).max(0.0) as usize;
        Axis {
            desc: desc.to_string(),
            scale: Scale::Linear,
            lo,
            hi,
            ticks,
            light: Vec::new(),
            decimals,
            categories: Vec::new(),
        }
    }

    /// A linear axis from 0 (or the lowest value, if negative) to a little
    /// above the highest of `values`.
    pub fn from_zero(desc: &str, values: impl IntoIterator<Item = f64>) -> Axis {
        let (lo, hi) = extent(values);
        let hi = if hi.is_finite() { hi } else { 1.0 };
        let lo = if lo.is_finite() { lo.min(0.0) } else { 0.0 };
        let hi = if hi > lo {
            hi + 0.05 * (hi - lo)
        } else {
            lo + 1.0
        };
        Axis::linear(desc, lo, hi, 5)
    }

    /// A log axis over the positive `[lo, hi]`, whole decades at least.
    pub fn log(desc: &str, lo: f64, hi: f64) -> Axis {
        let (lo, hi) = finite_range(lo, hi, 1.0, 10.0);
        let lo = lo.max(f64::MIN_POSITIVE);
        let hi = hi.max(lo);
        let mut hi_exp = hi.log10().ceil();
        // At most a dozen decades: a stray tiny value must not squash the
        // rest (values below the axis are left out, see `map`).
        let lo_exp = lo.log10().floor().max(hi_exp - MAX_DECADES);
        if hi_exp <= lo_exp {
            hi_exp = lo_exp + 1.0;
        }
        let decades = (hi_exp - lo_exp) as i64;
        // Label 1-2-5 within few decades, every decade (or every other one)
        // across many; light grid lines at 2…9 of each decade.
        let mut ticks = Vec::new();
        let mut light = Vec::new();
        let every = if decades > 8 { 2 } else { 1 };
        for e in (lo_exp as i64)..=(hi_exp as i64) {
            let e = e as f64;
            if (e as i64 - lo_exp as i64) % every == 0 {
                ticks.push(e);
            }
            if e < hi_exp {
                for m in 2..=9 {
                    let t = e + f64::from(m).log10();
                    if decades <= 2 && (m == 2 || m == 5) {
                        ticks.push(t);
                    } else {
                        light.push(t);
                    }
                }
            }
        }
        Axis {
            desc: desc.to_string(),
            scale: Scale::Log,
            lo: lo_exp,
            hi: hi_exp,
            ticks,
            light,
            decimals: 0,
            categories: Vec::new(),
        }
    }

    /// A log axis when `values` are positive and span at least `ratio`
    /// (a latency that ranges over orders of magnitude), otherwise linear
    /// from zero; a log axis says so in `lang`.
    pub fn auto(desc: &str, values: impl IntoIterator<Item = f64>, ratio: f64, lang: Lang) -> Axis {
        let values: Vec<f64> = values.into_iter().filter(|v| v.is_finite()).collect();
        let (lo, hi) = extent(values.iter().copied());
        if lo > 0.0 && hi / lo >= ratio {
            Axis::log(&say(lang, Phrase::LogScale(desc)), lo, hi)
        } else {
            Axis::from_zero(desc, values)
        }
    }

    /// Like [`Axis::auto`], but a linear axis spans only the values (with a
    /// margin), not from zero: for scatter plots whose points cluster.
    pub fn fit(desc: &str, values: impl IntoIterator<Item = f64>, ratio: f64, lang: Lang) -> Axis {
        let values: Vec<f64> = values.into_iter().filter(|v| v.is_finite()).collect();
        let (lo, hi) = extent(values.iter().copied());
        if lo > 0.0 && hi / lo >= ratio {
            return Axis::log(&say(lang, Phrase::LogScale(desc)), lo, hi);
        }
        let margin = if hi > lo {
            0.1 * (hi - lo)
        } else {
            0.1 * hi.abs().max(1.0)
        };
        Axis::linear(desc, lo - margin, hi + margin, 6)
    }

    /// Named categories at 0, 1, …, the first at the start of the axis.
    pub fn categories(desc: &str, names: Vec<String>) -> Axis {
        let n = names.len().max(1) as f64;
        Axis {
            desc: desc.to_string(),
            scale: Scale::Categories,
            lo: -0.5,
            hi: n - 0.5,
            ticks: (0..names.len()).map(|i| i as f64).collect(),
            light: Vec::new(),
            decimals: 0,
            categories: names,
        }
    }

    /// The plot value of `v`, or `None` where it cannot be drawn (not a
    /// number; not positive on a log axis).
    pub fn map(&self, v: f64) -> Option<f64> {
        match self.scale {
            _ if !v.is_finite() => None,
            Scale::Log if v <= 0.0 => None,
            Scale::Log => Some(v.log10()).filter(|p| *p >= self.lo - 1e-9),
            Scale::Linear | Scale::Categories => Some(v),
        }
    }

    /// The axis without the tick labels past `v` (where a chart draws
    /// something that is not a number on this scale, such as infinity).
    pub fn ticks_up_to(mut self, v: f64) -> Axis {
        if let Some(limit) = self.map(v) {
            self.ticks.retain(|t| *t <= limit + 1e-9);
            self.light.retain(|t| *t <= limit + 1e-9);
        }
        self
    }

    /// The value whose plot value is `p`: the inverse of [`Axis::map`]
    /// (for lines that span the axis from end to end).
    pub fn value_at(&self, p: f64) -> f64 {
        match self.scale {
            Scale::Log => 10f64.powf(p),
            Scale::Linear | Scale::Categories => p,
        }
    }

    /// `v` mapped and held inside the axis (for bands and shaded windows
    /// that reach beyond it).
    pub fn map_clamped(&self, v: f64) -> Option<f64> {
        match self.scale {
            Scale::Log if v.is_finite() => Some(if v > 0.0 {
                v.log10().clamp(self.lo, self.hi)
            } else {
                self.lo
            }),
            _ => self.map(v).map(|p| p.clamp(self.lo, self.hi)),
        }
    }

    /// The tick label at plot value `p`.
    pub fn label(&self, p: f64) -> String {
        match self.scale {
            Scale::Linear => format_number(p, self.decimals),
            Scale::Log => {
                let v = 10f64.powf(p);
                let decimals = (-(p.floor())).max(0.0) as usize;
                format_number(v, decimals)
            }
            Scale::Categories => {
                let i = p.round();
                if i >= 0.0 && (i as usize) < self.categories.len() && (p - i).abs() < 1e-9 {
                    self.categories[i as usize].clone()
                } else {
                    String::new()
                }
            }
        }
    }

    /// The plotters coordinate of this axis.
    pub(super) fn coord(&self) -> Ticked {
        Ticked {
            lo: self.lo,
            hi: self.hi,
            bold: self.ticks.clone(),
            light: self.light.clone(),
        }
    }

    /// The widest tick label, in display columns (a Hangul syllable, as
    /// in a category named in Korean, counts two), to size the label area.
    pub fn widest_label(&self) -> usize {
        self.ticks
            .iter()
            .map(|&t| self.label(t).width())
            .max()
            .unwrap_or(1)
    }
}

/// The lowest and highest finite values (∞, −∞ when there are none).
pub fn extent(values: impl IntoIterator<Item = f64>) -> (f64, f64) {
    values
        .into_iter()
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        })
}

fn finite_range(lo: f64, hi: f64, default_lo: f64, default_hi: f64) -> (f64, f64) {
    if lo.is_finite() && hi.is_finite() && lo <= hi {
        (lo, hi)
    } else {
        (default_lo, default_hi)
    }
}

/// 1, 2 or 5 × a power of ten, at least `raw`.
fn nice_step(raw: f64) -> f64 {
    if !(raw > 0.0 && raw.is_finite()) {
        return 1.0;
    }
    let power = 10f64.powf(raw.log10().floor());
    let m = raw / power;
    let nice = if m <= 1.0 {
        1.0
    } else if m <= 2.0 {
        2.0
    } else if m <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * power
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_ticks_are_round_and_inside() {
        let a = Axis::linear("x", 0.0, 97.0, 5);
        assert_eq!(a.ticks, vec![0.0, 20.0, 40.0, 60.0, 80.0]);
        let flat = Axis::linear("x", 3.0, 3.0, 5);
        assert!(flat.lo < 3.0 && flat.hi > 3.0);
        assert_eq!(format_number(12345.0, 0), "12\u{2009}345");
        assert_eq!(format_number(0.25, 2), "0.25");
    }

    #[test]
    fn log_axis_spans_whole_decades_and_skips_what_it_cannot_draw() {
        let a = Axis::log("ms", 3.0, 450.0);
        assert_eq!((a.lo, a.hi), (0.0, 3.0));
        assert_eq!(a.label(2.0), "100");
        assert_eq!(a.label(-1.0), "0.1");
        assert_eq!(a.map(0.0), None);
        assert_eq!(a.map(f64::NAN), None);
        let wide = Axis::log("ms", 1e-30, 1e3);
        assert_eq!((wide.lo, wide.hi), (-9.0, 3.0));
        assert_eq!(wide.map(1e-30), None);
        let auto = Axis::auto("ms", [1.0, 2.0, 3.0], 100.0, Lang::En);
        assert_eq!(auto.scale, Scale::Linear);
    }
}

//! Typed values and their allowed ranges: integers, numbers, durations and
//! choices among names.

use std::borrow::Cow;

use toml::de::DeValue;

use crate::catalog::Sourced;
use crate::scenario::reader::text::{
    Quoted, did_you_mean_value, found, one_of, quote_short, render_short,
};
use crate::scenario::reader::{Ctx, Val};
use crate::time::SimDuration;

/// An allowed numeric range, with its wording for messages.
#[derive(Clone, Debug)]
pub(crate) struct NumRange {
    pub(crate) min: f64,
    /// `min` itself is excluded.
    pub(crate) min_open: bool,
    pub(crate) max: f64,
    /// e.g. "≥ 0", "> 0", "from 0 to 1".
    pub(crate) text: Cow<'static, str>,
}

pub(crate) const NON_NEGATIVE: NumRange = NumRange {
    min: 0.0,
    min_open: false,
    max: f64::MAX,
    text: Cow::Borrowed("≥ 0"),
};

pub(crate) const POSITIVE: NumRange = NumRange {
    min: 0.0,
    min_open: true,
    max: f64::MAX,
    text: Cow::Borrowed("> 0"),
};

impl NumRange {
    /// From `min` to `max`, both included, worded `text` ("from 0 to 1").
    pub(crate) fn closed(min: f64, max: f64, text: impl Into<Cow<'static, str>>) -> NumRange {
        NumRange {
            min,
            min_open: false,
            max,
            text: text.into(),
        }
    }
}

/// An allowed range of durations, with its wording for messages.
#[derive(Clone, Debug)]
pub(crate) struct DurRange {
    pub(crate) min: SimDuration,
    pub(crate) min_open: bool,
    pub(crate) max: SimDuration,
    /// e.g. "> 0", "from 60s to 14d"; empty when any duration goes.
    pub(crate) text: Cow<'static, str>,
}

pub(crate) const ANY_DURATION: DurRange = DurRange {
    min: SimDuration::ZERO,
    min_open: false,
    max: SimDuration(u64::MAX),
    text: Cow::Borrowed(""),
};

pub(crate) const POSITIVE_DURATION: DurRange = DurRange {
    min: SimDuration::ZERO,
    min_open: true,
    max: SimDuration(u64::MAX),
    text: Cow::Borrowed("> 0"),
};

impl DurRange {
    /// From `min` to `max`, both included, worded `text`.
    pub(crate) fn closed(
        min: SimDuration,
        max: SimDuration,
        text: impl Into<Cow<'static, str>>,
    ) -> DurRange {
        DurRange {
            min,
            min_open: false,
            max,
            text: text.into(),
        }
    }

    /// From `min` to `max`, both included, worded "from 60s to 14d" with
    /// each bound in its unit.
    pub(crate) fn between(min: SimDuration, max: SimDuration, units: [Unit; 2]) -> DurRange {
        let text = format!("from {} to {}", units[0].write(min), units[1].write(max));
        DurRange::closed(min, max, text)
    }

    /// [`DurRange::between`] two catalog figures in seconds, written in seconds.
    pub(crate) fn seconds(min: &Sourced, max: &Sourced) -> DurRange {
        DurRange::between(min.secs(), max.secs(), [Unit::Secs, Unit::Secs])
    }
}

/// A unit in which messages write a duration.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Unit {
    Millis,
    Secs,
    Mins,
    Hours,
    Days,
}

impl Unit {
    /// `d` in this unit, as a scenario would write it: "12h".
    pub(crate) fn write(self, d: SimDuration) -> String {
        let (nanos, suffix) = match self {
            Unit::Millis => (1_000_000_u64, "ms"),
            Unit::Secs => (1_000_000_000, "s"),
            Unit::Mins => (60_000_000_000, "m"),
            Unit::Hours => (3_600_000_000_000, "h"),
            Unit::Days => (86_400_000_000_000, "d"),
        };
        // Exact for whole numbers of the unit (below 2^53 nanoseconds).
        format!("{}{suffix}", d.0 as f64 / nanos as f64)
    }
}

pub(crate) fn choice_value<T: Copy>(
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
                    one_of(&names, Quoted::Value),
                    quote_short(s)
                ),
            );
            None
        }
        _ => {
            ctx.unexpected(key, v, &one_of(&names, Quoted::Value));
            None
        }
    }
}

pub(crate) fn int_value(
    ctx: &mut Ctx,
    key: &str,
    v: &Val<'_>,
    min: i128,
    max: i128,
) -> Option<i128> {
    let expected = if max >= i128::from(u32::MAX) {
        format!("an integer ≥ {min}")
    } else {
        format!("an integer from {min} to {max}")
    };
    match integer_value(v.get_ref()) {
        Some(i) if (min..=max).contains(&i) => Some(i),
        _ => {
            ctx.unexpected(key, v, &expected);
            None
        }
    }
}

pub(crate) fn num_value(ctx: &mut Ctx, key: &str, v: &Val<'_>, range: NumRange) -> Option<f64> {
    let Some(x) = number_value(v.get_ref()) else {
        ctx.unexpected(key, v, &format!("a number {}", range.text));
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
                render_short(v.get_ref())
            ),
        );
        return None;
    }
    Some(x)
}

pub(crate) fn dur_value(
    ctx: &mut Ctx,
    key: &str,
    v: &Val<'_>,
    range: DurRange,
) -> Option<SimDuration> {
    let at = v.span().start;
    let text = match v.get_ref() {
        DeValue::String(s) => s,
        other @ (DeValue::Integer(_) | DeValue::Float(_)) => {
            ctx.error(
                at,
                key,
                format!(
                    "expected a duration string such as \"250ms\", found {}{}",
                    found(other),
                    unit_hint(other)
                ),
            );
            return None;
        }
        _ => {
            ctx.unexpected(key, v, "a duration string such as \"250ms\"");
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
                    format!(
                        "expected a duration {}, found {}",
                        range.text,
                        quote_short(text)
                    ),
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

/// For a bare number where a duration was expected: "; write \"60s\" for
/// seconds or \"60ms\" for milliseconds". Guessing one unit would be a
/// 1000× trap, so both are offered; nothing for other values.
pub(crate) fn unit_hint(value: &DeValue<'_>) -> String {
    match value {
        DeValue::Integer(_) | DeValue::Float(_) => {
            let n = render_short(value);
            format!("; write \"{n}s\" for seconds or \"{n}ms\" for milliseconds")
        }
        _ => String::new(),
    }
}

pub(crate) fn integer_value(value: &DeValue<'_>) -> Option<i128> {
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

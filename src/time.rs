//! Simulated time: integer nanoseconds, with separate instant and duration types.
//!
//! Integer time keeps event order exact (no floating-point epsilon) and makes
//! runs reproducible bit for bit. Conversion to floating-point seconds or
//! milliseconds happens only at the edges (output, statistics).

use std::fmt;
use std::ops::{Add, AddAssign, Sub};

/// Nanoseconds in one second.
pub const NANOS_PER_SEC: u64 = 1_000_000_000;

/// An instant of simulated time [ns since the start of the run].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimTime(pub u64);

/// A span of simulated time [ns].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimDuration(pub u64);

impl SimTime {
    /// The start of every run.
    pub const ZERO: SimTime = SimTime(0);
    /// Later than any event a run can schedule.
    pub const NEVER: SimTime = SimTime(u64::MAX);

    /// This instant in seconds since the start [s].
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / NANOS_PER_SEC as f64
    }

    /// The time elapsed since `earlier`, or zero if `earlier` is later.
    pub fn since(self, earlier: SimTime) -> SimDuration {
        SimDuration(self.0.saturating_sub(earlier.0))
    }

    /// The instant `secs` seconds after the start.
    pub fn from_secs_f64(secs: f64) -> SimTime {
        SimTime(SimDuration::from_secs_f64(secs).0)
    }
}

impl SimDuration {
    /// No time at all.
    pub const ZERO: SimDuration = SimDuration(0);

    /// A duration of `s` whole seconds.
    pub const fn from_secs(s: u64) -> SimDuration {
        SimDuration(s * NANOS_PER_SEC)
    }

    /// A duration of `ms` whole milliseconds.
    pub const fn from_millis(ms: u64) -> SimDuration {
        SimDuration(ms * 1_000_000)
    }

    /// A duration from floating-point seconds, rounded to the nearest
    /// nanosecond; negative and NaN inputs give zero, huge ones saturate.
    #[inline]
    pub fn from_secs_f64(secs: f64) -> SimDuration {
        // Adding 0.5 and truncating rounds a positive number to the nearest
        // integer without a libm call. Below 2⁶³ ns (292 years: every draw
        // that matters) through `i64`, which x86-64 converts in one
        // instruction (`u64` takes a dozen); beyond it, and for NaN, `as
        // u64` saturates: huge values give the longest duration, NaN zero.
        // Everything below 0.5 ns, negative numbers included, gives zero.
        let ns = secs * NANOS_PER_SEC as f64 + 0.5;
        if ns < 9.2e18 {
            SimDuration((ns as i64).max(0) as u64)
        } else {
            SimDuration(ns as u64)
        }
    }

    /// This duration in seconds [s].
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / NANOS_PER_SEC as f64
    }

    /// This duration in milliseconds [ms].
    pub fn as_millis_f64(self) -> f64 {
        self.0 as f64 / 1e6
    }

    /// This duration multiplied by a non-negative factor (a slowdown, say).
    pub fn mul_f64(self, factor: f64) -> SimDuration {
        SimDuration::from_secs_f64(self.as_secs_f64() * factor)
    }

    /// Parses a duration string such as `"250ms"`, `"30s"`, `"5m"`, `"2h"`,
    /// `"4d"`, `"2h10m"`, `"1.5s"`, `"5 min"` or `"2e3ms"`. Units: `ns`,
    /// `us` (or `µs`), `ms`, `s`, `m` (or `min`), `h`, `d`; a space may stand
    /// between a number and its unit.
    ///
    /// ```
    /// use stratosim::time::SimDuration;
    /// assert_eq!(SimDuration::parse("2h10m"), Ok(SimDuration::from_secs(7800)));
    /// assert_eq!(SimDuration::parse("250ms"), Ok(SimDuration::from_millis(250)));
    /// assert!(SimDuration::parse("10").unwrap_err().contains("no unit"));
    /// ```
    pub fn parse(text: &str) -> Result<SimDuration, String> {
        let s = text.trim();
        if s.is_empty() {
            return Err("an empty string is not a duration".into());
        }
        let shown = shown(text);
        let mut total = 0f64;
        let mut rest = s;
        while !rest.is_empty() {
            let len = number_len(rest);
            if len == 0 {
                return Err(format!(
                    "`{shown}` is not a duration: expected a number at `{}`",
                    self::shown(rest)
                ));
            }
            let (digits, after) = rest.split_at(len);
            let number: f64 = digits.parse().map_err(|_| {
                format!(
                    "`{shown}` is not a duration: bad number `{}`",
                    self::shown(digits)
                )
            })?;
            let after = after.trim_start();
            let unit_len = after
                .find(|c: char| !c.is_alphabetic())
                .unwrap_or(after.len());
            let (unit, after) = after.split_at(unit_len);
            let scale = match unit {
                "ns" => 1e-9,
                // The micro sign and the Greek letter mu look alike.
                "us" | "\u{b5}s" | "\u{3bc}s" => 1e-6,
                "ms" => 1e-3,
                "s" => 1.0,
                "m" | "min" => 60.0,
                "h" => 3600.0,
                "d" => 86400.0,
                "" => {
                    return Err(format!(
                        "`{shown}` has no unit: write e.g. \"{number}s\" or \"{number}ms\""
                    ));
                }
                other => {
                    return Err(format!(
                        "`{shown}` has an unknown unit `{}` (use ns, us, ms, s, m, h or d)",
                        self::shown(other)
                    ));
                }
            };
            total += number * scale;
            rest = after.trim_start();
        }
        // 2^64 ns is about 584 years.
        let nanos = total * NANOS_PER_SEC as f64;
        if nanos.is_nan() || nanos >= u64::MAX as f64 {
            return Err(format!(
                "`{shown}` is too long a duration (at most about 584 years)"
            ));
        }
        Ok(SimDuration::from_secs_f64(total))
    }
}

/// The length of the number at the start of `s`: digits and points, then
/// an exponent (`e3`, `E-2`) when digits follow the `e`.
fn number_len(s: &str) -> usize {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
        i += 1;
    }
    if i == 0 || i >= bytes.len() || !matches!(bytes[i], b'e' | b'E') {
        return i;
    }
    let mut j = i + 1;
    if j < bytes.len() && matches!(bytes[j], b'+' | b'-') {
        j += 1;
    }
    let digits = j;
    while j < bytes.len() && bytes[j].is_ascii_digit() {
        j += 1;
    }
    if j > digits { j } else { i }
}

/// Text from a scenario, as a message shows it: on one line, and cut short
/// when long.
fn shown(text: &str) -> String {
    const MAX: usize = 40;
    let mut out: String = text
        .chars()
        .take(MAX)
        .collect::<String>()
        .escape_debug()
        .collect();
    if text.chars().nth(MAX).is_some() {
        out.push('\u{2026}'); // …
    }
    out
}

impl Add<SimDuration> for SimTime {
    type Output = SimTime;
    fn add(self, d: SimDuration) -> SimTime {
        SimTime(self.0.saturating_add(d.0))
    }
}

impl AddAssign<SimDuration> for SimTime {
    fn add_assign(&mut self, d: SimDuration) {
        self.0 = self.0.saturating_add(d.0);
    }
}

impl Add for SimDuration {
    type Output = SimDuration;
    fn add(self, d: SimDuration) -> SimDuration {
        SimDuration(self.0.saturating_add(d.0))
    }
}

impl Sub for SimTime {
    type Output = SimDuration;
    /// The span between two instants; saturates at zero.
    fn sub(self, earlier: SimTime) -> SimDuration {
        self.since(earlier)
    }
}

impl fmt::Display for SimDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.as_secs_f64();
        if secs >= 1.0 {
            write!(f, "{secs}s")
        } else {
            write!(f, "{}ms", self.as_millis_f64())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_contract_durations() {
        assert_eq!(
            SimDuration::parse("250ms").unwrap(),
            SimDuration::from_millis(250)
        );
        assert_eq!(
            SimDuration::parse("30s").unwrap(),
            SimDuration::from_secs(30)
        );
        assert_eq!(
            SimDuration::parse("5m").unwrap(),
            SimDuration::from_secs(300)
        );
        assert_eq!(
            SimDuration::parse("2h").unwrap(),
            SimDuration::from_secs(7200)
        );
        assert_eq!(
            SimDuration::parse("4d").unwrap(),
            SimDuration::from_secs(4 * 86400)
        );
        assert_eq!(
            SimDuration::parse("2h10m").unwrap(),
            SimDuration::from_secs(7800)
        );
        assert_eq!(
            SimDuration::parse("1.5s").unwrap(),
            SimDuration::from_millis(1500)
        );
        assert_eq!(SimDuration::parse("0s").unwrap(), SimDuration::ZERO);
    }

    #[test]
    fn from_secs_rounds_and_saturates() {
        let ns = |secs: f64| SimDuration::from_secs_f64(secs).0;
        for zero in [
            f64::NAN,
            f64::NEG_INFINITY,
            -1.0,
            -1e-12,
            -0.0,
            0.0,
            4.9e-10,
        ] {
            assert_eq!(ns(zero), 0, "{zero}");
        }
        assert_eq!(ns(5e-10), 1);
        assert_eq!(ns(1.5e-9), 2);
        assert_eq!(ns(0.07), 70_000_000);
        assert_eq!(ns(f64::INFINITY), u64::MAX);
        assert_eq!(ns(1e30), u64::MAX);
    }

    #[test]
    fn rejects_malformed_durations() {
        for bad in [
            "",
            "10",
            "s",
            "5 parsecs",
            "1.2.3s",
            "-5s",
            "3x",
            "5e",
            "1e309s",
        ] {
            assert!(SimDuration::parse(bad).is_err(), "{bad} should be rejected");
        }
    }

    /// The messages of issue 11: each names the real problem.
    #[test]
    fn spaces_exponents_and_micro_signs() {
        let parse = SimDuration::parse;
        assert_eq!(parse("5 min"), Ok(SimDuration::from_secs(300)));
        assert_eq!(parse("2h 10m"), Ok(SimDuration::from_secs(7800)));
        assert_eq!(parse("5\u{b5}s"), Ok(SimDuration(5_000)));
        assert_eq!(parse("5\u{3bc}s"), Ok(SimDuration(5_000)));
        assert_eq!(parse("2e3ms"), Ok(SimDuration::from_secs(2)));
        assert_eq!(parse("1.5E-3s"), Ok(SimDuration(1_500_000)));
        let e = parse("1e309s").unwrap_err();
        assert!(e.contains("too long"), "{e}");
        let e = parse("5 parsecs").unwrap_err();
        assert!(e.contains("unknown unit `parsecs`"), "{e}");
        let e = parse("10").unwrap_err();
        assert!(e.contains("no unit"), "{e}");
        // A long value is cut, and a newline does not break the line.
        let e = parse(&format!("{}x", "1".repeat(100_000))).unwrap_err();
        assert!(e.len() < 200, "{e}");
        let e = parse("5\nparsecs").unwrap_err();
        assert!(!e.contains('\n'), "{e}");
    }
}

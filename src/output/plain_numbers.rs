//! Numbers as a reader says them in a sentence: counts with thousands
//! separators, shares as percents, latencies in the unit that suits their
//! size, dollars with cents. Used by the takeaways ([`super::takeaway`]);
//! the tables keep their own, column-aligned formats.

use super::language::Lang;

/// `digits` (ASCII, no sign) with a comma every three digits from the right.
fn grouped(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A count, rounded to a whole number: "179,500". The comma groups
/// thousands in Korean as well.
pub fn count(n: f64) -> String {
    if !n.is_finite() {
        return "–".into();
    }
    let rounded = n.round().abs();
    let sign = if n.round() < 0.0 { "-" } else { "" };
    format!("{sign}{}", grouped(&format!("{rounded:.0}")))
}

/// `part` out of `whole` as a percent: "16.6%"; three significant digits
/// below 1% ("0.05%"), so that a small share is not said as "0%".
pub fn percent(part: f64, whole: f64) -> String {
    if whole <= 0.0 || !part.is_finite() || !whole.is_finite() {
        return "–".into();
    }
    let p = 100.0 * part / whole;
    if p == 0.0 {
        "0%".into()
    } else if p >= 1.0 {
        format!("{p:.1}%")
    } else {
        let decimals = (2.0 - p.log10().floor()).clamp(1.0, 6.0) as usize;
        format!("{p:.decimals$}%")
    }
}

/// A latency given in milliseconds, in the unit that suits it: "8.5 ms",
/// "292 ms", "42.3 s", "621 s", "17.4 min" (Korean: "42.3초", "17.4분").
pub fn duration(ms: f64, lang: Lang) -> String {
    if !ms.is_finite() {
        return "∞".into();
    }
    let (value, unit_en, unit_ko) = if ms < 1000.0 {
        (ms, " ms", " ms")
    } else if ms < 1_000_000.0 {
        (ms / 1000.0, " s", "초")
    } else if ms < 120.0 * 60_000.0 {
        (ms / 60_000.0, " min", "분")
    } else {
        (ms / 3_600_000.0, " h", "시간")
    };
    let decimals = if value >= 100.0 {
        0
    } else if value >= 10.0 || (ms < 1000.0 && value >= 1.0) {
        1
    } else {
        2
    };
    let unit = match lang {
        Lang::En => unit_en,
        Lang::Ko => unit_ko,
    };
    format!("{value:.decimals$}{unit}")
}

/// Dollars: "$1,091.23"; three significant digits below a dollar
/// ("$0.00421"), so that a small bill is not said as "$0.00".
pub fn dollars(usd: f64) -> String {
    if !usd.is_finite() {
        return "–".into();
    }
    let a = usd.abs();
    let sign = if usd < 0.0 { "-" } else { "" };
    if a == 0.0 {
        return "$0".into();
    }
    if a < 1.0 {
        let decimals = (2.0 - a.log10().floor()).clamp(2.0, 8.0) as usize;
        return format!("{sign}${a:.decimals$}");
    }
    let cents = format!("{a:.2}");
    let (whole, fraction) = cents.split_once('.').unwrap_or((&cents, "00"));
    format!("{sign}${}.{fraction}", grouped(whole))
}

/// A rate such as requests per second: whole and grouped from 100 up
/// ("1,204"), one decimal from 10 ("49.9"), three significant digits below
/// ("0.417").
pub fn rate(x: f64) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    let a = x.abs();
    if a >= 100.0 {
        count(x)
    } else if a >= 10.0 {
        format!("{x:.1}")
    } else if a == 0.0 {
        "0".into()
    } else {
        let decimals = (2.0 - a.log10().floor()).clamp(2.0, 8.0) as usize;
        format!("{x:.decimals$}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_a_person_says_them() {
        assert_eq!(count(179_500.0), "179,500");
        assert_eq!(count(29_862.0), "29,862");
        assert_eq!(count(999.0), "999");
        assert_eq!(count(1_000_000.4), "1,000,000");
        assert_eq!(count(0.0), "0");
        assert_eq!(percent(29_862.0, 179_500.0), "16.6%");
        assert_eq!(percent(0.0, 10.0), "0%");
        assert_eq!(percent(1.0, 2000.0), "0.0500%");
        assert_eq!(percent(3.0, 0.0), "–");
        assert_eq!(duration(8.46, Lang::En), "8.5 ms");
        assert_eq!(duration(291.8, Lang::En), "292 ms");
        assert_eq!(duration(42_300.0, Lang::Ko), "42.3초");
        assert_eq!(duration(621_000.0, Lang::En), "621 s");
        assert_eq!(duration(1_044_000.0, Lang::En), "17.4 min");
        assert_eq!(duration(1_044_000.0, Lang::Ko), "17.4분");
        assert_eq!(duration(f64::INFINITY, Lang::En), "∞");
        assert_eq!(dollars(1091.234), "$1,091.23");
        assert_eq!(dollars(0.004213), "$0.00421");
        assert_eq!(dollars(0.0), "$0");
        assert_eq!(rate(1204.4), "1,204");
        assert_eq!(rate(49.94), "49.9");
        assert_eq!(rate(0.4167), "0.417");
    }
}

//! The terminal comparison table: each design's key figures as the mean over
//! replications ± the half-width of a 95% confidence interval, and the
//! paired difference from the baseline design.

use std::fmt::Write;

use super::designs::{Comparison, DesignRow, Summary, metric};

/// Two-sided 95% quantiles of Student's t for 1–30 degrees of freedom.
const T95: [f64; 30] = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
    2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
    2.052, 2.048, 2.045, 2.042,
];

/// The 97.5% quantile of Student's t with `df` degrees of freedom.
pub fn t95(df: usize) -> f64 {
    match df {
        0 => f64::NAN,
        1..=30 => T95[df - 1],
        // Beyond 30, the Cornish–Fisher expansion of t around the normal
        // quantile z is within 0.01% of the exact value.
        _ => {
            let z: f64 = 1.959_964;
            let n = df as f64;
            z + (z.powi(3) + z) / (4.0 * n)
                + (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / (96.0 * n * n)
        }
    }
}

/// Mean and 95% confidence half-width of `values` (half-width NaN for fewer than two).
pub fn mean_ci(values: &[f64]) -> (f64, f64) {
    let n = values.len();
    if n == 0 {
        return (f64::NAN, f64::NAN);
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    if n < 2 {
        return (mean, f64::NAN);
    }
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    (mean, t95(n - 1) * (var / n as f64).sqrt())
}

/// `mean ± half` with `decimals` digits (just the mean without an interval).
fn pm(row: &DesignRow, m: usize, scale: f64, decimals: usize) -> String {
    let mean = row.mean[m] * scale;
    let half = (row.high[m] - row.mean[m]) * scale;
    if half.is_nan() {
        format!("{mean:.decimals$}")
    } else {
        format!("{mean:.decimals$} ± {half:.decimals$}")
    }
}

/// A difference from the baseline, `~` marking one the replications cannot
/// tell from zero.
fn delta(c: Option<&Comparison>, decimals: usize) -> String {
    let Some(c) = c else {
        return "baseline".into();
    };
    let half = c.diff_high - c.diff_mean;
    let text = if half.is_nan() {
        format!("{:+.decimals$}", c.diff_mean)
    } else {
        format!("{:+.decimals$} ± {half:.decimals$}", c.diff_mean)
    };
    match c.significant {
        Some(false) => format!("~{text}"),
        _ => text,
    }
}

/// The terminal table: one row per design × sweep point, in run order,
/// with the differences from the baseline and the SLO's verdict.
pub fn summary_table(s: &Summary) -> String {
    let mut header = vec!["design".to_string()];
    header.extend(
        s.axes
            .iter()
            .map(|a| a.rsplit('.').next().unwrap_or(a).to_string()),
    );
    header.extend(
        [
            "requests",
            "failed %",
            "lost",
            "p50 ms",
            "p99 ms",
            "mean ms",
            "throughput/s",
            "cost $",
            "$ per 1M",
        ]
        .map(String::from),
    );
    header.push(format!("Δ p99 ms vs {}", s.baseline));
    header.push(format!("Δ $ vs {}", s.baseline));
    if s.has_slo {
        header.push("SLO".into());
    }
    let mut rows = vec![header];
    for (i, r) in s.rows.iter().enumerate() {
        let mut row = vec![r.design.clone()];
        row.extend(r.point.iter().cloned());
        row.push(pm(r, metric("requests"), 1.0, 0));
        row.push(pm(r, metric("error_rate"), 100.0, 2));
        row.push(pm(r, metric("lost"), 1.0, 0));
        row.push(pm(r, metric("response_p50_ms"), 1.0, 1));
        row.push(pm(r, metric("response_p99_ms"), 1.0, 1));
        row.push(pm(r, metric("response_mean_ms"), 1.0, 1));
        row.push(pm(r, metric("throughput_rps"), 1.0, 1));
        row.push(pm(r, metric("cost_usd"), 1.0, 3));
        row.push(pm(r, metric("cost_per_million_usd"), 1.0, 2));
        let versus = |m: &str| {
            s.comparisons
                .iter()
                .find(|c| c.design == r.design && c.point == r.point && c.metric == m)
        };
        let is_baseline = r.design == s.baseline;
        for (m, decimals) in [("response_p99_ms", 1), ("cost_usd", 3)] {
            row.push(match versus(m) {
                None if !is_baseline => String::new(),
                c => delta(c, decimals),
            });
        }
        if let Some(v) = &r.slo {
            let mark = if v.pass { "pass" } else { "miss" };
            row.push(if s.answer == Some(i) {
                format!("{mark} ◀ cheapest")
            } else {
                mark.to_string()
            });
        }
        rows.push(row);
    }
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for (i, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let pad = widths[c] - cell.chars().count();
            if c == 0 {
                let _ = write!(out, "{cell}{}", " ".repeat(pad));
            } else {
                let _ = write!(out, "  {}{cell}", " ".repeat(pad));
            }
        }
        out.push('\n');
        if i == 0 {
            let total: usize = widths.iter().sum::<usize>() + 2 * (widths.len() - 1);
            out.push_str(&"-".repeat(total));
            out.push('\n');
        }
    }
    out
}

/// The SLO's answer in a sentence: the cheapest design and sweep point
/// that meets it, with its margin; `None` without an SLO.
pub fn slo_answer(s: &Summary) -> Option<String> {
    if !s.has_slo {
        return None;
    }
    let Some(i) = s.answer else {
        return Some("No design meets the SLO.".into());
    };
    let r = &s.rows[i];
    let at = if r.point.is_empty() {
        String::new()
    } else {
        let point: Vec<String> = s
            .axes
            .iter()
            .zip(&r.point)
            .map(|(a, v)| format!("{a} = {v}"))
            .collect();
        format!(" at {}", point.join(", "))
    };
    let v = r.slo.as_ref()?;
    Some(format!(
        "Cheapest design meeting the SLO: {}{at}, ${:.2} a month, p99 {:.1} ms; tightest target {} with {:.1}% to spare.",
        r.design,
        r.mean[metric("monthly_cost_usd")],
        r.mean[metric("response_p99_ms")],
        v.binding,
        100.0 * v.margin
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confidence_interval_uses_student_t() {
        let (m, h) = mean_ci(&[1.0, 2.0, 3.0, 4.0]);
        assert_eq!(m, 2.5);
        // s = 1.29099, s/√4 = 0.645497, t(3) = 3.182.
        assert!((h - 3.182 * 0.645_497).abs() < 1e-4);
        assert!(mean_ci(&[5.0]).1.is_nan());
        assert!((t95(100) - 1.984).abs() < 0.0005);
        assert!((t95(31) - 2.0395).abs() < 0.001);
    }
}

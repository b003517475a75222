//! The terminal comparison table: each design's key figures as the mean over
//! replications ± the half-width of a 95% confidence interval.

use std::fmt::Write;

use super::csv_files::RunRecord;

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

/// `mean ± half` with `decimals` digits.
fn pm(values: &[f64], decimals: usize) -> String {
    let (m, h) = mean_ci(values);
    if h.is_nan() {
        format!("{m:.decimals$}")
    } else {
        format!("{m:.decimals$} ± {h:.decimals$}")
    }
}

/// The table, one row per design × sweep point, in run order.
pub fn comparison_table(axes: &[String], runs: &[RunRecord]) -> String {
    // Group runs by (point, design) keeping first-appearance order.
    let mut groups: Vec<(Vec<String>, String, Vec<&RunRecord>)> = Vec::new();
    for r in runs {
        match groups
            .iter_mut()
            .find(|(p, d, _)| *p == r.point && *d == r.result.design)
        {
            Some(g) => g.2.push(r),
            None => groups.push((r.point.clone(), r.result.design.clone(), vec![r])),
        }
    }
    let mut header = vec!["design".to_string()];
    header.extend(
        axes.iter()
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
    let mut rows = vec![header];
    for (point, design, rs) in &groups {
        let col = |f: &dyn Fn(&RunRecord) -> f64| rs.iter().map(|r| f(r)).collect::<Vec<f64>>();
        let mut row = vec![design.clone()];
        row.extend(point.iter().map(|v| v.trim_matches('"').to_string()));
        row.push(pm(&col(&|r| r.result.requests as f64), 0));
        row.push(pm(
            &col(&|r| 100.0 * r.result.failed as f64 / (r.result.requests.max(1)) as f64),
            2,
        ));
        row.push(pm(&col(&|r| r.result.lost as f64), 0));
        row.push(pm(&col(&|r| r.result.response.p50), 1));
        row.push(pm(&col(&|r| r.result.response.p99), 1));
        row.push(pm(&col(&|r| r.result.response.mean), 1));
        row.push(pm(&col(&|r| r.result.throughput_rps), 1));
        row.push(pm(&col(&|r| r.result.cost_usd), 3));
        row.push(pm(&col(&|r| r.result.cost_per_million()), 2));
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

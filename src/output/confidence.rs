//! Confidence intervals over replications: Student's t.

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
///
/// An infinite value (an all-requests percentile of a replication that
/// failed more than 1%) makes the mean infinite and the interval unknown
/// (NaN half-width, written as empty bounds): one replication beyond every
/// bound is enough for the design not to have a finite figure.
pub fn mean_ci(values: &[f64]) -> (f64, f64) {
    let n = values.len();
    if n == 0 {
        return (f64::NAN, f64::NAN);
    }
    if let Some(inf) = values.iter().find(|v| v.is_infinite()) {
        return (*inf, f64::NAN);
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    if n < 2 {
        return (mean, f64::NAN);
    }
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    (mean, t95(n - 1) * (var / n as f64).sqrt())
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
        let (m, h) = mean_ci(&[120.0, f64::INFINITY, 130.0]);
        assert_eq!(m, f64::INFINITY);
        assert!(h.is_nan());
    }
}

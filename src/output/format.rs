//! How numbers and text become cells of the CSV files: fixed precision, so
//! that the bytes depend only on the results.

/// `x` with `decimals` digits after the point, without `-0`.
pub fn num(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return if x.is_nan() {
            "NaN".into()
        } else if x > 0.0 {
            "inf".into()
        } else {
            "-inf".into()
        };
    }
    let s = format!("{x:.decimals$}");
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    }
}

/// A sweep value as a CSV cell: TOML strings lose their quotes.
pub fn cell(value: &str) -> String {
    value.trim_matches('"').to_string()
}

/// Quotes a CSV field when it needs it.
pub fn csv_escape(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_fixed_precision_and_no_negative_zero() {
        assert_eq!(num(1.23456, 3), "1.235");
        assert_eq!(num(-0.0001, 3), "0.000");
        assert_eq!(num(2.0, 0), "2");
        assert_eq!(csv_escape("a,b"), "\"a,b\"");
    }
}

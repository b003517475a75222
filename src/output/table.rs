//! The terminal comparison table: each design's key figures as the mean over
//! replications ± the half-width of a 95% confidence interval, and the
//! paired difference from the baseline design.

use std::fmt::Write;

use unicode_width::UnicodeWidthStr;

use super::designs::{Comparison, DesignRow, Summary};
use super::lang::{Key, Lang, Line, say, text};
use super::measure::Measure;

/// `mean ± half` with `decimals` digits (just the mean without an interval).
fn pm(row: &DesignRow, m: Measure, scale: f64, decimals: usize) -> String {
    let mean = row.mean[m.index()] * scale;
    let half = (row.high[m.index()] - row.mean[m.index()]) * scale;
    if half.is_nan() {
        format!("{mean:.decimals$}")
    } else {
        format!("{mean:.decimals$} ± {half:.decimals$}")
    }
}

/// A difference from the baseline, `~` marking one the replications cannot
/// tell from zero.
fn delta(c: Option<&Comparison>, decimals: usize, lang: Lang) -> String {
    let Some(c) = c else {
        return text(lang, Key::Baseline).into();
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
/// with the differences from the baseline and the SLO's verdict. Columns
/// are padded by display width: a Hangul syllable takes two columns.
pub fn summary_table(s: &Summary, lang: Lang) -> String {
    let mut header = vec![text(lang, Key::Design).to_string()];
    header.extend(
        s.axes
            .iter()
            .map(|a| a.rsplit('.').next().unwrap_or(a).to_string()),
    );
    header.extend(
        [
            text(lang, Key::Requests),
            text(lang, Key::FailedPercent),
            text(lang, Key::Lost),
            "p50 ms",
            "p99 ms",
            text(lang, Key::MeanMs),
            text(lang, Key::Throughput),
            text(lang, Key::CostUsd),
            text(lang, Key::UsdPerMillion),
        ]
        .map(String::from),
    );
    header.push(say(
        lang,
        Line::DeltaP99 {
            baseline: &s.baseline,
        },
    ));
    header.push(say(
        lang,
        Line::DeltaCost {
            baseline: &s.baseline,
        },
    ));
    if s.has_slo {
        header.push(text(lang, Key::Slo).into());
    }
    let mut rows = vec![header];
    for (i, r) in s.rows.iter().enumerate() {
        let mut row = vec![r.design.clone()];
        row.extend(r.point.iter().cloned());
        row.push(pm(r, Measure::Requests, 1.0, 0));
        row.push(pm(r, Measure::ErrorRate, 100.0, 2));
        row.push(pm(r, Measure::Lost, 1.0, 0));
        row.push(pm(r, Measure::ResponseP50Ms, 1.0, 1));
        row.push(pm(r, Measure::ResponseP99Ms, 1.0, 1));
        row.push(pm(r, Measure::ResponseMeanMs, 1.0, 1));
        row.push(pm(r, Measure::ThroughputRps, 1.0, 1));
        row.push(pm(r, Measure::CostUsd, 1.0, 3));
        row.push(pm(r, Measure::CostPerMillionUsd, 1.0, 2));
        let versus = |m: Measure| {
            s.comparisons
                .iter()
                .find(|c| c.design == r.design && c.point == r.point && c.metric == m)
        };
        let is_baseline = r.design == s.baseline;
        for (m, decimals) in [(Measure::ResponseP99Ms, 1), (Measure::CostUsd, 3)] {
            row.push(match versus(m) {
                None if !is_baseline => String::new(),
                c => delta(c, decimals, lang),
            });
        }
        if let Some(v) = &r.slo {
            let mark = if v.pass {
                text(lang, Key::Pass)
            } else if v.binding == Measure::Unstable.name() {
                text(lang, Key::Unstable)
            } else {
                text(lang, Key::Miss)
            };
            row.push(if s.answer == Some(i) {
                format!("{mark} {}", text(lang, Key::Cheapest))
            } else {
                mark.to_string()
            });
        }
        rows.push(row);
    }
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|c| rows.iter().map(|r| r[c].width()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for (i, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let pad = widths[c] - cell.width();
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

/// The designs and sweep points whose runs ended unstable at this load, in
/// a sentence; `None` when every run reached its end.
pub fn unstable_note(s: &Summary) -> Option<String> {
    let rows: Vec<String> = s
        .rows
        .iter()
        .filter(|r| r.mean[Measure::Unstable.index()] > 0.0)
        .map(|r| {
            let unstable = (r.mean[Measure::Unstable.index()] * r.replications as f64).round();
            let at: Vec<String> = s
                .axes
                .iter()
                .zip(&r.point)
                .map(|(a, v)| format!("{a} = {v}"))
                .collect();
            let at = if at.is_empty() {
                String::new()
            } else {
                format!(" at {}", at.join(", "))
            };
            format!("{}{at} ({unstable} of {})", r.design, r.replications)
        })
        .collect();
    (!rows.is_empty()).then(|| {
        format!(
            "Unstable at this load: {}. A backlog reached the scenario's backlog_limit and those runs ended there (summary.csv says where and when); their figures are no steady state.",
            rows.join("; ")
        )
    })
}

/// The SLO's answer in a sentence: the cheapest design and sweep point
/// that meets it, with its margin; `None` without an SLO.
pub fn slo_answer(s: &Summary, lang: Lang) -> Option<String> {
    if !s.has_slo {
        return None;
    }
    let Some(i) = s.answer else {
        return Some(text(lang, Key::NoDesignMeetsSlo).into());
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
        say(lang, Line::AtPoint(&point.join(", ")))
    };
    let v = r.slo.as_ref()?;
    Some(say(
        lang,
        Line::CheapestMeetingSlo {
            design: &r.design,
            at: &at,
            monthly_usd: r.mean[Measure::MonthlyCostUsd.index()],
            p99_ms: r.mean[Measure::ResponseP99Ms.index()],
            binding: &v.binding,
            margin_percent: 100.0 * v.margin,
        },
    ))
}

//! `report.html`: one self-contained page per run (the charts are inline
//! SVG): the scenario's description, the SLO verdict, the comparison table,
//! the faults, the charts and the manifest. Built from the output files
//! only; `designs.csv` gives the table and the verdict when it exists,
//! `summary.csv` the table otherwise.

use anyhow::{Context, Result};
use std::fmt::Write;

use super::charts::style::{design_colour, format_number};
use super::charts::{CHARTS_DIR, Chart};
use super::confidence::mean_ci;
use super::folder::{OutputFolder, Table, parse_number, short_value};

/// Writes `report.html` into the folder.
pub fn write(folder: &OutputFolder, charts: &[Chart]) -> Result<()> {
    let designs_csv = if folder.dir.join("designs.csv").is_file() {
        // A copy, so that reading it cannot add designs or points to the
        // folder the charts were drawn from.
        let mut scratch = folder.clone();
        Some(scratch.read_table("designs.csv")?)
    } else {
        None
    };
    let html = render(folder, designs_csv.as_ref(), charts)?;
    let path = folder.dir.join("report.html");
    std::fs::write(&path, html).with_context(|| format!("cannot write {}", path.display()))
}

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const STYLE: &str = "
body { font-family: system-ui, -apple-system, 'Segoe UI', 'DejaVu Sans', sans-serif;
       max-width: 1260px; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.45; }
h1 { margin-bottom: 0.2em; }
h2 { border-bottom: 1px solid #ddd; padding-bottom: 0.2em; margin-top: 2em; }
.description { font-size: 1.1em; }
.meta { color: #555; }
nav a { margin-right: 1em; }
table { border-collapse: collapse; font-size: 0.92em; margin: 0.5em 0; }
th, td { padding: 0.3em 0.7em; border-bottom: 1px solid #e4e4e4; text-align: right; white-space: nowrap; }
th { background: #f4f4f4; }
td:first-child, th:first-child { text-align: left; }
.swatch { display: inline-block; width: 0.9em; height: 0.9em; margin-right: 0.4em;
          vertical-align: -0.1em; border-radius: 2px; }
.verdict { font-size: 1.1em; padding: 0.6em 1em; border-radius: 4px; background: #eef5fb; }
.pass { color: #1a7f37; font-weight: bold; }
.fail { color: #b00020; font-weight: bold; }
figure { margin: 1.5em 0; }
figure svg { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #444; margin-top: 0.3em; }
pre { background: #f6f6f6; padding: 1em; overflow-x: auto; font-size: 0.85em; }
";

fn render(folder: &OutputFolder, designs_csv: Option<&Table>, charts: &[Chart]) -> Result<String> {
    let mut h = String::new();
    let title = format!("stratosim — {}", folder.scenario);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape(&title)
    );
    let _ = writeln!(h, "<h1>{}</h1>", escape(&folder.scenario));
    if !folder.description.is_empty() {
        let _ = writeln!(
            h,
            "<p class=\"description\">{}</p>",
            escape(&folder.description)
        );
    }
    let m = &folder.manifest;
    let mut meta = vec![
        format!("{} design(s)", folder.designs.len()),
        format!("{} replication(s)", folder.replications()),
    ];
    meta.push(format!("seed {}", m.seed));
    if folder.has_sweep() {
        meta.push(format!(
            "sweep over {} ({} points)",
            folder.axes.join(", "),
            folder.points.len()
        ));
    }
    if !m.stratosim_version.is_empty() {
        meta.push(format!("stratosim {}", m.stratosim_version));
    }
    if !m.catalog_region.is_empty() && !m.catalog_date.is_empty() {
        meta.push(format!("prices: {}, {}", m.catalog_region, m.catalog_date));
    }
    let _ = writeln!(h, "<p class=\"meta\">{}</p>", escape(&meta.join(" · ")));
    if !m.skipped_designs.is_empty() {
        let _ = writeln!(
            h,
            "<p class=\"fail\">Not simulated: {}</p>",
            escape(&m.skipped_designs.join("; "))
        );
    }
    h.push_str(
        "<nav><a href=\"#verdict\">SLO verdict</a><a href=\"#comparison\">Comparison</a>\
         <a href=\"#charts\">Charts</a><a href=\"#manifest\">Manifest</a></nav>\n",
    );

    h.push_str("<h2 id=\"verdict\">SLO verdict</h2>\n");
    let _ = writeln!(
        h,
        "<p class=\"verdict\">{}</p>",
        verdict(folder, designs_csv)
    );
    if let Some(unstable) = unstable_runs(folder) {
        let _ = writeln!(h, "<p class=\"fail\">{unstable}</p>");
    }

    h.push_str("<h2 id=\"comparison\">Comparison</h2>\n");
    match designs_csv {
        Some(table) => {
            h.push_str(
                "<p>From <code>designs.csv</code>: mean ± half-width of the 95% confidence \
                 interval over replications.</p>\n",
            );
            h.push_str(&html_table(&designs_table(folder, table)));
        }
        None => {
            h.push_str(
                "<p>From <code>summary.csv</code>: mean ± half-width of the 95% confidence \
                 interval over replications.</p>\n",
            );
            h.push_str(&html_table(&summary_table(folder)));
        }
    }
    if !folder.faults.is_empty() {
        h.push_str("<h3>Faults</h3>\n<ul>\n");
        for f in &folder.faults {
            let _ = writeln!(
                h,
                "<li>{}: from {} s to {} s</li>",
                escape(&f.label()),
                f.start_s,
                f.end_s
            );
        }
        h.push_str("</ul>\n");
    }

    h.push_str("<h2 id=\"charts\">Charts</h2>\n");
    for chart in charts {
        let path = folder
            .dir
            .join(CHARTS_DIR)
            .join(format!("{}.svg", chart.stem));
        let svg = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        // Inline SVG must not carry an XML declaration.
        let svg = match svg.find("<svg") {
            Some(start) => &svg[start..],
            None => svg.as_str(),
        };
        let _ = writeln!(
            h,
            "<figure id=\"{stem}\">\n{svg}\n<figcaption>{caption} \
             (<a href=\"{dir}/{stem}.png\">PNG</a>, <a href=\"{dir}/{stem}.svg\">SVG</a>)\
             </figcaption>\n</figure>",
            stem = escape(&chart.stem),
            caption = escape(&chart.caption),
            dir = CHARTS_DIR,
        );
    }

    h.push_str("<h2 id=\"manifest\">Manifest</h2>\n");
    // Keys in alphabetical order, as a JSON value lists them; without the
    // files' checksums and row counts, which are for stratosim to check.
    let shown = super::manifest::Manifest {
        files: Default::default(),
        ..folder.manifest.clone()
    };
    let manifest = serde_json::to_string_pretty(&serde_json::to_value(&shown)?)?;
    let _ = writeln!(h, "<pre>{}</pre>", escape(&manifest));
    h.push_str("</body>\n</html>\n");
    Ok(h)
}

/// The runs that ended unstable at this load (from `summary.csv`), in a
/// sentence; `None` when every run reached its end.
fn unstable_runs(folder: &OutputFolder) -> Option<String> {
    /// Runs named one by one; the rest are counted.
    const SHOWN: usize = 10;
    let t = &folder.summary;
    let (flag, component, at, replication) = (
        t.column("unstable")?,
        t.column("unstable_component")?,
        t.column("unstable_at_s")?,
        t.column("replication")?,
    );
    let runs: Vec<&super::folder::Row> = t.rows.iter().filter(|r| r.cells[flag] == "1").collect();
    if runs.is_empty() {
        return None;
    }
    let mut named: Vec<String> = runs
        .iter()
        .take(SHOWN)
        .map(|r| {
            let point = folder.point_label(r.point);
            format!(
                "{}{}, replication {}: <code>{}</code> at {} s",
                escape(&folder.designs[r.design]),
                if point.is_empty() {
                    String::new()
                } else {
                    format!(" at {}", escape(&point))
                },
                escape(&r.cells[replication]),
                escape(&r.cells[component]),
                escape(&r.cells[at])
            )
        })
        .collect();
    if runs.len() > SHOWN {
        named.push(format!("and {} more", runs.len() - SHOWN));
    }
    Some(format!(
        "Unstable at this load: a backlog reached the scenario's <code>backlog_limit</code> \
         and the run ended there, its figures no steady state ({}).",
        named.join("; ")
    ))
}

/// The verdict: the cheapest design (and sweep point) that meets the SLO.
fn verdict(folder: &OutputFolder, designs_csv: Option<&Table>) -> String {
    let slo = serde_json::to_value(&folder.manifest.slo).unwrap_or_default();
    let Some(bounds) = slo.as_object().filter(|o| !o.is_empty()) else {
        return "The scenario sets no <code>[slo]</code>: there is no verdict.".to_string();
    };
    let stated: Vec<String> = bounds
        .iter()
        .map(|(k, v)| format!("{} ≤ {}", escape(k), escape(&v.to_string())))
        .collect();
    let stated = stated.join(", ");
    let Some(table) = designs_csv else {
        return format!("SLO: {stated}. No <code>designs.csv</code> in this folder: no verdict.");
    };
    let (Some(pass), Some(cost)) = (table.column("slo_pass"), table.column("cost_usd_mean")) else {
        return format!("SLO: {stated}. <code>designs.csv</code> has no verdict column.");
    };
    let best = table
        .rows
        .iter()
        .filter(|r| r.cells[pass] == "yes")
        .filter_map(|r| parse_number(&r.cells[cost]).map(|c| (r, c)))
        .min_by(|a, b| a.1.total_cmp(&b.1));
    match best {
        Some((row, cost)) => {
            let point = folder.point_label(row.point);
            format!(
                "SLO: {stated}. <span class=\"pass\">{}{}</span> meets it at the lowest cost: \
                 ${} over the measured window (mean).",
                escape(&folder.designs[row.design]),
                if point.is_empty() {
                    String::new()
                } else {
                    format!(" at {}", escape(&point))
                },
                format_value(cost)
            )
        }
        None => format!("SLO: {stated}. <span class=\"fail\">No design meets the SLO.</span>"),
    }
}

/// A table to render: the header and rows of cells, each row with its design.
struct Grid {
    header: Vec<String>,
    rows: Vec<(usize, Vec<String>)>,
}

/// The header of the column that says whether a row meets the SLO.
const SLO_COLUMN: &str = "meets SLO";

/// The metrics of `designs.csv` shown in the report, with their headers.
const DESIGN_METRICS: [(&str, &str); 9] = [
    ("requests", "requests"),
    ("error_rate", "error rate"),
    ("lost", "lost"),
    ("response_p50_ms", "p50 ms"),
    ("response_p99_ms", "p99 ms"),
    ("completion_p99_ms", "completion p99 ms"),
    ("throughput_rps", "throughput /s"),
    ("cost_per_million_usd", "$ per 1M"),
    ("monthly_cost_usd", "$ per month"),
];

fn designs_table(folder: &OutputFolder, table: &Table) -> Grid {
    let mut header = vec!["design".to_string()];
    header.extend(folder.axes.iter().cloned());
    let slo = table.column("slo_pass");
    if slo.is_some() {
        header.push(SLO_COLUMN.into());
    }
    let metrics: Vec<(&str, usize, Option<usize>, Option<usize>)> = DESIGN_METRICS
        .iter()
        .filter_map(|(m, title)| {
            let mean = table.column(&format!("{m}_mean"))?;
            header.push((*title).to_string());
            Some((
                *m,
                mean,
                table.column(&format!("{m}_low")),
                table.column(&format!("{m}_high")),
            ))
        })
        .collect();
    let rows = table
        .rows
        .iter()
        .map(|r| {
            let mut cells = vec![folder.designs[r.design].clone()];
            cells.extend(folder.points[r.point].iter().map(|v| short_value(v)));
            if let Some(c) = slo {
                cells.push(r.cells[c].clone());
            }
            for &(_, mean, low, high) in &metrics {
                let get = |c: Option<usize>| c.and_then(|c| parse_number(&r.cells[c]));
                let m = parse_number(&r.cells[mean]).unwrap_or(f64::NAN);
                let half = match (get(low), get(high)) {
                    (Some(l), Some(h)) => (h - l) / 2.0,
                    _ => f64::NAN,
                };
                cells.push(mean_pm(m, half));
            }
            (r.design, cells)
        })
        .collect();
    Grid { header, rows }
}

fn summary_table(folder: &OutputFolder) -> Grid {
    let mut header = vec!["design".to_string()];
    header.extend(folder.axes.iter().cloned());
    header.extend(
        [
            "requests",
            "failed %",
            "lost",
            "p50 ms",
            "p99 ms",
            "throughput /s",
            "cost $",
            "$ per 1M",
        ]
        .map(String::from),
    );
    let s = &folder.summary;
    let mut rows = Vec::new();
    for point in 0..folder.points.len() {
        for design in 0..folder.designs.len() {
            if s.rows_of(design, point).next().is_none() {
                continue;
            }
            let mut cells = vec![folder.designs[design].clone()];
            cells.extend(folder.points[point].iter().map(|v| short_value(v)));
            let failed_pct: Vec<f64> = s
                .rows_of(design, point)
                .filter_map(|r| {
                    let requests = parse_number(&r.cells[s.column("requests")?])?;
                    let failed = parse_number(&r.cells[s.column("failed")?])?;
                    (requests > 0.0).then(|| 100.0 * failed / requests)
                })
                .collect();
            for values in [
                s.numbers(design, point, "requests"),
                failed_pct,
                s.numbers(design, point, "lost"),
                s.numbers(design, point, "response_p50_ms"),
                s.numbers(design, point, "response_p99_ms"),
                s.numbers(design, point, "throughput_rps"),
                s.numbers(design, point, "cost_usd"),
                s.numbers(design, point, "cost_per_million_usd"),
            ] {
                let (m, half) = mean_ci(&values);
                cells.push(mean_pm(m, half));
            }
            rows.push((design, cells));
        }
    }
    Grid { header, rows }
}

fn html_table(grid: &Grid) -> String {
    let mut h = String::from("<table>\n<thead><tr>");
    for c in &grid.header {
        let _ = write!(h, "<th>{}</th>", escape(c));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    let verdict_column = grid.header.iter().position(|c| c == SLO_COLUMN);
    for (design, cells) in &grid.rows {
        h.push_str("<tr>");
        for (i, c) in cells.iter().enumerate() {
            if i == 0 {
                let colour = design_colour(*design);
                let _ = write!(
                    h,
                    "<td><span class=\"swatch\" style=\"background:#{:02x}{:02x}{:02x}\"></span>{}</td>",
                    colour.0,
                    colour.1,
                    colour.2,
                    escape(c)
                );
            } else if Some(i) == verdict_column && (c == "yes" || c == "no") {
                let class = if c == "yes" { "pass" } else { "fail" };
                let _ = write!(h, "<td class=\"{class}\">{c}</td>");
            } else {
                let _ = write!(h, "<td>{}</td>", escape(c));
            }
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table>\n");
    h
}

/// "12.3 ± 0.4", or the mean alone without an interval; both rounded to
/// two significant digits of the half-width, the precision the interval
/// gives.
fn mean_pm(mean: f64, half: f64) -> String {
    if !mean.is_finite() {
        "–".to_string()
    } else if half.is_finite() && half > 0.0 {
        let d = (1.0 - half.log10().floor()).clamp(0.0, 8.0) as usize;
        format!("{} ± {}", format_number(mean, d), format_number(half, d))
    } else {
        format_value(mean)
    }
}

/// Digits after the point that suit a figure of `v`'s size (3 significant
/// ones below 1).
fn decimals(v: f64) -> usize {
    let a = v.abs();
    if a >= 1000.0 || a == 0.0 {
        0
    } else if a >= 100.0 {
        1
    } else if a >= 1.0 {
        2
    } else {
        (2.0 - a.log10().floor()).clamp(3.0, 8.0) as usize
    }
}

/// A figure with the precision that suits its size.
fn format_value(v: f64) -> String {
    format_number(v, decimals(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_values_rounded() {
        assert_eq!(escape("<a & \"b\">"), "&lt;a &amp; &quot;b&quot;&gt;");
        assert_eq!(mean_pm(12.346, 0.5), "12.35 ± 0.50");
        assert_eq!(mean_pm(21083.0, 864.0), "21\u{2009}083 ± 864");
        assert_eq!(mean_pm(f64::NAN, 1.0), "–");
        assert_eq!(format_value(1234.4), "1234");
    }
}

//! `report.html`: one self-contained page per run (the charts are inline
//! SVG): the scenario's description and lesson, the SLO verdict, the
//! comparison table, the faults, the takeaways per design, the legend of
//! the numbers, the charts and the manifest. Built from the output files
//! only; `designs.csv` gives the table and the verdict when it exists,
//! `summary.csv` the table otherwise.

use anyhow::{Context, Result};
use std::fmt::Write;

use super::charts::style::{design_colour, format_number};
use super::charts::{CHARTS_DIR, Chart};
use super::confidence::mean_ci;
use super::folder::{OutputFolder, Row, Table, parse_number, short_value};
use super::lang::{Key, Lang, Line, say, text};

/// Writes `report.html` into the folder, its words in `lang`.
pub fn write(folder: &OutputFolder, charts: &[Chart], lang: Lang) -> Result<()> {
    let designs_csv = if folder.dir.join("designs.csv").is_file() {
        // A copy, so that reading it cannot add designs or points to the
        // folder the charts were drawn from.
        let mut scratch = folder.clone();
        Some(scratch.read_table("designs.csv")?)
    } else {
        None
    };
    let html = render(folder, designs_csv.as_ref(), charts, lang)?;
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

// The Hangul family first, as in the charts' SVG: Korean names and lessons
// are common, and a Latin-only family would leave Hangul to chance.
const STYLE: &str = "
body { font-family: 'Noto Sans CJK KR', 'Noto Sans KR', system-ui, -apple-system, 'Segoe UI',
       'Apple SD Gothic Neo', 'Malgun Gothic', 'DejaVu Sans', sans-serif;
       max-width: 1260px; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.45; }
h1 { margin-bottom: 0.2em; }
h2 { border-bottom: 1px solid #ddd; padding-bottom: 0.2em; margin-top: 2em; }
.description { font-size: 1.1em; }
.lesson { background: #f5f8f2; border-left: 4px solid #009E73; padding: 0.1em 1em; margin: 1em 0; }
.lesson h2 { border: none; margin-top: 0.6em; font-size: 1.2em; }
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
.takeaways li { margin: 0.4em 0; }
.legend dl { display: grid; grid-template-columns: max-content auto; gap: 0.2em 1em; font-size: 0.92em; }
.legend dt { font-weight: bold; }
.legend dd { margin: 0; }
pre { background: #f6f6f6; padding: 1em; overflow-x: auto; font-size: 0.85em; }
";

fn render(
    folder: &OutputFolder,
    designs_csv: Option<&Table>,
    charts: &[Chart],
    lang: Lang,
) -> Result<String> {
    let mut h = String::new();
    let title = format!("stratosim — {}", folder.scenario);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        lang.tag(),
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
    if let Some(lesson) = super::lesson::read(&folder.dir)?.in_lang(lang) {
        let _ = writeln!(
            h,
            "<section class=\"lesson\" id=\"lesson\">\n<h2>{}</h2>\n{}</section>",
            text(lang, Key::Lesson),
            paragraphs(lesson)
        );
    }
    let m = &folder.manifest;
    let mut meta = vec![
        say(lang, Line::DesignCount(folder.designs.len())),
        say(lang, Line::ReplicationCount(folder.replications())),
    ];
    meta.push(say(lang, Line::Seed(m.seed)));
    if folder.has_sweep() {
        meta.push(say(
            lang,
            Line::SweepOver {
                keys: &folder.axes.join(", "),
                points: folder.points.len(),
            },
        ));
    }
    if !m.stratosim_version.is_empty() {
        meta.push(format!("stratosim {}", m.stratosim_version));
    }
    if !m.catalog_region.is_empty() && !m.catalog_date.is_empty() {
        meta.push(say(
            lang,
            Line::Prices {
                region: &m.catalog_region,
                date: &m.catalog_date,
            },
        ));
    }
    let _ = writeln!(h, "<p class=\"meta\">{}</p>", escape(&meta.join(" · ")));
    if !m.skipped_designs.is_empty() {
        let _ = writeln!(
            h,
            "<p class=\"fail\">{}</p>",
            escape(&say(
                lang,
                Line::NotSimulated(&m.skipped_designs.join("; "))
            ))
        );
    }
    let _ = writeln!(
        h,
        "<nav><a href=\"#verdict\">{}</a><a href=\"#comparison\">{}</a>\
         <a href=\"#charts\">{}</a><a href=\"#manifest\">{}</a></nav>",
        text(lang, Key::SloVerdict),
        text(lang, Key::Comparison),
        text(lang, Key::Charts),
        text(lang, Key::Manifest)
    );

    let _ = writeln!(h, "<h2 id=\"verdict\">{}</h2>", text(lang, Key::SloVerdict));
    let _ = writeln!(
        h,
        "<p class=\"verdict\">{}</p>",
        verdict(folder, designs_csv, lang)
    );
    if let Some(unstable) = unstable_runs(folder, lang) {
        let _ = writeln!(h, "<p class=\"fail\">{unstable}</p>");
    }

    let _ = writeln!(
        h,
        "<h2 id=\"comparison\">{}</h2>",
        text(lang, Key::Comparison)
    );
    match designs_csv {
        Some(table) => {
            let _ = writeln!(h, "<p>{}</p>", text(lang, Key::FromDesignsCsv));
            h.push_str(&html_table(&designs_table(folder, table, lang), lang));
        }
        None => {
            let _ = writeln!(h, "<p>{}</p>", text(lang, Key::FromSummaryCsv));
            h.push_str(&html_table(&summary_table(folder, lang), lang));
        }
    }
    if !folder.faults.is_empty() {
        let _ = writeln!(h, "<h3>{}</h3>\n<ul>", text(lang, Key::Faults));
        for f in &folder.faults {
            let window = say(
                lang,
                Line::FaultWindow {
                    label: &f.label(),
                    from_s: f.start_s,
                    to_s: f.end_s,
                },
            );
            let _ = writeln!(h, "<li>{}</li>", escape(&window));
        }
        h.push_str("</ul>\n");
    }
    let deployments = &folder.manifest.deployments;
    if !deployments.is_empty() {
        let _ = writeln!(h, "<h3>{}</h3>\n<ul>", text(lang, Key::Deployments));
        for d in deployments {
            let line = say(
                lang,
                Line::Deployment {
                    component: &d.component,
                    policy: &d.policy,
                    batch_size: &d.batch_size,
                    at_s: d.at_s,
                    error_rate: d.error_rate,
                    rollback_on: d.rollback_on.as_deref(),
                },
            );
            let _ = writeln!(h, "<li>{}</li>", escape(&line));
        }
        h.push_str("</ul>\n");
    }

    h.push_str(&takeaways_section(folder, lang));
    h.push_str(&legend_section(lang));

    let _ = writeln!(h, "<h2 id=\"charts\">{}</h2>", text(lang, Key::Charts));
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
            caption = escape(&say(lang, chart.caption.line())),
            dir = CHARTS_DIR,
        );
    }

    let _ = writeln!(h, "<h2 id=\"manifest\">{}</h2>", text(lang, Key::Manifest));
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

/// The takeaways, one per design, computed from `summary.csv` and
/// `manifest.json` as the terminal's are. Empty for a folder that cannot
/// be summarised (one written by a version without the all-requests
/// columns): its report still shows what it has.
fn takeaways_section(folder: &OutputFolder, lang: Lang) -> String {
    let Ok(summary) = super::designs::summarise(&folder.dir) else {
        return String::new();
    };
    let mut h = format!(
        "<section class=\"takeaways\" id=\"takeaways\">\n<h2>{}</h2>\n<p class=\"meta\">{}</p>\n<ul>\n",
        text(lang, Key::Takeaways),
        text(lang, Key::TakeawaysSource)
    );
    for t in super::takeaway::takeaways(&summary, lang) {
        let _ = writeln!(h, "<li>{}</li>", escape(&t));
    }
    h.push_str("</ul>\n</section>\n");
    h
}

/// The legend: what every number and mark of the report means.
fn legend_section(lang: Lang) -> String {
    let mut h = format!(
        "<section class=\"legend\" id=\"legend\">\n<h2>{}</h2>\n<dl>\n",
        text(lang, Key::NumbersLegend)
    );
    for (term, meaning) in super::lang::legend(lang) {
        let _ = writeln!(h, "<dt>{}</dt><dd>{}</dd>", escape(term), escape(meaning));
    }
    h.push_str("</dl>\n</section>\n");
    h
}

/// The runs that ended unstable at this load (from `summary.csv`), in a
/// sentence; `None` when every run reached its end.
fn unstable_runs(folder: &OutputFolder, lang: Lang) -> Option<String> {
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
            let at_point = if point.is_empty() {
                String::new()
            } else {
                say(lang, Line::AtPoint(&point))
            };
            say(
                lang,
                Line::UnstableRun {
                    design: &escape(&format!("{}{at_point}", folder.designs[r.design])),
                    replication: &escape(&r.cells[replication]),
                    component: &escape(&r.cells[component]),
                    at_s: &escape(&r.cells[at]),
                },
            )
        })
        .collect();
    if runs.len() > SHOWN {
        named.push(say(lang, Line::AndMore(runs.len() - SHOWN)));
    }
    Some(say(
        lang,
        Line::UnstableReport {
            runs: &named.join("; "),
        },
    ))
}

/// The verdict: the design (and sweep point) with the lowest monthly bill
/// that meets the SLO; one that completed nothing or failed more than its
/// budget is never the answer.
fn verdict(folder: &OutputFolder, designs_csv: Option<&Table>, lang: Lang) -> String {
    let slo = serde_json::to_value(&folder.manifest.slo).unwrap_or_default();
    let Some(bounds) = slo.as_object().filter(|o| !o.is_empty()) else {
        return text(lang, Key::NoSloNoVerdict).to_string();
    };
    let stated: Vec<String> = bounds
        .iter()
        .map(|(k, v)| format!("{} ≤ {}", escape(k), escape(&v.to_string())))
        .collect();
    let stated_html = &stated.join(", ");
    let Some(table) = designs_csv else {
        return say(lang, Line::VerdictWithoutDesignsCsv { stated_html });
    };
    let (Some(pass), Some(cost)) = (
        table.column("slo_pass"),
        table.column("monthly_cost_usd_mean"),
    ) else {
        return say(lang, Line::VerdictWithoutColumn { stated_html });
    };
    let completed = table.column("completed_mean");
    let mean = |r: &Row, name: &str| {
        table
            .column(&format!("{name}_mean"))
            .and_then(|c| parse_number(&r.cells[c]))
    };
    // Over its failure budget, a design is no answer (older folders
    // without the counts are taken as they are).
    let within_budget = |r: &Row| match (mean(r, "requests"), mean(r, "failed")) {
        (Some(requests), Some(failed)) => folder.manifest.slo.within_failure_budget(
            requests,
            failed,
            mean(r, "lost").unwrap_or(0.0),
        ),
        _ => true,
    };
    let best = table
        .rows
        .iter()
        .filter(|r| r.cells[pass] == "yes")
        .filter(|r| completed.is_none_or(|c| parse_number(&r.cells[c]).is_some_and(|n| n > 0.0)))
        .filter(|r| within_budget(r))
        .filter_map(|r| parse_number(&r.cells[cost]).map(|c| (r, c)))
        .min_by(|a, b| a.1.total_cmp(&b.1));
    match best {
        Some((row, cost)) => {
            let point = folder.point_label_of(row.point, &folder.varying_axes(row.design));
            let at = if point.is_empty() {
                String::new()
            } else {
                say(lang, Line::AtPoint(&point))
            };
            let design_html = escape(&format!("{}{at}", folder.designs[row.design]));
            say(
                lang,
                Line::VerdictCheapest {
                    stated_html,
                    design_html: &design_html,
                    cost: &format_value(cost),
                },
            )
        }
        None => say(lang, Line::VerdictNone { stated_html }),
    }
}

/// Plain text as HTML paragraphs: blank lines separate them; the lines of
/// one paragraph flow together.
fn paragraphs(text: &str) -> String {
    let mut out = String::new();
    for paragraph in text.split("\n\n") {
        let lines: Vec<&str> = paragraph
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        if !lines.is_empty() {
            let _ = writeln!(out, "<p>{}</p>", escape(&lines.join(" ")));
        }
    }
    out
}

/// A table to render: the header and rows of cells, each row with its design.
struct Grid {
    header: Vec<String>,
    rows: Vec<(usize, Vec<String>)>,
    /// The column of `designs.csv`'s `slo_pass`, if shown.
    verdict: Option<usize>,
}

/// The metrics of `designs.csv` shown in the report, with their headers.
const DESIGN_METRICS: [(&str, Key); 12] = [
    ("requests", Key::Requests),
    ("error_rate", Key::ErrorRate),
    ("lost", Key::Lost),
    ("pending", Key::Pending),
    ("response_p50_ms", Key::ServedP50Ms),
    ("response_p99_all_ms", Key::ResponseP99AllMs),
    ("completion_p99_all_ms", Key::CompletionP99AllMs),
    ("response_p99_ms", Key::ServedP99Ms),
    ("throughput_rps", Key::ReportThroughput),
    ("goodput_rps", Key::Goodput),
    ("cost_per_million_usd", Key::UsdPerMillion),
    ("monthly_cost_usd", Key::UsdPerMonth),
];

fn designs_table(folder: &OutputFolder, table: &Table, lang: Lang) -> Grid {
    let mut header = vec![text(lang, Key::Design).to_string()];
    header.extend(folder.axes.iter().cloned());
    let slo = table.column("slo_pass");
    let verdict = slo.map(|_| header.len());
    if slo.is_some() {
        header.push(text(lang, Key::MeetsSlo).into());
    }
    let metrics: Vec<(&str, usize, Option<usize>, Option<usize>)> = DESIGN_METRICS
        .iter()
        .filter_map(|(m, title)| {
            let mean = table.column(&format!("{m}_mean"))?;
            header.push(text(lang, *title).to_string());
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
                // `inf` stays infinite (shown as ∞), unlike in parse_number.
                let m = r.cells[mean].trim().parse::<f64>().unwrap_or(f64::NAN);
                let half = match (get(low), get(high)) {
                    (Some(l), Some(h)) => (h - l) / 2.0,
                    _ => f64::NAN,
                };
                cells.push(mean_pm(m, half));
            }
            (r.design, cells)
        })
        .collect();
    Grid {
        header,
        rows,
        verdict,
    }
}

fn summary_table(folder: &OutputFolder, lang: Lang) -> Grid {
    let mut header = vec![text(lang, Key::Design).to_string()];
    header.extend(folder.axes.iter().cloned());
    header.extend(
        [
            text(lang, Key::Requests),
            text(lang, Key::FailedPercent),
            text(lang, Key::Lost),
            "p50 ms",
            "p99 ms",
            text(lang, Key::ReportThroughput),
            text(lang, Key::CostUsd),
            text(lang, Key::UsdPerMillion),
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
    Grid {
        header,
        rows,
        verdict: None,
    }
}

fn html_table(grid: &Grid, lang: Lang) -> String {
    let mut h = String::from("<table>\n<thead><tr>");
    for c in &grid.header {
        let _ = write!(h, "<th>{}</th>", escape(c));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
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
            } else if Some(i) == grid.verdict && (c == "yes" || c == "no") {
                let (class, word) = if c == "yes" {
                    ("pass", Key::Yes)
                } else {
                    ("fail", Key::No)
                };
                let _ = write!(h, "<td class=\"{class}\">{}</td>", text(lang, word));
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
    if mean.is_infinite() {
        // An all-requests percentile with more than 1% unserved.
        "∞".to_string()
    } else if !mean.is_finite() {
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
        assert_eq!(
            paragraphs("Why <this>?\nBecause.\n\n\n가용 영역\n하나"),
            "<p>Why &lt;this&gt;? Because.</p>\n<p>가용 영역 하나</p>\n"
        );
    }
}

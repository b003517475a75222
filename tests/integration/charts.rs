//! Charts and report.html: valid PNG and SVG files with every design's
//! series, `stratosim plot` redrawing the same bytes, odd folders, and the
//! report's content (its rendering in a browser: `browser.rs`).

use std::fs;
use std::path::{Path, PathBuf};

use crate::common::*;

/// Two designs, a fault and a queue, short enough for a test.
const SCENARIO: &str = r#"
[scenario]
name = "charted"
description = "Two designs <compared> & charted."
duration = "4m"
warmup = "30s"
seed = 5
replications = 2
interval = "10s"
[workload]
rate = 100
[components.db]
kind = "database"
capacity = 8
service_time = { dist = "exp", mean = "4ms" }
[[faults]]
component = "db"
kind = "outage"
at = "2m"
duration = "20s"
[designs.direct]
entry = "app"
[designs.direct.app]
kind = "ec2"
instance_type = "m5.large"
instances = 2
workers = 4
service_time = { dist = "exp", mean = "20ms" }
calls = ["db"]
[designs.queued]
entry = "web"
[designs.queued.web]
kind = "ec2"
instance_type = "m5.large"
instances = 1
workers = 8
service_time = "2ms"
sends = ["jobs"]
[designs.queued.jobs]
kind = "queue"
consumer = "worker"
[designs.queued.worker]
kind = "ec2"
instance_type = "m5.large"
instances = 2
workers = 4
service_time = { dist = "exp", mean = "20ms" }
calls = ["db"]
"#;

const DESIGNS: [&str; 2] = ["direct", "queued"];
/// Their colours: the first two of the Okabe–Ito palette as ordered.
const COLOURS: [&str; 2] = ["#0072B2", "#D55E00"];

/// Runs `scenario` (with extra arguments) into `tmp/out` and returns the folder.
fn run(tmp: &Path, scenario: &str, extra: &[&str]) -> PathBuf {
    let path = tmp.join("s.toml");
    fs::write(&path, scenario).unwrap();
    let out = tmp.join("out");
    let mut args = vec![
        "run",
        path.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ];
    args.extend(extra);
    let o = stratosim(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    out
}

/// The chart stems in `dir/charts`, sorted.
fn chart_stems(dir: &Path) -> Vec<String> {
    let mut stems: Vec<String> = fs::read_dir(dir.join("charts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter_map(|n| n.strip_suffix(".svg").map(String::from))
        .collect();
    stems.sort();
    stems
}

/// Asserts `bytes` are a PNG and returns its width and height.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(bytes.len() > 33, "a PNG is longer");
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR", "the first chunk is the header");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (be(&bytes[16..20]), be(&bytes[20..24]))
}

/// Asserts `text` is one well-formed-looking SVG document with balanced
/// `<svg>` tags, and returns its declared width and height.
fn svg_size(text: &str) -> (u32, u32) {
    assert!(text.starts_with("<svg "), "starts with the svg element");
    assert!(text.trim_end().ends_with("</svg>"), "ends with it");
    assert_eq!(text.matches("<svg").count(), 1);
    assert_eq!(text.matches('<').count(), text.matches('>').count());
    let attribute = |name: &str| -> u32 {
        let start = text.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        let end = start + text[start..].find('"').unwrap();
        text[start..end].parse().unwrap()
    };
    (attribute("width"), attribute("height"))
}

/// Lines (polylines) drawn in `colour`.
fn lines_in(svg: &str, colour: &str) -> usize {
    svg.matches(&format!("stroke=\"{colour}\"")).count()
}

#[test]
fn run_draws_every_chart_and_plot_redraws_the_same_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(tmp.path(), SCENARIO, &[]);
    assert_eq!(
        chart_stems(&out),
        [
            "cost-by-component",
            "cost-latency-front",
            "design-diagram",
            "latency-cdf",
            "timeline"
        ]
    );
    for stem in chart_stems(&out) {
        let png = fs::read(out.join(format!("charts/{stem}.png"))).unwrap();
        let svg = fs::read_to_string(out.join(format!("charts/{stem}.svg"))).unwrap();
        assert_eq!(png_size(&png), svg_size(&svg), "{stem}: PNG and SVG sizes");
        assert_eq!(png_size(&png).0, 1200, "{stem}");
        // Every design is named (a legend entry or a bar label).
        for d in DESIGNS {
            assert!(svg.contains(d), "{stem} names design {d}");
        }
    }
    let cdf = fs::read_to_string(out.join("charts/latency-cdf.svg")).unwrap();
    // Response and completion panels (the queue makes them differ): one
    // curve per design in each, and one legend sample in the header.
    assert!(cdf.contains("Completion time"));
    for colour in COLOURS {
        assert_eq!(lines_in(&cdf, colour), 3, "CDF lines in {colour}");
    }
    let timeline = fs::read_to_string(out.join("charts/timeline.svg")).unwrap();
    for panel in [
        "Arrival rate",
        "p99 response time",
        "Messages visible in queues",
        "Instances in service",
        "Failed requests",
    ] {
        assert!(timeline.contains(panel), "timeline panel {panel}");
    }
    assert!(
        !timeline.contains("Lambda concurrency"),
        "no Lambda, no panel"
    );
    assert!(timeline.contains("db outage"), "the fault is in the legend");
    // A line per design in each of the five panels (more where gaps split
    // it), and one legend sample.
    for colour in COLOURS {
        assert!(
            lines_in(&timeline, colour) >= 5,
            "timeline lines in {colour}"
        );
    }

    let latency = fs::read_to_string(out.join("latency.csv")).unwrap();
    assert!(latency.starts_with("design,replication,quantile,response_ms,completion_ms\n"));
    assert_eq!(latency.lines().count(), 1 + 2 * 2 * 30);
    let manifest = fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"start_s\": 120.0") && manifest.contains("\"end_s\": 140.0"));

    // `plot` redraws the very same bytes from the files.
    let snapshot = |dir: &Path| -> Vec<(String, Vec<u8>)> {
        let mut files: Vec<(String, Vec<u8>)> = chart_stems(dir)
            .iter()
            .flat_map(|s| [format!("charts/{s}.png"), format!("charts/{s}.svg")])
            .chain(["report.html".to_string()])
            .map(|f| {
                let bytes = fs::read(dir.join(&f)).unwrap();
                (f, bytes)
            })
            .collect();
        files.sort();
        files
    };
    let before = snapshot(&out);
    fs::remove_dir_all(out.join("charts")).unwrap();
    fs::remove_file(out.join("report.html")).unwrap();
    let o = stratosim(&["plot", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("5 charts"));
    let after = snapshot(&out);
    assert_eq!(before.len(), after.len());
    for ((name, a), (_, b)) in before.iter().zip(&after) {
        assert!(a == b, "{name} differs after `stratosim plot`");
    }

    // The report: the description escaped, every chart inline, the manifest.
    let report = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(report.contains("Two designs &lt;compared&gt; &amp; charted."));
    assert_eq!(report.matches("<svg ").count(), 5);
    assert!(report.contains("&quot;scenario_hash&quot;"));
    assert!(report.contains("no <code>[slo]</code>"));
}

#[test]
fn a_sweep_charts_each_point_and_each_metric_against_the_swept_value() {
    let tmp = tempfile::tempdir().unwrap();
    let swept = format!("{SCENARIO}\n[sweep]\n\"workload.rate\" = [50, 150]\n");
    let out = run(tmp.path(), &swept, &["--replications", "1"]);
    assert_eq!(
        chart_stems(&out),
        [
            "cost-by-component",
            "cost-latency-front",
            "design-diagram",
            "latency-cdf-1-rate-50",
            "latency-cdf-2-rate-150",
            "sweep-workload.rate",
            "timeline-1-rate-50",
            "timeline-2-rate-150",
        ]
    );
    let sweep = fs::read_to_string(out.join("charts/sweep-workload.rate.svg")).unwrap();
    for panel in [
        "p99 over all requests",
        "Throughput",
        "Cost per million requests",
    ] {
        assert!(sweep.contains(panel), "sweep panel {panel}");
    }
    // One replication: no confidence band (no filled polygon in a design colour).
    assert!(!sweep.contains("<polygon"), "no band without replications");
    let front = fs::read_to_string(out.join("charts/cost-latency-front.svg")).unwrap();
    assert!(front.contains("Pareto-optimal"));
    // Both sweep values label the points, by the key that changes them.
    assert!(front.contains(">\nrate=50\n<") && front.contains(">\nrate=150"));
}

#[test]
fn no_charts_writes_only_the_data() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(tmp.path(), SCENARIO, &["--no-charts"]);
    assert!(out.join("summary.csv").is_file());
    assert!(!out.join("charts").exists());
    assert!(!out.join("report.html").exists());
}

#[test]
fn plot_needs_an_output_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let o = stratosim(&["plot", tmp.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let message = String::from_utf8_lossy(&o.stderr);
    assert!(
        message.contains("summary.csv") && message.contains("manifest.json"),
        "{message}"
    );
}

#[test]
fn plot_survives_empty_and_odd_files() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(
        dir.join("manifest.json"),
        r#"{"scenario": "odd", "designs": ["a", "b"]}"#,
    )
    .unwrap();
    fs::write(
        dir.join("summary.csv"),
        "design,replication,requests,failed,response_p99_ms,cost_per_million_usd\n\
         a,0,100,0,NaN,1.5\na,1,100,0,12.0,\nb,0,0,0,0.000,0\n",
    )
    .unwrap();
    fs::write(
        dir.join("components.csv"),
        "design,replication,component,cost_usd\n",
    )
    .unwrap();
    fs::write(
        dir.join("timeseries.csv"),
        "design,replication,time_s,component,metric,value\n\
         a,0,60.000,workload,arrivals,10\na,0,120.000,workload,response_p99_ms,NaN\n\
         c,0,60.000,workload,arrivals,3\n",
    )
    .unwrap();
    let o = stratosim(&["plot", dir.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(dir.join("report.html").is_file());
    assert!(dir.join("charts/timeline.png").is_file());
    // A manifest without `topology` (an older folder): no diagram.
    assert!(!dir.join("charts/design-diagram.svg").exists());

    // A topology that names what is not there (a design the folder does
    // not have, a link to no component, no entry) draws what is.
    let mut manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    manifest["topology"] = serde_json::json!([
        { "design": "a", "entry": "gone", "components": [
            { "name": "web", "kind": "ec2" }, { "name": "q", "kind": "queue" } ],
          "links": [ { "from": "web", "to": "q", "kind": "sends" },
                     { "from": "q", "to": "nowhere", "kind": "consumer" } ] },
        { "design": "z", "components": [ { "name": "x", "kind": "lambda" } ] }
    ]);
    fs::write(dir.join("manifest.json"), manifest.to_string()).unwrap();
    let o = stratosim(&["plot", dir.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let svg = fs::read_to_string(dir.join("charts/design-diagram.svg")).unwrap();
    assert!(svg.contains("<title>web (ec2)</title>") && svg.contains("<title>q (queue)</title>"));
    assert!(svg.contains("<title>web -&gt; q (sends)</title>"));
    assert!(!svg.contains("nowhere") && !svg.contains("<title>x ("));
}

#[test]
fn the_report_gives_the_slo_verdict_from_designs_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(tmp.path(), SCENARIO, &["--no-charts"]);
    // What the SLO-writing run adds: an `slo` object and designs.csv.
    let path = out.join("manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    manifest["slo"] = serde_json::json!({ "response_p99_ms": 150.0 });
    fs::write(&path, manifest.to_string()).unwrap();
    fs::write(
        out.join("designs.csv"),
        "design,replications,slo_pass,response_p99_ms_mean,response_p99_ms_low,\
         response_p99_ms_high,monthly_cost_usd_mean,monthly_cost_usd_low,monthly_cost_usd_high\n\
         direct,2,yes,100,90,110,0.5,0.4,0.6\nqueued,2,yes,120,110,130,0.25,0.2,0.3\n",
    )
    .unwrap();
    let o = stratosim(&["plot", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let report = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        report.contains("<span class=\"pass\">queued</span> meets it at the lowest cost"),
        "the cheaper passing design wins"
    );
    assert!(report.contains("100 ± 10"), "designs.csv is the table");
    assert!(report.contains("<td class=\"pass\">yes</td>"));
    let front = fs::read_to_string(out.join("charts/cost-latency-front.svg")).unwrap();
    assert!(front.contains("SLO: response p99 ≤ 150 ms"));

    fs::write(
        out.join("designs.csv"),
        "design,replications,slo_pass,monthly_cost_usd_mean\ndirect,2,no,0.5\nqueued,2,no,0.25\n",
    )
    .unwrap();
    let o = stratosim(&["plot", out.to_str().unwrap()]);
    assert!(o.status.success());
    let report = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(report.contains("No design meets the SLO."));

    // A design that completed nothing is never the answer, however cheap.
    fs::write(
        out.join("designs.csv"),
        "design,replications,slo_pass,completed_mean,monthly_cost_usd_mean\n\
         direct,2,yes,100,0.5\nqueued,2,yes,0,0.25\n",
    )
    .unwrap();
    let o = stratosim(&["plot", out.to_str().unwrap()]);
    assert!(o.status.success());
    let report = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        report.contains(
            "<span class=\"pass\">direct</span> meets it at the lowest cost: $0.500 per month"
        ),
        "{report}"
    );
}

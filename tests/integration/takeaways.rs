//! The takeaways on the terminal and in the report, and the report's
//! legend of its numbers: every figure a takeaway says is the one the
//! output folder holds.

use std::fs;
use std::path::Path;

use crate::common::*;
use stratosim::output::lang::Lang;
use stratosim::output::plain_numbers::{count, dollars, duration, percent};

/// Two fleets at 100 requests a second of 50 ms each: `roomy` (16 workers)
/// serves them all; `cramped` (4 workers, 4 places in its queue, 80 a
/// second at most) turns about a quarter away.
const SMALL: &str = r#"
[scenario]
name = "takeaways"
duration = "2m"
warmup = "10s"
seed = 5
replications = 3
[workload]
rate = 100
[designs.roomy]
entry = "app"
[designs.roomy.app]
kind = "ec2"
instance_type = "c5.large"
instances = 2
workers = 8
service_time = { dist = "exp", mean = "50ms" }
[designs.cramped]
entry = "app"
[designs.cramped.app]
kind = "ec2"
instance_type = "c5.large"
instances = 1
workers = 4
queue_limit = 4
service_time = { dist = "exp", mean = "50ms" }
"#;

/// Runs `SMALL` into `dir/out` with `args`; returns the terminal's text.
fn run(dir: &Path, args: &[&str]) -> String {
    let scenario = dir.join("small.toml");
    fs::write(&scenario, SMALL).unwrap();
    let out = dir.join("out");
    let mut all = vec![
        "run",
        scenario.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    all.extend(args);
    let o = stratosim(&all);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

/// The sum over replications of `column` of `design` in `summary.csv`.
fn total(out: &Path, design: &str, column: &str) -> f64 {
    let mut reader = csv::Reader::from_path(out.join("summary.csv")).unwrap();
    let header = reader.headers().unwrap().clone();
    let c = header.iter().position(|h| h == column).unwrap();
    reader
        .records()
        .map(Result::unwrap)
        .filter(|r| &r[0] == design)
        .map(|r| r[c].parse::<f64>().unwrap())
        .sum()
}

/// The mean of `metric` of `design` in `designs.csv`.
fn design_mean(out: &Path, design: &str, metric: &str) -> f64 {
    let mut reader = csv::Reader::from_path(out.join("designs.csv")).unwrap();
    let header = reader.headers().unwrap().clone();
    let c = header
        .iter()
        .position(|h| h == format!("{metric}_mean"))
        .unwrap();
    let row = reader
        .records()
        .map(Result::unwrap)
        .find(|r| &r[0] == design)
        .unwrap();
    row[c].parse().unwrap()
}

/// The takeaway line of `design` on the terminal.
fn takeaway<'a>(text: &'a str, design: &str) -> &'a str {
    text.lines()
        .find(|l| l.starts_with(&format!("- {design}: ")))
        .unwrap_or_else(|| panic!("no takeaway of {design} in\n{text}"))
}

#[test]
fn takeaways_say_the_folders_own_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let text = run(dir.path(), &[]);
    let out = dir.path().join("out");
    assert!(text.contains("\nTakeaways\n"), "{text}");
    for design in ["roomy", "cramped"] {
        let line = takeaway(&text, design);
        let requests = total(&out, design, "requests");
        let completed = total(&out, design, "completed");
        let failed = total(&out, design, "failed");
        let pending = total(&out, design, "pending");
        assert_eq!(requests, completed + failed + pending);
        assert!(
            line.contains(&format!(
                "{design}: {} of {} requests completed over 3 replications; {} failed ({})",
                count(completed),
                count(requests),
                count(failed),
                percent(failed, requests)
            )),
            "{line}"
        );
        assert!(
            line.contains(&format!(
                "{} per month",
                dollars(design_mean(&out, design, "monthly_cost_usd"))
            )),
            "{line}"
        );
    }
    // The roomy fleet serves everything: its headline is a finite p99
    // over all requests, as designs.csv has it.
    let roomy = takeaway(&text, "roomy");
    let p99 = design_mean(&out, "roomy", "response_p99_all_ms");
    assert!(p99.is_finite());
    assert!(
        roomy.contains(&format!(
            "p99 response time over all requests: {}.",
            duration(p99, Lang::En)
        )),
        "{roomy}"
    );
    assert!(roomy.contains("; 0 failed (0%)"), "{roomy}");
    // The cramped one says its failures, a quarter of the requests (at
    // most 80 of 100 a second get in, and queueing turns more away), its
    // unbounded p99, and the baseline beside them.
    let cramped = takeaway(&text, "cramped");
    let share = total(&out, "cramped", "failed") / total(&out, "cramped", "requests");
    assert!((0.2..0.3).contains(&share), "{share}");
    assert!(
        cramped.contains("; roomy: 0 failed (0%)")
            && cramped.contains("is unbounded (roomy: ")
            && cramped.contains("(roomy: $"),
        "{cramped}"
    );
}

#[test]
fn takeaways_are_said_in_korean_and_only_in_the_table_format() {
    let dir = tempfile::tempdir().unwrap();
    let ko = run(dir.path(), &["--lang", "ko", "--no-charts"]);
    let out = dir.path().join("out");
    assert!(ko.contains("\n요점\n"), "{ko}");
    let cramped = takeaway(&ko, "cramped");
    let failed = total(&out, "cramped", "failed");
    assert!(
        cramped.contains(&format!(
            "요청 {}건 중 {}건 완료, {}건 실패",
            count(total(&out, "cramped", "requests")),
            count(total(&out, "cramped", "completed")),
            count(failed)
        )),
        "{cramped}"
    );
    assert!(cramped.contains("월 $") && cramped.contains("유효 처리량"));
    for format in ["csv", "json"] {
        let text = run(dir.path(), &["--format", format, "--no-charts"]);
        for words in ["Takeaways", "requests completed over", "요점"] {
            assert!(!text.contains(words), "{format}: {text}");
        }
    }
}

#[test]
fn the_report_has_the_takeaways_and_a_legend_of_its_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let text = run(dir.path(), &[]);
    let out = dir.path().join("out");
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<section class=\"takeaways\" id=\"takeaways\">"));
    for design in ["roomy", "cramped"] {
        let line = takeaway(&text, design).trim_start_matches("- ");
        assert!(html.contains(&format!("<li>{line}</li>")), "{line}");
    }
    assert!(html.contains("<h2>What the numbers mean</h2>"));
    // Every column of the comparison table is explained.
    let table = &html[html.find("<thead>").unwrap()..html.find("</thead>").unwrap()];
    for header in table.split("<th>").skip(2) {
        let header = header.trim_end_matches("</tr>").trim_end_matches("</th>");
        assert!(
            html.contains(&format!("<dt>{header}</dt>")),
            "{header} is not in the legend"
        );
    }
    for mark in ["±", "Δ", "~", "∞"] {
        assert!(html.contains(&format!("<dt>{mark}</dt>")), "{mark}");
    }
    // The same in Korean.
    let o = stratosim(&["plot", out.to_str().unwrap(), "--lang", "ko"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<h2>요점</h2>") && html.contains("<h2>숫자의 뜻</h2>"));
    assert!(html.contains("건 실패") && html.contains("<dt>유효 처리량/s</dt>"));
}

#[test]
fn takeaways_use_the_scenarios_word_for_its_requests_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let words = [
        "--set",
        "scenario.requests_called=\"orders\"",
        "--set",
        "scenario.requests_called_ko=\"주문\"",
        "--no-charts",
    ];
    let en = run(dir.path(), &words);
    let out = dir.path().join("out");
    let cramped = takeaway(&en, "cramped");
    assert!(
        cramped.contains(&format!(
            "{} of {} orders completed over 3 replications; {} failed",
            count(total(&out, "cramped", "completed")),
            count(total(&out, "cramped", "requests")),
            count(total(&out, "cramped", "failed")),
        )),
        "{cramped}"
    );
    let manifest = fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(
        manifest
            .contains("\"requests_called\": {\n    \"en\": \"orders\",\n    \"ko\": \"주문\"\n  }"),
        "{manifest}"
    );
    // `plot` reads the word back from the folder.
    let o = stratosim(&["plot", out.to_str().unwrap(), "--lang", "ko"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        html.contains(&format!(
            "주문 {}건 중",
            count(total(&out, "cramped", "requests"))
        )),
        "{html}"
    );
}

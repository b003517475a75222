//! The Korean reader: Hangul names from the scenario to every output file,
//! charts without empty boxes, a terminal table that lines up, `--lang ko`
//! (the words of the terminal, the report and the charts), lessons, and
//! README.ko.md in step with README.md.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use unicode_width::UnicodeWidthStr;

use crate::common::*;

/// Hangul names (scenario, designs, components), a Korean description and
/// a lesson in both languages; one design with a Latin name.
const KOREAN: &str = r#"
[scenario]
name = "웹-계층_비교"
description = "로드 밸런서 뒤의 EC2 함대: 인스턴스 2대와 3대"
duration = "10m"
seed = 5
replications = 2
lesson = """
Does a third instance buy a shorter p99?

Look at the p99 column and its difference from the baseline.
"""
lesson_ko = """
인스턴스를 한 대 더 두면 p99가 짧아질까?

p99 열과 기준 설계 대비 차이를 보세요.
"""

[workload]
rate = 60

[slo]
response_p99 = "400ms"

[components."데이터베이스"]
kind = "database"
capacity = 16
service_time = "5ms"

[designs."작은-함대"]
entry = "로드밸런서"

[designs."작은-함대"."로드밸런서"]
kind = "load_balancer"
targets = "웹서버"

[designs."작은-함대"."웹서버"]
kind = "ec2"
instance_type = "m5.large"
instances = 2
workers = 4
service_time = { dist = "exp", mean = "50ms" }
calls = ["데이터베이스"]

[designs.large-fleet]
entry = "로드밸런서"

[designs.large-fleet."로드밸런서"]
kind = "load_balancer"
targets = "웹서버"

[designs.large-fleet."웹서버"]
kind = "ec2"
instance_type = "m5.large"
instances = 3
workers = 4
service_time = { dist = "exp", mean = "50ms" }
calls = ["데이터베이스"]
"#;

/// Runs the binary in `dir`, so that the default output folder is there.
fn stratosim_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stratosim"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the stratosim binary runs")
}

fn success(o: &Output) -> String {
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).expect("the terminal gets UTF-8")
}

/// Every file under `dir`, recursively, sorted.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// The text of every `<text>` element of an SVG file, unescaped.
fn svg_texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let body = &t[t.find('>')? + 1..];
            let body = body[..body.find("</text>")?].trim();
            Some(
                body.replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&quot;", "\"")
                    .replace("&#39;", "'")
                    .replace("&amp;", "&"),
            )
        })
        .collect()
}

#[test]
fn a_korean_scenario_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("웹.toml"), KOREAN).unwrap();
    let stdout = success(&stratosim_in(
        dir.path(),
        &["run", "웹.toml", "--lang", "ko"],
    ));
    // The output folder keeps the name.
    let out = dir.path().join("results").join("웹-계층_비교");
    assert!(out.join("manifest.json").is_file(), "{stdout}");

    // Every output file is UTF-8 where it is text; the names reach each.
    let all = files(&out);
    for path in &all {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if ext != "png" {
            let text = fs::read_to_string(path)
                .unwrap_or_else(|e| panic!("{} is not UTF-8: {e}", path.display()));
            if ext == "csv" {
                assert!(text.contains("작은-함대"), "{}", path.display());
            }
        }
    }
    let summary = fs::read_to_string(out.join("summary.csv")).unwrap();
    assert!(summary.lines().nth(1).unwrap().starts_with("작은-함대,"));
    let components = fs::read_to_string(out.join("components.csv")).unwrap();
    assert!(components.contains("작은-함대,0,웹서버,ec2,"));
    assert!(components.contains("데이터베이스"));
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["scenario"], "웹-계층_비교");
    assert_eq!(manifest["designs"][0], "작은-함대");
    assert_eq!(
        manifest["description"],
        "로드 밸런서 뒤의 EC2 함대: 인스턴스 2대와 3대"
    );
    // The lesson is not in the manifest: it decides no result.
    assert!(manifest.get("lesson").is_none());
    assert_eq!(
        fs::read_to_string(out.join("lesson.ko.txt")).unwrap(),
        "인스턴스를 한 대 더 두면 p99가 짧아질까?\n\np99 열과 기준 설계 대비 차이를 보세요.\n"
    );

    // Every chart, PNG and SVG; every text drawn in them has its glyphs.
    let charts: Vec<&PathBuf> = all
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "svg"))
        .collect();
    assert!(charts.len() >= 4, "{charts:?}");
    let mut hangul_texts = 0;
    for svg in charts {
        assert!(svg.with_extension("png").is_file());
        let text = fs::read_to_string(svg).unwrap();
        assert!(text.contains("font-family=\"Noto Sans CJK KR, DejaVu Sans, sans-serif\""));
        for t in svg_texts(&text) {
            if let Some(c) = t
                .chars()
                .find(|&c| !stratosim::output::charts::fonts::has_glyph(c))
            {
                panic!("{}: {c:?} of {t:?} has no glyph", svg.display());
            }
            hangul_texts += usize::from(t.contains("웹-계층_비교") || t.contains("작은-함대"));
        }
    }
    assert!(hangul_texts >= 4, "{hangul_texts} Hangul texts");
    let cdf = fs::read_to_string(out.join("charts/latency-cdf.svg")).unwrap();
    assert!(svg_texts(&cdf).contains(&"지연 시간 분포 — 웹-계층_비교".to_string()));

    // The report, in Korean, opens with the Korean lesson.
    let report = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(report.contains("<html lang=\"ko\">"));
    assert!(report.contains("font-family: 'Noto Sans CJK KR'"));
    let lesson = report.find("<h2>학습 포인트</h2>").expect("the lesson");
    assert!(lesson < report.find("SLO 판정</h2>").unwrap());
    assert!(report.contains("<p>인스턴스를 한 대 더 두면 p99가 짧아질까?</p>"));
    for heading in ["비교</h2>", "차트</h2>", "매니페스트</h2>", "<th>설계</th>"] {
        assert!(report.contains(heading), "{heading}");
    }

    // The terminal: Korean words, the lesson after the table.
    assert!(stdout.starts_with("웹-계층_비교 — 로드 밸런서 뒤의 EC2 함대"));
    let table = stdout.find("설계 ").unwrap();
    let lesson = stdout.find("학습 포인트\n인스턴스를 한 대 더").unwrap();
    assert!(table < lesson && stdout[..lesson].contains("반복 2회의 평균"));
    assert!(stdout.contains("보고서:"));
}

#[test]
fn the_language_changes_words_never_results() {
    let dir = tempfile::tempdir().unwrap();
    let s = dir.path().join("s.toml");
    fs::write(&s, KOREAN).unwrap();
    let s = s.to_str().unwrap();
    let (en, ko) = (dir.path().join("en"), dir.path().join("ko"));
    let english = success(&stratosim(&["run", s, "--out", en.to_str().unwrap()]));
    let korean = success(&stratosim(&[
        "run",
        s,
        "--out",
        ko.to_str().unwrap(),
        "--lang",
        "ko",
    ]));
    for file in [
        "summary.csv",
        "components.csv",
        "timeseries.csv",
        "latency.csv",
        "designs.csv",
        "comparisons.csv",
        "manifest.json",
        "lesson.txt",
        "lesson.ko.txt",
    ] {
        assert_eq!(
            fs::read(en.join(file)).unwrap(),
            fs::read(ko.join(file)).unwrap(),
            "{file}"
        );
    }
    // English by default, with its own lesson.
    assert!(english.contains("\nLesson\nDoes a third instance buy a shorter p99?\n"));
    assert!(english.contains("design ") && !english.contains("설계 "));
    let report = fs::read_to_string(en.join("report.html")).unwrap();
    assert!(report.contains("<html lang=\"en\">") && report.contains("<h2>Lesson</h2>"));
    assert!(korean.contains("설계 ") && korean.contains("SLO를 충족하는 가장 저렴한 설계"));

    // The charts speak each run's language.
    let cdf = |folder: &Path| {
        svg_texts(&fs::read_to_string(folder.join("charts/latency-cdf.svg")).unwrap())
    };
    assert!(cdf(&en).contains(&"Latency distribution — 웹-계층_비교".to_string()));
    assert!(cdf(&ko).contains(&"지연 시간 분포 — 웹-계층_비교".to_string()));

    // `plot --lang ko` redraws the report and the charts in Korean, from
    // the files: the same bytes as the Korean run's.
    let o = stratosim(&["plot", en.to_str().unwrap(), "--lang", "ko"]);
    assert!(success(&o).contains("차트 5개와 report.html을 그렸습니다"));
    let report = fs::read_to_string(en.join("report.html")).unwrap();
    assert_eq!(report, fs::read_to_string(ko.join("report.html")).unwrap());

    // Every heading of the terminal and of the report, and every caption
    // of the report, is Korean; the redrawn chart files are the Korean
    // run's bytes.
    for heading in [
        "설계",
        "요청",
        "실패",
        "유실",
        "진행 중",
        "기준 지연",
        "유효 처리량/s",
        "월 $",
        "학습 포인트",
    ] {
        assert!(korean.contains(heading), "{heading}: {korean}");
    }
    for heading in [
        "<h2 id=\"verdict\">SLO 판정</h2>",
        "<h2 id=\"comparison\">비교</h2>",
        "<h2 id=\"charts\">차트</h2>",
        "<h2 id=\"manifest\">매니페스트</h2>",
        "<h2>학습 포인트</h2>",
        "<th>설계</th>",
    ] {
        assert!(report.contains(heading), "{heading}");
    }
    let captions: Vec<&str> = report
        .split("<figcaption>")
        .skip(1)
        .map(|c| &c[..c.find(" (<a href").unwrap()])
        .collect();
    assert_eq!(captions.len(), 5, "{captions:?}");
    for caption in captions {
        let english = caption.chars().filter(char::is_ascii_lowercase).count();
        let hangul = caption
            .chars()
            .filter(|c| ('가'..='힣').contains(c))
            .count();
        assert!(hangul > english, "{caption}");
    }
    for chart in files(&en.join("charts")) {
        let name = chart.file_name().unwrap();
        assert_eq!(
            fs::read(&chart).unwrap(),
            fs::read(ko.join("charts").join(name)).unwrap(),
            "{name:?}"
        );
    }

    // A merged folder keeps the lesson, and `merge --lang ko` speaks Korean.
    let mut shards = Vec::new();
    for k in 1..=2 {
        let d = dir.path().join(format!("shard{k}"));
        success(&stratosim(&[
            "run",
            s,
            "--out",
            d.to_str().unwrap(),
            "--shard",
            &format!("{k}/2"),
            "-q",
        ]));
        shards.push(d.display().to_string());
    }
    let merged = dir.path().join("merged");
    let o = stratosim(&[
        "merge",
        &shards[0],
        &shards[1],
        "--out",
        merged.to_str().unwrap(),
        "--lang",
        "ko",
    ]);
    assert!(success(&o).contains("학습 포인트\n인스턴스를"));
    assert_eq!(
        fs::read(merged.join("lesson.ko.txt")).unwrap(),
        fs::read(en.join("lesson.ko.txt")).unwrap()
    );
}

/// The English titles of the charts, none of which a Korean chart draws.
const ENGLISH_TITLES: [&str; 5] = [
    "Designs — ",
    "Latency distribution — ",
    "Over time — ",
    "Cost by component — ",
    "Cost against p99 — ",
];

/// Every `<text>` of every SVG chart in `charts`, with its file's name.
fn chart_texts(charts: &Path) -> Vec<(String, String)> {
    files(charts)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "svg"))
        .flat_map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            svg_texts(&fs::read_to_string(&p).unwrap())
                .into_iter()
                .map(move |t| (name.clone(), t))
        })
        .collect()
}

#[test]
fn chart_words_follow_the_language() {
    let dir = tempfile::tempdir().unwrap();
    let s = dir.path().join("s.toml");
    // A fault and the SLO, so that the timeline's and the front's notes and
    // legends are drawn too.
    let text = KOREAN.replace(
        "[workload]",
        "[[faults]]\ncomponent = \"데이터베이스\"\nkind = \"slowdown\"\nfactor = 3.0\n\
         at = \"5m\"\nduration = \"1m\"\n\n[workload]",
    );
    fs::write(&s, text).unwrap();
    let run = |lang: &str| {
        let out = dir.path().join(lang);
        success(&stratosim(&[
            "run",
            s.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--lang",
            lang,
            "-q",
        ]));
        chart_texts(&out.join("charts"))
    };
    let (english, korean) = (run("en"), run("ko"));
    let has = |texts: &[(String, String)], chart: &str, text: &str| {
        texts.iter().any(|(c, t)| c == chart && t.contains(text))
    };
    for (chart, en, ko) in [
        (
            "latency-cdf.svg",
            "Latency distribution — 웹-계층_비교",
            "지연 시간 분포 — 웹-계층_비교",
        ),
        (
            "timeline.svg",
            "Over time — 웹-계층_비교",
            "시간에 따른 변화 — 웹-계층_비교",
        ),
        (
            "cost-by-component.svg",
            "Cost by component — 웹-계층_비교",
            "구성 요소별 비용 — 웹-계층_비교",
        ),
        (
            "cost-latency-front.svg",
            "Cost against p99 — 웹-계층_비교",
            "p99 대비 비용 — 웹-계층_비교",
        ),
        (
            "design-diagram.svg",
            "Designs — 웹-계층_비교",
            "설계 — 웹-계층_비교",
        ),
        ("latency-cdf.svg", "fraction of requests", "요청 비율"),
        ("timeline.svg", "Arrival rate", "도착률"),
        ("timeline.svg", "time [s]", "시간 [s]"),
        ("timeline.svg", "shaded: fault windows", "음영: 장애 구간"),
        ("design-diagram.svg", "load balancer", "로드 밸런서"),
    ] {
        assert!(has(&english, chart, en), "{chart}: no {en:?} in English");
        assert!(has(&korean, chart, ko), "{chart}: no {ko:?} in Korean");
    }
    for (chart, text) in &korean {
        assert!(
            !ENGLISH_TITLES.iter().any(|t| text.starts_with(t)),
            "{chart}: the English title {text:?} in Korean"
        );
        // Beyond what the scenario names and the units, no English word: a
        // run of three or more Latin letters with a lowercase one is one.
        let rest = text.replace("large-fleet", "").replace("slowdown", "");
        let english_word = rest
            .split(|c: char| !c.is_ascii_alphabetic())
            .find(|w| w.len() >= 3 && w.chars().any(|c| c.is_ascii_lowercase()));
        assert!(
            english_word.is_none(),
            "{chart}: {english_word:?} of {text:?}"
        );
    }
    // The English charts draw no Hangul but the scenario's names.
    let names = [
        "웹-계층_비교",
        "작은-함대",
        "로드밸런서",
        "웹서버",
        "데이터베이스",
    ];
    for (chart, text) in &english {
        let rest = names.iter().fold(text.clone(), |t, n| t.replace(n, ""));
        assert!(
            !rest.chars().any(|c| ('가'..='힣').contains(&c)),
            "{chart}: Korean in English: {text:?}"
        );
    }
}

/// The display columns at which each cell of a table line ends (cells are
/// separated by two spaces or more).
fn cell_ends(line: &str) -> Vec<usize> {
    let mut ends = Vec::new();
    let mut column = 0;
    let mut spaces = 0;
    for c in line.chars() {
        if c == ' ' {
            spaces += 1;
        } else {
            if spaces >= 2 && column > spaces {
                ends.push(column - spaces);
            }
            spaces = 0;
        }
        column += c.to_string().width();
    }
    ends.push(column - spaces);
    ends
}

#[test]
fn the_terminal_table_lines_up_with_hangul_and_latin_names() {
    let dir = tempfile::tempdir().unwrap();
    // Three designs named in Hangul, in Latin and in both; the first column
    // is left aligned, the others right aligned.
    let head = KOREAN.split("[designs.").next().unwrap();
    let design = |name: &str, instances: u32| {
        format!(
            "[designs.{name}]\nentry = \"웹\"\n[designs.{name}.\"웹\"]\nkind = \"ec2\"\n\
             instance_type = \"m5.large\"\ninstances = {instances}\nworkers = 4\n\
             service_time = {{ dist = \"exp\", mean = \"50ms\" }}\n"
        )
    };
    let text = [
        head.to_string(),
        design("\"작은-함대\"", 2),
        design("\"mixed-혼합\"", 3),
        design("\"대기열-분리형-설계\"", 4),
    ]
    .concat();
    let s = dir.path().join("s.toml");
    fs::write(&s, text).unwrap();
    for lang in ["en", "ko"] {
        let out = dir.path().join(lang);
        let stdout = success(&stratosim(&[
            "run",
            s.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--lang",
            lang,
            "--no-charts",
        ]));
        let lines: Vec<&str> = stdout.lines().collect();
        let rule = lines.iter().position(|l| l.starts_with("----")).unwrap();
        let width = lines[rule].len();
        let table = [&lines[rule - 1..rule], &lines[rule + 1..rule + 4]].concat();
        assert!(table[1].starts_with("작은-함대 "), "{stdout}");
        assert!(table[3].starts_with("대기열-분리형-설계 "), "{stdout}");
        let ends = cell_ends(table[0]);
        for line in &table {
            assert_eq!(line.width(), width, "{lang}: {line:?}\n{stdout}");
            // Right-aligned columns end together, the first starts together.
            assert_eq!(
                cell_ends(line)[1..],
                ends[1..],
                "{lang}: {line:?}\n{stdout}"
            );
        }
    }
}

/// The shipped lesson scenarios (`scenarios/*.toml`; the contract's copies
/// in `scenarios/contract/` stay verbatim and carry no lesson).
fn lesson_scenarios() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = fs::read_dir(repo().join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    paths
}

/// `text` with its lines joined, as the report joins a paragraph's.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The spans of text between backticks.
fn backticked(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

#[test]
fn every_shipped_scenario_teaches_its_lesson_in_english_and_korean() {
    let paths = lesson_scenarios();
    assert!(paths.len() >= 20, "{paths:?}");
    for path in paths {
        let s = stratosim::scenario::load(&path, &[])
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let name = path.display();
        for (lang, text, look) in [
            ("lesson", &s.lesson.en, "look at"),
            ("lesson_ko", &s.lesson.ko, "보세요"),
        ] {
            let paragraphs: Vec<&str> = text.split("\n\n").collect();
            assert!(paragraphs.len() >= 2, "{name}: {lang} has no paragraphs");
            // It opens with the question the scenario answers and ends
            // with what to look at.
            assert!(
                paragraphs[0].trim_end().ends_with('?'),
                "{name}: {lang} does not open with a question"
            );
            assert!(
                words(paragraphs.last().unwrap())
                    .to_lowercase()
                    .contains(look),
                "{name}: {lang} does not end with what to look at"
            );
        }
        // Both name the same keys, metrics and files.
        let (en, ko) = (words(&s.lesson.en), words(&s.lesson.ko));
        let mut en = backticked(&en);
        let mut ko = backticked(&ko);
        en.sort_unstable();
        en.dedup();
        ko.sort_unstable();
        ko.dedup();
        assert_eq!(en, ko, "{name}: the lessons name different things");
    }
}

/// The section of `readme` from the heading `heading` to the next heading
/// of the same level.
fn section<'a>(readme: &'a str, heading: &str) -> &'a str {
    let start = readme
        .find(&format!("\n{heading}\n"))
        .unwrap_or_else(|| panic!("README.md has no {heading:?}"));
    let level = heading.split(' ').next().unwrap();
    let rest = &readme[start + heading.len() + 2..];
    let end = rest.find(&format!("\n{level} ")).unwrap_or(rest.len());
    &rest[..end]
}

fn is_identifier(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// README.ko.md names every scenario, command, option and scenario-language
/// word that README.md names, so that the two stay in step as they grow.
/// The words are README.md's backticked identifiers in "The scenario
/// language": keys, component kinds and the values a key takes (a learner
/// reading only the Korean guide needs all three); the commands and options
/// are those of the block under "Commands"; the scenarios are the files of
/// `scenarios/` and `scenarios/contract/`.
#[test]
fn the_korean_readme_keeps_step_with_the_english_one() {
    let readme = fs::read_to_string(repo().join("README.md")).unwrap();
    let korean = fs::read_to_string(repo().join("README.ko.md")).unwrap();
    assert!(
        readme.contains("](README.ko.md)"),
        "README.md links README.ko.md"
    );
    assert!(
        korean.contains("](README.md)"),
        "README.ko.md links README.md"
    );
    // Every whole word inside the Korean guide's backticks.
    let korean_words: std::collections::BTreeSet<&str> = backticked(&korean)
        .into_iter()
        .flat_map(|span| span.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-')))
        .collect();
    let mut missing = Vec::new();

    let mut scenarios = lesson_scenarios();
    scenarios.extend(
        fs::read_dir(repo().join("scenarios/contract"))
            .unwrap()
            .map(|e| e.unwrap().path()),
    );
    for path in scenarios {
        let stem = path.file_stem().unwrap().to_str().unwrap().to_string();
        if !korean_words.contains(stem.as_str()) {
            missing.push(format!("scenario `{stem}`"));
        }
    }

    let commands = section(&readme, "## Commands");
    let block = commands.split("```").nth(1).expect("the commands' block");
    let mut command_count = 0;
    for line in block.lines() {
        let mut words = line.split_whitespace();
        if words.next() == Some("stratosim") {
            let command = words.next().unwrap();
            command_count += 1;
            if !korean.contains(&format!("stratosim {command}")) {
                missing.push(format!("command `{command}`"));
            }
        }
        for option in line
            .split(|c: char| c.is_whitespace() || "[]=".contains(c))
            .filter(|w| w.starts_with("--"))
        {
            if !korean_words.contains(option) {
                missing.push(format!("option `{option}`"));
            }
        }
    }
    assert!(command_count >= 4, "{block}");

    let language = section(&readme, "## The scenario language");
    let mut words: Vec<&str> = backticked(language)
        .into_iter()
        .filter(|w| is_identifier(w))
        .collect();
    words.sort_unstable();
    words.dedup();
    assert!(words.len() >= 100, "{words:?}");
    for word in words {
        if !korean_words.contains(word) {
            missing.push(format!("`{word}`"));
        }
    }
    assert!(
        missing.is_empty(),
        "README.ko.md lacks what README.md names:\n{}",
        missing.join("\n")
    );
}

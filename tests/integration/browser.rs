//! Every shipped scenario's report in headless Chromium: each chart drawn
//! with a size, no broken image, no error on the console, and a screenshot.
//! CI installs Chromium (`.ci/run`); with `CI` set, no browser is a failure.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::common::*;

/// A headless Chromium on PATH, if there is one.
fn chromium() -> Option<PathBuf> {
    let paths = std::env::var_os("PATH")?;
    [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ]
    .iter()
    .find_map(|name| {
        std::env::split_paths(&paths)
            .map(|p| p.join(name))
            .find(|p| p.is_file())
    })
}

/// Put first in `<head>`: records every error the page raises (a script's,
/// a resource's that failed to load, `console.error`) before the report's
/// own content loads.
const LISTEN: &str = "<head>\n<script>\
    window.__failures = [];\
    window.addEventListener('error', e => window.__failures.push(e.message \
        || `${e.target.tagName || 'resource'} failed to load: ${e.target.src || e.target.href || ''}`), true);\
    window.addEventListener('unhandledrejection', e => window.__failures.push(`rejected: ${e.reason}`));\
    for (const level of ['error', 'warn']) {\
        const original = console[level];\
        console[level] = (...args) => { window.__failures.push(`console.${level}: ${args.join(' ')}`); original(...args); };\
    }\
    </script>";

/// Put last in `<body>`: after the page and its fonts load, measures every
/// inline SVG, decodes every image (the page's own and every chart file it
/// links to), and writes the findings as JSON into `#stratosim-probe`, with
/// everything but printable ASCII escaped so that the DOM dump keeps it
/// verbatim.
const PROBE: &str = "<script>\
    window.addEventListener('load', async () => {\
        const svgs = [...document.querySelectorAll('svg')].filter(s => !s.parentElement.closest('svg'));\
        const blank = svgs.filter(s => {\
            const box = s.getBoundingClientRect();\
            return !(box.width > 100 && box.height > 100 && s.querySelector('text, path, polyline, polygon, rect, line, circle'));\
        }).map(s => s.closest('figure')?.id || s.id || 'an svg');\
        const decode = src => new Promise(done => {\
            const image = new Image();\
            image.onload = () => done(image.naturalWidth > 0 && image.naturalHeight > 0 ? null : src);\
            image.onerror = () => done(src);\
            image.src = src;\
        });\
        const sources = [...document.images].map(i => i.currentSrc || i.src)\
            .concat([...document.querySelectorAll('a[href]')].map(a => a.href)\
                .filter(h => /\\.(png|svg)$/i.test(h)));\
        const broken = (await Promise.all(sources.map(decode))).filter(s => s !== null);\
        await document.fonts.ready;\
        const fonts = [...document.fonts].filter(f => f.status === 'error').map(f => f.family);\
        const found = { svgs: svgs.length, blank, images: sources.length, broken, fonts,\
            failures: window.__failures };\
        const out = document.createElement('pre');\
        out.id = 'stratosim-probe';\
        out.textContent = JSON.stringify(found).replace(/[^\\x20-\\x7e]|[<>&]/g,\
            c => '\\\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));\
        document.body.append(out);\
    });\
    </script>\n</body>";

/// What Chromium found in one report.
#[derive(Debug, serde::Deserialize)]
struct Findings {
    svgs: usize,
    blank: Vec<String>,
    images: usize,
    broken: Vec<String>,
    fonts: Vec<String>,
    failures: Vec<String>,
}

/// Opens `report` (an HTML file) in headless Chromium, with the probes in a
/// copy beside it so that its relative links resolve, and saves a
/// screenshot of the top of the page. `Err` says why Chromium gave nothing.
fn render(
    chromium: &Path,
    report: &Path,
    screenshot: &Path,
) -> Result<(Findings, Vec<String>), String> {
    let html = fs::read_to_string(report).unwrap();
    assert!(
        html.contains("<head>") && html.contains("</body>"),
        "{} has a head and a body",
        report.display()
    );
    let probed = report.with_file_name("report-probed.html");
    fs::write(
        &probed,
        html.replacen("<head>", LISTEN, 1)
            .replacen("</body>", PROBE, 1),
    )
    .unwrap();
    let profile = report.with_file_name("chromium-profile");
    // The flags of a headless Chromium that runs as root on a machine with
    // no network and no display; the virtual time budget lets the probe's
    // promises settle before the DOM is dumped and the screenshot taken.
    let o = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=10000",
            "--window-size=1280,1600",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", screenshot.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", probed.display()))
        .output()
        .map_err(|e| format!("{} does not start: {e}", chromium.display()))?;
    let _ = fs::remove_dir_all(&profile);
    let dom = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    let Some(json) = dom
        .split("<pre id=\"stratosim-probe\">")
        .nth(1)
        .and_then(|rest| rest.split("</pre>").next())
    else {
        return Err(format!(
            "{} gave no findings for {} (exit {:?}):\n{stderr}",
            chromium.display(),
            report.display(),
            o.status.code()
        ));
    };
    let findings: Findings = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"));
    // Chromium logs every console message of the page as
    // `INFO:CONSOLE…] "message", source: …`; the report writes none.
    let console = stderr
        .lines()
        .filter_map(|l| l.split_once(":CONSOLE").map(|(_, m)| format!("console{m}")))
        .collect();
    Ok((findings, console))
}

/// Runs `scenario` at a reduced size (5 simulated minutes, 2 replications)
/// into a folder of `tmp`, returning the folder.
fn small_run(scenario: &Path, tmp: &Path) -> PathBuf {
    let parent = scenario.parent().unwrap().file_name().unwrap();
    let stem = scenario.file_stem().unwrap();
    let out = tmp.join(format!(
        "{}-{}",
        parent.to_string_lossy(),
        stem.to_string_lossy()
    ));
    let o = stratosim(&[
        "run",
        scenario.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--replications",
        "2",
        "--set",
        "scenario.duration=5m",
        "--set",
        "scenario.warmup=0s",
        "--quiet",
    ]);
    assert!(
        o.status.success(),
        "{}: {}",
        scenario.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    out
}

#[test]
fn every_shipped_scenarios_report_renders_in_headless_chromium() {
    let Some(chromium) = chromium() else {
        cannot_check("the reports in a browser", "no chromium on PATH");
        return;
    };
    let scenarios = shipped_scenarios();
    assert!(scenarios.len() >= 20, "{} scenarios", scenarios.len());
    let tmp = tempfile::tempdir().unwrap();
    let problems = Mutex::new(Vec::new());
    let unavailable = Mutex::new(None);
    let next = AtomicUsize::new(0);
    // Two at a time: each Chromium is a few processes, mostly waiting.
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                while let Some(scenario) = scenarios.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let out = small_run(scenario, tmp.path());
                    let screenshot = out.join("report.png");
                    let name = scenario.strip_prefix(repo()).unwrap().display().to_string();
                    match render(&chromium, &out.join("report.html"), &screenshot) {
                        Err(why) => {
                            unavailable.lock().unwrap().get_or_insert(why);
                        }
                        Ok((found, console)) => {
                            let mut p = problems.lock().unwrap();
                            // Every report draws at least five charts: the
                            // design diagram and four others.
                            if found.svgs < 5 || !found.blank.is_empty() {
                                p.push(format!(
                                    "{name}: {} charts, not drawn: {:?}",
                                    found.svgs, found.blank
                                ));
                            }
                            if found.images < found.svgs || !found.broken.is_empty() {
                                p.push(format!(
                                    "{name}: {} images, broken: {:?}",
                                    found.images, found.broken
                                ));
                            }
                            if !found.fonts.is_empty() {
                                p.push(format!("{name}: fonts not loaded: {:?}", found.fonts));
                            }
                            for e in found.failures.iter().chain(&console) {
                                p.push(format!("{name}: {e}"));
                            }
                            let shot = fs::read(&screenshot).unwrap_or_default();
                            if !shot.starts_with(b"\x89PNG") || shot.len() < 10_000 {
                                p.push(format!("{name}: no screenshot ({} bytes)", shot.len()));
                            }
                        }
                    }
                }
            });
        }
    });
    if let Some(why) = unavailable.into_inner().unwrap() {
        cannot_check("the reports in a browser", &why);
        return;
    }
    let problems = problems.into_inner().unwrap();
    if !problems.is_empty() {
        // Kept, to look at the reports and their screenshots.
        let kept = tmp.keep();
        panic!(
            "{}\n(the reports and their screenshots: {}/*/report.png)",
            problems.join("\n"),
            kept.display()
        );
    }
    // STRATOSIM_SCREENSHOTS=DIR keeps a copy of every screenshot.
    if let Some(dir) = std::env::var_os("STRATOSIM_SCREENSHOTS") {
        let dir = PathBuf::from(dir);
        fs::create_dir_all(&dir).unwrap();
        for entry in fs::read_dir(tmp.path()).unwrap() {
            let run = entry.unwrap().path();
            let name = format!("{}.png", run.file_name().unwrap().to_string_lossy());
            fs::copy(run.join("report.png"), dir.join(name)).unwrap();
        }
    }
    // Said even when the test passes, so that CI's log shows the rendering.
    note(&format!(
        "rendered {} reports in {}: charts drawn, images decoded, no errors, a screenshot each",
        scenarios.len(),
        chromium.display(),
    ));
}

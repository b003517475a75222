//! Keeps the layers: reads every `crate::`, `super::` and `self::` path in
//! the code of `src/` (comments, strings and test modules apart) and fails
//! on an arrow the architecture does not allow or on a cycle between
//! modules.
//!
//! The rules (see ARCHITECTURE.md), in [`LAYERS`]:
//! - every top-level module has a layer, which lists what it may use;
//! - `engine` uses nothing of the crate but `time`;
//! - `model` never uses `scenario`, `catalog`, `assemble`, `output`, `run`
//!   or `cli`;
//! - `scenario` never uses `engine`, `model`, `assemble`, `output`, `run`
//!   or `cli`;
//! - `output` never uses `engine`, `model`, `scenario`, `assemble`, `run`
//!   or `cli`;
//! - `assemble` is the only module that uses both `scenario` and `model`;
//! - no cycle between the top-level modules, nor between the files of one
//!   folder (a folder's `mod.rs` is the parent of its files, not a sibling:
//!   one struct's methods may be split across them; what it re-exports
//!   counts as the file that defines the item).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Every top-level module of `src/` and the modules of the crate it may
/// use. Arrows point down: the table lists the bottom first.
const LAYERS: &[(&str, &[&str])] = &[
    // Utilities that know nothing of cloud architectures.
    ("time", &[]),
    ("slab", &[]),
    ("rng", &[]),
    ("suggest", &[]),
    ("metric", &[]),
    ("dist", &["time", "rng"]),
    ("stats", &["time", "metric"]),
    // The settings the scenario gives and the models follow as written.
    ("settings", &["time", "dist"]),
    // AWS's figures, each with its source.
    ("catalog", &["time"]),
    // Integer time and messages; nothing about AWS.
    ("engine", &["time"]),
    // The components, on the engine; prices reach them through their configs.
    (
        "model",
        &[
            "time", "slab", "rng", "metric", "dist", "stats", "settings", "engine",
        ],
    ),
    // TOML text to validated plain data.
    (
        "scenario",
        &[
            "time", "rng", "suggest", "metric", "dist", "settings", "catalog",
        ],
    ),
    // CSV, charts and the report, from plain results.
    ("output", &["time", "suggest", "metric", "stats"]),
    // Specs into models, and the run loop.
    (
        "assemble",
        &[
            "time", "slab", "rng", "metric", "dist", "stats", "settings", "catalog", "engine",
            "model", "scenario",
        ],
    ),
    ("run", &["assemble"]),
    (
        "cli",
        &[
            "time", "rng", "suggest", "stats", "catalog", "scenario", "output", "run",
        ],
    ),
];

/// The modules `layer` may use (`None` for a module without a layer).
fn allowed(layer: &str) -> Option<&'static [&'static str]> {
    LAYERS.iter().find(|(l, _)| *l == layer).map(|(_, a)| *a)
}

/// The arrows of `uses` that the layers do not allow, in words.
fn violations(uses: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Vec<String> {
    let mut bad = Vec::new();
    for (from, tos) in uses {
        let Some(top) = from.first() else { continue };
        let Some(may) = allowed(top) else {
            bad.push(format!("{} has no layer in LAYERS", name(from)));
            continue;
        };
        for to in tos {
            if to[0] != *top && !may.contains(&to[0].as_str()) {
                bad.push(format!("{} uses {}", name(from), name(to)));
            }
        }
    }
    bad
}

/// A source file as a module: its path from `src/` without the extension,
/// `mod.rs` standing for its folder (`model/fleet/mod.rs` → `model::fleet`).
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap();
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if parts
        .last()
        .is_some_and(|p| p == "mod" || p == "lib" || p == "main")
    {
        parts.pop();
    }
    parts
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without comments, string literals and its
/// `#[cfg(test)]` module (which, by convention, ends the file).
fn code_of(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => text,
    };
    let mut out = String::with_capacity(text.len());
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if text[i..].starts_with("//") {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
        } else if text[i..].starts_with("/*") {
            i += text[i..].find("*/").map_or(bytes.len() - i, |j| j + 2);
        } else if bytes[i] == b'"' && !text[..i].ends_with('\'') {
            // A string literal (raw strings of this code base hold no `"`
            // that would end them early for this purpose).
            i += 1;
            while i < bytes.len() && bytes[i] != b'"' {
                if bytes[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
        } else {
            out.push(bytes[i] as char);
            i += 1;
        }
    }
    out
}

/// The modules a file declares in files of their own for its tests only
/// (`#[cfg(test)] mod testing;`): test code, left out like test modules.
fn test_modules(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut lines = text.lines().map(str::trim);
    while let Some(line) = lines.next() {
        if line != "#[cfg(test)]" {
            continue;
        }
        let Some(next) = lines.next() else { break };
        let decl = next
            .trim_start_matches("pub(crate) ")
            .trim_start_matches("pub ");
        if let Some(name) = decl.strip_prefix("mod ").and_then(|d| d.strip_suffix(';')) {
            found.push(name.to_string());
        }
    }
    found
}

/// Every path the code names through `crate::`, `super::` or `self::`,
/// resolved to absolute segments (braces expanded one level deep:
/// `crate::a::{b, c::d}` gives `a::b` and `a::c::d`).
fn paths_of(code: &str, module: &[String]) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    for start in ["crate::", "super::", "self::"] {
        let mut from = 0;
        while let Some(pos) = code[from..].find(start) {
            let at = from + pos;
            from = at + start.len();
            let before = code[..at].chars().last();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            // The module the relative path starts from.
            let mut base: Vec<String> = match start {
                "crate::" => Vec::new(),
                _ => {
                    // In `a/b.rs` and in `a/b/mod.rs` alike, `self` is
                    // `a::b` and `super` is `a`.
                    let mut m = module.to_vec();
                    if start == "super::" {
                        m.pop();
                    }
                    m
                }
            };
            let mut rest = &code[at + start.len()..];
            // `super::super::x`
            while let Some(r) = rest.strip_prefix("super::") {
                base.pop();
                rest = r;
            }
            let head: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            let mut segs: Vec<String> = base.clone();
            segs.extend(head.split("::").filter(|s| !s.is_empty()).map(String::from));
            if head.ends_with("::") && rest[head.len()..].starts_with('{') {
                let inner = &rest[head.len() + 1..];
                let end = inner.find('}').unwrap_or(inner.len());
                for item in inner[..end].split(',') {
                    let item: String = item
                        .trim()
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                        .collect();
                    let mut s = segs.clone();
                    s.extend(item.split("::").filter(|x| !x.is_empty()).map(String::from));
                    found.push(s);
                }
            } else {
                found.push(segs);
            }
        }
    }
    found
}

/// The crate's modules and, for each, the modules its code uses.
struct Graph {
    /// Module → the modules it uses (resolved to the deepest existing module).
    uses: BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
}

fn graph() -> Graph {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    // `main.rs` is another crate, whose `crate::` is itself.
    files.retain(|f| f != &src.join("main.rs"));
    let texts: BTreeMap<Vec<String>, (PathBuf, String)> = files
        .iter()
        .map(|f| {
            (
                module_of(&src, f),
                (f.clone(), fs::read_to_string(f).unwrap()),
            )
        })
        .collect();
    let tests: Vec<Vec<String>> = texts
        .iter()
        .flat_map(|(m, (_, text))| {
            test_modules(text).into_iter().map(move |child| {
                let mut c = m.clone();
                c.push(child);
                c
            })
        })
        .collect();
    let modules: BTreeMap<Vec<String>, (PathBuf, String)> = texts
        .into_iter()
        .filter(|(m, _)| !tests.iter().any(|t| m.starts_with(t)))
        .map(|(m, (f, text))| (m, (f, code_of(&text))))
        .collect();
    // `pub use child::Item` in a folder's mod.rs: an item used through the
    // folder belongs to the child that defines it.
    let mut reexports: BTreeMap<(Vec<String>, String), Vec<String>> = BTreeMap::new();
    for (m, (_, code)) in &modules {
        for line in code.lines() {
            let line = line.trim();
            let Some(rest) = line.strip_prefix("pub use ") else {
                continue;
            };
            let rest = rest.trim_end_matches(';');
            let (head, items) = match rest.split_once("::{") {
                Some((h, i)) => (h.to_string(), i.trim_end_matches('}').to_string()),
                None => match rest.rsplit_once("::") {
                    Some((h, i)) => (h.to_string(), i.to_string()),
                    None => continue,
                },
            };
            if head.starts_with("crate") || head.starts_with("super") {
                continue;
            }
            let mut child = m.clone();
            child.extend(head.split("::").map(String::from));
            if !modules.contains_key(&child) {
                continue;
            }
            for item in items.split(',') {
                let item = item.trim();
                let name = item
                    .rsplit(" as ")
                    .next()
                    .unwrap_or(item)
                    .trim()
                    .to_string();
                if name == "*" || name.is_empty() {
                    continue;
                }
                reexports.insert((m.clone(), name), child.clone());
            }
        }
    }
    let resolve = |segs: &[String]| -> Option<Vec<String>> {
        let mut best: Option<Vec<String>> = None;
        for n in (1..=segs.len()).rev() {
            if modules.contains_key(&segs[..n]) {
                let mut m = segs[..n].to_vec();
                if let Some(item) = segs.get(n)
                    && let Some(child) = reexports.get(&(m.clone(), item.clone()))
                {
                    m = child.clone();
                }
                best = Some(m);
                break;
            }
        }
        best
    };
    let mut uses: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for (m, (_, code)) in &modules {
        let set = uses.entry(m.clone()).or_default();
        for p in paths_of(code, m) {
            if let Some(to) = resolve(&p)
                && &to != m
                && !to.is_empty()
            {
                set.insert(to);
            }
        }
    }
    Graph { uses }
}

fn name(m: &[String]) -> String {
    if m.is_empty() {
        "crate".into()
    } else {
        m.join("::")
    }
}

#[test]
fn no_arrow_points_the_wrong_way() {
    let bad = violations(&graph().uses);
    assert!(
        bad.is_empty(),
        "arrows the layers forbid:\n{}",
        bad.join("\n")
    );
}

/// The table itself keeps the rules of ARCHITECTURE.md, so that a change
/// to it is a change to the architecture.
#[test]
fn the_layers_keep_the_architecture() {
    let may = |from: &str, to: &str| allowed(from).is_some_and(|a| a.contains(&to));
    assert_eq!(allowed("engine"), Some(&["time"][..]));
    for (from, never) in [
        (
            "model",
            &["scenario", "catalog", "assemble", "output", "run", "cli"],
        ),
        (
            "scenario",
            &["engine", "model", "assemble", "output", "run", "cli"],
        ),
        (
            "output",
            &["engine", "model", "scenario", "assemble", "run", "cli"],
        ),
    ] {
        for to in never {
            assert!(!may(from, to), "{from} may not use {to}");
        }
    }
    let both: Vec<&str> = LAYERS
        .iter()
        .filter(|(l, _)| may(l, "scenario") && may(l, "model"))
        .map(|(l, _)| *l)
        .collect();
    assert_eq!(both, ["assemble"], "only assemble knows scenario and model");
    // Arrows point down: a layer uses only layers listed before it.
    for (i, (layer, uses)) in LAYERS.iter().enumerate() {
        for to in *uses {
            let below = LAYERS[..i].iter().any(|(l, _)| l == to);
            assert!(below, "{layer} uses {to}, which is not below it");
        }
    }
}

/// The cycles of a directed graph, one per strongly connected component
/// of more than one node (Tarjan's algorithm, iteratively small enough here
/// to be recursive).
fn cycles(
    nodes: &BTreeSet<Vec<String>>,
    edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
) -> Vec<Vec<String>> {
    struct State<'a> {
        index: BTreeMap<&'a Vec<String>, usize>,
        low: BTreeMap<&'a Vec<String>, usize>,
        stack: Vec<&'a Vec<String>>,
        on_stack: BTreeSet<&'a Vec<String>>,
        next: usize,
        found: Vec<Vec<String>>,
    }
    fn visit<'a>(
        v: &'a Vec<String>,
        edges: &'a BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        nodes: &'a BTreeSet<Vec<String>>,
        s: &mut State<'a>,
    ) {
        s.index.insert(v, s.next);
        s.low.insert(v, s.next);
        s.next += 1;
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in edges.get(v).into_iter().flatten() {
            let Some(w) = nodes.get(w) else { continue };
            if !s.index.contains_key(w) {
                visit(w, edges, nodes, s);
                let lw = s.low[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if s.on_stack.contains(w) {
                let iw = s.index[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            loop {
                let w = s.stack.pop().unwrap();
                s.on_stack.remove(w);
                component.push(name(w));
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.found.push(component);
            }
        }
    }
    let mut s = State {
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        found: Vec::new(),
    };
    for v in nodes {
        if !s.index.contains_key(v) {
            visit(v, edges, nodes, &mut s);
        }
    }
    s.found
}

#[test]
fn no_cycle_between_top_level_modules() {
    let g = graph();
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    let mut nodes = BTreeSet::new();
    for (from, tos) in &g.uses {
        let Some(top) = from.first() else { continue };
        let top = vec![top.clone()];
        nodes.insert(top.clone());
        for to in tos {
            if to[0] != top[0] {
                edges
                    .entry(top.clone())
                    .or_default()
                    .insert(vec![to[0].clone()]);
            }
        }
    }
    let found = cycles(&nodes, &edges);
    assert!(
        found.is_empty(),
        "cycles between top-level modules: {found:?}"
    );
}

#[test]
fn no_cycle_between_the_files_of_a_folder() {
    let g = graph();
    // Siblings: modules with the same parent; a use of a sibling's
    // descendant counts as a use of the sibling. A folder's own mod.rs is
    // the parent, not a sibling.
    let mut found = Vec::new();
    let parents: BTreeSet<Vec<String>> = g
        .uses
        .keys()
        .filter(|m| !m.is_empty())
        .map(|m| m[..m.len() - 1].to_vec())
        .collect();
    for parent in parents {
        let depth = parent.len() + 1;
        let nodes: BTreeSet<Vec<String>> = g
            .uses
            .keys()
            .filter(|m| m.len() == depth && m.starts_with(&parent))
            .cloned()
            .collect();
        let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
        for (from, tos) in &g.uses {
            if from.len() < depth || !from.starts_with(&parent) {
                continue;
            }
            let from = from[..depth].to_vec();
            for to in tos {
                if to.len() >= depth && to.starts_with(&parent) && to[..depth] != from[..] {
                    edges
                        .entry(from.clone())
                        .or_default()
                        .insert(to[..depth].to_vec());
                }
            }
        }
        found.extend(cycles(&nodes, &edges));
    }
    assert!(
        found.is_empty(),
        "cycles between the files of a folder: {found:?}"
    );
}

/// The test reads what it should: a forbidden arrow written into a module's
/// code is found and refused, a module without a layer is refused, test
/// files are told apart, and a cycle is found.
#[test]
fn the_reader_finds_arrows_and_cycles() {
    let m = vec![
        "model".to_string(),
        "fleet".to_string(),
        "serve".to_string(),
    ];
    let code = code_of(
        "use crate::scenario::{Ec2Spec, kinds::ec2};\n// use crate::catalog;\nlet s = \"crate::output\";\nuse super::super::queue::Queue;\n",
    );
    let paths = paths_of(&code, &m);
    let names: Vec<String> = paths.iter().map(|p| name(p)).collect();
    assert_eq!(
        names,
        [
            "scenario::Ec2Spec",
            "scenario::kinds::ec2",
            "model::queue::Queue"
        ]
    );
    // The layers refuse what it found: a model file using the scenario.
    let uses = [(m.clone(), paths.into_iter().collect())].into();
    assert_eq!(
        violations(&uses),
        [
            "model::fleet::serve uses scenario::Ec2Spec",
            "model::fleet::serve uses scenario::kinds::ec2"
        ]
    );
    // A module without a layer is refused; test files are left out.
    let stray = [(vec!["stray".to_string()], BTreeSet::new())].into();
    assert_eq!(violations(&stray), ["stray has no layer in LAYERS"]);
    let text = "#[cfg(test)]\nmod testing;\n#[cfg(test)]\nmod tests {\n";
    assert_eq!(test_modules(text), ["testing"]);
    let a = vec!["a".to_string()];
    let b = vec!["b".to_string()];
    let nodes: BTreeSet<_> = [a.clone(), b.clone()].into();
    let edges: BTreeMap<_, BTreeSet<_>> = [(a.clone(), [b.clone()].into()), (b, [a].into())].into();
    assert_eq!(cycles(&nodes, &edges).len(), 1);
}

//! The crate's module graph has no cycle, and no engine module uses the CLI or `error`.
//!
//! One node per module file under `src/`, an edge for every `crate::…` path used outside
//! comments and test modules (the deepest module the path names). A cheap, hermetic stand-in
//! for `cargo modules dependencies --acyclic` (issue 11 item 5): building cargo-modules costs
//! far more than CI's two-minute budget on two cores.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts.join("::")
}

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Every `crate::a::b` path in `text`, as its segments.
fn crate_paths(text: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("crate::") {
        let after = &rest[i + "crate::".len()..];
        let mut segs = Vec::new();
        let mut s = after;
        loop {
            let n = s
                .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
                .unwrap_or(s.len());
            if n == 0 {
                break;
            }
            segs.push(s[..n].to_string());
            s = &s[n..];
            if let Some(t) = s.strip_prefix("::") {
                s = t;
            } else {
                break;
            }
        }
        // `crate::a::{b, c::D}`: each item of the group too.
        if let Some(group) = s.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let head = item.trim().split("::").next().unwrap_or("");
                if !head.is_empty() {
                    let mut g = segs.clone();
                    g.push(head.to_string());
                    out.push(g);
                }
            }
        }
        out.push(segs);
        rest = after;
    }
    out
}

/// `text` with every `super::` chain written as the `crate::` path it names from module `m`,
/// so sibling imports (`use super::fetch::Repo;` in `upgrades::discover`) are edges too.
fn absolute_supers(text: &str, m: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("super::") {
        let before = rest[..i].chars().next_back();
        out.push_str(&rest[..i]);
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':') {
            out.push_str("super::");
            rest = &rest[i + "super::".len()..];
            continue;
        }
        let mut after = &rest[i..];
        let mut up = 0;
        while let Some(t) = after.strip_prefix("super::") {
            up += 1;
            after = t;
        }
        let segs: Vec<&str> = m.split("::").collect();
        let keep = segs.len().saturating_sub(up);
        out.push_str("crate::");
        for s in &segs[..keep] {
            out.push_str(s);
            out.push_str("::");
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

fn graph() -> (BTreeSet<String>, BTreeMap<String, BTreeSet<String>>) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    files(&src, &mut all);
    let mods: BTreeSet<String> = all.iter().map(|f| module_of(&src, f)).collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in &all {
        let m = module_of(&src, f);
        if m == "main" || m == "lib" || m.starts_with("bin") {
            continue;
        }
        let text = std::fs::read_to_string(f).unwrap();
        let text = text.split("#[cfg(test)]").next().unwrap_or("");
        let code: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        for segs in crate_paths(&absolute_supers(&code, &m)) {
            let target = (1..=segs.len())
                .rev()
                .map(|i| segs[..i].join("::"))
                .find(|c| mods.contains(c));
            if let Some(t) = target
                && t != m
                && !m.starts_with(&format!("{t}::"))
            {
                edges.entry(m.clone()).or_default().insert(t);
            }
        }
    }
    (mods, edges)
}

/// Strongly connected components of more than one module (Tarjan).
fn cycles(mods: &BTreeSet<String>, edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct T<'a> {
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<String, usize>,
        low: BTreeMap<String, usize>,
        stack: Vec<String>,
        on: BTreeSet<String>,
        n: usize,
        out: Vec<Vec<String>>,
    }
    fn visit(t: &mut T<'_>, v: &str) {
        t.index.insert(v.into(), t.n);
        t.low.insert(v.into(), t.n);
        t.n += 1;
        t.stack.push(v.into());
        t.on.insert(v.into());
        for w in t.edges.get(v).cloned().unwrap_or_default() {
            if !t.index.contains_key(&w) {
                visit(t, &w);
                let lw = t.low[&w];
                let lv = t.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if t.on.contains(&w) {
                let iw = t.index[&w];
                let lv = t.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if t.low[v] == t.index[v] {
            let mut comp = Vec::new();
            loop {
                let w = t.stack.pop().unwrap();
                t.on.remove(&w);
                let done = w == v;
                comp.push(w);
                if done {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                t.out.push(comp);
            }
        }
    }
    let mut t = T {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        n: 0,
        out: Vec::new(),
    };
    for m in mods {
        if !t.index.contains_key(m) {
            visit(&mut t, m);
        }
    }
    t.out
}

#[test]
fn the_module_graph_has_no_cycle() {
    let (mods, edges) = graph();
    assert!(mods.len() > 40, "the walk found the modules: {mods:?}");
    // The check sees real edges (a known one), so an empty graph cannot pass.
    assert!(edges["session"].contains("gate"), "{edges:#?}");
    let found = cycles(&mods, &edges);
    let shown: Vec<String> = found
        .iter()
        .map(|c| {
            c.iter()
                .map(|m| {
                    let inner: Vec<&String> = edges
                        .get(m)
                        .map(|e| e.iter().filter(|t| c.contains(t)).collect())
                        .unwrap_or_default();
                    format!("  {m} -> {inner:?}")
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect();
    assert!(found.is_empty(), "import cycles:\n{}", shown.join("\n\n"));
}

#[test]
fn super_paths_name_their_sibling_modules() {
    assert_eq!(
        absolute_supers("use super::fetch::Repo; my_super::y", "upgrades::discover"),
        "use crate::upgrades::fetch::Repo; my_super::y"
    );
    assert_eq!(
        absolute_supers("super::super::gate::Ask", "cli::mcp::tools"),
        "crate::cli::gate::Ask"
    );
    assert_eq!(
        absolute_supers("use super::Error;", "upgrades"),
        "use crate::Error;"
    );
}

#[test]
fn the_cycle_finder_finds_a_cycle() {
    let mods: BTreeSet<String> = ["a", "b", "c"].map(String::from).into();
    let edges: BTreeMap<String, BTreeSet<String>> = [
        ("a".to_string(), BTreeSet::from(["b".to_string()])),
        ("b".to_string(), BTreeSet::from(["a".to_string()])),
        ("c".to_string(), BTreeSet::from(["a".to_string()])),
    ]
    .into();
    assert_eq!(
        cycles(&mods, &edges),
        vec![vec!["a".to_string(), "b".to_string()]]
    );
}

#[test]
fn engines_never_use_the_cli_or_exit_codes() {
    let (_, edges) = graph();
    let mut bad = Vec::new();
    for (m, ts) in &edges {
        let top = m.split("::").next().unwrap_or("");
        if top == "cli" || top == "error" {
            continue;
        }
        for t in ts {
            if t.split("::").next() == Some("cli") || t == "error" {
                bad.push(format!("{m} -> {t}"));
            }
        }
    }
    assert!(bad.is_empty(), "{bad:#?}");
}

/// The sibling modules of `src/cli/` a file names: `super::x::…`, `super::{x, y}` and
/// `crate::cli::x…`, outside comments and test modules.
fn cli_siblings(text: &str) -> BTreeSet<String> {
    let text = text.split("#[cfg(test)]").next().unwrap_or("");
    let code: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
            .collect()
    };
    let mut out = BTreeSet::new();
    for prefix in ["super::", "crate::cli::"] {
        let mut rest = code.as_str();
        while let Some(i) = rest.find(prefix) {
            let after = &rest[i + prefix.len()..];
            if let Some(group) = after.strip_prefix('{') {
                let end = group.find('}').unwrap_or(group.len());
                for item in group[..end].split(',') {
                    let head = ident(item.trim());
                    if !head.is_empty() {
                        out.insert(head);
                    }
                }
            } else {
                let head = ident(after);
                if !head.is_empty() {
                    out.insert(head);
                }
            }
            rest = after;
        }
    }
    out
}

/// The command files of `src/cli/`: those that define a subcommand (`pub async fn run`) or a
/// persona's entry point (`pub fn main`, the Argo CD CMP). A file split into submodules
/// (`mcp.rs` and `mcp/*.rs`) counts as one, its submodules' text included, so a split
/// cannot hide an import (submodules name their siblings as `crate::cli::x`).
fn command_files(cli: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(cli).unwrap().flatten() {
        let p = e.path();
        let name = p.file_stem().unwrap().to_string_lossy().into_owned();
        if p.extension().is_none_or(|x| x != "rs") || name == "mod" {
            continue;
        }
        let mut text = std::fs::read_to_string(&p).unwrap();
        let sub = cli.join(&name);
        if sub.is_dir() {
            let mut parts: Vec<_> = std::fs::read_dir(&sub)
                .unwrap()
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "rs"))
                .collect();
            parts.sort();
            for part in parts {
                text.push('\n');
                text.push_str(&std::fs::read_to_string(part).unwrap());
            }
        }
        out.insert(name, text);
    }
    out
}

fn is_command(text: &str) -> bool {
    text.lines()
        .any(|l| l.starts_with("pub async fn run(") || l.starts_with("pub fn main("))
}

/// Which files under `src/cli/` name a command file other than themselves.
fn command_imports(files: &BTreeMap<String, String>) -> Vec<String> {
    let commands: BTreeSet<&String> = files
        .iter()
        .filter(|(_, t)| is_command(t))
        .map(|(n, _)| n)
        .collect();
    let mut bad = Vec::new();
    for (name, text) in files {
        for s in cli_siblings(text) {
            if &s != name && commands.contains(&s) {
                bad.push(format!("cli/{name}.rs -> cli/{s}.rs"));
            }
        }
    }
    bad
}

#[test]
fn command_files_do_not_import_each_other() {
    let cli = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/cli");
    let files = command_files(&cli);
    let commands: Vec<&String> = files
        .iter()
        .filter(|(_, t)| is_command(t))
        .map(|(n, _)| n)
        .collect();
    // The walk sees the commands (and the shared modules are not among them).
    for c in ["act", "cmp", "diagnose", "generate", "fix", "workflow"] {
        assert!(commands.iter().any(|n| *n == c), "{commands:?}");
    }
    for shared in ["model", "gather", "instructions", "gate_ui", "cluster_view"] {
        assert!(!commands.iter().any(|n| *n == shared), "{commands:?}");
    }
    // Shared modules are seen to be used, so an empty import scan cannot pass.
    assert!(cli_siblings(&files["fix"]).contains("gather"));
    // A command split into submodules is scanned with them (mcp/acting.rs uses gate_ui).
    assert!(cli_siblings(&files["mcp"]).contains("gate_ui"));
    let bad = command_imports(&files);
    assert!(
        bad.is_empty(),
        "command files (and the shared modules they use) must not import a command file; move \
         what they share to a module under src/cli/ that defines no subcommand:\n{}",
        bad.join("\n")
    );
}

#[test]
fn the_command_import_check_finds_one() {
    let files: BTreeMap<String, String> = [
        (
            "fix",
            "use super::Ctx;\nuse super::{gather, Env};\npub async fn run(ctx: &Ctx) {\n    super::diagnose::select_recipes(ctx);\n}\n",
        ),
        (
            "diagnose",
            "// super::fix::run is only named in a comment\npub async fn run() {}\n",
        ),
        ("gather", "use crate::cli::generate::backend;\n"),
        ("generate", "pub async fn run() {}\n#[cfg(test)]\nmod t { use super::super::fix; }\n"),
    ]
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .into();
    assert_eq!(
        command_imports(&files),
        vec![
            "cli/fix.rs -> cli/diagnose.rs",
            "cli/gather.rs -> cli/generate.rs"
        ]
    );
}

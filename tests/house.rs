//! Rules of the house that the compiler does not keep, checked over the source tree.

use std::path::{Path, PathBuf};

/// The workspace root (this crate lives in `tests/`).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

/// Every `.rs` file under `dir`, recursively.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("readable source directory") {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n != "target") {
                    stack.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "rs") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// The source files of the workspace's crates and tests.
fn workspace_sources() -> Vec<PathBuf> {
    let root = root();
    ["registry", "hub", "adapters", "reports", "tests"]
        .iter()
        .flat_map(|dir| rust_files(&root.join(dir)))
        .collect()
}

/// Lines of `path` containing any of `needles`, as `path:line: text`.
fn lines_with(path: &Path, needles: &[&str]) -> Vec<String> {
    let text = std::fs::read_to_string(path).expect("readable source file");
    let shown = path
        .strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string();
    text.lines()
        .enumerate()
        .filter(|(_, line)| needles.iter().any(|n| line.contains(n)))
        .map(|(i, line)| format!("{shown}:{}: {}", i + 1, line.trim()))
        .collect()
}

/// Architecture invariant: every "now" comes from `registry::time::Clock` (wall time in
/// production, moved in tests), so that no code reads the wall clock behind the tests' back.
/// Monotonic `Instant::now()` (for durations) is fine.
#[test]
fn the_wall_clock_is_read_only_by_the_clock() {
    let allowed = [root().join("registry/src/time.rs")];
    let needles = [
        concat!("Utc", "::now("),
        concat!("Local", "::now("),
        concat!("SystemTime", "::now("),
        concat!("chrono::offset::", "Utc::now"),
    ];
    let offenders: Vec<String> = workspace_sources()
        .iter()
        .filter(|path| !allowed.contains(path))
        .flat_map(|path| lines_with(path, &needles))
        .collect();
    assert!(
        offenders.is_empty(),
        "read the time from the Clock (registry::time) instead:\n{}",
        offenders.join("\n")
    );
}

/// Architecture invariant: audit rows are appended only by the operations layer
/// (`hub/src/ops/mod.rs`, `audited`), inside the transaction of the change they record.
#[test]
fn audit_rows_are_appended_only_by_the_operations_layer() {
    let root = root();
    let allowed = [root.join("hub/src/ops/mod.rs")];
    let needles = [concat!("audit::", "append("), concat!("AuditEvent", " {")];
    let offenders: Vec<String> = ["hub/src", "adapters/src", "reports/src"]
        .iter()
        .flat_map(|dir| rust_files(&root.join(dir)))
        .filter(|path| !allowed.contains(path))
        .flat_map(|path| lines_with(&path, &needles))
        .collect();
    assert!(
        offenders.is_empty(),
        "append audit rows through hub::ops::audited instead:\n{}",
        offenders.join("\n")
    );
}

/// Fields of `path` typed `NaiveDateTime` (or `Option<NaiveDateTime>`) in a type deriving serde's
/// `Serialize` or `Deserialize`, whose line above does not name `as_rfc3339`.
fn naive_times_on_the_wire(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).expect("readable source file");
    let lines: Vec<&str> = text.lines().collect();
    let mut serde_type = false;
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let code = line.trim();
        if code.starts_with("#[derive(") {
            serde_type = code.contains("Serialize") || code.contains("Deserialize");
        } else if line.starts_with('}') {
            serde_type = false;
        }
        let field_type = code
            .split_once(": ")
            .map(|(_, ty)| ty.trim_end_matches(','));
        let naive = field_type.is_some_and(|ty| {
            let ty = ty.trim_start_matches("Option<").trim_end_matches('>');
            ty == "NaiveDateTime" || ty == "chrono::NaiveDateTime"
        });
        if serde_type && naive && !code.starts_with("//") {
            let above = i.checked_sub(1).map_or("", |j| lines[j]);
            if !above.contains("as_rfc3339") {
                found.push(format!("{}:{}: {code}", path.display(), i + 1));
            }
        }
    }
    found
}

/// Architecture invariant: a time on the wire is RFC 3339 with its offset (`Z`), never a naive
/// `2026-12-05T12:04:52`: every serde field holding a stored time goes through
/// `registry::time::as_rfc3339`.
#[test]
fn times_on_the_wire_carry_their_offset() {
    let root = root();
    let offenders: Vec<String> = ["registry/src", "hub/src", "adapters/src", "reports/src"]
        .iter()
        .flat_map(|dir| rust_files(&root.join(dir)))
        .flat_map(|path| naive_times_on_the_wire(&path))
        .collect();
    assert!(
        offenders.is_empty(),
        "add #[serde(with = \"registry::time::as_rfc3339\")] (or ::option) to:\n{}",
        offenders.join("\n")
    );
}

/// The hub's top-level modules (`hub/src/<module>.rs` or `hub/src/<module>/`) and, for each,
/// the other top-level modules its code (comments aside) names as `crate::<module>`.
fn hub_imports() -> std::collections::BTreeMap<String, std::collections::BTreeSet<String>> {
    let src = root().join("hub/src");
    let mut graph = std::collections::BTreeMap::<String, std::collections::BTreeSet<String>>::new();
    for path in rust_files(&src) {
        let relative = path.strip_prefix(&src).expect("under hub/src");
        let first = relative.components().next().expect("a component");
        let module = first
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_owned();
        if module == "lib" || module == "main" {
            continue;
        }
        // Code only: a doc comment may name a module without depending on it.
        let text: String = std::fs::read_to_string(&path)
            .expect("readable source file")
            .lines()
            .filter(|line| !line.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let names = graph.entry(module.clone()).or_default();
        for (at, _) in text.match_indices("crate::") {
            let after = &text[at + "crate::".len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() && name != module {
                names.insert(name);
            }
        }
    }
    graph
}

/// The modules on a circle of `graph`, if any (depth-first search).
fn find_circle(
    graph: &std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut std::collections::BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|n| n == node) {
            let mut circle = path[start..].to_vec();
            circle.push(node.to_owned());
            return Some(circle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(circle) = visit(next, graph, path, done) {
                return Some(circle);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = std::collections::BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

/// Architecture invariant: the hub reads bottom-up. No circle among its top-level modules;
/// the rooms (the API, the portal, the resolver) do not import one another's handlers, except
/// the public resolver's pages drawn with the portal's frame; the floor imports no room.
#[test]
fn the_hub_has_no_import_circles() {
    let graph = hub_imports();
    assert!(
        graph.contains_key("ops") && graph.contains_key("api"),
        "{graph:?}"
    );
    if let Some(circle) = find_circle(&graph) {
        panic!("an import circle in hub/src: {}", circle.join(" -> "));
    }
    let forbidden: &[(&str, &[&str])] = &[
        ("portal", &["api", "cli", "resolver", "server", "routes"]),
        ("resolver", &["api", "cli", "server", "routes"]),
        ("api", &["portal", "resolver", "cli", "server", "routes"]),
        ("cli", &["api", "portal", "resolver"]),
        ("jobs", &["api", "portal", "resolver", "cli"]),
        (
            "ops",
            &[
                "api", "portal", "resolver", "cli", "http", "server", "routes", "jobs",
            ],
        ),
        (
            "http",
            &[
                "api", "portal", "resolver", "cli", "server", "routes", "jobs",
            ],
        ),
        (
            "app",
            &[
                "api", "portal", "resolver", "cli", "http", "ops", "server", "routes",
            ],
        ),
        (
            "error",
            &[
                "api", "portal", "resolver", "cli", "http", "ops", "app", "server",
            ],
        ),
    ];
    let broken: Vec<String> = forbidden
        .iter()
        .flat_map(|(module, banned)| {
            let names = graph.get(*module).cloned().unwrap_or_default();
            banned
                .iter()
                .filter(move |b| names.contains(**b))
                .map(move |b| format!("{module} imports {b}"))
        })
        .collect();
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn the_circle_finder_finds_a_circle() {
    let graph = [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")]
        .iter()
        .fold(std::collections::BTreeMap::new(), |mut g, (from, to)| {
            g.entry(from.to_string())
                .or_insert_with(std::collections::BTreeSet::new)
                .insert(to.to_string());
            g
        });
    assert_eq!(
        find_circle(&graph),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
}

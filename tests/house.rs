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

//! Shared helpers of the GS1 vector tests: finding the corpus, reading JSON lines, counting.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// The `gs1` folder of the conformance corpus, or `None` (after saying so) when it is absent.
pub fn corpus() -> Option<PathBuf> {
    let base = std::env::var_os("TRACEHUB_CONFORMANCE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance"));
    let gs1 = base.join("gs1");
    if gs1.is_dir() {
        Some(gs1)
    } else {
        println!("skipped: conformance corpus not found at {}", gs1.display());
        None
    }
}

/// Every line of a JSON-lines file, parsed.
pub fn jsonl(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| format!("{{\"unreadable\": \"{}: {e}\"}}", path.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("vector line is JSON"))
        .collect()
}

/// The vectors write raw bytes 0x80-0xFF as the code points U+0080-U+00FF: undo that.
pub fn latin1_bytes(s: &str) -> Vec<u8> {
    s.chars()
        .flat_map(|c| match u8::try_from(u32::from(c)) {
            Ok(b) => vec![b],
            Err(_) => c.to_string().into_bytes(),
        })
        .collect()
}

/// Bytes back to the vectors' representation.
pub fn latin1_string(b: &[u8]) -> String {
    b.iter().map(|&b| char::from(b)).collect()
}

/// Counts checked, passed and skipped cases of one vector file and reports them.
pub struct Tally {
    file: &'static str,
    passed: usize,
    failures: Vec<String>,
    skipped: BTreeMap<String, usize>,
}

impl Tally {
    /// A tally for `file`.
    pub fn new(file: &'static str) -> Self {
        Self {
            file,
            passed: 0,
            failures: Vec::new(),
            skipped: BTreeMap::new(),
        }
    }

    /// One case checked and passed.
    pub fn pass(&mut self) {
        self.passed += 1;
    }

    /// One case checked and failed.
    pub fn fail(&mut self, why: String) {
        self.failures.push(why);
    }

    /// Records a case as checked: pass when `ok`, else fail with `why`.
    pub fn check(&mut self, ok: bool, why: impl FnOnce() -> String) {
        if ok { self.pass() } else { self.fail(why()) }
    }

    /// One case skipped, for `reason`.
    pub fn skip(&mut self, reason: &str) {
        *self.skipped.entry(reason.to_owned()).or_default() += 1;
    }

    /// Prints the counts and asserts that all checked cases passed and that at least `floor`
    /// were checked.
    pub fn finish(self, floor: usize) {
        let checked = self.passed + self.failures.len();
        println!(
            "{}: checked {checked}, passed {}, skipped {}",
            self.file,
            self.passed,
            self.skipped.values().sum::<usize>()
        );
        for (reason, n) in &self.skipped {
            println!("  skipped {n}: {reason}");
        }
        for f in self.failures.iter().take(40) {
            println!("  FAIL {f}");
        }
        assert!(
            self.failures.is_empty(),
            "{}: {} of {checked} cases failed",
            self.file,
            self.failures.len()
        );
        assert!(
            checked >= floor,
            "{}: only {checked} cases checked, expected at least {floor}",
            self.file
        );
    }
}

//! GS1 conformance vectors from `shared/conformance/gs1` (see its README), read in place.
//!
//! Set `TRACEHUB_CONFORMANCE_DIR` to the `conformance` folder to read them from elsewhere; when
//! the folder is absent each test says so and returns.

mod gs1_support;

use gs1_support::{corpus, jsonl, latin1_bytes, latin1_string, Tally};
use registry::ids::lint::Linter;
use serde_json::Value;

/// Linter vectors the hub deliberately does not check, with the reason.
const LINTER_ALLOW_LIST: &[(&str, &str)] = &[
    // North American coupon structures (AIs 8110, 8112): not used in this hub; those AIs are
    // checked for character set and length only.
    ("couponcode", "coupon linter not implemented"),
    ("couponposoffer", "coupon linter not implemented"),
    // The reference tests for these run against a mocked GS1 company prefix lookup, and most of
    // their inputs were generated in loops that the extractor recorded as the placeholder
    // "data": they cannot be reproduced. Unit tests in `ids::lint` cover both linters.
    ("gcppos1", "depends on a mocked GCP lookup / unrecorded inputs"),
    ("gcppos2", "depends on a mocked GCP lookup / unrecorded inputs"),
];

/// At least this many linter cases must be checked, so the test cannot silently check nothing.
const LINTER_FLOOR: usize = 5_000;

#[test]
fn linter_vectors() {
    let Some(dir) = corpus() else { return };
    let mut tally = Tally::new("gs1-syntax-dictionary/linter-vectors.jsonl");
    for case in jsonl(&dir.join("gs1-syntax-dictionary/linter-vectors.jsonl")) {
        let field = |k: &str| case.get(k).and_then(Value::as_str).unwrap_or_default();
        let name = field("linter").trim_start_matches("gs1_lint_");
        if let Some((_, why)) = LINTER_ALLOW_LIST.iter().find(|(n, _)| *n == name) {
            tally.skip(why);
            continue;
        }
        let Some(linter) = Linter::from_name(name) else {
            tally.fail(format!("line {}: linter {name} neither implemented nor allow-listed", case["line"]));
            continue;
        };
        let input = field("input");
        let data = latin1_bytes(input);
        let got = linter.check(&data);
        let ok = match (field("expect"), got) {
            ("pass", Ok(())) => true,
            ("fail", Err(f)) if f.error.code() == field("error") => {
                // Compare the error position where the extractor kept the input intact.
                let markup = field("markup");
                let strip = |s: &str| s.chars().filter(|c| *c != '*').collect::<String>();
                if strip(markup) == strip(input) {
                    let end = (f.pos + f.len).min(data.len());
                    let start = f.pos.min(end);
                    let mine = format!(
                        "{}*{}*{}",
                        latin1_string(&data[..start]),
                        latin1_string(&data[start..end]),
                        latin1_string(&data[end..])
                    );
                    mine == markup
                } else {
                    true
                }
            }
            _ => false,
        };
        if ok {
            tally.pass();
        } else {
            tally.fail(format!(
                "line {} {name}({input:?}): expected {} {}, got {got:?}",
                case["line"],
                field("expect"),
                field("error")
            ));
        }
    }
    tally.finish(LINTER_FLOOR);
}

use std::collections::BTreeSet;

use super::*;
use crate::regulators::{Record, sample_records};

fn read_all(name: &str) -> Vec<Result<EquipmentRecord, LineError>> {
    sample_records("special-equipment", name)
        .into_iter()
        .map(|r| {
            r.map(|record| match record {
                Record::Equipment(r) => r,
                other => panic!("{other:?}"),
            })
        })
        .collect()
}

#[test]
fn the_samples_cover_every_record_type_and_map_to_events() {
    let mut kinds = BTreeSet::new();
    for file in ["lifecycle.jsonl", "alerts.jsonl"] {
        for record in read_all(file) {
            let record = record.unwrap();
            kinds.insert(record.kind.name());
            for event in events(&record, &epc("6981001", &record.code)) {
                crate::epcis::validate::check_event(&event, None).unwrap();
            }
        }
    }
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        [
            "fill",
            "inspect",
            "install",
            "maintain",
            "manufacture",
            "register_filler",
            "scrap"
        ]
    );
    assert_eq!(
        epc("6981001", "231041001202600001"),
        "https://id.gs1.org/8004/6981001231041001202600001"
    );
}

#[test]
fn codes_are_checked_and_bad_lines_name_their_field() {
    assert!(check_code("231041001202600001").is_ok());
    for (bad, why) in [
        ("23104100120260000", "18 digits"),
        ("731041001202600001", "type code"),
        ("231041001180000001", "year"),
        ("231041001202600000", "sequence"),
    ] {
        assert!(check_code(bad).unwrap_err().contains(why), "{bad}");
    }
    let errors: Vec<(u64, String, String)> = read_all("bad.jsonl")
        .into_iter()
        .filter_map(Result::err)
        .map(|e| (e.line, e.column, e.error))
        .collect();
    assert_eq!(
        errors,
        [
            (1, "code".into(), "invalid_identifier".into()),
            (2, "".into(), "invalid_json".into()),
            (3, "code".into(), "invalid_identifier".into()),
            (4, "next_due".into(), "required".into()),
            (6, "record".into(), "invalid_choice".into()),
        ]
    );
}

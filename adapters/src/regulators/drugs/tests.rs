use std::collections::BTreeMap;

use super::*;
use crate::regulators::find;

fn sample(name: &str) -> Vec<u8> {
    let path = format!("{}/samples/drugs/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn read_all(name: &str) -> Vec<Result<DrugRecord, LineError>> {
    let adapter = find("drugs").unwrap();
    let bytes = sample(name);
    (adapter.read)(Box::new(std::io::Cursor::new(bytes)))
        .unwrap()
        .map(|r| {
            r.map(|record| match record {
                Record::Drug(d) => d,
                other => panic!("{other:?}"),
            })
        })
        .collect()
}

fn filed(drug_id: &str) -> Option<String> {
    match drug_id {
        "8612345" => Some("06923456000018".into()),
        "8612346" => Some("06923456000025".into()),
        _ => None,
    }
}

#[test]
fn the_samples_cover_every_record_type_and_map_to_events() {
    let mut kinds = BTreeMap::new();
    let mut events_of = BTreeMap::new();
    for file in ["products.csv", "flow.csv", "alerts.csv"] {
        for record in read_all(file) {
            let record = record.unwrap_or_else(|e| panic!("{file}: {e:?}"));
            *kinds.entry(record.kind.name()).or_insert(0) += 1;
            let events = events(&record.kind, &filed).unwrap();
            for e in &events {
                adapters_check(e);
            }
            *events_of.entry(record.kind.name()).or_insert(0) += events.len();
        }
    }
    assert_eq!(
        kinds.keys().copied().collect::<Vec<_>>(),
        [
            "commission",
            "dispense",
            "pack",
            "product",
            "receive",
            "sell",
            "ship"
        ]
    );
    assert_eq!(events_of["product"], 0);
    assert_eq!(events_of["commission"], kinds["commission"]);
}

fn adapters_check(e: &registry::epcis::Event) {
    crate::epcis::validate::check_event(e, None).unwrap_or_else(|err| panic!("{err}: {e:?}"));
}

#[test]
fn a_pack_becomes_an_aggregation_and_a_sale_carries_its_step() {
    let flow: Vec<DrugRecord> = read_all("flow.csv")
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let pack = flow.iter().find(|r| r.kind.name() == "pack").unwrap();
    let [event] = events(&pack.kind, &filed).unwrap().try_into().unwrap();
    assert_eq!(
        event.parent_id.as_deref(),
        Some("https://id.gs1.org/00/069234560000000018")
    );
    assert_eq!(event.child_epcs.len(), 4);
    assert_eq!(
        event.child_epcs[3],
        "https://id.gs1.org/01/06923456000025/21/86123460000000045530"
    );
    let sale = flow.iter().find(|r| r.kind.name() == "sell").unwrap();
    let [event] = events(&sale.kind, &filed).unwrap().try_into().unwrap();
    assert_eq!(
        event.biz_step.as_deref(),
        Some("https://ref.gs1.org/cbv/BizStep-retail_selling")
    );
    assert_eq!(event.event_time.to_rfc3339(), "2026-11-12T16:05:00+08:00");
}

#[test]
fn bad_records_name_their_line_and_column() {
    let errors: Vec<(u64, String, String)> = read_all("bad.csv")
        .into_iter()
        .filter_map(Result::err)
        .map(|e| (e.line, e.column, e.error))
        .collect();
    assert_eq!(
        errors,
        [
            (2, "code".into(), "invalid_identifier".into()),
            (3, "site_gln".into(), "invalid_gln".into()),
            (5, "record".into(), "invalid_choice".into()),
        ]
    );
    // Line 6 reads, but names a drug with no product filed: mapping says so.
    let unknown = read_all("bad.csv").pop().unwrap().unwrap();
    assert_eq!(unknown.line, 6);
    let (column, message) = events(&unknown.kind, &filed).unwrap_err();
    assert_eq!(column, "code");
    assert!(message.contains("8619999"), "{message}");
}

#[test]
fn a_header_with_an_unknown_column_is_refused() {
    let adapter = find("drugs").unwrap();
    let Err(e) = (adapter.read)(Box::new(&b"record,colour\nproduct,red\n"[..])) else {
        panic!("an unknown column is refused");
    };
    assert_eq!(e.column, "colour");
}

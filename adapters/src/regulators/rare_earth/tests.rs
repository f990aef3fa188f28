use super::*;
use crate::regulators::{Record, find};

fn sample(name: &str) -> Vec<u8> {
    let path = format!("{}/samples/rare-earth/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn read_all(bytes: Vec<u8>) -> Vec<Result<RareEarthRecord, registry::enterprises::LineError>> {
    let adapter = find("rare-earth").unwrap();
    let Ok(records) = (adapter.read)(Box::new(std::io::Cursor::new(bytes))) else {
        panic!("the root reads");
    };
    records
        .map(|r| {
            r.map(|record| match record {
                Record::RareEarth(r) => r,
                other => panic!("{other:?}"),
            })
        })
        .collect()
}

#[test]
fn the_samples_read_into_a_report_and_its_flows_and_map_to_events() {
    let records: Vec<RareEarthRecord> = read_all(sample("smelter-2026-11.xml"))
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let RareEarthRecordKind::Report(report) = &records[0].kind else {
        panic!("the report comes first");
    };
    assert_eq!(
        (report.stage, report.period.to_string(), records[0].line),
        (Stage::Smelting, "2026-11-01".to_owned(), 3)
    );
    let flows: Vec<&Flow> = records[1..]
        .iter()
        .map(|r| match &r.kind {
            RareEarthRecordKind::Flow(f) => f,
            RareEarthRecordKind::Report(_) => panic!("one report"),
        })
        .collect();
    let kinds: Vec<&str> = flows.iter().map(|f| f.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "opening", "input", "output", "output", "shipment", "shipment"
        ]
    );
    assert_eq!(
        records[2].line, 7,
        "each flow on the line its element starts"
    );
    assert!(flows[5].is_export() && !flows[4].is_export());
    assert!((flows[2].reo_kg() - 29_850.0).abs() < 1e-6);
    for flow in &flows {
        for event in events(report, flow) {
            crate::epcis::validate::check_event(&event, None).unwrap();
        }
    }
    assert!(
        events(report, flows[0]).is_empty(),
        "the opening stock is no event"
    );
    let [shipped] = events(report, flows[5]).try_into().unwrap();
    assert_eq!(
        shipped.quantity_list[0].epc_class,
        "https://id.gs1.org/01/06970002000015/10/P2611-01"
    );
    assert_eq!(shipped.event_time.to_rfc3339(), "2026-11-27T12:00:00+08:00");
    for name in [
        "mine-2026-11.xml",
        "smelter-late-2026-09.xml",
        "unlicensed-mine-2026-11.xml",
    ] {
        assert!(read_all(sample(name)).iter().all(Result::is_ok), "{name}");
    }
}

#[test]
fn bad_flows_name_their_line_and_attribute() {
    let errors: Vec<(u64, String, String)> = read_all(sample("bad.xml"))
        .into_iter()
        .filter_map(Result::err)
        .map(|e| (e.line, e.column, e.error))
        .collect();
    assert_eq!(
        errors,
        [
            (4, "quantityKg".into(), "invalid_number".into()),
            (5, "date".into(), "invalid_date".into()),
            (6, "gtin".into(), "invalid_gtin".into()),
            (8, "".into(), "invalid_xml".into()),
            (9, "customsDeclaration".into(), "required".into()),
        ]
    );
}

#[test]
fn an_unusable_root_or_a_doctype_reads_nothing() {
    let adapter = find("rare-earth").unwrap();
    for (xml, column) in [
        ("<flowReport period=\"2026-11\"/>", ""),
        ("<!DOCTYPE x [<!ENTITY a \"b\">]><flowReport/>", ""),
        (
            "<flowReport xmlns=\"urn:tracehub:rare-earth:flow:1\" period=\"2026-13\" stage=\"mining\" enterprise=\"91360702000000019E\" site=\"6970001000016\"><x/></flowReport>",
            "period",
        ),
        ("not xml", ""),
    ] {
        let Err(e) = (adapter.read)(Box::new(xml.as_bytes())) else {
            panic!("{xml} is refused");
        };
        assert_eq!(e.column, column, "{xml}: {e}");
    }
}

#[test]
fn broken_xml_stops_at_its_line() {
    let xml = "<flowReport xmlns=\"urn:tracehub:rare-earth:flow:1\" period=\"2026-11\" stage=\"mining\" enterprise=\"91360702000000019E\" site=\"6970001000016\">\n<output date=\"2026-11-02\"\n</flowReport>";
    let records = read_all(xml.as_bytes().to_vec());
    let last = records.last().unwrap().as_ref().unwrap_err();
    assert_eq!((last.line, last.error.as_str()), (2, "invalid_xml"));
}

#[test]
fn a_file_cut_short_is_not_a_whole_report() {
    let xml = "<flowReport xmlns=\"urn:tracehub:rare-earth:flow:1\" period=\"2026-11\" stage=\"mining\" enterprise=\"91360702000000019E\" site=\"6970001000016\">\n<output date=\"2026-11-02\" gtin=\"06970001000016\" lot=\"C1\" quantityKg=\"1\" reoPercent=\"90\"/>\n";
    let records = read_all(xml.as_bytes().to_vec());
    assert!(records[1].is_ok());
    let last = records.last().unwrap().as_ref().unwrap_err();
    assert_eq!(last.error, "invalid_xml");
    assert!(last.message.contains("cut short"), "{}", last.message);
}

//! Hostile XML and the streaming API.

#![allow(clippy::panic, clippy::unwrap_used)]

use adapters::epcis::json::read_json;
use adapters::epcis::xml::{XmlEventReader, parse_xml, read_xml};
use adapters::epcis::{ErrorKind, MAX_DEPTH};

const EVENT: &str = "<ObjectEvent><eventTime>2024-01-01T00:00:00Z</eventTime><eventTimeZoneOffset>+00:00</eventTimeZoneOffset><epcList><epc>urn:epc:id:sgtin:0614141.107346.2018</epc></epcList><action>OBSERVE</action></ObjectEvent>";

fn doc(prolog: &str, events: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?>{prolog}<epcis:EPCISDocument xmlns:epcis=\"urn:epcglobal:epcis:xsd:2\" schemaVersion=\"2.0\" creationDate=\"2024-01-01T00:00:00Z\"><EPCISBody><EventList>{events}</EventList></EPCISBody></epcis:EPCISDocument>"
    )
}

fn refused(xml: &str) -> String {
    let e = parse_xml(xml.as_bytes()).expect_err("must be refused");
    assert_eq!(e.kind, ErrorKind::Security, "{e}");
    e.to_string()
}

#[test]
fn dtd_with_declarations_is_refused() {
    refused(&doc("<!DOCTYPE x [<!ELEMENT x ANY>]>", EVENT));
    refused(&doc(
        "<!DOCTYPE x SYSTEM \"http://example.com/x.dtd\">",
        EVENT,
    ));
    refused(&doc("<!DOCTYPE x PUBLIC \"-//X//EN\" \"x.dtd\">", EVENT));
}

#[test]
fn external_entity_is_refused() {
    let xml = doc(
        "<!DOCTYPE x [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>",
        &EVENT.replace("OBSERVE", "&xxe;"),
    );
    refused(&xml);
}

#[test]
fn billion_laughs_is_refused() {
    let prolog = "<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\"><!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>";
    refused(&doc(prolog, &EVENT.replace("OBSERVE", "&lol3;")));
}

#[test]
fn undeclared_entities_are_refused_even_without_a_dtd() {
    let msg = refused(&doc("", &EVENT.replace("OBSERVE", "&lol;")));
    assert!(msg.contains("&lol;"), "{msg}");
    let attr = doc(
        "",
        &EVENT.replace("<ObjectEvent>", "<ObjectEvent a=\"&lol;\">"),
    );
    assert!(parse_xml(attr.as_bytes()).is_err());
}

#[test]
fn a_bare_doctype_declares_nothing_and_passes() {
    let d = parse_xml(doc("<!DOCTYPE project>", EVENT).as_bytes()).expect("bare DOCTYPE");
    assert_eq!(d.events.len(), 1);
    // Predefined and character references are plain text.
    let d = parse_xml(doc("", &EVENT.replace("OBSERVE", "OBS&#69;RV&#x45;")).as_bytes())
        .expect("char refs");
    assert_eq!(d.events[0].action.map(|a| a.as_str()), Some("OBSERVE"));
}

#[test]
fn depth_is_capped() {
    let deep = format!(
        "{}{}",
        "<x:a xmlns:x=\"urn:x\">".repeat(MAX_DEPTH + 5),
        "</x:a>".repeat(MAX_DEPTH + 5)
    );
    let xml = doc(
        "",
        &EVENT.replace("</ObjectEvent>", &format!("{deep}</ObjectEvent>")),
    );
    refused(&xml);
}

#[test]
fn malformed_input_never_panics() {
    for bad in [
        "",
        "<",
        "<a>",
        "<epcis:EPCISDocument>",
        "\u{0}\u{1}",
        "<ObjectEvent><eventTime>",
        "{}",
    ] {
        assert!(parse_xml(bad.as_bytes()).is_err(), "{bad:?}");
        assert!(
            adapters::epcis::json::parse_json(bad.as_bytes()).is_err(),
            "{bad:?}"
        );
    }
}

#[test]
fn events_stream_one_by_one() {
    let xml = doc("", &EVENT.repeat(3));
    let reader = XmlEventReader::new(xml.as_bytes()).expect("header");
    assert_eq!(reader.header().schema_version.as_deref(), Some("2.0"));
    let events: Vec<_> = reader.collect::<Result<_, _>>().expect("events");
    assert_eq!(events.len(), 3);
    let mut seen = Vec::new();
    read_xml(xml.as_bytes(), |i, _| seen.push(i)).expect("callback");
    assert_eq!(seen, [0, 1, 2]);
    // An error names the event it is in, after the good ones were handed out.
    let bad = doc("", &format!("{EVENT}{}", EVENT.replace("OBSERVE", "LOOK")));
    let mut got = 0;
    let err = read_xml(bad.as_bytes(), |_, _| got += 1).expect_err("second event is bad");
    assert_eq!((got, err.index, err.field.as_str()), (1, Some(1), "action"));
    assert_eq!(
        err.to_string(),
        "events[1].action: \"LOOK\" is not one of ADD, OBSERVE, DELETE"
    );
}

#[test]
fn json_events_stream_even_with_the_context_last() {
    let ev = r#"{"type":"ObjectEvent","eventTime":"2024-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","epcList":["urn:epc:id:sgtin:0614141.107346.2018"],"action":"OBSERVE","ex:f":"1"}"#;
    let json = format!(
        r#"{{"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2024-01-01T00:00:00Z","epcisBody":{{"eventList":[{ev},{ev}]}},"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{{"ex":"urn:example:"}}]}}"#
    );
    let mut n = Vec::new();
    let header = read_json(json.as_bytes(), |i, e| {
        n.push((i, e.extensions[0].ns.clone()));
    })
    .expect("reads");
    assert_eq!(
        n,
        [
            (0, "urn:example:".to_owned()),
            (1, "urn:example:".to_owned())
        ]
    );
    assert_eq!(header.namespaces.len(), 1);
}

//! The resolver's links as GS1 resolvers answer them: linksets and `linkType` redirects for a
//! stamp's link and a GTIN-only link, and the links the hub issues (and GS1's test vectors)
//! resolving.

use std::time::Duration;

use registry::ids::digital_link::parse_uri;
use registry::ids::element_string::Options;
use registry::stamps::StampLinkBase;
use serde_json::Value;
use tracehub_tests::stamps::{
    GTIN13, GTIN14, LOT, StampWorld, activated, count_scans, get, json_of, link,
};
use tracehub_tests::{assert_error, body};

#[test]
fn linksets_and_redirects_follow_the_gs1_resolver_conventions() {
    let w = StampWorld::new(|c| {
        c.stamps.links.insert(
            "gs1:pip".into(),
            "https://brand.example.cn/p/{gtin}?s={serial}".into(),
        );
        c.stamps.links.insert(
            "gs1:recipeInfo".into(),
            "https://brand.example.cn/r/{gtin}/{lot}".into(),
        );
    });
    let stamp = activated(&w, "qr");
    let path = link(&stamp.serial);

    for response in [
        get(&w, &format!("{path}?linkType=linkset"), "text/html"),
        get(&w, &path, "application/linkset+json"),
        get(&w, &format!("{path}?linkType=all"), "*/*"),
    ] {
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.headers()["content-type"],
            "application/linkset+json"
        );
        let set = body(response);
        let entry = &set["linkset"][0];
        let anchor = entry["anchor"].as_str().unwrap();
        assert!(anchor.ends_with(&path), "{anchor}");
        parse_uri(anchor, &Options::default()).unwrap();
        assert_eq!(entry["https://gs1.org/voc/defaultLink"][0]["href"], anchor);
        assert_eq!(
            entry["https://gs1.org/voc/pip"][0]["href"],
            format!("https://brand.example.cn/p/{GTIN14}?s={}", stamp.serial)
        );
        assert!(entry["https://gs1.org/voc/recipeInfo"].is_array());
        assert!(
            entry
                .get("https://gs1.org/voc/verificationService")
                .is_none(),
            "a QR stamp has no hidden code to verify: {entry}"
        );
    }
    // An anti-counterfeit stamp offers its verification, on the resolver's own origin.
    let verifiable = activated(&w, "anti_counterfeit");
    let set = body(get(
        &w,
        &link(&verifiable.serial),
        "application/linkset+json",
    ));
    let service = set["linkset"][0]["https://gs1.org/voc/verificationService"][0]["href"]
        .as_str()
        .unwrap()
        .to_owned();
    let anchor = set["linkset"][0]["anchor"].as_str().unwrap();
    let origin = &anchor[..anchor.find("/01/").unwrap()];
    assert!(
        service.starts_with(origin) && origin.starts_with("https://"),
        "{service} vs {anchor}"
    );

    let client = w.r.app.client();
    for link_type in ["gs1:pip", "pip", "https://gs1.org/voc/pip"] {
        let response = client
            .get(w.r.app.url(&path))
            .query(&[("linkType", link_type)])
            .send()
            .unwrap();
        assert_eq!(response.status(), 307, "{link_type}");
        assert_eq!(
            response.headers()["location"],
            format!("https://brand.example.cn/p/{GTIN14}?s={}", stamp.serial).as_str()
        );
    }
    let response = client
        .get(w.r.app.url(&format!(
            "/01/{GTIN14}/10/{LOT}/21/{}?linkType=gs1:recipeInfo",
            stamp.serial
        )))
        .send()
        .unwrap();
    assert_eq!(
        response.headers()["location"],
        format!("https://brand.example.cn/r/{GTIN14}/{LOT}").as_str()
    );
    // Every link type the linkset lists can be followed, the built-in ones too.
    let traced = client
        .get(w.r.app.url(&path))
        .query(&[("linkType", "gs1:traceability")])
        .send()
        .unwrap();
    assert_eq!(traced.status(), 307);
    assert!(
        traced.headers()["location"]
            .to_str()
            .unwrap()
            .ends_with(&path)
    );
    let missing = assert_error(
        get(&w, &format!("{path}?linkType=gs1:certificationInfo"), "*/*"),
        404,
        "link_type_not_found",
    );
    assert_eq!(missing["field"], "linkType");
    assert_error(
        get(
            &w,
            &format!("{}?linkType=linkset", link(&StampWorld::unknown_serial())),
            "*/*",
        ),
        404,
        "unknown_serial",
    );
}

#[test]
fn issued_links_and_the_gs1_vectors_resolve() {
    let w = StampWorld::new(|_| {});
    let issued = w.issue("qr", 3);
    for stamp in &issued {
        w.activate(stamp);
        for lot in [None, Some(LOT)] {
            let base = StampLinkBase::new("trace.example.cn", GTIN13, lot).unwrap();
            let uri = base.uri(&stamp.serial.parse().unwrap());
            assert!(uri.len() <= 100, "{uri}");
            let parsed = parse_uri(&uri, &Options::default()).unwrap();
            assert_eq!(parsed.get("01"), Some(GTIN14));
            assert_eq!(parsed.get("10"), lot);
            assert_eq!(parsed.get("21"), Some(stamp.serial.as_str()));
            let path = &uri["https://trace.example.cn".len()..];
            assert_eq!(json_of(&w, path)["verdict"], "active", "{uri}");
        }
    }
    // The GS1 parser's valid vectors of the stamp form resolve (as unknown serials here).
    let vectors = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/conformance/gs1/gs1-digital-link-uri-simple-parser/vectors.jsonl"
    );
    let Ok(vectors) = std::fs::read_to_string(vectors) else {
        eprintln!("no GS1 vectors beside the repository: skipped");
        return;
    };
    let mut resolved = 0;
    for line in vectors.lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        let (Some(uri), Some(true)) = (v["dl_uri"].as_str(), v["should_succeed"].as_bool()) else {
            continue;
        };
        let Some(rest) = uri.strip_prefix("https://") else {
            continue;
        };
        let path = rest.find('/').map_or("", |i| &rest[i..]);
        let path = path.split(['?', '#']).next().unwrap_or_default();
        if registry::stamps::StampPath::parse(path).is_err() {
            continue;
        }
        let r = json_of(&w, path);
        assert_eq!(r["verdict"], "unknown_serial", "{uri}");
        resolved += 1;
    }
    assert!(resolved >= 2, "only {resolved} stamp-form vectors");
}

#[test]
fn a_gtin_only_link_resolves_to_the_product() {
    let w = StampWorld::new(|c| {
        c.stamps
            .links
            .insert("gs1:pip".into(), "https://brand.example.cn/p/{gtin}".into());
        c.stamps.links.insert(
            "gs1:recipeInfo".into(),
            "https://brand.example.cn/r/{gtin}?s={serial}".into(),
        );
    });
    let scans_before = count_scans(&w);
    // GTIN-13 or GTIN-14 in the path: the same product, its link canonical in 14 digits.
    for gtin in [GTIN13, GTIN14] {
        let product = json_of(&w, &format!("/01/{gtin}"));
        assert_eq!(product["gtin"], GTIN14);
        assert!(
            product["uri"]
                .as_str()
                .unwrap()
                .ends_with(&format!("/01/{GTIN14}"))
        );
        assert_eq!(product["story"]["product"]["name"], "速冻水饺");
        assert!(product["story"]["batch"].is_null());
    }
    let page = get(&w, &format!("/01/{GTIN14}?lang=en"), "text/html");
    assert_eq!(page.status(), 200);
    assert!(page.text().unwrap().contains("速冻水饺"));

    // Its linkset: the page, the JSON and the configured links that need no serial.
    let set = body(get(&w, &format!("/01/{GTIN14}?linkType=linkset"), "*/*"));
    let entry = &set["linkset"][0];
    assert!(
        entry["anchor"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/01/{GTIN14}"))
    );
    assert_eq!(
        entry["https://gs1.org/voc/defaultLink"][0]["href"],
        entry["anchor"]
    );
    assert_eq!(
        entry["https://gs1.org/voc/pip"][0]["href"],
        format!("https://brand.example.cn/p/{GTIN14}")
    );
    assert!(
        entry.get("https://gs1.org/voc/recipeInfo").is_none(),
        "{entry}"
    );
    let redirect = get(&w, &format!("/01/{GTIN14}?linkType=gs1:pip"), "*/*");
    assert_eq!(redirect.status(), 307);
    assert_eq!(
        redirect.headers()["location"],
        format!("https://brand.example.cn/p/{GTIN14}").as_str()
    );
    assert_error(
        get(&w, &format!("/01/{GTIN14}?linkType=gs1:recipeInfo"), "*/*"),
        404,
        "link_type_not_found",
    );

    // A GTIN nobody registered, and one with a wrong check digit.
    assert_error(
        get(&w, "/01/09506000134352", "application/json"),
        404,
        "not_found",
    );
    assert_error(
        get(&w, "/01/06901234000017", "application/json"),
        400,
        "invalid_digital_link",
    );
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(
        count_scans(&w),
        scans_before,
        "a GTIN names no pack: no scan is logged"
    );
}

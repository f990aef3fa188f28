use std::collections::HashSet;

use super::*;

const KEY1: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
const KEY2: &str = "f0e1d2c3b4a5968778695a4b3c2d1e0f00112233445566778899aabbccddeeff";

fn ring(entries: &str) -> HiddenCodeKeyRing {
    HiddenCodeKeyRing::from_config(entries).expect("test key ring")
}

fn serial(s: &str) -> Serial {
    Serial::parse(s).expect("test serial")
}

#[test]
fn alphabet_is_unambiguous_and_safe_everywhere() {
    let set: HashSet<u8> = ALPHABET.iter().copied().collect();
    assert_eq!(set.len(), 30);
    for c in b"01OILU" {
        assert!(!set.contains(c), "look-alike {}", *c as char);
    }
    for &c in ALPHABET {
        // RFC 3986 unreserved, GS1 CSET 82, QR alphanumeric mode: upper case and digits are all.
        assert!(c.is_ascii_uppercase() || c.is_ascii_digit());
    }
    assert_eq!(super::super::ALPHABET_STR.as_bytes(), ALPHABET);
}

#[test]
fn entropy_is_at_least_64_bits() {
    let serial_bits = SERIAL_LEN as f64 * 30f64.log2();
    assert!(serial_bits >= 64.0, "{serial_bits}");
    let hidden_bits = HIDDEN_CODE_LEN as f64 * 30f64.log2();
    assert!(hidden_bits >= 48.0, "{hidden_bits}");
    // AI (21) holds at most 20 characters; the EU rules allow identifiers up to 50.
    const { assert!(SERIAL_LEN <= 20) };
}

#[test]
fn a_million_serials_are_distinct_and_valid() {
    let serials = generate_serials(1_000_000);
    assert_eq!(serials.len(), 1_000_000);
    let mut seen = HashSet::with_capacity(serials.len());
    let mut counts = [0u64; 256];
    for s in &serials {
        assert_eq!(Serial::parse(s.as_str()).as_ref(), Ok(s));
        assert!(s.as_str().len() == SERIAL_LEN && SERIAL_LEN <= 50);
        assert!(seen.insert(*s), "duplicate serial {s}");
        for &b in s.as_bytes() {
            counts[usize::from(b)] += 1;
        }
    }
    // Uniform over the alphabet: each of the 30 characters appears 14e6/30 ≈ 466,667 times;
    // a standard deviation is about 670, so 1% is over 6 sigma.
    let expected = (1_000_000 * SERIAL_LEN / 30) as f64;
    for &c in ALPHABET {
        let n = counts[usize::from(c)] as f64;
        assert!((n - expected).abs() / expected < 0.01, "{} {n}", c as char);
    }
}

#[test]
fn generators_agree_on_the_format() {
    let mut rng = rand::rng();
    let one = Serial::generate(&mut rng);
    assert!(Serial::parse(one.as_str()).is_ok());
    let mut generator = SerialGenerator::new(rand::rng());
    let mut batch = [one; 100];
    generator.fill(&mut batch);
    assert!(batch.iter().all(|s| Serial::parse(s.as_str()).is_ok()));
    assert!(batch.iter().all(|s| *s != one));
}

#[test]
fn serial_parsing_rejects_bad_input() {
    assert!(Serial::parse("23456789ABCDEF").is_ok());
    for bad in [
        "",
        "23456789ABCDE",
        "23456789ABCDEFG",
        "23456789abcdef",
        "23456789ABCDE0",
        "23456789ABCDEO",
        "23456789ABCDEI",
        "23456789ABCDEL",
        "23456789ABCDEU",
        "23456789ABCDE/",
        "23456789ABCDÉ",
        "23456789ABCD\u{0}\u{0}",
    ] {
        assert_eq!(
            Serial::parse(bad),
            Err(StampError::InvalidSerial),
            "{bad:?}"
        );
    }
    assert_eq!(
        Serial::parse_lenient(" 2345-6789 abcd ef\n"),
        Ok(serial("23456789ABCDEF"))
    );
    assert!(Serial::parse_lenient("23456789ABCDEFG").is_err());
    assert_eq!(
        "23456789ABCDEF".parse::<Serial>(),
        Ok(serial("23456789ABCDEF"))
    );
}

#[test]
fn serial_serde_round_trip() {
    let s = serial("23456789ABCDEF");
    let json = serde_json::to_string(&s).expect("serialize");
    assert_eq!(json, "\"23456789ABCDEF\"");
    assert_eq!(
        serde_json::from_str::<Serial>(&json).expect("deserialize"),
        s
    );
    assert!(serde_json::from_str::<Serial>("\"nope\"").is_err());
    assert_eq!(format!("{s:?}"), "Serial(23456789ABCDEF)");
}

#[test]
fn hidden_code_has_a_fixed_known_value() {
    // Pinned so that a change to the derivation, which would invalidate every printed stamp,
    // cannot go unnoticed. Cross-checked with Python's hmac module.
    let r = ring(&format!("1:{KEY1}"));
    let code = r
        .hidden_code(1, &serial("23456789ABCDEF"))
        .expect("version 1");
    assert_eq!(code.as_str().len(), HIDDEN_CODE_LEN);
    assert!(code.as_str().bytes().all(|b| ALPHABET.contains(&b)));
    assert_eq!(code.as_str(), "TCTY4RSMRZ");
    assert_eq!(code.grouped(), "TCTY4 RSMRZ");
}

#[test]
fn hidden_code_verifies_only_for_its_serial_and_version() {
    let r = ring(&format!("1:{KEY1},2:{KEY2}"));
    let generated = generate_serials(200);
    for pair in generated.chunks(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let code = r.hidden_code(2, a).expect("v2").to_string();
        assert_eq!(r.verify(2, a, &code), Ok(true));
        assert_eq!(r.verify(2, b, &code), Ok(false), "other serial");
        assert_eq!(r.verify(1, a, &code), Ok(false), "other key version");
    }
    // The version is in the MAC input: the same key under two versions gives different codes.
    let same = ring(&format!("1:{KEY1},2:{KEY1}"));
    let s = serial("23456789ABCDEF");
    assert_ne!(same.hidden_code(1, &s), same.hidden_code(2, &s));
}

#[test]
fn verification_tolerates_how_people_type_and_rejects_wrong_codes() {
    let r = ring(&format!("1:{KEY1}"));
    let s = serial("23456789ABCDEF");
    let code = r.hidden_code(1, &s).expect("v1").to_string();
    for typed in [
        code.clone(),
        code.to_ascii_lowercase(),
        format!("  {} {}\t", &code[..5], &code[5..]),
        format!("{}-{}", &code[..5], &code[5..]),
    ] {
        assert_eq!(r.verify(1, &s, &typed), Ok(true), "{typed:?}");
    }
    let mut wrong = code.clone().into_bytes();
    wrong[9] = if wrong[9] == b'2' { b'3' } else { b'2' };
    let wrong = String::from_utf8(wrong).expect("ascii");
    for typed in [
        "",
        &wrong,
        &code[..9],
        &format!("{code}2"),
        &format!("{}0", &code[..9]),
        "ÉÉÉÉÉÉÉÉÉÉ",
        &"9".repeat(10_000),
    ] {
        assert_eq!(r.verify(1, &s, typed), Ok(false), "{typed:?}");
    }
}

#[test]
fn rotation_keeps_old_stamps_verifiable() {
    let s = serial("23456789ABCDEF");
    let before = ring(&format!("1:{KEY1}"));
    let (v_old, old_code) = before.issue(&s);
    assert_eq!(v_old, 1);

    let after = ring(&format!("1:{KEY1} 2:{KEY2}"));
    assert_eq!(after.current_version(), 2);
    let (v_new, new_code) = after.issue(&s);
    assert_eq!(v_new, 2);
    assert_ne!(old_code, new_code);
    assert_eq!(after.verify(1, &s, old_code.as_str()), Ok(true));
    assert_eq!(after.verify(2, &s, new_code.as_str()), Ok(true));

    // Staging: the new key is known but not yet used for issuing.
    let staged = after.clone().with_current(1).expect("v1 known");
    assert_eq!(staged.issue(&s), (1, old_code));
    assert_eq!(
        after.clone().with_current(3).err(),
        Some(StampError::UnknownKeyVersion(3))
    );

    // Retiring the old key too early is an error, never a silent "not genuine".
    let retired = ring(&format!("2:{KEY2}"));
    assert_eq!(
        retired.verify(1, &s, old_code.as_str()),
        Err(StampError::UnknownKeyVersion(1))
    );
    assert_eq!(after.versions().collect::<Vec<_>>(), vec![1, 2]);
}

#[test]
fn keys_parse_from_hex_and_never_print() {
    let key = HiddenCodeKey::from_hex(&format!(" {KEY1}\n")).expect("hex key");
    assert_eq!(key.expose_hex(), KEY1);
    assert!(!format!("{key:?}").contains("0001"));
    let r = ring(&format!("7:{KEY1}"));
    let debug = format!("{r:?}");
    assert!(
        debug.contains("current: 7") && !debug.contains("0001"),
        "{debug}"
    );
    let code = r.issue(&serial("23456789ABCDEF")).1;
    assert_eq!(format!("{code:?}"), "HiddenCode(..)");

    for bad in [
        "",
        "00",
        &KEY1[..62],
        &format!("{}zz", &KEY1[..62]),
        &"00".repeat(32),
    ] {
        assert!(
            matches!(HiddenCodeKey::from_hex(bad), Err(StampError::InvalidKey(_))),
            "{bad:?}"
        );
    }
    let fresh = HiddenCodeKey::generate(&mut rand::rng());
    assert_eq!(
        HiddenCodeKey::from_hex(&fresh.expose_hex())
            .expect("round trip")
            .expose_hex(),
        fresh.expose_hex()
    );
}

#[test]
fn key_ring_configuration_errors() {
    for bad in [
        "",
        " , ",
        "1",
        &format!("x:{KEY1}"),
        &format!("70000:{KEY1}"),
        &format!("1:{KEY1},1:{KEY2}"),
        "1:00",
    ] {
        assert!(HiddenCodeKeyRing::from_config(bad).is_err(), "{bad:?}");
    }
    let key = || HiddenCodeKey::from_hex(KEY1).expect("key");
    assert!(HiddenCodeKeyRing::new(2, [(1, key())]).is_err());
    assert!(HiddenCodeKeyRing::new(1, [(1, key())]).is_ok());
}

//! Tests of the verdict and the story.

use super::*;
use crate::testing::now;

fn stamp() -> StampRecord {
    StampRecord {
        serial: "K7M3K7M3K7M3K7".into(),
        order_id: 1,
        kind: "qr".into(),
        gtin: "06901234000016".into(),
        product_id: 1,
        enterprise_id: 1,
        company_prefix: "6901234".into(),
        key_version: None,
        batch_id: Some(3),
        activated_at: None,
        revoked_at: None,
        revocation_id: None,
        scans: 0,
    }
}

#[test]
fn verdicts() {
    let gtin = "06901234000016";
    let s = stamp();
    assert_eq!(judge(None, gtin, None, None), Verdict::UnknownSerial);
    assert_eq!(
        judge(Some(&s), "09506000134352", None, Some("L1")),
        Verdict::GtinMismatch
    );
    assert_eq!(judge(Some(&s), gtin, None, Some("L1")), Verdict::Active);
    assert_eq!(
        judge(Some(&s), gtin, Some("L1"), Some("L1")),
        Verdict::Active
    );
    assert_eq!(
        judge(Some(&s), gtin, Some("L2"), Some("L1")),
        Verdict::LotMismatch
    );
    let idle = StampRecord {
        batch_id: None,
        ..stamp()
    };
    assert_eq!(
        judge(Some(&idle), gtin, Some("L1"), None),
        Verdict::NotActivated
    );
    let revoked = StampRecord {
        revoked_at: Some(now()),
        ..stamp()
    };
    assert_eq!(
        judge(Some(&revoked), gtin, None, Some("L1")),
        Verdict::Revoked
    );
    assert!(!Verdict::Active.is_warning() && Verdict::Revoked.is_warning());
}

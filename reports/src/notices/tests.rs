//! Rendering in each language, and the fallback for topics without a template.

use registry::notices::{Audience, Notice};
use serde_json::json;

use super::*;

fn listed() -> Notice {
    Notice {
        topic: "blacklist.listed".into(),
        audience: vec![Audience::AllDepartments],
        params: json!({
            "enterprise_name": "郑州食品",
            "credit_code": "91110000600037341L",
            "department": "郑州市市场监督管理局",
            "penalty": "licence_revoked",
            "decision_number": "豫市监罚〔2026〕12号",
            "reason": "生产销售假冒伪劣食品",
            "listed_on": "2026-11-29",
            "removable_from": "2027-11-29",
        }),
        source: "blacklist:3".into(),
    }
}

#[test]
fn a_listing_reads_in_each_language() {
    let zh = render(&listed(), Locale::ZhCn);
    assert_eq!(
        zh.subject,
        "严重失信主体名单：郑州食品（91110000600037341L）被列入"
    );
    assert!(zh.body.contains("处罚：吊销许可证"));
    assert!(zh.body.contains("最早可移出日期：2027-11-29"));
    assert!(zh.body.ends_with("来源：blacklist:3\n"));
    let vi = render(&listed(), Locale::Vi);
    assert!(
        vi.subject
            .starts_with("Danh sách vi phạm nghiêm trọng: 郑州食品")
    );
    assert!(vi.body.contains("Hình thức xử phạt: Tước giấy phép"));
    let en = render(&listed(), Locale::En);
    assert_eq!(
        en.subject,
        "Blacklist: 郑州食品 (91110000600037341L) listed"
    );
    assert!(
        en.body
            .contains("Penalty: Licence revoked\nPenalty decision: 豫市监罚〔2026〕12号")
    );
    assert!(
        !en.body.contains('{'),
        "every placeholder filled: {}",
        en.body
    );
}

#[test]
fn alerts_of_any_kind_render_and_unknown_topics_fall_back() {
    let alert = |kind: &str| Notice {
        topic: format!("alert.{kind}"),
        audience: vec![],
        params: json!({ "alert_id": 17, "kind": kind, "severity": "critical", "subject": "stamp:K7M3", "enterprise_id": null, "detail": { "scans": 40 } }),
        source: "alert:17".into(),
    };
    let known = render(&alert("stamp.scan_limit"), Locale::ZhCn);
    assert_eq!(known.subject, "【严重】预警：扫描次数超出限值");
    assert!(known.body.contains("企业编号：—"));
    assert!(known.body.contains(r#"详情：{"scans":40}"#));
    // The resolver's kinds (`stamp_*`) have their labels too.
    let resolver = render(&alert("stamp_implausible_travel"), Locale::En);
    assert_eq!(
        resolver.subject,
        "[Critical] Alert: Scans too far apart for the time between them"
    );
    let fake = render(&alert("stamp_fake_report"), Locale::ZhCn);
    assert_eq!(fake.subject, "【严重】预警：收到疑似假冒举报");
    let new_kind = render(&alert("cylinder.refill_elsewhere"), Locale::Vi);
    assert_eq!(
        new_kind.subject,
        "[Nghiêm trọng] Cảnh báo: cylinder.refill_elsewhere"
    );

    let odd = Notice {
        topic: "spot_check.task_drawn".into(),
        audience: vec![],
        params: json!({ "task": 9, "due": "2026-12-20" }),
        source: "spot_check:9".into(),
    };
    let en = render(&odd, Locale::En);
    assert_eq!(en.subject, "Notice: spot_check.task_drawn");
    assert!(en.body.contains("due: 2026-12-20\ntask: 9"));
    assert_eq!(
        render(&odd, Locale::ZhCn).subject,
        "通知：spot_check.task_drawn"
    );
}

#[test]
fn subjects_stay_on_one_short_line() {
    let mut notice = listed();
    notice.params["enterprise_name"] = json!(format!("A\r\nBcc: x@y{}", "长".repeat(300)));
    let subject = render(&notice, Locale::En).subject;
    assert!(!subject.contains('\n') && !subject.contains('\r'));
    assert_eq!(subject.chars().count(), 200);
}

#[test]
fn every_stamp_alert_kind_has_a_label_in_every_language() {
    for kind in registry::stamps::alert_kind::ALL {
        for locale in [Locale::ZhCn, Locale::Vi, Locale::En] {
            assert_ne!(labels::alert_kind(kind, locale), kind, "{kind} {locale:?}");
        }
    }
}

#[test]
fn decisions_on_an_enterprise_are_told_in_its_language_with_the_reason() {
    let decided = |topic: &str, reason: Option<&str>| Notice {
        topic: topic.into(),
        audience: vec![],
        params: json!({ "enterprise_name": "郑州食品", "credit_code": "91110000600037341L", "department": "郑州市市场监督管理局", "decided_on": "2026-12-06", "reason": reason, "change_id": 4 }),
        source: "enterprise-history:9".into(),
    };
    let suspended = render(
        &decided("enterprise.suspended", Some("未按期整改")),
        Locale::ZhCn,
    );
    assert_eq!(suspended.subject, "郑州食品：暂停");
    assert!(suspended.body.contains("理由：未按期整改"));
    assert!(suspended.body.contains("郑州市市场监督管理局"));
    let approved = render(&decided("enterprise.approved", None), Locale::En);
    assert_eq!(approved.subject, "郑州食品: registration approved");
    assert!(approved.body.contains("Reason: —"));
    let change = render(
        &decided("enterprise.change_rejected", Some("证照不符")),
        Locale::Vi,
    );
    assert_eq!(change.subject, "郑州食品: yêu cầu thay đổi bị từ chối");
    assert!(change.body.contains("số 4"));
    for topic in registry::enterprises::DECISION_TOPICS.map(|(_, topic)| topic) {
        for locale in [Locale::ZhCn, Locale::Vi, Locale::En] {
            let text = render(&decided(topic, Some("r")), locale);
            assert!(!text.subject.contains(topic), "{topic} {locale:?}");
            assert!(!text.subject.starts_with("Notice"), "{topic} {locale:?}");
        }
    }
}

#[test]
fn a_blacklist_proposal_names_its_legal_basis() {
    let proposed = Notice {
        topic: "blacklist.proposed".into(),
        audience: vec![],
        params: json!({ "proposal_id": 3, "enterprise_name": "郑州食品", "credit_code": "91110000600037341L", "penalty": "licence_revoked", "decision_number": "豫市监罚〔2026〕12号", "legal_basis": "第二条", "reason": "假冒", "proposed_by": "user:zz-food" }),
        source: "blacklist-proposal:3".into(),
    };
    let zh = render(&proposed, Locale::ZhCn);
    assert!(zh.subject.starts_with("待批准"));
    assert!(zh.body.contains("法律依据：第二条"));
    assert!(zh.body.contains("处罚：吊销许可证"));
}

#[test]
fn spot_check_notices_fill_every_placeholder_in_each_language() {
    let notices = [
        (
            "spotcheck.assigned",
            json!({ "plan_id": 3, "title": "2026年第四季度食品抽查", "department": "郑州市市场监督管理局", "window_start": "2026-12-07", "window_end": "2027-01-06", "items": "FOOD-LABEL-01", "tasks": 2, "enterprises": "#1 郑州食品\n#4 中原乳业" }),
        ),
        (
            "spotcheck.drawn",
            json!({ "plan_id": 3, "title": "2026年第四季度食品抽查", "department": "郑州市市场监督管理局", "window_start": "2026-12-07", "window_end": "2027-01-06", "items": "FOOD-LABEL-01" }),
        ),
        (
            "spotcheck.result_due",
            json!({ "task_id": 9, "title": "2026年第四季度食品抽查", "window_end": "2027-01-06", "reminder": 1 }),
        ),
        (
            "spotcheck.publication_due",
            json!({ "task_id": 9, "title": "2026年第四季度食品抽查", "window_end": "2027-01-06", "reminder": 2 }),
        ),
        (
            "spotcheck.published",
            json!({ "task_id": 9, "title": "2026年第四季度食品抽查", "department": "郑州市市场监督管理局", "outcome": "fail", "findings": "标签不合格", "sha256": "ab".repeat(32) }),
        ),
    ];
    for (topic, params) in notices {
        let notice = Notice {
            topic: topic.into(),
            audience: vec![Audience::Users { ids: vec![1] }],
            params,
            source: "spot-check-task:9".into(),
        };
        for locale in [Locale::ZhCn, Locale::Vi, Locale::En] {
            let r = render(&notice, locale);
            assert!(
                !r.subject.contains('{') && !r.body.contains('{') && !r.body.contains('—'),
                "{topic} {locale:?}: {r:?}"
            );
        }
    }
    let published = render(
        &Notice {
            topic: "spotcheck.published".into(),
            audience: vec![],
            params: json!({ "outcome": "fail", "title": "t" }),
            source: "s".into(),
        },
        Locale::ZhCn,
    );
    assert_eq!(published.subject, "【抽查结果公示】t：不合格");
}

#[test]
fn the_html_alternative_escapes_and_keeps_paragraphs_and_lines() {
    let html = html("A <b> & C", "line 1\nline <2>\n\nsecond", Locale::Vi);
    assert!(html.contains("<html lang=\"vi\">"));
    assert!(html.contains("<h1 style=\"font-size:1.25em\">A &lt;b&gt; &amp; C</h1>"));
    assert!(html.contains("<p>line 1<br>\nline &lt;2&gt;</p>\n<p>second</p>"));
}

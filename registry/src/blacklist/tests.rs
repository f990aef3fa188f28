//! Blacklist rules on the backend the test environment selects.

use chrono::Duration;

use super::*;
use crate::departments::Category;
use crate::enterprises::{Decision, NewEnterprise, decide, register};
use crate::error::Code;
use crate::filings::batches::{NewBatch, create_batch};
use crate::filings::products::{NewProduct, create_product};
use crate::identity::{Actor, AuthMethod};
use crate::notices::Notice;
use crate::testing::TestDb;
use crate::testing::{blacklist_enterprise, colleague, now, officer};

/// An active food enterprise in 410102 (approved by `approver`), and its user.
fn active_enterprise(conn: &mut DbConn, approver: &Actor) -> (i64, Actor) {
    let (ent, user) = register(
        conn,
        now(),
        &NewEnterprise {
            credit_code: "91110000600037341L".into(),
            name: "郑州食品".into(),
            name_en: "Zhengzhou Food".into(),
            legal_representative: "李四".into(),
            phone: "0371-12345678".into(),
            email: "a@example.cn".into(),
            region_code: "410102".into(),
            address: "郑州市".into(),
            latitude: None,
            longitude: None,
            company_prefix: Some("6901234".into()),
            categories: vec![Category::Food],
            username: "zz-dairy".into(),
            password: "a long enough password".into(),
        },
    )
    .unwrap();
    decide(conn, now(), approver, ent.id, Decision::Approve, None).unwrap();
    (ent.id, Actor::for_user(&user, AuthMethod::Session))
}

fn proposal(enterprise_id: i64) -> NewProposal {
    NewProposal {
        enterprise_id,
        penalty: Penalty::LicenceRevoked,
        decision_number: "豫市监罚〔2026〕12号".into(),
        legal_basis: "《市场监督管理严重违法失信名单管理办法》第二条".into(),
        reason: "生产销售假冒伪劣食品".into(),
    }
}

fn code_of<T: std::fmt::Debug>(result: Result<T>) -> Code {
    match result {
        Err(RegistryError::Denied { code, .. } | RegistryError::Conflict { code, .. }) => code,
        Err(RegistryError::Invalid { code, .. }) => code,
        other => panic!("not refused: {other:?}"),
    }
}

fn tier(conn: &mut DbConn, ent: i64) -> &'static str {
    crate::enterprises::load_enterprise(conn, ent)
        .unwrap()
        .credit_tier
        .as_str()
}

fn removal() -> Removal {
    Removal {
        reason: "处罚已履行完毕".into(),
        penalties_fulfilled: true,
        no_new_heavy_penalty: true,
    }
}

/// The blacklist's notices enqueued, in order (the enterprise's approval aside).
fn notices_queued(conn: &mut DbConn) -> Vec<Notice> {
    crate::testing::notices_queued(conn)
        .into_iter()
        .filter(|n| n.topic.starts_with("blacklist."))
        .collect()
}

#[test]
fn an_officer_of_the_competent_department_lists_once_and_removes_after_a_year() {
    let test = TestDb::new();
    let mut conn = test.db().conn().unwrap();
    let conn = &mut *conn;
    let competent = officer(
        conn,
        "zz-food",
        "410100",
        Category::Food,
        AuthMethod::Session,
    );
    let drugs = officer(
        conn,
        "zz-drugs",
        "410100",
        Category::Drugs,
        AuthMethod::Session,
    );
    let (ent, ent_user) = active_enterprise(conn, &competent);

    let second = colleague(conn, &competent);

    for stranger in [&drugs, &ent_user] {
        assert_eq!(
            code_of(propose(conn, now(), stranger, &proposal(ent))),
            Code::OutsideJurisdiction
        );
    }
    for field in ["decision_number", "legal_basis"] {
        let mut blank = proposal(ent);
        match field {
            "decision_number" => blank.decision_number = " ".into(),
            _ => blank.legal_basis = String::new(),
        }
        assert!(matches!(
            propose(conn, now(), &competent, &blank),
            Err(RegistryError::Invalid { field: f, .. }) if f == field
        ));
    }
    assert!(matches!(
        propose(conn, now(), &competent, &proposal(999)),
        Err(RegistryError::Invalid { field, .. }) if field == "enterprise_id"
    ));

    // One officer proposes; the enterprise is not listed until a second approves.
    let proposed = propose(conn, now(), &competent, &proposal(ent)).unwrap();
    assert_eq!(proposed.status, "pending");
    assert!(current_listing(conn, ent).unwrap().is_none());
    assert_eq!(
        pending_proposal(conn, ent).unwrap().unwrap().id,
        proposed.id
    );
    assert_eq!(
        code_of(propose(conn, now(), &second, &proposal(ent))),
        Code::AlreadyProposed
    );
    assert_eq!(
        code_of(approve(conn, now(), &competent, proposed.id)),
        Code::OwnProposal
    );
    let same_user_at_the_command_line = Actor {
        method: AuthMethod::Cli,
        ..competent.clone()
    };
    assert_eq!(
        code_of(approve(
            conn,
            now(),
            &same_user_at_the_command_line,
            proposed.id
        )),
        Code::OwnProposal,
        "the same user signed in another way is still the proposer"
    );
    assert_eq!(
        code_of(approve(conn, now(), &drugs, proposed.id)),
        Code::OutsideJurisdiction
    );
    assert_eq!(tier(conn, ent), "B");
    let listed = approve(conn, now(), &second, proposed.id).unwrap();
    assert_eq!(listed.penalty, "licence_revoked");
    assert_eq!(listed.company_prefix, "6901234");
    assert_eq!(listed.proposed_by, "user:zz-food");
    assert_eq!(listed.listed_by, "user:zz-food-2");
    assert_eq!(listed.legal_basis, proposed.legal_basis);
    assert_eq!(
        listed.removable_from,
        listed
            .listed_at
            .date()
            .checked_add_months(chrono::Months::new(12))
            .unwrap()
    );
    assert_eq!(current_listing(conn, ent).unwrap().unwrap().id, listed.id);
    let decided = find_proposal(conn, proposed.id).unwrap();
    assert_eq!(
        (decided.status.as_str(), decided.listing_id),
        ("approved", Some(listed.id))
    );
    assert_eq!(
        code_of(approve(conn, now(), &second, proposed.id)),
        Code::ProposalDecided
    );
    assert_eq!(
        code_of(propose(conn, now(), &competent, &proposal(ent))),
        Code::AlreadyListed
    );

    // While listed the credit tier is D, and stays D.
    assert_eq!((tier(conn, ent), listed.tier_before.as_str()), ("D", "B"));
    assert_eq!(
        code_of(crate::enterprises::set_credit_tier(
            conn,
            now(),
            &competent,
            ent,
            crate::enterprises::CreditTier::A,
            "good record",
            None
        )),
        Code::TierFixedWhileListed
    );

    let queued = notices_queued(conn);
    assert_eq!(queued.len(), 2);
    assert_eq!(queued[0].topic, "blacklist.proposed");
    assert_eq!(
        queued[0].audience,
        [crate::notices::Audience::Department {
            id: competent.department_id.unwrap()
        }]
    );
    let queued = &queued[1..];
    assert_eq!(queued[0].topic, "blacklist.listed");
    assert_eq!(queued[0].source, format!("blacklist:{}", listed.id));
    assert_eq!(queued[0].params["credit_code"], "91110000600037341L");
    assert!(
        queued[0]
            .audience
            .contains(&crate::notices::Audience::Ministries)
    );
    assert!(
        queued[0]
            .audience
            .contains(&crate::notices::Audience::AllDepartments)
    );

    // Not before a year.
    assert!(matches!(
        remove_listing(conn, now(), &competent, listed.id, &removal()),
        Err(RegistryError::Conflict {
            code: Code::NotYetRemovable,
            ..
        })
    ));
    diesel::update(blacklist::table.find(listed.id))
        .set(blacklist::removable_from.eq((now() - Duration::days(1)).date()))
        .execute(conn)
        .unwrap();
    let unconfirmed = Removal {
        no_new_heavy_penalty: false,
        ..removal()
    };
    assert!(matches!(
        remove_listing(conn, now(), &competent, listed.id, &unconfirmed),
        Err(RegistryError::Invalid { field, .. }) if field == "no_new_heavy_penalty"
    ));
    assert!(matches!(
        remove_listing(conn, now(), &drugs, listed.id, &removal()),
        Err(RegistryError::Denied { .. })
    ));
    let removed = remove_listing(conn, now(), &competent, listed.id, &removal()).unwrap();
    assert_eq!(removed.removed_by.as_deref(), Some("user:zz-food"));
    assert_eq!(
        (removed.penalties_fulfilled, removed.no_new_heavy_penalty),
        (Some(true), Some(true))
    );
    assert!(current_listing(conn, ent).unwrap().is_none());
    assert_eq!(tier(conn, ent), "B", "removal gives back the tier before");
    assert!(matches!(
        remove_listing(conn, now(), &competent, listed.id, &removal()),
        Err(RegistryError::Conflict {
            code: Code::ListingRemoved,
            ..
        })
    ));
    let queued = notices_queued(conn);
    assert_eq!(queued.len(), 3);
    assert_eq!(queued[2].topic, "blacklist.removed");
    // The enterprise's history shows both decisions, with their reasons.
    let decisions: Vec<_> = crate::enterprises::history(conn, ent)
        .unwrap()
        .into_iter()
        .filter(|h| h.action.starts_with("enterprise.blacklist"))
        .collect();
    assert_eq!(decisions.len(), 2);
    assert_eq!(decisions[0].action, "enterprise.blacklist");
    assert_eq!(
        decisions[0].after["decision_number"],
        listed.decision_number
    );
    assert_eq!(decisions[1].action, "enterprise.blacklist_remove");
    assert!(decisions[1].before["removed_at"].is_null());
    assert!(!decisions[1].after["removed_at"].is_null());
    assert_eq!(decisions[1].actor, "user:zz-food");

    // A proposal rejected (here withdrawn by its proposer, with a reason) lists nothing.
    let withdrawn = propose(conn, now(), &competent, &proposal(ent)).unwrap();
    assert!(matches!(
        reject(conn, now(), &competent, withdrawn.id, " "),
        Err(RegistryError::Invalid { field, .. }) if field == "reason"
    ));
    let withdrawn = reject(conn, now(), &competent, withdrawn.id, "证据不足").unwrap();
    assert_eq!(withdrawn.status, "rejected");
    assert_eq!(withdrawn.decision_note.as_deref(), Some("证据不足"));
    assert!(current_listing(conn, ent).unwrap().is_none());
    assert_eq!(
        notices_queued(conn).last().unwrap().topic,
        "blacklist.proposal_rejected"
    );

    // Listed again later: a new listing beside the removed record.
    let again_proposed = propose(conn, now(), &second, &proposal(ent)).unwrap();
    let again = approve(conn, now(), &competent, again_proposed.id).unwrap();
    assert_ne!(again.id, listed.id);
    let all = list_listings(
        conn,
        &ListingFilter {
            include_removed: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(
        list_listings(conn, &ListingFilter::default())
            .unwrap()
            .len(),
        1
    );
    let all_filter = ListingFilter {
        include_removed: true,
        ..Default::default()
    };
    assert_eq!(count_listings(conn, &all_filter).unwrap(), 2);
    assert_eq!(count_public(conn).unwrap(), 1);
    let named = list_listed(conn, &all_filter).unwrap();
    assert_eq!(
        named
            .iter()
            .map(|l| (l.listing.id, l.enterprise_name.as_str()))
            .collect::<Vec<_>>(),
        [(again.id, "郑州食品"), (listed.id, "郑州食品")]
    );
    assert_eq!(named[0].credit_code, "91110000600037341L");
}

#[test]
fn the_public_sees_open_listings_and_filings_while_listed_are_flagged() {
    let test = TestDb::new();
    let mut conn = test.db().conn().unwrap();
    let conn = &mut *conn;
    let competent = officer(
        conn,
        "zz-food",
        "410100",
        Category::Food,
        AuthMethod::Session,
    );
    let (ent, me) = active_enterprise(conn, &competent);
    let product = |gtin: &str| NewProduct {
        gtin: gtin.into(),
        name: "牛奶".into(),
        category: Category::Food,
        specification: String::new(),
        shelf_life_days: Some(30),
        target_markets: vec![],
    };
    let before = create_product(conn, now(), &me, ent, &product("06901234000016")).unwrap();
    assert_eq!(before.flagged, None);

    blacklist_enterprise(conn, &competent, ent);
    let published = public_listings(conn, Paging::default()).unwrap();
    assert_eq!(published.len(), 1);
    assert_eq!(published[0].enterprise_name, "郑州食品");
    assert_eq!(published[0].credit_code, "91110000600037341L");
    assert_eq!(published[0].penalty, "licence_revoked");
    assert!(published[0].legal_basis.contains("第二条"));

    let during = create_product(conn, now(), &me, ent, &product("06901234000023")).unwrap();
    assert_eq!(during.flagged.as_deref(), Some(BLACKLISTED_FLAG));
    let batch = create_batch(
        conn,
        now(),
        &me,
        ent,
        &NewBatch {
            product_id: during.id,
            lot: "L1".into(),
            production_date: chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            expiry_date: None,
            quantity: 10.0,
            unit: "box".into(),
            site_id: None,
            inputs: vec![],
        },
    )
    .unwrap();
    assert_eq!(batch.flagged.as_deref(), Some(BLACKLISTED_FLAG));

    // What was filed while listed stays flagged after removal; what was filed before does not.
    diesel::update(blacklist::table)
        .set(blacklist::removed_at.eq(now()))
        .execute(conn)
        .unwrap();
    assert!(public_listings(conn, Paging::default()).unwrap().is_empty());
    let products =
        crate::filings::products::list_products(conn, &me, ent, Paging::default()).unwrap();
    let flags: Vec<_> = products.iter().map(|p| p.flagged.as_deref()).collect();
    assert_eq!(flags, vec![None, Some(BLACKLISTED_FLAG)]);
}

#[test]
fn a_rolled_back_approval_sends_nothing_and_lists_nothing() {
    let test = TestDb::new();
    let db = test.db();
    let (competent, ent) = {
        let mut conn = db.conn().unwrap();
        let competent = officer(
            &mut conn,
            "zz-food",
            "410100",
            Category::Food,
            AuthMethod::Session,
        );
        let (ent, _) = active_enterprise(&mut conn, &competent);
        (competent, ent)
    };
    let failed: Result<()> = db.transaction(|conn| {
        let proposed = propose(conn, now(), &competent, &proposal(ent))?;
        let second = colleague(conn, &competent);
        approve(conn, now(), &second, proposed.id)?;
        Err(RegistryError::conflict(Code::Conflict, "roll back"))
    });
    assert!(failed.is_err());
    let mut conn = db.conn().unwrap();
    assert!(notices_queued(&mut conn).is_empty());
    assert!(current_listing(&mut conn, ent).unwrap().is_none());
}

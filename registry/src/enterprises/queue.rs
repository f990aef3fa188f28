//! The review queue's second half: key-data changes and licences awaiting a decision, across the
//! enterprises an actor may review (pending registrations are a [`search`](super::search) by
//! status).

use diesel::prelude::*;
use serde::Serialize;

use super::changes::{Change, Row as ChangeRow, from_row};
use super::search::Jurisdiction;
use crate::db::DbConn;
use crate::error::Code;
use crate::error::{RegistryError, Result};
use crate::identity::Actor;
use crate::regions::within_coverage;
use crate::schema::{enterprise_categories, enterprise_changes, enterprises};

/// A proposed change, with the enterprise it would change.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PendingChange {
    pub change: Change,
    pub enterprise_name: String,
    pub credit_code: String,
    pub region_code: String,
}

/// One page of pending changes, oldest first.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PendingChangePage {
    pub items: Vec<PendingChange>,
    /// Pending changes over all pages.
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// The pending changes of enterprises in `actor`'s jurisdiction (administrators: all), oldest
/// first, `per_page` (1 to 100) at a time.
pub fn pending_changes(
    conn: &mut DbConn,
    actor: &Actor,
    page: i64,
    per_page: i64,
) -> Result<PendingChangePage> {
    if page < 1 {
        return Err(RegistryError::invalid(
            Code::InvalidPage,
            "page",
            "must be 1 or more",
        ));
    }
    if !(1..=100).contains(&per_page) {
        return Err(RegistryError::invalid(
            Code::InvalidPage,
            "per_page",
            "must be 1 to 100",
        ));
    }
    let scope = Jurisdiction::of(conn, actor)?;
    // The filters, built twice: once to count, once for the page.
    let pending = || {
        let mut q = enterprise_changes::table
            .inner_join(enterprises::table)
            .filter(enterprise_changes::status.eq("pending"))
            .into_boxed();
        if let Some(coverage) = scope.region() {
            q = within_coverage!(q, enterprises::region_code, coverage);
        }
        if let Some(cats) = scope.categories() {
            q = q.filter(
                enterprises::id.eq_any(
                    enterprise_categories::table
                        .filter(enterprise_categories::category.eq_any(cats.to_vec()))
                        .select(enterprise_categories::enterprise_id),
                ),
            );
        }
        q
    };
    let total: i64 = pending().count().get_result(conn)?;
    let rows = pending()
        .order(enterprise_changes::id.asc())
        .limit(per_page)
        .offset((page - 1).saturating_mul(per_page))
        .select((
            enterprise_changes::all_columns,
            enterprises::name,
            enterprises::credit_code,
            enterprises::region_code,
        ))
        .load::<(ChangeRow, String, String, String)>(conn)?;
    let items = rows
        .into_iter()
        .map(
            |(change, enterprise_name, credit_code, region_code)| PendingChange {
                change: from_row(change),
                enterprise_name,
                credit_code,
                region_code,
            },
        )
        .collect();
    Ok(PendingChangePage {
        items,
        total,
        page,
        per_page,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::departments::{Category, NewDepartment, create_department};
    use crate::enterprises::{Decision, EnterpriseUpdate, NewEnterprise, decide, update_own};
    use crate::identity::{AuthMethod, NewUser, Role, create_user};
    use crate::ids::uscc::{organisation_code_check_char, uscc_check_char};
    use crate::testing::{TestDb, now};

    fn officer(conn: &mut DbConn, code: &str, region: &str) -> Actor {
        let dept = create_department(
            conn,
            now(),
            &NewDepartment {
                code: code.into(),
                name: code.into(),
                name_en: String::new(),
                region_code: region.into(),
                categories: vec![Category::Food],
            },
        )
        .unwrap();
        let user = create_user(
            conn,
            now(),
            &NewUser {
                username: format!("officer-{}", code.to_lowercase()),
                display_name: code.into(),
                email: None,
                password: None,
                role: Role::Officer,
                department_id: Some(dept.id),
                enterprise_id: None,
                locale: None,
                category: None,
            },
        )
        .unwrap();
        Actor::for_user(&user, AuthMethod::Cli)
    }

    /// A valid credit code of region `region` and serial `n`.
    fn code(region: &str, n: u32) -> String {
        let org = format!("{n:08}");
        let org = format!("{org}{}", organisation_code_check_char(&org).unwrap());
        let body = format!("91{region}{org}");
        format!("{body}{}", uscc_check_char(&body).unwrap())
    }

    fn active_enterprise(conn: &mut DbConn, n: u32, region: &str, reviewer: &Actor) -> Actor {
        let (enterprise, user) = crate::enterprises::register(
            conn,
            now(),
            &NewEnterprise {
                credit_code: code(region, n),
                name: format!("企业 {n}"),
                name_en: String::new(),
                legal_representative: "王五".into(),
                phone: "0371-1234567".into(),
                email: "q@example.cn".into(),
                region_code: region.into(),
                address: "路 1 号".into(),
                latitude: None,
                longitude: None,
                company_prefix: None,
                categories: vec![Category::Food],
                username: format!("user{n}"),
                password: "a long enough password".into(),
            },
        )
        .unwrap();
        decide(
            conn,
            now(),
            reviewer,
            enterprise.id,
            Decision::Approve,
            None,
        )
        .unwrap();
        Actor::for_user(&user, AuthMethod::Session)
    }

    #[test]
    fn pending_changes_are_listed_within_the_jurisdiction_only() {
        let test = TestDb::new();
        let mut conn = test.db().conn().unwrap();
        let conn = &mut *conn;
        let zhengzhou = officer(conn, "ZZ", "410100");
        let luoyang = officer(conn, "LY", "410300");
        let near = active_enterprise(conn, 1, "410102", &zhengzhou);
        let far = active_enterprise(conn, 2, "410302", &luoyang);
        for (who, name) in [(&near, "新名称"), (&far, "另一个名称")] {
            let id = who.enterprise_id.unwrap();
            let update = EnterpriseUpdate {
                name: Some(name.into()),
                ..Default::default()
            };
            update_own(conn, now(), who, id, &update).unwrap();
        }
        let mine = pending_changes(conn, &zhengzhou, 1, 20).unwrap();
        assert_eq!(mine.total, 1);
        assert_eq!(
            mine.items[0].change.enterprise_id,
            near.enterprise_id.unwrap()
        );
        assert_eq!(mine.items[0].change.payload["name"], "新名称");
        let admin = Actor {
            role: Role::Admin,
            department_id: None,
            ..zhengzhou.clone()
        };
        assert_eq!(pending_changes(conn, &admin, 1, 20).unwrap().total, 2);
        assert!(pending_changes(conn, &admin, 2, 1).unwrap().items.len() == 1);
        assert!(matches!(
            pending_changes(conn, &near, 1, 20),
            Err(RegistryError::Denied { .. })
        ));
        assert!(matches!(
            pending_changes(conn, &admin, 1, 101),
            Err(RegistryError::Invalid { field, .. }) if field == "per_page"
        ));
    }
}

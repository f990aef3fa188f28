//! Writing validated import lines: the clash check against the registry and the multi-row
//! inserts.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{LineError, Valid};
use crate::db::DbConn;
use crate::enterprises::model::Status;
use crate::enterprises::register::search_name;
use crate::error::{Code, RegistryError, Result};
use crate::identity::with_article;
use crate::schema::{
    enterprise_categories, enterprise_history, enterprise_search, enterprises, licences,
};

/// Runs a multi-row insert on the concrete connection (diesel's batch insert is not available
/// through the multi-connection backend), as `events` does.
macro_rules! per_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            DbConn::Pg($c) => $body,
            DbConn::Sqlite($c) => $body,
        }
    };
}

/// The lines whose credit code, company prefix or licence the registry already holds.
pub(super) fn clashes(conn: &mut DbConn, lines: &[Valid]) -> Result<Vec<LineError>> {
    let codes: Vec<&str> = lines.iter().map(|v| v.credit_code.as_str()).collect();
    let prefixes: Vec<&str> = lines
        .iter()
        .filter_map(|v| v.company_prefix.as_deref())
        .collect();
    let numbers: Vec<&str> = lines
        .iter()
        .filter_map(|v| v.licence.as_ref().map(|l| l.number.as_str()))
        .collect();
    let codes: HashSet<String> = enterprises::table
        .filter(enterprises::credit_code.eq_any(&codes))
        .select(enterprises::credit_code)
        .load(conn)?
        .into_iter()
        .collect();
    let prefixes: HashSet<Option<String>> = enterprises::table
        .filter(enterprises::company_prefix.eq_any(&prefixes))
        .select(enterprises::company_prefix)
        .load(conn)?
        .into_iter()
        .collect();
    let licences: HashSet<(String, String)> = licences::table
        .filter(licences::number.eq_any(&numbers))
        .select((licences::licence_type, licences::number))
        .load(conn)?
        .into_iter()
        .collect();
    let mut errors = Vec::new();
    for v in lines {
        let error = if codes.contains(&v.credit_code) {
            Some((
                "credit_code",
                Code::CreditCodeTaken,
                format!(
                    "an enterprise with credit code {} is registered",
                    v.credit_code
                ),
            ))
        } else if prefixes.contains(&v.company_prefix) && v.company_prefix.is_some() {
            Some((
                "company_prefix",
                Code::CompanyPrefixTaken,
                "the GS1 company prefix belongs to another enterprise".to_owned(),
            ))
        } else {
            v.licence
                .as_ref()
                .filter(|l| licences.contains(&(l.licence_type.clone(), l.number.clone())))
                .map(|l| {
                    (
                        "licence_number",
                        Code::LicenceTaken,
                        format!(
                            "{} licence numbered {} is on file",
                            with_article(&l.licence_type),
                            l.number
                        ),
                    )
                })
        };
        if let Some((column, code, message)) = error {
            errors.push(LineError::new(v.line, column, code, message));
        }
    }
    Ok(errors)
}

/// Writes validated lines: enterprises (multi-row, ids returned by credit code), their search
/// names, categories, licences and history entries.
pub(super) fn write_chunk(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &str,
    lines: &[Valid],
) -> Result<()> {
    if lines.is_empty() {
        return Ok(());
    }
    let rows: Vec<_> = lines
        .iter()
        .map(|v| {
            (
                enterprises::credit_code.eq(&v.credit_code),
                enterprises::name.eq(&v.name),
                enterprises::name_en.eq(&v.name_en),
                enterprises::legal_representative.eq(&v.legal_representative),
                enterprises::phone.eq(&v.phone),
                enterprises::email.eq(&v.email),
                enterprises::region_code.eq(&v.region_code),
                enterprises::address.eq(&v.address),
                enterprises::latitude.eq(v.latitude),
                enterprises::longitude.eq(v.longitude),
                enterprises::company_prefix.eq(&v.company_prefix),
                enterprises::status.eq(Status::Active.as_str()),
                enterprises::credit_tier.eq(v.credit_tier.as_str()),
                (
                    enterprises::created_at.eq(now),
                    enterprises::updated_at.eq(now),
                ),
            )
        })
        .collect();
    let insert = diesel::insert_into(enterprises::table)
        .values(rows)
        .returning((enterprises::credit_code, enterprises::id));
    let ids: HashMap<String, i64> = per_backend!(&mut *conn, |c| insert
        .get_results::<(String, i64)>(c))?
    .into_iter()
    .collect();
    let id_of = |v: &Valid| {
        ids.get(&v.credit_code)
            .copied()
            .ok_or_else(|| RegistryError::Config(format!("import: no id for line {}", v.line)))
    };
    let mut names = Vec::with_capacity(lines.len());
    let mut categories = Vec::new();
    let mut licence_rows = Vec::new();
    let mut history = Vec::new();
    for v in lines {
        let id = id_of(v)?;
        names.push((
            enterprise_search::enterprise_id.eq(id),
            enterprise_search::search_name.eq(search_name(&v.name, &v.name_en)),
        ));
        for c in &v.categories {
            categories.push((
                enterprise_categories::enterprise_id.eq(id),
                enterprise_categories::category.eq(c.as_str()),
            ));
        }
        if let Some(l) = &v.licence {
            licence_rows.push((
                licences::enterprise_id.eq(id),
                licences::licence_type.eq(&l.licence_type),
                licences::number.eq(&l.number),
                licences::valid_from.eq(l.valid_from),
                licences::valid_to.eq(l.valid_to),
                licences::authority.eq(&l.authority),
                licences::created_at.eq(now),
            ));
        }
        history.push((
            enterprise_history::enterprise_id.eq(id),
            enterprise_history::at.eq(now),
            enterprise_history::actor.eq(actor),
            enterprise_history::action.eq("enterprise.import"),
            enterprise_history::before.eq("null"),
            enterprise_history::after.eq(after_json(id, v, now)),
            enterprise_history::note.eq(Some(format!("imported, line {}", v.line))),
        ));
    }
    let insert = diesel::insert_into(enterprise_search::table).values(names);
    per_backend!(&mut *conn, |c| insert.execute(c))?;
    let insert = diesel::insert_into(enterprise_categories::table).values(categories);
    per_backend!(&mut *conn, |c| insert.execute(c))?;
    if !licence_rows.is_empty() {
        let insert = diesel::insert_into(licences::table).values(licence_rows);
        per_backend!(&mut *conn, |c| insert.execute(c))?;
    }
    let insert = diesel::insert_into(enterprise_history::table).values(history);
    per_backend!(&mut *conn, |c| insert.execute(c))?;
    Ok(())
}

/// The record as the history shows it after the import (the shape of `Enterprise`).
fn after_json(id: i64, v: &Valid, now: chrono::NaiveDateTime) -> String {
    serde_json::json!({
        "id": id,
        "credit_code": v.credit_code,
        "name": v.name,
        "name_en": v.name_en,
        "legal_representative": v.legal_representative,
        "phone": v.phone,
        "email": v.email,
        "region_code": v.region_code,
        "address": v.address,
        "latitude": v.latitude,
        "longitude": v.longitude,
        "company_prefix": v.company_prefix,
        "categories": v.categories,
        "status": Status::Active,
        "status_reason": null,
        "credit_tier": v.credit_tier,
        "created_at": crate::time::rfc3339(now),
        "updated_at": crate::time::rfc3339(now),
    })
    .to_string()
}

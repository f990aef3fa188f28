//! A consumer's complaint about a product: named by its stamp (link or serial) or by GTIN and
//! lot, with a description, a contact and optionally a photo (stored by the hub in the document
//! store). It is kept in `recall_complaints` and raised as a `recall.complaint` alert to the
//! departments competent for the producer (critical when the lot is under an open recall), so
//! it reaches them as any alert does. Audited by its caller as the public.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::open::product_of;
use super::open_recall_of_lot;
use crate::alerts::{self, NewAlert, Severity};
use crate::db::DbConn;
use crate::departments::Category;
use crate::error::Code;
use crate::error::{RegistryError, Result};
use crate::schema::{batches, enterprises, recall_complaints};
use crate::stamps::StampPath;
use crate::stamps::resolve::find_stamp;

/// The alert kind of a complaint.
pub const COMPLAINT_ALERT: &str = "recall.complaint";

/// A complaint as the public writes it. Name the product by `stamp` or by `gtin` (and `lot`).
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewComplaint {
    /// The stamp's link (`https://.../01/{gtin}/10/{lot}/21/{serial}`) or the serial printed on it.
    #[serde(default)]
    #[schema(max_length = 300)]
    pub stamp: String,
    /// The product's GTIN (8, 12, 13 or 14 digits), when there is no stamp.
    #[serde(default)]
    #[schema(max_length = 14)]
    pub gtin: String,
    /// The lot printed on the pack.
    #[serde(default)]
    #[schema(max_length = 20)]
    pub lot: String,
    /// What is wrong.
    #[schema(min_length = 1, max_length = 4000, pattern = r"\S")]
    pub description: String,
    /// How to reach the consumer (phone or e-mail).
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub contact: String,
}

/// A photo placed in the document store.
#[derive(Debug, Clone)]
pub struct StoredPhoto {
    pub sha256: String,
    pub storage: String,
}

/// A stored complaint.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Complaint {
    pub id: i64,
    pub gtin: String,
    pub lot: String,
    /// The open recall case of the lot, if any.
    pub case_id: Option<i64>,
    /// The alert raised.
    pub alert_id: Option<i64>,
    /// The photo's SHA-256, when one was sent.
    pub photo_sha256: Option<String>,
    #[serde(with = "crate::time::as_rfc3339")]
    pub reported_at: NaiveDateTime,
}

fn too_long(field: &str, value: &str, max: usize) -> Result<()> {
    if value.chars().count() > max {
        return Err(RegistryError::invalid(
            Code::TooLong,
            field,
            format!("at most {max} characters"),
        ));
    }
    Ok(())
}

/// (gtin14, lot, serial) named by the complaint.
fn product_named(conn: &mut DbConn, new: &NewComplaint) -> Result<(String, String, String)> {
    let stamp = new.stamp.trim();
    if !stamp.is_empty() {
        let serial = match stamp.find("/01/") {
            Some(at) => {
                StampPath::parse(&stamp[at..])
                    .map_err(|e| {
                        RegistryError::invalid(Code::InvalidDigitalLink, "stamp", e.to_string())
                    })?
                    .serial
            }
            None => stamp
                .chars()
                .filter(|c| !c.is_whitespace() && *c != '-')
                .flat_map(char::to_uppercase)
                .collect(),
        };
        let found = find_stamp(conn, &serial)?.ok_or_else(|| {
            RegistryError::invalid(
                Code::UnknownSerial,
                "stamp",
                "no stamp with this serial was issued",
            )
        })?;
        let lot = match found.batch_id {
            Some(batch) => batches::table
                .find(batch)
                .select(batches::lot)
                .first(conn)?,
            None => new.lot.trim().to_owned(),
        };
        return Ok((format!("{:0>14}", found.gtin), lot, serial));
    }
    let gtin = new.gtin.trim();
    if gtin.is_empty() {
        return Err(RegistryError::invalid(
            Code::InvalidGtin,
            "gtin",
            "name the product by its stamp or its GTIN",
        ));
    }
    let gtin14 = crate::stamps::link::gtin14(gtin)
        .map_err(|e| RegistryError::invalid(Code::InvalidGtin, "gtin", e.to_string()))?;
    Ok((gtin14, new.lot.trim().to_owned(), String::new()))
}

/// Stores a complaint from the client with `client_hash` and raises its alert.
pub fn file_complaint(
    conn: &mut DbConn,
    now: NaiveDateTime,
    new: &NewComplaint,
    photo: Option<&StoredPhoto>,
    client_hash: &str,
) -> Result<Complaint> {
    too_long("stamp", &new.stamp, 300)?;
    too_long("lot", &new.lot, 20)?;
    let description =
        crate::enterprises::text("description", &new.description, 4000).map_err(|_| {
            RegistryError::invalid(
                Code::InvalidDescription,
                "description",
                "say what is wrong, in 1 to 4000 characters",
            )
        })?;
    let contact = crate::enterprises::text("contact", &new.contact, 200)?;
    let (gtin, lot, serial) = product_named(conn, new)?;
    let (product, category, producer) = product_of(conn, &gtin)?.ok_or_else(|| {
        RegistryError::invalid(
            Code::UnknownProduct,
            if serial.is_empty() { "gtin" } else { "stamp" },
            "no product is registered under this GTIN",
        )
    })?;
    let (region, prefix): (String, Option<String>) = enterprises::table
        .find(producer)
        .select((enterprises::region_code, enterprises::company_prefix))
        .first(conn)?;
    let recall = if lot.is_empty() {
        None
    } else {
        open_recall_of_lot(conn, &gtin, &lot)?
    };
    let subject = if lot.is_empty() {
        format!("gtin:{gtin}")
    } else {
        format!("lot:https://id.gs1.org/01/{gtin}/10/{lot}")
    };
    let alert = alerts::raise(
        conn,
        now,
        &NewAlert {
            kind: COMPLAINT_ALERT,
            severity: if recall.is_some() {
                Severity::Critical
            } else {
                Severity::Warning
            },
            enterprise_id: Some(producer),
            region_code: &region,
            category: Category::parse(&category, "category").ok(),
            company_prefix: prefix.as_deref().unwrap_or(""),
            subject: &subject,
            detail: json!({
                "gtin": gtin,
                "lot": lot,
                "serial": serial,
                "product": product,
                "description": description,
                "contact": contact,
                "photo_sha256": photo.map(|p| p.sha256.clone()),
                "recall_case": recall.as_ref().map(|r| r.case_id),
            }),
            dedupe_key: None,
        },
    )?;
    let alert_id = alert.map(|a| a.id);
    let id: i64 = diesel::insert_into(recall_complaints::table)
        .values((
            recall_complaints::gtin.eq(&gtin),
            recall_complaints::lot.eq(&lot),
            recall_complaints::serial.eq(&serial),
            recall_complaints::description.eq(description),
            recall_complaints::contact.eq(contact),
            recall_complaints::photo_sha256.eq(photo.map(|p| p.sha256.clone())),
            recall_complaints::photo_storage.eq(photo.map(|p| p.storage.clone())),
            recall_complaints::client_hash.eq(client_hash),
            recall_complaints::case_id.eq(recall.as_ref().map(|r| r.case_id)),
            recall_complaints::alert_id.eq(alert_id),
            recall_complaints::reported_at.eq(now),
        ))
        .returning(recall_complaints::id)
        .get_result(conn)?;
    Ok(Complaint {
        id,
        gtin,
        lot,
        case_id: recall.map(|r| r.case_id),
        alert_id,
        photo_sha256: photo.map(|p| p.sha256.clone()),
        reported_at: now,
    })
}

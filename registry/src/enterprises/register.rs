//! Self-registration and changes by the enterprise itself.
//!
//! Before approval (pending or rejected) the enterprise edits its data freely, and an edit of a
//! rejected registration resubmits it (pending again). Once approved, contact data changes at
//! once, but key data (names, credit code, categories, company prefix) is only proposed: an
//! `enterprise_changes` row that the competent department approves (then applied) or rejects.
//! The enterprise stays active meanwhile.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::changes::{self, Change, ChangeKind};
use super::history::record;
use super::model::{Enterprise, Status, load_enterprise, own_enterprise, set_categories};
use crate::db::DbConn;
use crate::departments::Category;
use crate::error::Code;
use crate::error::{RegistryError, Result};
use crate::identity::{self, Actor, NewUser, Role, User};
use crate::ids::gs1::CompanyPrefix;
use crate::ids::uscc::UnifiedSocialCreditCode;
use crate::schema::{enterprise_search, enterprises};

/// A self-registration: the enterprise and its first user.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEnterprise {
    #[schema(pattern = r"^[0-9A-HJ-NPQRTUWXY]{18}$")]
    pub credit_code: String,
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub name: String,
    #[serde(default)]
    pub name_en: String,
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub legal_representative: String,
    pub phone: String,
    pub email: String,
    pub region_code: String,
    #[schema(min_length = 1, max_length = 500, pattern = r"\S")]
    pub address: String,
    #[serde(default)]
    pub latitude: Option<f64>,
    #[serde(default)]
    pub longitude: Option<f64>,
    #[serde(default)]
    pub company_prefix: Option<String>,
    pub categories: Vec<Category>,
    /// The first user's sign-in name.
    pub username: String,
    pub password: String,
}

/// A change to an enterprise's data; absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(min_properties = 1)]
pub struct EnterpriseUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(pattern = r"^[0-9A-HJ-NPQRTUWXY]{18}$")]
    pub credit_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub categories: Option<Vec<Category>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_prefix: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub legal_representative: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(min_length = 1, max_length = 500, pattern = r"\S")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
}

impl EnterpriseUpdate {
    /// Splits into (key data, which needs review once approved; the rest).
    fn split(self) -> (EnterpriseUpdate, EnterpriseUpdate) {
        let key = EnterpriseUpdate {
            credit_code: self.credit_code,
            name: self.name,
            name_en: self.name_en,
            categories: self.categories,
            company_prefix: self.company_prefix,
            ..Default::default()
        };
        let rest = EnterpriseUpdate {
            legal_representative: self.legal_representative,
            phone: self.phone,
            email: self.email,
            address: self.address,
            latitude: self.latitude,
            longitude: self.longitude,
            ..Default::default()
        };
        (key, rest)
    }

    fn is_empty(&self) -> bool {
        *self == EnterpriseUpdate::default()
    }
}

/// A non-empty text of at most `max` characters (as the OpenAPI `maxLength` counts), trimmed.
pub(crate) fn text<'a>(field: &str, value: &'a str, max: usize) -> Result<&'a str> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > max {
        return Err(RegistryError::invalid(
            Code::InvalidText,
            field,
            format!("must be 1 to {max} characters"),
        ));
    }
    Ok(value)
}

pub(crate) fn credit_code(value: &str) -> Result<String> {
    UnifiedSocialCreditCode::parse(value)
        .map(|c| c.as_str().to_owned())
        .map_err(|e| RegistryError::invalid(Code::InvalidCreditCode, "credit_code", e.to_string()))
}

pub(crate) fn company_prefix(value: &str) -> Result<String> {
    CompanyPrefix::parse(value)
        .map(|p| p.as_str().to_owned())
        .map_err(|e| {
            RegistryError::invalid(Code::InvalidCompanyPrefix, "company_prefix", e.to_string())
        })
}

pub(crate) fn phone(value: &str) -> Result<&str> {
    let value = value.trim();
    let digits = value.bytes().filter(u8::is_ascii_digit).count();
    if (5..=20).contains(&digits)
        && value
            .bytes()
            .all(|b| b.is_ascii_digit() || b"+- ()".contains(&b))
    {
        Ok(value)
    } else {
        Err(RegistryError::invalid(
            Code::InvalidPhone,
            "phone",
            "must be 5 to 20 digits, with optional '+', '-', ' ', '(' or ')'",
        ))
    }
}

pub(crate) fn email(value: &str) -> Result<&str> {
    let value = value.trim();
    match value.split_once('@') {
        Some((local, domain))
            if !local.is_empty() && domain.contains('.') && value.len() <= 254 =>
        {
            Ok(value)
        }
        _ => Err(RegistryError::invalid(
            Code::InvalidEmail,
            "email",
            "is not an e-mail address",
        )),
    }
}

/// Checks a coordinate pair (WGS 84 degrees).
pub(crate) fn coordinates(latitude: Option<f64>, longitude: Option<f64>) -> Result<()> {
    if latitude.is_some_and(|v| !(-90.0..=90.0).contains(&v)) {
        return Err(RegistryError::invalid(
            Code::InvalidCoordinate,
            "latitude",
            "must be between -90 and 90",
        ));
    }
    if longitude.is_some_and(|v| !(-180.0..=180.0).contains(&v)) {
        return Err(RegistryError::invalid(
            Code::InvalidCoordinate,
            "longitude",
            "must be between -180 and 180",
        ));
    }
    Ok(())
}

pub(crate) fn categories(cats: &[Category]) -> Result<Vec<Category>> {
    if cats.is_empty() {
        return Err(RegistryError::invalid(
            Code::InvalidCategory,
            "categories",
            "at least one category is required",
        ));
    }
    let mut cats = cats.to_vec();
    cats.sort();
    cats.dedup();
    Ok(cats)
}

/// Fails with 409 naming the field when another enterprise holds this credit code or prefix.
fn check_unique(
    conn: &mut DbConn,
    id: i64,
    code: Option<&str>,
    prefix: Option<&str>,
) -> Result<()> {
    if let Some(code) = code {
        let taken: i64 = enterprises::table
            .filter(enterprises::credit_code.eq(code))
            .filter(enterprises::id.ne(id))
            .count()
            .get_result(conn)?;
        if taken > 0 {
            return Err(RegistryError::Conflict {
                code: Code::CreditCodeTaken,
                field: Some("credit_code".into()),
                message: format!("an enterprise with credit code {code} is registered"),
            });
        }
    }
    if let Some(prefix) = prefix {
        let taken: i64 = enterprises::table
            .filter(enterprises::company_prefix.eq(prefix))
            .filter(enterprises::id.ne(id))
            .count()
            .get_result(conn)?;
        if taken > 0 {
            return Err(RegistryError::Conflict {
                code: Code::CompanyPrefixTaken,
                field: Some("company_prefix".into()),
                message: format!("GS1 company prefix {prefix} belongs to another enterprise"),
            });
        }
    }
    Ok(())
}

/// Registers an enterprise (pending review) and its first user, in the caller's transaction.
pub fn register(
    conn: &mut DbConn,
    now: NaiveDateTime,
    new: &NewEnterprise,
) -> Result<(Enterprise, User)> {
    let code = credit_code(&new.credit_code)?;
    let name = text("name", &new.name, 200)?;
    let legal = text("legal_representative", &new.legal_representative, 100)?;
    let phone = phone(&new.phone)?;
    let email = email(&new.email)?;
    crate::regions::validate_region(conn, &new.region_code, "region_code")?;
    let address = text("address", &new.address, 500)?;
    coordinates(new.latitude, new.longitude)?;
    let prefix = new
        .company_prefix
        .as_deref()
        .map(company_prefix)
        .transpose()?;
    let cats = categories(&new.categories)?;
    check_unique(conn, 0, Some(&code), prefix.as_deref())?;
    let id = diesel::insert_into(enterprises::table)
        .values((
            enterprises::credit_code.eq(&code),
            enterprises::name.eq(name),
            enterprises::name_en.eq(new.name_en.trim()),
            enterprises::legal_representative.eq(legal),
            enterprises::phone.eq(phone),
            enterprises::email.eq(email),
            enterprises::region_code.eq(&new.region_code),
            enterprises::address.eq(address),
            enterprises::latitude.eq(new.latitude),
            enterprises::longitude.eq(new.longitude),
            enterprises::company_prefix.eq(&prefix),
            enterprises::status.eq(Status::Pending.as_str()),
            enterprises::credit_tier.eq("B"),
            enterprises::created_at.eq(now),
            enterprises::updated_at.eq(now),
        ))
        .returning(enterprises::id)
        .get_result::<i64>(conn)?;
    set_categories(conn, id, &cats)?;
    diesel::insert_into(enterprise_search::table)
        .values((
            enterprise_search::enterprise_id.eq(id),
            enterprise_search::search_name.eq(search_name(name, new.name_en.trim())),
        ))
        .execute(conn)?;
    let user = identity::create_user(
        conn,
        now,
        &NewUser {
            username: new.username.clone(),
            display_name: legal.to_owned(),
            email: Some(email.to_owned()),
            password: Some(new.password.clone()),
            role: Role::Enterprise,
            department_id: None,
            enterprise_id: Some(id),
            locale: None,
            category: None,
        },
    )?;
    let enterprise = load_enterprise(conn, id)?;
    record(
        conn,
        now,
        id,
        &format!("user:{}", user.username),
        "enterprise.register",
        &serde_json::Value::Null,
        &enterprise,
        None,
    )?;
    Ok((enterprise, user))
}

/// Validates every field present, normalising them.
fn validate(update: &EnterpriseUpdate) -> Result<EnterpriseUpdate> {
    Ok(EnterpriseUpdate {
        credit_code: update.credit_code.as_deref().map(credit_code).transpose()?,
        name: update
            .name
            .as_deref()
            .map(|v| text("name", v, 200).map(str::to_owned))
            .transpose()?,
        name_en: update.name_en.as_ref().map(|v| v.trim().to_owned()),
        categories: update.categories.as_deref().map(categories).transpose()?,
        company_prefix: update
            .company_prefix
            .as_deref()
            .map(company_prefix)
            .transpose()?,
        legal_representative: update
            .legal_representative
            .as_deref()
            .map(|v| text("legal_representative", v, 100).map(str::to_owned))
            .transpose()?,
        phone: update
            .phone
            .as_deref()
            .map(|v| phone(v).map(str::to_owned))
            .transpose()?,
        email: update
            .email
            .as_deref()
            .map(|v| email(v).map(str::to_owned))
            .transpose()?,
        address: update
            .address
            .as_deref()
            .map(|v| text("address", v, 500).map(str::to_owned))
            .transpose()?,
        latitude: update.latitude,
        longitude: update.longitude,
    })
    .and_then(|u| coordinates(u.latitude, u.longitude).map(|()| u))
}

/// Writes a validated update to the enterprise row (and categories); `status` when given.
pub(crate) fn apply(
    conn: &mut DbConn,
    now: NaiveDateTime,
    id: i64,
    update: &EnterpriseUpdate,
    status: Option<Status>,
) -> Result<()> {
    check_unique(
        conn,
        id,
        update.credit_code.as_deref(),
        update.company_prefix.as_deref(),
    )?;
    let target = enterprises::table.find(id);
    diesel::update(target)
        .set(enterprises::updated_at.eq(now))
        .execute(conn)?;
    macro_rules! set {
        ($field:ident, $value:expr) => {
            if let Some(value) = $value {
                diesel::update(target)
                    .set(enterprises::$field.eq(value))
                    .execute(conn)?;
            }
        };
    }
    set!(credit_code, &update.credit_code);
    set!(name, &update.name);
    set!(name_en, &update.name_en);
    set!(company_prefix, update.company_prefix.as_ref().map(Some));
    set!(legal_representative, &update.legal_representative);
    set!(phone, &update.phone);
    set!(email, &update.email);
    set!(address, &update.address);
    set!(latitude, update.latitude.map(Some));
    set!(longitude, update.longitude.map(Some));
    set!(status, status.map(Status::as_str));
    if update.name.is_some() || update.name_en.is_some() {
        let (name, name_en) = enterprises::table
            .find(id)
            .select((enterprises::name, enterprises::name_en))
            .first::<(String, String)>(conn)?;
        diesel::delete(enterprise_search::table.find(id)).execute(conn)?;
        diesel::insert_into(enterprise_search::table)
            .values((
                enterprise_search::enterprise_id.eq(id),
                enterprise_search::search_name.eq(search_name(&name, &name_en)),
            ))
            .execute(conn)?;
    }
    if let Some(cats) = &update.categories {
        set_categories(conn, id, cats)?;
    }
    Ok(())
}

/// The local and English names as search compares them: Unicode lower case, one per line.
pub(crate) fn search_name(name: &str, name_en: &str) -> String {
    format!("{name}\n{name_en}").to_lowercase()
}

/// What an update by the enterprise did: the record now, and the key-data change awaiting
/// review, if one was proposed.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UpdateOutcome {
    pub enterprise: Enterprise,
    pub proposed_change: Option<Change>,
}

/// An update by the enterprise's own user (see the module note for what goes to review).
pub fn update_own(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    id: i64,
    update: &EnterpriseUpdate,
) -> Result<UpdateOutcome> {
    let before = own_enterprise(conn, actor, id)?;
    let update = validate(update)?;
    if update.is_empty() {
        return Err(RegistryError::invalid(
            Code::EmptyUpdate,
            "body",
            "name at least one field to change",
        ));
    }
    let who = actor.audit_name();
    match before.status {
        Status::Revoked => Err(RegistryError::conflict(
            Code::EnterpriseRevoked,
            "a revoked enterprise cannot change its data",
        )),
        Status::Pending | Status::Rejected => {
            apply(conn, now, id, &update, Some(Status::Pending))?;
            let after = load_enterprise(conn, id)?;
            let action = if before.status == Status::Rejected {
                "enterprise.resubmit"
            } else {
                "enterprise.update"
            };
            record(conn, now, id, &who, action, &before, &after, None)?;
            Ok(UpdateOutcome {
                enterprise: after,
                proposed_change: None,
            })
        }
        Status::Active | Status::Suspended => {
            let (key, rest) = update.split();
            if !rest.is_empty() {
                apply(conn, now, id, &rest, None)?;
                let after = load_enterprise(conn, id)?;
                record(
                    conn,
                    now,
                    id,
                    &who,
                    "enterprise.update",
                    &before,
                    &after,
                    None,
                )?;
            }
            let proposed_change = if key.is_empty() {
                None
            } else {
                check_unique(
                    conn,
                    id,
                    key.credit_code.as_deref(),
                    key.company_prefix.as_deref(),
                )?;
                Some(changes::propose(
                    conn,
                    now,
                    id,
                    &who,
                    ChangeKind::Update,
                    &key,
                )?)
            };
            Ok(UpdateOutcome {
                enterprise: load_enterprise(conn, id)?,
                proposed_change,
            })
        }
    }
}

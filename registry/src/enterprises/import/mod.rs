//! Bulk import of enterprises for a department moving from an older system.
//!
//! The caller reads the file (`adapters::enterprise_csv`) and hands each line to an
//! [`Importer`] inside one transaction. Every line is validated as a registration is (same
//! checks, same error codes, the column named), plus: the importing officer's department must
//! be competent for it (`outside_jurisdiction`), and no credit code, company prefix or licence
//! may repeat within the file or clash with the registry. Good lines are written in chunks of
//! [`CHUNK`] (multi-row inserts), as active enterprises with their categories, an optional
//! licence, and one `enterprise.import` history entry each.
//!
//! Unless `skip_bad` is set, the first bad line stops the writing (the rest is still checked,
//! so the report lists every bad line) and the report says nothing was written: the caller
//! must then roll its transaction back. With `skip_bad`, bad lines are reported and the good
//! ones written.
//!
//! The multi-row inserts run on the concrete connection (diesel's batch insert does not pass
//! through `MultiConnection`). The caller (`hub::ops::import`) audits the whole import once (the
//! file's SHA-256, the counts, the lines skipped): a hundred thousand audit-chain appends would
//! cost more than the import.

use std::collections::HashSet;

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

mod write;

use super::model::CreditTier;
use super::register::{categories, company_prefix, coordinates, credit_code, email, phone, text};
use crate::db::DbConn;
use crate::departments::{Category, Department, find_department};
use crate::error::Code;
use crate::error::{RegistryError, Result};
use crate::identity::{Actor, Role};
use crate::regions::{Country, check_code, stored_country};

/// The columns of an import file, in the order the hub writes them. The header row names the
/// columns (in any order); [`REQUIRED_COLUMNS`] must be present, the others may be.
pub const IMPORT_COLUMNS: [&str; 18] = [
    "credit_code",
    "name",
    "name_en",
    "legal_representative",
    "phone",
    "email",
    "region_code",
    "address",
    "latitude",
    "longitude",
    "company_prefix",
    "categories",
    "credit_tier",
    "licence_type",
    "licence_number",
    "licence_valid_from",
    "licence_valid_to",
    "licence_authority",
];

/// The columns every import file has.
pub const REQUIRED_COLUMNS: [&str; 8] = [
    "credit_code",
    "name",
    "legal_representative",
    "phone",
    "email",
    "region_code",
    "address",
    "categories",
];

/// Lines written per multi-row insert.
pub const CHUNK: usize = 500;

/// One line of an import file as read: every column as text (empty when absent).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportRecord {
    /// The line number in the file (the header is line 1).
    pub line: u64,
    pub credit_code: String,
    pub name: String,
    pub name_en: String,
    pub legal_representative: String,
    pub phone: String,
    pub email: String,
    pub region_code: String,
    pub address: String,
    pub latitude: String,
    pub longitude: String,
    pub company_prefix: String,
    /// Category names separated by `;` (e.g. `food;drugs`).
    pub categories: String,
    /// `A` to `D`; empty for the default `B`.
    pub credit_tier: String,
    pub licence_type: String,
    pub licence_number: String,
    pub licence_valid_from: String,
    pub licence_valid_to: String,
    pub licence_authority: String,
}

/// What is wrong with one line.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct LineError {
    pub line: u64,
    /// The column at fault ("" when the line as a whole is unreadable).
    pub column: String,
    /// The same stable code the API's validation uses, e.g. `invalid_credit_code`.
    pub error: String,
    /// What is wrong, in the caller's language when the API answers in zh-CN or vi.
    pub message: String,
    /// The message as raised (English, naming the value at fault), when `message` is a
    /// translation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl LineError {
    /// An error of `code` on `column` of `line`.
    pub fn new(line: u64, column: &str, code: Code, message: impl Into<String>) -> Self {
        Self {
            line,
            column: column.to_owned(),
            error: code.as_str().to_owned(),
            message: message.into(),
            detail: None,
        }
    }
}

/// The outcome of an import.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    /// Data lines read (the header not counted).
    pub lines: u64,
    /// Enterprises written (0 when `written` is false).
    pub imported: u64,
    /// Whether anything was written: false when a bad line stopped an all-or-nothing import.
    pub written: bool,
    /// Every bad line, in file order (a line may have one error: its first).
    pub errors: Vec<LineError>,
}

/// A line that passed validation, normalised.
struct Valid {
    line: u64,
    credit_code: String,
    name: String,
    name_en: String,
    legal_representative: String,
    phone: String,
    email: String,
    region_code: String,
    address: String,
    latitude: Option<f64>,
    longitude: Option<f64>,
    company_prefix: Option<String>,
    categories: Vec<Category>,
    credit_tier: CreditTier,
    licence: Option<Licence>,
}

struct Licence {
    licence_type: String,
    number: String,
    valid_from: NaiveDate,
    valid_to: NaiveDate,
    authority: String,
}

/// An import in progress (see the module note).
pub struct Importer {
    actor: String,
    /// When the import began: the time of every row it writes.
    now: NaiveDateTime,
    department: Option<Department>,
    country: Country,
    skip_bad: bool,
    seen_codes: HashSet<String>,
    seen_prefixes: HashSet<String>,
    seen_licences: HashSet<(String, String)>,
    pending: Vec<Valid>,
    report: ImportReport,
}

impl std::fmt::Debug for Importer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Importer({} lines)", self.report.lines)
    }
}

/// Turns a validation error into a line error on `column` (the field the rule names, mapped to
/// the file's column).
fn line_error(line: u64, column: &str, error: RegistryError) -> LineError {
    match error {
        RegistryError::Invalid { code, message, .. } => LineError::new(line, column, code, message),
        RegistryError::Conflict { code, message, .. } => {
            LineError::new(line, column, code, message)
        }
        RegistryError::Denied { code, message } => LineError::new(line, column, code, message),
        other => LineError::new(line, column, Code::InvalidValue, other.to_string()),
    }
}

fn optional(value: &str) -> Option<&str> {
    Some(value.trim()).filter(|v| !v.is_empty())
}

fn number(line: u64, column: &str, value: &str) -> Result<Option<f64>, LineError> {
    optional(value)
        .map(|v| {
            v.parse::<f64>().map_err(|_| {
                LineError::new(
                    line,
                    column,
                    Code::InvalidCoordinate,
                    format!("{v:?} is not a number"),
                )
            })
        })
        .transpose()
}

fn date(line: u64, column: &str, value: &str) -> Result<NaiveDate, LineError> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").map_err(|_| {
        LineError::new(
            line,
            column,
            Code::InvalidDate,
            format!("{value:?} is not a date YYYY-MM-DD"),
        )
    })
}

impl Importer {
    /// Starts an import by `actor`: an officer (within their department's jurisdiction) or an
    /// administrator.
    pub fn begin(
        conn: &mut DbConn,
        now: NaiveDateTime,
        actor: &Actor,
        skip_bad: bool,
    ) -> Result<Importer> {
        if let DbConn::Pg(pg) = conn {
            // The tables grow within this one transaction, where statistics do not follow: a
            // plan cached while they were small (a scan of `licences`) would stay and make the
            // import quadratic. Plan each statement afresh, for this transaction only.
            diesel::connection::SimpleConnection::batch_execute(
                pg,
                "SET LOCAL plan_cache_mode = force_custom_plan",
            )?;
        }
        let department = match (actor.role, actor.department_id) {
            (Role::Admin, _) => None,
            (Role::Officer, Some(id)) => Some(find_department(conn, id)?),
            _ => {
                return Err(RegistryError::denied(
                    Code::OutsideJurisdiction,
                    "only officers of a department and administrators import enterprises",
                ));
            }
        };
        Ok(Importer {
            actor: actor.audit_name(),
            now,
            department,
            country: stored_country(conn)?,
            skip_bad,
            seen_codes: HashSet::new(),
            seen_prefixes: HashSet::new(),
            seen_licences: HashSet::new(),
            pending: Vec::new(),
            report: ImportReport::default(),
        })
    }

    /// Takes one line (or the reader's error for it); writes a chunk when one is full.
    pub fn add(
        &mut self,
        conn: &mut DbConn,
        record: std::result::Result<ImportRecord, LineError>,
    ) -> Result<()> {
        self.report.lines += 1;
        match record.and_then(|r| self.validate(&r)) {
            Ok(valid) => self.pending.push(valid),
            Err(error) => self.report.errors.push(error),
        }
        if self.pending.len() >= CHUNK {
            self.flush(conn)?;
        }
        Ok(())
    }

    /// Writes what is left and returns the report.
    pub fn finish(mut self, conn: &mut DbConn) -> Result<ImportReport> {
        self.flush(conn)?;
        self.report.written = self.writing() && self.report.imported > 0;
        if !self.report.written {
            self.report.imported = 0;
        }
        self.report.errors.sort_by_key(|e| e.line);
        Ok(self.report)
    }

    fn writing(&self) -> bool {
        self.skip_bad || self.report.errors.is_empty()
    }

    fn validate(&mut self, r: &ImportRecord) -> Result<Valid, LineError> {
        let line = r.line;
        let err = |column: &'static str| move |e: RegistryError| line_error(line, column, e);
        let code = credit_code(&r.credit_code).map_err(err("credit_code"))?;
        let name = text("name", &r.name, 200).map_err(err("name"))?.to_owned();
        let legal = text("legal_representative", &r.legal_representative, 100)
            .map_err(err("legal_representative"))?
            .to_owned();
        let phone = phone(&r.phone).map_err(err("phone"))?.to_owned();
        let email = email(&r.email).map_err(err("email"))?.to_owned();
        let region = check_code(self.country, &r.region_code, "region_code")
            .map_err(err("region_code"))?
            .code
            .clone();
        let address = text("address", &r.address, 500)
            .map_err(err("address"))?
            .to_owned();
        let latitude = number(line, "latitude", &r.latitude)?;
        let longitude = number(line, "longitude", &r.longitude)?;
        coordinates(latitude, None).map_err(err("latitude"))?;
        coordinates(None, longitude).map_err(err("longitude"))?;
        let prefix = optional(&r.company_prefix)
            .map(company_prefix)
            .transpose()
            .map_err(err("company_prefix"))?;
        let cats = r
            .categories
            .split([';', '|'])
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(|c| Category::parse(c, "categories"))
            .collect::<Result<Vec<_>>>()
            .and_then(|c| categories(&c))
            .map_err(err("categories"))?;
        let credit_tier = match optional(&r.credit_tier).unwrap_or("B") {
            "A" => CreditTier::A,
            "B" => CreditTier::B,
            "C" => CreditTier::C,
            "D" => CreditTier::D,
            other => {
                return Err(LineError::new(
                    line,
                    "credit_tier",
                    Code::InvalidCreditTier,
                    format!("{other:?} is not A, B, C or D"),
                ));
            }
        };
        if let Some(dept) = &self.department {
            if !dept.covers(&region, &cats) {
                return Err(LineError::new(
                    line,
                    "region_code",
                    Code::OutsideJurisdiction,
                    format!(
                        "region {region} with {} is outside the jurisdiction of department {} (region {}, {})",
                        Category::join(&cats),
                        dept.code,
                        dept.region_code,
                        Category::join(&dept.categories)
                    ),
                ));
            }
        }
        let licence = self.licence(r)?;
        self.claim(line, &code, prefix.as_deref(), licence.as_ref())?;
        Ok(Valid {
            line,
            credit_code: code,
            name,
            name_en: r.name_en.trim().to_owned(),
            legal_representative: legal,
            phone,
            email,
            region_code: region,
            address,
            latitude,
            longitude,
            company_prefix: prefix,
            categories: cats,
            credit_tier,
            licence,
        })
    }

    /// The optional licence: all five licence columns, or none.
    fn licence(&self, r: &ImportRecord) -> Result<Option<Licence>, LineError> {
        let line = r.line;
        let cells = [
            ("licence_type", &r.licence_type),
            ("licence_number", &r.licence_number),
            ("licence_valid_from", &r.licence_valid_from),
            ("licence_valid_to", &r.licence_valid_to),
            ("licence_authority", &r.licence_authority),
        ];
        if cells.iter().all(|(_, v)| v.trim().is_empty()) {
            return Ok(None);
        }
        if let Some((column, _)) = cells.iter().find(|(_, v)| v.trim().is_empty()) {
            return Err(LineError::new(
                line,
                column,
                Code::InvalidText,
                "a licence needs type, number, validity and authority",
            ));
        }
        let err = |column: &'static str| move |e: RegistryError| line_error(line, column, e);
        let valid_from = date(line, "licence_valid_from", &r.licence_valid_from)?;
        let valid_to = date(line, "licence_valid_to", &r.licence_valid_to)?;
        if valid_to < valid_from {
            return Err(LineError::new(
                line,
                "licence_valid_to",
                Code::InvalidValidity,
                "must not be before licence_valid_from",
            ));
        }
        Ok(Some(Licence {
            licence_type: text("licence_type", &r.licence_type, 64)
                .map_err(err("licence_type"))?
                .to_owned(),
            number: text("licence_number", &r.licence_number, 64)
                .map_err(err("licence_number"))?
                .to_owned(),
            valid_from,
            valid_to,
            authority: text("licence_authority", &r.licence_authority, 200)
                .map_err(err("licence_authority"))?
                .to_owned(),
        }))
    }

    /// Refuses keys that an earlier line of the file holds; remembers this line's.
    fn claim(
        &mut self,
        line: u64,
        code: &str,
        prefix: Option<&str>,
        licence: Option<&Licence>,
    ) -> Result<(), LineError> {
        let taken = |column: &str, code: Code, value: &str| {
            LineError::new(
                line,
                column,
                code,
                format!("{value} is on an earlier line of the file"),
            )
        };
        if self.seen_codes.contains(code) {
            return Err(taken("credit_code", Code::CreditCodeTaken, code));
        }
        if let Some(prefix) = prefix.filter(|p| self.seen_prefixes.contains(*p)) {
            return Err(taken("company_prefix", Code::CompanyPrefixTaken, prefix));
        }
        let licence_key = licence.map(|l| (l.licence_type.clone(), l.number.clone()));
        if let Some(key) = licence_key
            .as_ref()
            .filter(|k| self.seen_licences.contains(*k))
        {
            return Err(taken("licence_number", Code::LicenceTaken, &key.1));
        }
        self.seen_codes.insert(code.to_owned());
        if let Some(prefix) = prefix {
            self.seen_prefixes.insert(prefix.to_owned());
        }
        if let Some(key) = licence_key {
            self.seen_licences.insert(key);
        }
        Ok(())
    }

    /// Checks the pending lines against the registry and, while writing, writes them.
    fn flush(&mut self, conn: &mut DbConn) -> Result<()> {
        let pending = std::mem::take(&mut self.pending);
        if pending.is_empty() {
            return Ok(());
        }
        let clashes = write::clashes(conn, &pending)?;
        let mut good = Vec::with_capacity(pending.len());
        for valid in pending {
            match clashes.iter().find(|e| e.line == valid.line) {
                Some(error) => self.report.errors.push(error.clone()),
                None => good.push(valid),
            }
        }
        if self.writing() {
            write::write_chunk(conn, self.now, &self.actor, &good)?;
            self.report.imported += good.len() as u64;
        }
        Ok(())
    }
}

//! Recall cases: from the recall report to the last unit disposed, with the public told.
//!
//! A case names one or more lots or items. An officer of a department opens it for objects in
//! the department's jurisdiction ([`open_case`]); an enterprise may ask for one for its own
//! objects ([`request_case`]), which the competent department approves ([`approve_case`]). On
//! opening, the recall report (`events::recall`) of every object is computed and **frozen** into
//! the case: the affected lots (`recall_case_lots`), every place reached with its region and
//! country (`recall_places`) and every registered enterprise holding affected goods
//! (`recall_parties`), each row with the scoping (`added_version`, 0 at opening) that found it.
//! [`rescope`] computes it again as late captures arrive: what is new is added under the next
//! version and told, nothing known is dropped, so the case shows what was known when.
//!
//! **Everyone affected is told at once**, in the transaction that opens the case: one notice
//! per 500 parties (`recall.opened`, audience [`Audience::Enterprises`]) and one to the
//! departments competent for the regions the scope reaches beyond the opening department's
//! (`recall.department`). Delivery into inboxes and by mail is the notices' (`crate::notices`):
//! once per user, each in their language. A party acknowledges ([`acknowledge`]) and then reports
//! per lot what it held, returned, destroyed and had already sold, with its documents
//! ([`report_disposal`]; the latest report per lot counts). The schedule ([`remind_due`])
//! reminds unacknowledged parties every quarter of the class's deadline and, once the deadline
//! (I: 24 h, II: 48 h, III: 72 h from opening) has passed, escalates each to the departments
//! competent for its region (`recall.escalated`), once.
//!
//! While a case is open, every stamp activated on an affected lot resolves `recalled`
//! ([`open_recall_of_lot`], read into the stamp's story), and the case is public
//! ([`public_recalls`]) with its consumer tip. A case closes ([`close_case`]) only when every
//! party has acknowledged and reported and the department accepts the effectiveness check.
//! Progress per party, region and country is [`progress`]. Every change is audited by its
//! caller (`hub::ops::recalls`).

mod complaints;
mod open;
mod parties;
mod progress;
mod scope;

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::DbConn;
use crate::error::Code;
use crate::error::{RegistryError, Result};
use crate::filings::Paging;
use crate::schema::{recall_case_lots, recall_cases, recall_disposals, recall_parties};

pub use complaints::{Complaint, NewComplaint, StoredPhoto, file_complaint};
pub use open::{CaseRequest, NewCase, Rescoped, approve_case, open_case, request_case};
pub use parties::{
    DisposalLine, DisposalReport, Party, Reminded, acknowledge, find_party, list_parties,
    remind_due, report_disposal,
};
pub use progress::{
    CaseLot, Closure, PartyProgress, Progress, PublicRecall, ScanCount, Tally, case_lots,
    close_case, progress, public_recalls,
};
pub use scope::rescope;

/// Notice topic: a case was opened (to the parties).
pub const OPENED_TOPIC: &str = "recall.opened";
/// Notice topic: a case reaches a department's territory.
pub const DEPARTMENT_TOPIC: &str = "recall.department";
/// Notice topic: a reminder to acknowledge.
pub const REMINDER_TOPIC: &str = "recall.reminder";
/// Notice topic: a party did not acknowledge in time.
pub const ESCALATED_TOPIC: &str = "recall.escalated";
/// Notice topic: an enterprise asks for a recall.
pub const REQUESTED_TOPIC: &str = "recall.requested";
/// Notice topic: a case was closed.
pub const CLOSED_TOPIC: &str = "recall.closed";

/// Parties per notice: one outbox job delivers this many enterprises' inboxes.
pub const PARTIES_PER_NOTICE: usize = 500;

/// The hazard class, as the food and drug recall rules set it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub enum HazardClass {
    /// Serious harm or death likely: act within 24 hours.
    I,
    /// Harm possible: within 48 hours.
    II,
    /// Harm unlikely: within 72 hours.
    III,
}

impl HazardClass {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            HazardClass::I => "I",
            HazardClass::II => "II",
            HazardClass::III => "III",
        }
    }

    /// Reads a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "I" => Some(HazardClass::I),
            "II" => Some(HazardClass::II),
            "III" => Some(HazardClass::III),
            _ => None,
        }
    }

    /// The time the parties have to act from opening.
    pub fn deadline(self) -> Duration {
        Duration::hours(match self {
            HazardClass::I => 24,
            HazardClass::II => 48,
            HazardClass::III => 72,
        })
    }

    /// How often unacknowledged parties are reminded: a quarter of the deadline.
    pub fn reminder_interval(self) -> Duration {
        self.deadline() / 4
    }
}

/// Where a case stands.
pub mod status {
    /// Asked for by an enterprise, awaiting the department.
    pub const REQUESTED: &str = "requested";
    /// Opened: the parties are told, stamps say `recalled`.
    pub const OPEN: &str = "open";
    /// Closed after the effectiveness check.
    pub const CLOSED: &str = "closed";
}

/// A recall case.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema, Queryable, Selectable)]
#[diesel(table_name = recall_cases)]
pub struct RecallCase {
    pub id: i64,
    /// The department in charge.
    pub department_id: i64,
    /// `requested`, `open` or `closed`.
    pub status: String,
    /// `I`, `II` or `III`.
    #[schema(value_type = HazardClass)]
    pub hazard_class: String,
    /// The product category (`food`, `drug`, ...).
    pub category: String,
    /// The products and lots, as the public list shows them.
    pub title: String,
    pub reason: String,
    /// What a consumer holding the product should do.
    pub consumer_tip: String,
    /// Where to return it.
    pub return_to: String,
    /// Who asked for it (an enterprise's user), when it was asked for.
    pub requested_by: Option<String>,
    pub requesting_enterprise_id: Option<i64>,
    pub opened_by: Option<String>,
    #[serde(with = "crate::time::as_rfc3339::option")]
    pub opened_at: Option<NaiveDateTime>,
    /// Opening plus the class's time.
    #[serde(with = "crate::time::as_rfc3339::option")]
    pub deadline_at: Option<NaiveDateTime>,
    /// How many times the scope was computed again (0: as opened).
    pub scope_version: i32,
    /// When the scope was last computed.
    #[serde(with = "crate::time::as_rfc3339::option")]
    pub scoped_at: Option<NaiveDateTime>,
    /// True when a trace was cut at its node limit.
    pub scope_truncated: bool,
    pub closed_by: Option<String>,
    #[serde(with = "crate::time::as_rfc3339::option")]
    pub closed_at: Option<NaiveDateTime>,
    /// The department's effectiveness check, as accepted at closure.
    pub effectiveness: Option<String>,
    #[serde(with = "crate::time::as_rfc3339")]
    pub created_at: NaiveDateTime,
}

impl RecallCase {
    /// The class (stored values are always valid).
    pub fn class(&self) -> HazardClass {
        HazardClass::parse(&self.hazard_class).unwrap_or(HazardClass::I)
    }

    /// True while open.
    pub fn is_open(&self) -> bool {
        self.status == status::OPEN
    }
}

/// A case by id.
pub fn find_case(conn: &mut DbConn, id: i64) -> Result<RecallCase> {
    recall_cases::table
        .find(id)
        .select(RecallCase::as_select())
        .first(conn)
        .optional()?
        .ok_or(RegistryError::NotFound {
            entity: "recall case",
        })
}

/// Filters for [`list_cases`].
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseFilter {
    /// `requested`, `open` or `closed`.
    #[param(pattern = "^(requested|open|closed)$")]
    pub status: Option<String>,
    #[param(minimum = 1)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<i64>,
}

/// Cases, newest first. `enterprise`: only cases that name it as a party or were asked for by
/// it (an enterprise's view); `None` for departments.
pub fn list_cases(
    conn: &mut DbConn,
    filter: &CaseFilter,
    enterprise: Option<i64>,
) -> Result<Vec<RecallCase>> {
    let (limit, offset) = Paging {
        page: filter.page,
        per_page: filter.per_page,
    }
    .limits()?;
    let mut query = recall_cases::table.into_boxed();
    if let Some(status) = &filter.status {
        if ![status::REQUESTED, status::OPEN, status::CLOSED].contains(&status.as_str()) {
            return Err(RegistryError::invalid(
                Code::InvalidChoice,
                "status",
                "requested, open or closed",
            ));
        }
        query = query.filter(recall_cases::status.eq(status.clone()));
    }
    if let Some(enterprise) = enterprise {
        let named = crate::schema::recall_parties::table
            .filter(crate::schema::recall_parties::enterprise_id.eq(enterprise))
            .select(crate::schema::recall_parties::case_id);
        query = query.filter(
            recall_cases::id
                .eq_any(named)
                .or(recall_cases::requesting_enterprise_id.eq(enterprise)),
        );
    }
    Ok(query
        .order(recall_cases::id.desc())
        .limit(limit)
        .offset(offset)
        .select(RecallCase::as_select())
        .load(conn)?)
}

/// How far the parties of a case have answered, for a list of cases.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Answered {
    pub parties: usize,
    /// Parties that acknowledged.
    pub acknowledged: usize,
    /// Parties that reported at least one lot.
    pub reported: usize,
}

/// [`Answered`] for each of `cases` (absent when a case has no party).
pub fn answered(
    conn: &mut DbConn,
    cases: &[i64],
) -> Result<std::collections::HashMap<i64, Answered>> {
    let mut out: std::collections::HashMap<i64, Answered> = std::collections::HashMap::new();
    for chunk in cases.chunks(1_000) {
        let parties: Vec<(i64, Option<NaiveDateTime>)> = recall_parties::table
            .filter(recall_parties::case_id.eq_any(chunk))
            .select((recall_parties::case_id, recall_parties::acknowledged_at))
            .load(conn)?;
        for (case, acknowledged) in parties {
            let a = out.entry(case).or_default();
            a.parties += 1;
            a.acknowledged += usize::from(acknowledged.is_some());
        }
        let reported: Vec<(i64, i64)> = recall_disposals::table
            .filter(recall_disposals::case_id.eq_any(chunk))
            .select((recall_disposals::case_id, recall_disposals::party_id))
            .distinct()
            .load(conn)?;
        for (case, _) in reported {
            out.entry(case).or_default().reported += 1;
        }
    }
    Ok(out)
}

/// What a stamp's story says of an open recall of its lot.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RecallFacts {
    pub case_id: i64,
    #[schema(value_type = HazardClass)]
    pub hazard_class: String,
    pub reason: String,
    pub consumer_tip: String,
    pub return_to: String,
    #[serde(with = "crate::time::as_rfc3339::option")]
    pub opened_at: Option<NaiveDateTime>,
}

/// The open case (the oldest, if several) that names lot `lot` of `gtin14`, if any.
pub fn open_recall_of_lot(
    conn: &mut DbConn,
    gtin14: &str,
    lot: &str,
) -> Result<Option<RecallFacts>> {
    let found: Option<(i64, String, String, String, String, Option<NaiveDateTime>)> =
        recall_case_lots::table
            .inner_join(recall_cases::table.on(recall_cases::id.eq(recall_case_lots::case_id)))
            .filter(recall_case_lots::gtin.eq(gtin14))
            .filter(recall_case_lots::lot.eq(lot))
            .filter(recall_cases::status.eq(status::OPEN))
            .order(recall_cases::id)
            .select((
                recall_cases::id,
                recall_cases::hazard_class,
                recall_cases::reason,
                recall_cases::consumer_tip,
                recall_cases::return_to,
                recall_cases::opened_at,
            ))
            .first(conn)
            .optional()?;
    Ok(found.map(
        |(case_id, hazard_class, reason, consumer_tip, return_to, opened_at)| RecallFacts {
            case_id,
            hazard_class,
            reason,
            consumer_tip,
            return_to,
            opened_at,
        },
    ))
}

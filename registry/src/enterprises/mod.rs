//! Enterprises: self-registration, the review by the competent department, changes of key data
//! through review, the full history, bulk import, and search.
//!
//! Statuses: `pending` (awaiting review), `active`, `rejected` (a refused registration, with its
//! reason; any edit by the enterprise resubmits it as `pending`), `suspended` and `revoked` (the
//! moves are in `review`). The competent department for an enterprise is one whose region covers
//! the enterprise's region (`crate::regions::covers`) and which regulates at least one of its
//! categories; other officers get 403 `outside_jurisdiction` (`require_jurisdiction`).
//!
//! After approval, key data (names, credit code, categories, company prefix, new licences) is not
//! changed in place: it becomes an `enterprise_changes` row that the competent department approves
//! (then applied) or rejects (`changes`); the enterprise stays active and files meanwhile, and its
//! contact data changes at once (`register`). Every change writes an `enterprise_history` row
//! (who, when, the record before and after as JSON) beside its audit entry, in the same
//! transaction.

mod changes;
pub mod credit;
mod history;
mod import;
mod model;
mod notify;
mod queue;
mod register;
mod review;
mod search;

pub(crate) use changes::propose as propose_change;
pub use changes::{Change, ChangeKind, ChangeStatus, decide_change, list_changes};
pub(crate) use history::record as record_history;
pub use history::{HistoryEntry, history};
pub use import::{
    CHUNK, IMPORT_COLUMNS, ImportRecord, ImportReport, Importer, LineError, REQUIRED_COLUMNS,
};
pub use model::{
    CreditTier, Enterprise, Status, find_enterprise, load_enterprise, named_enterprise,
    own_enterprise, require_active, require_jurisdiction,
};
pub use notify::TOPICS as DECISION_TOPICS;
pub use queue::{PendingChange, PendingChangePage, pending_changes};
pub use register::{EnterpriseUpdate, NewEnterprise, UpdateOutcome, register, update_own};
pub(crate) use register::{coordinates, text};
pub use review::{Decision, decide, set_credit_tier};
pub(crate) use search::Jurisdiction;
pub use search::{EnterprisePage, EnterpriseQuery, search};

#[cfg(test)]
mod tests;

//! Enterprises: self-registration, the review by the competent department, changes of key data
//! through review, the full history, bulk import, and search.

mod changes;
mod history;
mod import;
mod model;
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
    CreditTier, Enterprise, Status, find_enterprise, load_enterprise, own_enterprise,
    require_active, require_jurisdiction,
};
pub use queue::{PendingChange, PendingChangePage, pending_changes};
pub use register::{EnterpriseUpdate, NewEnterprise, UpdateOutcome, register, update_own};
pub(crate) use register::{coordinates, text};
pub use review::{Decision, decide, set_credit_tier};
pub(crate) use search::Jurisdiction;
pub use search::{EnterprisePage, EnterpriseQuery, search};

#[cfg(test)]
mod tests;

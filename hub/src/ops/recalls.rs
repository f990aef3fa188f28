//! Recall cases (`registry::recalls`): opening (or asking and approving), re-scoping,
//! acknowledgements and disposal reports, the schedule's reminders, closure and consumer
//! complaints, each audited; and the case as each role may read it.
//!
//! A change that opens or closes a case (or widens its scope) changes the verdict of stamps:
//! once it committed, `Core::verdicts_changed` tells this process's resolver to read its stories
//! again.

use registry::documents::Staged;
use registry::identity::{Actor, Role};
use registry::recalls::{
    self, CaseFilter, CaseRequest, Closure, Complaint, DisposalReport, NewCase, NewComplaint,
    Party, Progress, RecallCase, Reminded, Rescoped, StoredPhoto,
};
use serde_json::json;

use super::{Caller, Change, Origin, Request, audited, audited_as};
use crate::app::Core;
use crate::error::ApiError;

fn opened(case: &RecallCase, scoped: &Rescoped) -> serde_json::Value {
    json!({
        "hazard_class": case.hazard_class,
        "title": case.title,
        "reason": case.reason,
        "parties": scoped.new_parties,
        "places": scoped.new_places,
        "lots": scoped.new_lots,
        "regions_told": scoped.regions_told,
        "notices": scoped.notices,
    })
}

/// Opens a case as an officer: the scope frozen, every party and department reached told.
pub fn open(
    core: &Core,
    caller: &Caller,
    new: &NewCase,
) -> Result<(RecallCase, Rescoped), ApiError> {
    let done = audited_as::<_, ApiError>(core, caller, "recall.open", |conn, now, actor| {
        let (case, scoped) = recalls::open_case(conn, now, actor, new)?;
        let detail = opened(&case, &scoped);
        let target = format!("recall_case:{}", case.id);
        Ok(Change::recorded((case, scoped), target, detail))
    })?;
    core.verdicts_changed();
    Ok(done)
}

/// An enterprise asks for a case over its own lots.
pub fn request(core: &Core, caller: &Caller, new: &CaseRequest) -> Result<RecallCase, ApiError> {
    audited_as(core, caller, "recall.request", |conn, now, actor| {
        let case = recalls::request_case(conn, now, actor, new)?;
        let detail = json!({ "hazard_class": case.hazard_class, "title": case.title, "department_id": case.department_id });
        let target = format!("recall_case:{}", case.id);
        Ok(Change::recorded(case, target, detail))
    })
}

/// Approves a requested case: it opens.
pub fn approve(core: &Core, caller: &Caller, id: i64) -> Result<(RecallCase, Rescoped), ApiError> {
    let done = audited_as::<_, ApiError>(core, caller, "recall.approve", |conn, now, actor| {
        let (case, scoped) = recalls::approve_case(conn, now, actor, id)?;
        let detail = opened(&case, &scoped);
        Ok(Change::recorded(
            (case, scoped),
            format!("recall_case:{id}"),
            detail,
        ))
    })?;
    core.verdicts_changed();
    Ok(done)
}

/// Computes an open case's scope again; what is new is told.
pub fn rescope(core: &Core, caller: &Caller, id: i64) -> Result<Rescoped, ApiError> {
    let done = audited_as::<_, ApiError>(core, caller, "recall.rescope", |conn, now, actor| {
        let scoped = recalls::rescope(conn, now, Some(actor), id)?;
        let detail = json!({ "version": scoped.version, "new_parties": scoped.new_parties, "new_places": scoped.new_places, "new_lots": scoped.new_lots, "regions_told": scoped.regions_told });
        Ok(Change::recorded(
            scoped,
            format!("recall_case:{id}"),
            detail,
        ))
    })?;
    core.verdicts_changed();
    Ok(done)
}

/// A party acknowledges the notice.
pub fn acknowledge(core: &Core, caller: &Caller, id: i64) -> Result<Party, ApiError> {
    audited_as(core, caller, "recall.acknowledge", |conn, now, actor| {
        let party = recalls::acknowledge(conn, now, actor, id)?;
        let detail = json!({ "enterprise_id": party.enterprise_id, "acknowledged_at": party.acknowledged_at.map(registry::time::rfc3339) });
        Ok(Change::recorded(party, format!("recall_case:{id}"), detail))
    })
}

/// A party reports what it held and did, per lot.
pub fn report(
    core: &Core,
    caller: &Caller,
    id: i64,
    report: &DisposalReport,
) -> Result<usize, ApiError> {
    audited_as(core, caller, "recall.report", |conn, now, actor| {
        let lines = recalls::report_disposal(conn, now, actor, id, report)?;
        let detail = json!({ "enterprise_id": actor.enterprise_id, "lines": report.lines, "documents": report.documents });
        Ok(Change::recorded(lines, format!("recall_case:{id}"), detail))
    })
}

/// Closes a case on the department's effectiveness check.
pub fn close(
    core: &Core,
    caller: &Caller,
    id: i64,
    closure: &Closure,
) -> Result<RecallCase, ApiError> {
    let done = audited_as::<_, ApiError>(core, caller, "recall.close", |conn, now, actor| {
        let case = recalls::close_case(conn, now, actor, id, closure)?;
        let detail = json!({ "effectiveness": closure.effectiveness });
        Ok(Change::recorded(case, format!("recall_case:{id}"), detail))
    })?;
    core.verdicts_changed();
    Ok(done)
}

/// The schedule's run: open cases re-scoped, unacknowledged parties reminded, late ones
/// escalated. Audited as `job:recall-reminders` when it did anything.
pub fn remind(core: &Core, request: Request) -> Result<Reminded, ApiError> {
    let origin = Origin {
        by: "job:recall-reminders".into(),
        request,
    };
    let done = audited::<_, ApiError>(core, &origin, "recall.remind", |conn, now| {
        let done = recalls::remind_due(conn, now)?;
        if done.reminded + done.escalated + done.new_parties == 0 {
            return Ok(Change::unwritten(done));
        }
        let detail = json!({ "cases": done.cases, "reminded": done.reminded, "escalated": done.escalated, "new_parties": done.new_parties });
        Ok(Change::recorded(done, "recall_cases", detail))
    })?;
    core.verdicts_changed();
    Ok(done)
}

/// Largest complaint photo kept.
pub const MAX_PHOTO: u64 = 5 * 1024 * 1024;

/// A consumer's complaint (with a photo staged, or none: an empty one counts as none), audited
/// as the public; a photo past [`MAX_PHOTO`] is 413 `payload_too_large` (field `photo`).
pub fn complain(
    core: &Core,
    request: &Request,
    new: &NewComplaint,
    photo: Option<Staged>,
    client_hash: &str,
) -> Result<Complaint, ApiError> {
    let photo = photo.filter(|p| p.size() > 0);
    if photo.as_ref().is_some_and(|p| p.size() > MAX_PHOTO) {
        return Err(ApiError::new(
            registry::error::Code::PayloadTooLarge,
            "photo: at most 5 MB",
        )
        .with_field("photo"));
    }
    let store = core.config.document_store();
    let origin = Origin::public(request.clone());
    audited(core, &origin, "recall.complaint", |conn, now| {
        let photo = match photo {
            Some(staged) => {
                let sha256 = staged.sha256().to_owned();
                let storage = store.place(conn, staged)?;
                Some(StoredPhoto {
                    sha256,
                    storage: storage.as_str().to_owned(),
                })
            }
            None => None,
        };
        let complaint = recalls::file_complaint(conn, now, new, photo.as_ref(), client_hash)?;
        let detail = json!({ "gtin": complaint.gtin, "lot": complaint.lot, "case_id": complaint.case_id, "alert_id": complaint.alert_id, "photo_sha256": complaint.photo_sha256 });
        let target = format!("recall_complaint:{}", complaint.id);
        Ok(Change::recorded(complaint, target, detail))
    })
}

/// May `actor` read case `case`? Departments, administrators, inspectors and ministries read
/// every case; an enterprise the cases it is a party to or asked for.
fn may_read(
    conn: &mut registry::db::DbConn,
    actor: &Actor,
    case: &RecallCase,
) -> registry::Result<()> {
    match actor.role {
        Role::Enterprise => {
            let own = actor.enterprise_id.unwrap_or(-1);
            if case.requesting_enterprise_id == Some(own) {
                return Ok(());
            }
            recalls::find_party(conn, case.id, own).map(|_| ())
        }
        Role::System => Err(registry::RegistryError::denied(
            registry::error::Code::Forbidden,
            "recall cases are not for system accounts",
        )),
        _ => Ok(()),
    }
}

/// A case with its progress, as `actor` may see it: an enterprise sees its own party only.
pub fn progress(core: &Core, actor: &Actor, id: i64) -> Result<Progress, ApiError> {
    let mut conn = core.db.conn()?;
    let case = recalls::find_case(&mut conn, id)?;
    may_read(&mut conn, actor, &case)?;
    let mut progress = recalls::progress(&mut conn, id)?;
    if actor.role == Role::Enterprise {
        let own = actor.enterprise_id.unwrap_or(-1);
        progress.parties.retain(|p| p.party.enterprise_id == own);
        progress.regions.clear();
        progress.countries.clear();
        progress.total = recalls::Tally::default();
    }
    Ok(progress)
}

/// Cases as `actor` may list them.
pub fn list(core: &Core, actor: &Actor, filter: &CaseFilter) -> Result<Vec<RecallCase>, ApiError> {
    let mut conn = core.db.conn()?;
    let enterprise = match actor.role {
        Role::Enterprise => Some(actor.enterprise_id.unwrap_or(-1)),
        _ => None,
    };
    Ok(recalls::list_cases(&mut conn, filter, enterprise)?)
}

//! A spot-check task's page: the plan's window and deadline, the enterprise, the inspectors,
//! the result per item; for an assigned inspector (until published) the result form, one
//! outcome and finding per item of the plan; for an officer of the department a recorded
//! result's publication; the files attached, and the inspector's upload of one. Through
//! `ops::spotchecks::record_result`, `attach_evidence` and `publish_result`, the operations behind
//! `POST /api/v1/spot-checks/tasks/{id}/result`, `.../evidence` and `.../publish`.

use actix_web::{HttpRequest, web};
use maud::{Markup, html};
use registry::identity::{Actor, Role};
use registry::spotchecks::{self, CheckItem, ItemOutcome, NewResult, Outcome, Task, TaskStatus};

use super::{outcome_text, path, status_key};
use crate::app::Auth;
use crate::error::ApiError;
use crate::http::upload::{invalid_field, receive_named};
use crate::ops;
use crate::portal::frame::{Ctx, Field, Flash, FormData, FormView, Input, Page, Posted, read};

/// The result form's id.
const RESULT: &str = "spot-check-result";
/// The publication form's id.
const PUBLISH: &str = "spot-check-publish";
/// The evidence upload's id.
const EVIDENCE: &str = "spot-check-evidence";

struct Shown {
    task: Task,
    /// The plan's items with their titles and methods.
    items: Vec<CheckItem>,
}

async fn load(ctx: &Ctx, actor: &Actor, id: i64) -> Result<Shown, ApiError> {
    let actor = actor.clone();
    read(&ctx.state, move |conn| {
        let task = spotchecks::find_task(conn, &actor, id)?;
        let plan = spotchecks::find_plan(conn, task.plan_id)?;
        let items = spotchecks::list_items(conn, task.department_id)?
            .into_iter()
            .filter(|i| plan.items.contains(&i.code))
            .collect();
        Ok(Shown { task, items })
    })
    .await
}

fn result_form(ctx: &Ctx, shown: &Shown, posted: Option<&Posted>) -> Markup {
    let t = |key: &str| ctx.t(key);
    let view = FormView::new(ctx, RESULT, posted);
    let typed =
        |name: &str, recorded: String| -> String { posted.map_or(recorded, |p| p.data.text(name)) };
    let outcomes = [("pass", t("spotcheck-pass")), ("fail", t("spotcheck-fail"))];
    html! {
        (view.form(&format!("{}/result", path(shown.task.id)), &t("spotcheck-record"), html! {
            @for (i, item) in shown.items.iter().enumerate() {
                @let before = shown.task.items.iter().find(|r| r.code == item.code);
                @let chosen = typed(&format!("outcome-{i}"), before.map_or("pass", |r| if r.outcome == Outcome::Pass { "pass" } else { "fail" }).to_owned());
                fieldset.item data-code=(item.code) {
                    legend { (item.title) " (" code { (item.code) } ")" }
                    p.hint { (item.method) }
                    input type="hidden" name={ "code-" (i) } value=(item.code);
                    label for={ "outcome-" (i) } { (t("spotcheck-outcome")) }
                    select id={ "outcome-" (i) } name={ "outcome-" (i) } {
                        @for (value, label) in &outcomes {
                            option value=(value) selected[chosen == *value] { (label) }
                        }
                    }
                    label for={ "finding-" (i) } { (t("spotcheck-finding")) }
                    textarea id={ "finding-" (i) } name={ "finding-" (i) } { (typed(&format!("finding-{i}"), before.map(|r| r.finding.clone()).unwrap_or_default())) }
                }
            }
            (view.field(Field::new("findings", t("spotcheck-findings"), Input::TextArea)
                .value(typed("findings", shown.task.findings.clone().unwrap_or_default()))
                .required()))
        }))
    }
}

fn render(ctx: &Ctx, actor: &Actor, shown: &Shown, posted: Option<&Posted>) -> Markup {
    let t = |key: &str| ctx.t(key);
    let task = &shown.task;
    let assigned = actor.role == Role::Inspector && task.inspectors.contains(&actor.user_id);
    let department = actor.role == Role::Officer && actor.department_id == Some(task.department_id);
    html! {
        h1 { (t("spotcheck-task")) " #" (task.id) ": " (task.enterprise_name) }
        dl.facts #task data-status=(status_key(task)) {
            dt { (t("spotcheck-plan")) } dd { (task.plan_title) }
            dt { (t("spotcheck-window")) } dd { (task.window_start.to_string()) " – " (task.window_end.to_string()) }
            dt { (t("spotcheck-publish-by")) } dd { (task.publish_by.to_string()) }
            dt { (t("status")) } dd { (t(&format!("spotcheck-status-{}", status_key(task)))) }
            dt { (t("spotcheck-outcome")) } dd #outcome { (outcome_text(ctx.lang, task.outcome)) }
            @if let Some(findings) = &task.findings { dt { (t("spotcheck-findings")) } dd { (findings) } }
        }
        @if !task.items.is_empty() {
            table #item-results {
                caption { (t("spotcheck-items")) }
                tbody { @for r in &task.items {
                    tr data-code=(r.code) { th scope="row" { (r.title) } td { (outcome_text(ctx.lang, Some(r.outcome))) } td { (r.finding) } }
                } }
            }
        }
        @if !task.evidence.is_empty() {
            h2 { (t("spotcheck-evidence")) }
            ul #evidence { @for e in &task.evidence {
                li data-sha256=(e.sha256) {
                    a href={ "/api/v1/spot-checks/tasks/" (task.id) "/evidence/" (e.id) } { (e.filename) }
                    " · " code { (e.sha256) }
                }
            } }
        }
        @if assigned && task.status != TaskStatus::Published {
            h2 { (t("spotcheck-record")) }
            (result_form(ctx, shown, posted))
            @let upload = FormView::new(ctx, EVIDENCE, posted);
            (upload.upload_form(&format!("{}/evidence", path(task.id)), &t("spotcheck-attach"), html! {
                (upload.field(Field::new("file", t("spotcheck-evidence-file"), Input::File("application/pdf,image/jpeg,image/png")).required()))
            }))
        }
        @if department && task.status == TaskStatus::Recorded {
            (FormView::new(ctx, PUBLISH, posted).form(&format!("{}/publish", path(task.id)), &t("spotcheck-publish"), html! {
                p { (t("spotcheck-publish-intro")) }
            }))
        }
    }
}

fn title(ctx: &Ctx, id: i64) -> String {
    format!("{} #{id}", ctx.t("spotcheck-task"))
}

async fn refused(
    ctx: &Ctx,
    actor: &Actor,
    id: i64,
    form: &str,
    data: FormData,
    error: ApiError,
) -> Page {
    let posted = ctx.posted(form, data, error)?;
    let shown = load(ctx, actor, id).await.map_err(|e| ctx.refuse(e))?;
    Ok(ctx.render_status(
        posted.status,
        &title(ctx, id),
        render(ctx, actor, &shown, Some(&posted)),
    ))
}

/// `GET /portal/spot-checks/tasks/{id}`.
pub async fn page(ctx: Ctx, Auth(actor): Auth, id: web::Path<i64>) -> Page {
    let id = id.into_inner();
    let shown = load(&ctx, &actor, id).await.map_err(|e| ctx.refuse(e))?;
    Ok(ctx.render(&title(&ctx, id), render(&ctx, &actor, &shown, None)))
}

/// The result as posted: `code-N`, `outcome-N`, `finding-N` per item, and `findings`.
fn result_of(data: &FormData) -> NewResult {
    let items = (0..100)
        .map_while(|i| {
            let code = data.optional(&format!("code-{i}"))?;
            Some(ItemOutcome {
                code,
                outcome: if data.text(&format!("outcome-{i}")) == "fail" {
                    Outcome::Fail
                } else {
                    Outcome::Pass
                },
                finding: data.text(&format!("finding-{i}")),
            })
        })
        .collect();
    NewResult {
        items,
        findings: data.text("findings"),
    }
}

/// `POST /portal/spot-checks/tasks/{id}/result`.
pub async fn record(ctx: Ctx, Auth(actor): Auth, id: web::Path<i64>, data: FormData) -> Page {
    let id = id.into_inner();
    let new = result_of(&data);
    let done = ctx
        .act(&actor, move |core, caller| {
            ops::spotchecks::record_result(core, caller, id, &new)
        })
        .await;
    match done {
        Ok(_) => Ok(ctx.redirect(&path(id), Flash::success("flash-spotcheck-recorded"))),
        Err(error) => refused(&ctx, &actor, id, RESULT, data, error).await,
    }
}

/// `POST /portal/spot-checks/tasks/{id}/publish`.
pub async fn publish(ctx: Ctx, Auth(actor): Auth, id: web::Path<i64>, data: FormData) -> Page {
    let id = id.into_inner();
    let done = ctx
        .act(&actor, move |core, caller| {
            ops::spotchecks::publish_result(core, caller, id)
        })
        .await;
    match done {
        Ok(_) => Ok(ctx.redirect(&path(id), Flash::success("flash-spotcheck-published"))),
        Err(error) => refused(&ctx, &actor, id, PUBLISH, data, error).await,
    }
}

/// `POST /portal/spot-checks/tasks/{id}/evidence` (multipart, the CSRF token first): `file`.
pub async fn attach(
    req: HttpRequest,
    ctx: Ctx,
    Auth(actor): Auth,
    id: web::Path<i64>,
    payload: web::Payload,
) -> Page {
    let id = id.into_inner();
    let received = receive_named(&ctx.state, &req, payload, "file")
        .await
        .map_err(|e| ctx.refuse(e))?;
    let data = FormData::from(received.fields);
    let done = match received.file {
        Some((staged, part_type, name)) => {
            match registry::documents::content_type(part_type.as_deref()) {
                Ok(content_type) => {
                    ctx.act(&actor, move |core, caller| {
                        ops::spotchecks::attach_evidence(
                            core,
                            caller,
                            id,
                            &content_type,
                            name.as_deref(),
                            staged,
                        )
                    })
                    .await
                }
                Err(e) => Err(e.into()),
            }
        }
        None => Err(invalid_field("file", "file: missing")),
    };
    match done {
        Ok(_) => Ok(ctx.redirect(&path(id), Flash::success("flash-spotcheck-evidence"))),
        Err(error) => refused(&ctx, &actor, id, EVIDENCE, data, error).await,
    }
}

//! Spot checks in the portal (`registry::spotchecks`).
//!
//! - `/spot-checks` (no sign-in): the results published in the last five years, and the locked
//!   plans with their seed and the links to their draw and its recomputation.
//! - `/portal/spot-checks`: the tasks the signed-in user may see (an inspector their own, an
//!   enterprise its own, an officer the department's), and `task`: a task's page with the
//!   inspector's result form and the officer's publication, through the operations the API
//!   uses.

pub mod task;

use actix_web::web;
use maud::{Markup, html};
use registry::filings::Paging;
use registry::spotchecks::{
    self, Outcome, Plan, PlanFilter, PlanStatus, PublicResult, Task, TaskFilter,
};

use crate::app::Auth;
use crate::i18n::Lang;
use crate::portal::frame::{Ctx, FormData, Page, Params, Position, messages, pager, read};

/// The public page.
pub const PUBLIC_PATH: &str = "/spot-checks";
/// The list of tasks.
pub const PATH: &str = "/portal/spot-checks";
const PER_PAGE: i64 = 50;

/// The page of task `id`.
pub fn path(id: i64) -> String {
    format!("{PATH}/tasks/{id}")
}

/// An outcome as people read it.
pub fn outcome_text(lang: Lang, outcome: Option<Outcome>) -> String {
    match outcome {
        Some(Outcome::Pass) => lang.t("spotcheck-pass"),
        Some(Outcome::Fail) => lang.t("spotcheck-fail"),
        None => "—".into(),
    }
}

fn results_table(ctx: &Ctx, rows: &[PublicResult]) -> Markup {
    let t = |key: &str| ctx.t(key);
    html! {
        table #spot-check-results {
            caption { (t("spotcheck-results-caption")) }
            thead { tr {
                th scope="col" { (t("field-name")) }
                th scope="col" { (t("field-credit-code")) }
                th scope="col" { (t("spotcheck-plan")) }
                th scope="col" { (t("spotcheck-items")) }
                th scope="col" { (t("spotcheck-outcome")) }
                th scope="col" { (t("spotcheck-findings")) }
                th scope="col" { (t("spotcheck-checked-on")) }
                th scope="col" { (t("spotcheck-published-at")) }
            } }
            tbody {
                @for r in rows {
                    tr data-task=(r.task_id) data-outcome=(if r.outcome == Outcome::Pass { "pass" } else { "fail" }) {
                        td { (r.enterprise_name) }
                        td { code { (r.credit_code) } }
                        td { (r.plan_title) " · " (r.department) }
                        td { ul { @for i in &r.items { li { (i.title) ": " (outcome_text(ctx.lang, Some(i.outcome))) @if !i.finding.is_empty() { " (" (i.finding) ")" } } } } }
                        td { strong { (outcome_text(ctx.lang, Some(r.outcome))) } }
                        td {
                            (r.findings)
                            @if !r.evidence.is_empty() {
                                ul.evidence { @for e in &r.evidence { li { (e.filename) " " code { (e.sha256) } } } }
                            }
                        }
                        td { (r.checked_on.to_string()) }
                        td { (messages::when(r.published_at)) }
                    }
                }
            }
        }
    }
}

fn plans_list(ctx: &Ctx, plans: &[Plan]) -> Markup {
    let t = |key: &str| ctx.t(key);
    html! {
        table #spot-check-plans {
            caption { (t("spotcheck-plans-caption")) }
            thead { tr {
                th scope="col" { "#" }
                th scope="col" { (t("spotcheck-plan")) }
                th scope="col" { (t("spotcheck-window")) }
                th scope="col" { (t("spotcheck-seed")) }
                th scope="col" { (t("spotcheck-draw")) }
            } }
            tbody {
                @for p in plans {
                    tr data-plan=(p.id) {
                        td { (p.id) }
                        td { (p.title) }
                        td { (p.window_start.to_string()) " – " (p.window_end.to_string()) }
                        td { code.seed { (p.seed.as_deref().unwrap_or("")) } }
                        td {
                            a href={ "/api/v1/public/spot-checks/plans/" (p.id) "/draw" } { (t("spotcheck-draw-json")) }
                            " · "
                            a href={ "/api/v1/public/spot-checks/plans/" (p.id) "/verify" } { (t("spotcheck-verify")) }
                        }
                    }
                }
            }
        }
    }
}

/// `GET /spot-checks?page=N`: published results and locked plans, for anyone.
pub async fn public(ctx: Ctx, query: web::Query<Vec<(String, String)>>) -> Page {
    let data = FormData::from(query.into_inner());
    let page = data
        .number::<i64>("page")
        .map_err(|e| ctx.refuse(e))?
        .unwrap_or(1);
    let now = ctx.state.now();
    let paging = Paging {
        page: Some(page),
        per_page: Some(PER_PAGE),
    };
    let (results, plans) = read(&ctx.state, move |conn| {
        let plans = spotchecks::list_plans(
            conn,
            &PlanFilter {
                status: Some(PlanStatus::Locked),
                per_page: Some(20),
                ..PlanFilter::default()
            },
        )?;
        Ok((spotchecks::public_results(conn, now, paging)?, plans))
    })
    .await
    .map_err(|e| ctx.refuse(e))?;
    let title = ctx.t("public-spotchecks-title");
    let params = Params::new(PUBLIC_PATH, &data);
    let at = Position {
        page,
        per_page: PER_PAGE,
        shown: results.len(),
        total: None,
    };
    let body = html! {
        h1 { (title) }
        p { (ctx.t("public-spotchecks-intro")) }
        (results_table(&ctx, &results))
        @if results.is_empty() { p.muted #no-results { (ctx.t("none-yet")) } }
        (pager(ctx.lang, &params, &at))
        h2 { (ctx.t("spotcheck-plans-caption")) }
        p { (ctx.t("spotcheck-verify-intro")) }
        (plans_list(&ctx, &plans))
    };
    Ok(ctx.render(&title, body))
}

fn tasks_table(ctx: &Ctx, tasks: &[Task]) -> Markup {
    let t = |key: &str| ctx.t(key);
    html! {
        table #spot-check-tasks {
            caption { (t("spotcheck-tasks-caption")) }
            thead { tr {
                th scope="col" { "#" }
                th scope="col" { (t("spotcheck-plan")) }
                th scope="col" { (t("field-name")) }
                th scope="col" { (t("spotcheck-window")) }
                th scope="col" { (t("status")) }
                th scope="col" { (t("spotcheck-outcome")) }
            } }
            tbody {
                @for task in tasks {
                    tr data-task=(task.id) {
                        td { a href=(path(task.id)) { "#" (task.id) } }
                        td { (task.plan_title) }
                        td { a href=(path(task.id)) { (task.enterprise_name) } }
                        td { (task.window_start.to_string()) " – " (task.window_end.to_string()) }
                        td { (ctx.t(&format!("spotcheck-status-{}", status_key(task)))) }
                        td { (outcome_text(ctx.lang, task.outcome)) }
                    }
                }
            }
        }
    }
}

/// The message key's suffix of a task's status.
pub fn status_key(task: &Task) -> &'static str {
    match task.status {
        spotchecks::TaskStatus::Assigned => "assigned",
        spotchecks::TaskStatus::Recorded => "recorded",
        spotchecks::TaskStatus::Published => "published",
    }
}

/// `GET /portal/spot-checks?page=N`: the tasks the user may see.
pub async fn list(ctx: Ctx, Auth(actor): Auth, query: web::Query<Vec<(String, String)>>) -> Page {
    let data = FormData::from(query.into_inner());
    let page = data
        .number::<i64>("page")
        .map_err(|e| ctx.refuse(e))?
        .unwrap_or(1);
    let filter = TaskFilter {
        page: Some(page),
        per_page: Some(PER_PAGE),
        ..TaskFilter::default()
    };
    let tasks = read(&ctx.state, move |conn| {
        spotchecks::list_tasks(conn, &actor, &filter)
    })
    .await
    .map_err(|e| ctx.refuse(e))?;
    let title = ctx.t("nav-spot-checks");
    let params = Params::new(PATH, &data);
    let at = Position {
        page,
        per_page: PER_PAGE,
        shown: tasks.len(),
        total: None,
    };
    let body = html! {
        h1 { (title) }
        p { a href=(PUBLIC_PATH) { (ctx.t("public-spotchecks-title")) } }
        (tasks_table(&ctx, &tasks))
        @if tasks.is_empty() { p.muted #no-tasks { (ctx.t("none-yet")) } }
        (pager(ctx.lang, &params, &at))
    };
    Ok(ctx.render(&title, body))
}

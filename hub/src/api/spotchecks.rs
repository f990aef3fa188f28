//! Spot checks ("double random, one public"): a department's check items and inspector pool,
//! conflicts of interest, plans and their locking (the draw), tasks, results and their
//! publication; and for everyone, the published results, the locked plans, each plan's draw
//! with what it was computed from, and its recomputation.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use registry::filings::Paging;
use registry::spotchecks::{
    self, CheckItem, Conflict, DrawRecord, Evidence, Inspector, NewCheckItem, NewConflict,
    NewInspector, NewPlan, NewResult, Plan, PlanFilter, PlanStatus, PublicResult, Recomputed, Task,
    TaskFilter,
};
use serde::{Deserialize, Serialize};

use super::{ApiError, Json, blocking};
use crate::app::{AppState, Auth};
use crate::http::upload::{FileMeta, serve_file, stage};
use crate::ops::{self, Caller};

/// Adds a check item to the officer's department (409 `conflict` when its code is taken).
#[utoipa::path(post, path = "/api/v1/spot-checks/items", tag = "spot-checks", request_body = NewCheckItem,
    responses((status = 201, body = CheckItem), (status = 403, body = super::ErrorBody),
        (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn add_item(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<NewCheckItem>,
) -> Result<HttpResponse, ApiError> {
    let new = body.0;
    let item = blocking(move || ops::spotchecks::add_item(&state, &caller, &new)).await?;
    Ok(HttpResponse::Created().json(item))
}

/// A department's check items, by category and code.
#[utoipa::path(get, path = "/api/v1/departments/{id}/check-items", tag = "spot-checks", params(("id" = i64, Path)),
    responses((status = 200, body = [CheckItem])),
    security(("bearer" = []), ("session" = [])))]
pub async fn items(
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<Vec<CheckItem>>, ApiError> {
    let id = id.into_inner();
    let db = state.db.clone();
    let list = blocking(move || Ok(spotchecks::list_items(&mut *db.conn()?, id)?)).await?;
    Ok(web::Json(list))
}

/// Enrols a user of the inspector role of the officer's department in its pool (again: a new
/// region, active again).
#[utoipa::path(post, path = "/api/v1/spot-checks/inspectors", tag = "spot-checks", request_body = NewInspector,
    responses((status = 201, body = Inspector), (status = 403, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn enrol(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<NewInspector>,
) -> Result<HttpResponse, ApiError> {
    let new = body.0;
    let inspector = blocking(move || ops::spotchecks::enrol(&state, &caller, &new)).await?;
    Ok(HttpResponse::Created().json(inspector))
}

/// A department's inspector pool with the conflicts on record.
#[utoipa::path(get, path = "/api/v1/departments/{id}/inspectors", tag = "spot-checks", params(("id" = i64, Path)),
    responses((status = 200, body = [Inspector])),
    security(("bearer" = []), ("session" = [])))]
pub async fn inspectors(
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<Vec<Inspector>>, ApiError> {
    let id = id.into_inner();
    let db = state.db.clone();
    let list = blocking(move || Ok(spotchecks::list_inspectors(&mut *db.conn()?, id)?)).await?;
    Ok(web::Json(list))
}

/// Records a conflict of interest: an inspector declares their own; an officer of the
/// inspector's department records a relation (403 `not_own_object` otherwise).
#[utoipa::path(post, path = "/api/v1/spot-checks/inspectors/{id}/conflicts", tag = "spot-checks", params(("id" = i64, Path)),
    request_body = NewConflict,
    responses((status = 201, body = Conflict), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody),
        (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn conflict(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<NewConflict>,
) -> Result<HttpResponse, ApiError> {
    let (id, new) = (id.into_inner(), body.0);
    let conflict =
        blocking(move || ops::spotchecks::record_conflict(&state, &caller, id, &new)).await?;
    Ok(HttpResponse::Created().json(conflict))
}

/// Drafts a plan for the officer's department.
#[utoipa::path(post, path = "/api/v1/spot-checks/plans", tag = "spot-checks", request_body = NewPlan,
    responses((status = 201, body = Plan), (status = 403, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn create_plan(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<NewPlan>,
) -> Result<HttpResponse, ApiError> {
    let new = body.0;
    let plan = blocking(move || ops::spotchecks::create_plan(&state, &caller, &new)).await?;
    Ok(HttpResponse::Created().json(plan))
}

/// Plans, newest first.
#[utoipa::path(get, path = "/api/v1/spot-checks/plans", tag = "spot-checks", params(PlanFilter),
    responses((status = 200, body = [Plan]), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn plans(
    state: web::Data<AppState>,
    filter: web::Query<PlanFilter>,
) -> Result<web::Json<Vec<Plan>>, ApiError> {
    let filter = filter.into_inner();
    let db = state.db.clone();
    let list = blocking(move || Ok(spotchecks::list_plans(&mut *db.conn()?, &filter)?)).await?;
    Ok(web::Json(list))
}

/// One plan.
#[utoipa::path(get, path = "/api/v1/spot-checks/plans/{id}", tag = "spot-checks", params(("id" = i64, Path)),
    responses((status = 200, body = Plan), (status = 404, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn plan(
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<Plan>, ApiError> {
    let id = id.into_inner();
    let db = state.db.clone();
    let plan = blocking(move || Ok(spotchecks::find_plan(&mut *db.conn()?, id)?)).await?;
    Ok(web::Json(plan))
}

/// A plan as locked: the plan with its seed and digests, and how many tasks were drawn.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Locked {
    pub plan: Plan,
    pub tasks: usize,
}

/// Locks a draft plan: a random seed is fixed, the eligible enterprises, inspectors and
/// exclusions are frozen, the draw is made and its tasks told to the inspectors and the
/// enterprises. 409 `plan_locked` when locked already, `not_enough_inspectors` when a task
/// cannot be staffed.
#[utoipa::path(post, path = "/api/v1/spot-checks/plans/{id}/lock", tag = "spot-checks", params(("id" = i64, Path)),
    responses((status = 201, body = Locked), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody),
        (status = 409, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn lock(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let (plan, tasks) = blocking(move || ops::spotchecks::lock_plan(&state, &caller, id)).await?;
    Ok(HttpResponse::Created().json(Locked {
        plan,
        tasks: tasks.len(),
    }))
}

/// The tasks the caller may see: an inspector their own, an enterprise its own, an officer the
/// department's, an administrator all.
#[utoipa::path(get, path = "/api/v1/spot-checks/tasks", tag = "spot-checks", params(TaskFilter),
    responses((status = 200, body = [Task]), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn tasks(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    filter: web::Query<TaskFilter>,
) -> Result<web::Json<Vec<Task>>, ApiError> {
    let filter = filter.into_inner();
    let db = state.db.clone();
    let list =
        blocking(move || Ok(spotchecks::list_tasks(&mut *db.conn()?, &actor, &filter)?)).await?;
    Ok(web::Json(list))
}

/// One task with its result (404 when the caller may not see it).
#[utoipa::path(get, path = "/api/v1/spot-checks/tasks/{id}", tag = "spot-checks", params(("id" = i64, Path)),
    responses((status = 200, body = Task), (status = 404, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn task(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    id: web::Path<i64>,
) -> Result<web::Json<Task>, ApiError> {
    let id = id.into_inner();
    let db = state.db.clone();
    let task = blocking(move || Ok(spotchecks::find_task(&mut *db.conn()?, &actor, id)?)).await?;
    Ok(web::Json(task))
}

/// Records (or corrects, until published) a task's result: every item of the plan once, a
/// finding for each failed one. Only the task's inspectors (403 `not_assigned`); 409
/// `result_published` once public.
#[utoipa::path(post, path = "/api/v1/spot-checks/tasks/{id}/result", tag = "spot-checks", params(("id" = i64, Path)),
    request_body = NewResult,
    responses((status = 200, body = Task), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody),
        (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn record(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<NewResult>,
) -> Result<web::Json<Task>, ApiError> {
    let (id, new) = (id.into_inner(), body.0);
    let task = blocking(move || ops::spotchecks::record_result(&state, &caller, id, &new)).await?;
    Ok(web::Json(task))
}

/// Where an uploaded file of evidence is described: its name.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EvidenceName {
    /// The file's name, as shown.
    #[param(max_length = 200)]
    pub filename: Option<String>,
}

/// Attaches a file (the raw body; its Content-Type is the file's: PDF, JPEG, PNG...) to a
/// task's result, as one of its inspectors (403 `not_assigned`), until it is published (409
/// `result_published`).
#[utoipa::path(post, path = "/api/v1/spot-checks/tasks/{id}/evidence", tag = "spot-checks", params(("id" = i64, Path), EvidenceName),
    request_body(content = String, description = "the file's bytes", content_type = "application/octet-stream"),
    responses((status = 201, body = Evidence), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody),
        (status = 409, body = super::ErrorBody), (status = 413, body = super::ErrorBody), (status = 415, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn attach(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    name: web::Query<EvidenceName>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let filename = name.into_inner().filename;
    let content_type = registry::documents::content_type(
        req.headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok()),
    )?;
    let staged = stage(&state, payload).await?;
    let evidence = blocking(move || {
        ops::spotchecks::attach_evidence(
            &state,
            &caller,
            id,
            &content_type,
            filename.as_deref(),
            staged,
        )
    })
    .await?;
    Ok(HttpResponse::Created().json(evidence))
}

/// A file of a task's result, for those who may see the task (with its SHA-256 as `ETag`).
#[utoipa::path(get, path = "/api/v1/spot-checks/tasks/{id}/evidence/{evidence_id}", tag = "spot-checks",
    params(("id" = i64, Path), ("evidence_id" = i64, Path)),
    responses((status = 200, description = "the file", content_type = "application/octet-stream", body = String),
        (status = 404, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn evidence(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (task, id) = path.into_inner();
    let db = state.db.clone();
    let store = state.config.document_store();
    let (found, bytes) = blocking(move || {
        Ok(spotchecks::evidence_content(
            &mut *db.conn()?,
            &store,
            &actor,
            task,
            id,
        )?)
    })
    .await?;
    Ok(serve_file(
        &FileMeta {
            content_type: &found.content_type,
            filename: &found.filename,
            sha256: &found.sha256,
        },
        bytes,
    ))
}

/// Publishes a recorded result (an officer of the plan's department): public for five years,
/// its digest in the evidence ledger, the enterprise told. 409 `result_missing`,
/// `result_published`.
#[utoipa::path(post, path = "/api/v1/spot-checks/tasks/{id}/publish", tag = "spot-checks", params(("id" = i64, Path)),
    responses((status = 201, body = PublicResult), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody),
        (status = 409, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn publish(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let published = blocking(move || ops::spotchecks::publish_result(&state, &caller, id)).await?;
    Ok(HttpResponse::Created().json(published))
}

/// Results published in the last five years, newest first (no sign-in).
#[utoipa::path(get, path = "/api/v1/public/spot-checks/results", tag = "spot-checks", params(Paging),
    responses((status = 200, body = [PublicResult]), (status = 422, body = super::ErrorBody)))]
pub async fn public_results(
    state: web::Data<AppState>,
    paging: web::Query<Paging>,
) -> Result<web::Json<Vec<PublicResult>>, ApiError> {
    let paging = paging.into_inner();
    let now = state.now();
    let db = state.db.clone();
    let list =
        blocking(move || Ok(spotchecks::public_results(&mut *db.conn()?, now, paging)?)).await?;
    Ok(web::Json(list))
}

/// Locked plans, newest first (no sign-in): each with its seed and digests.
#[utoipa::path(get, path = "/api/v1/public/spot-checks/plans", tag = "spot-checks", params(Paging),
    responses((status = 200, body = [Plan]), (status = 422, body = super::ErrorBody)))]
pub async fn public_plans(
    state: web::Data<AppState>,
    paging: web::Query<Paging>,
) -> Result<web::Json<Vec<Plan>>, ApiError> {
    let filter = PlanFilter {
        status: Some(PlanStatus::Locked),
        page: paging.page,
        per_page: paging.per_page,
        ..PlanFilter::default()
    };
    let db = state.db.clone();
    let list = blocking(move || Ok(spotchecks::list_plans(&mut *db.conn()?, &filter)?)).await?;
    Ok(web::Json(list))
}

/// A locked plan's draw as published (no sign-in): the seed, the frozen inputs (eligible
/// enterprises with their tiers, inspectors, exclusions) and the tasks. Anyone can compute it
/// again (`hub spotcheck verify-draw --file`); 404 for a draft.
#[utoipa::path(get, path = "/api/v1/public/spot-checks/plans/{id}/draw", tag = "spot-checks", params(("id" = i64, Path)),
    responses((status = 200, body = DrawRecord), (status = 404, body = super::ErrorBody)))]
pub async fn draw(
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<DrawRecord>, ApiError> {
    let id = id.into_inner();
    let db = state.db.clone();
    let record = blocking(move || Ok(spotchecks::draw_record(&mut *db.conn()?, id)?)).await?;
    Ok(web::Json(record))
}

/// Computes a locked plan's draw again from its published inputs and seed and compares it with
/// the published digests and tasks (no sign-in).
#[utoipa::path(get, path = "/api/v1/public/spot-checks/plans/{id}/verify", tag = "spot-checks", params(("id" = i64, Path)),
    responses((status = 200, body = Recomputed), (status = 404, body = super::ErrorBody)))]
pub async fn verify(
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<Recomputed>, ApiError> {
    let id = id.into_inner();
    let found = blocking(move || ops::spotchecks::verify_draw(&state, id)).await?;
    Ok(web::Json(found))
}

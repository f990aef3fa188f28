//! A case's page (`GET /portal/recalls/{id}`), as `ops::recalls::progress` lets each role read
//! it (an enterprise sees its own party only): the case, its scope with the version that found
//! each lot, the parties with their acknowledgement and reports, progress per party, region and
//! country, the recalled scans, the CSV and PDF reports. Officers of the department in charge
//! approve a request, re-scope an open case and close it (the closure form asks them to accept
//! the effectiveness check, which the registry requires); a party's users acknowledge and
//! report (`party`).

use actix_web::web;
use maud::{Markup, html};
use registry::documents::{self, Document};
use registry::filings::Paging;
use registry::identity::{Actor, Role};
use registry::recalls::{Closure, Progress, RecallCase, Tally, status};

use super::{PATH, amount, class_badge, party, path, status_badge};
use crate::app::Auth;
use crate::error::{ApiError, blocking};
use crate::ops;
use crate::portal::frame::{
    Ctx, Field, Flash, FormData, FormView, Input, Page, Posted, messages, read,
};

/// The approval form's id.
const APPROVE: &str = "recall-approve";
/// The re-scoping form's id.
const RESCOPE: &str = "recall-rescope";
/// The closure form's id.
const CLOSE: &str = "recall-close";
/// Documents offered to a party for its report (its newest).
const DOCUMENTS: i64 = 200;

/// What the page shows.
pub(super) struct Shown {
    pub progress: Progress,
    /// The party's own documents (its users only).
    pub documents: Vec<Document>,
}

/// Whether `actor` is an officer of the department in charge of `case`.
fn in_charge(actor: &Actor, case: &RecallCase) -> bool {
    actor.role == Role::Officer && actor.department_id == Some(case.department_id)
}

async fn load(ctx: &Ctx, actor: &Actor, id: i64) -> Result<Shown, ApiError> {
    let (state, reader) = (ctx.state.clone(), actor.clone());
    let progress = blocking(move || ops::recalls::progress(&state, &reader, id)).await?;
    let documents = match actor
        .enterprise_id
        .filter(|_| actor.role == Role::Enterprise)
    {
        Some(enterprise) if progress.case.is_open() && !progress.parties.is_empty() => {
            let reader = actor.clone();
            read(&ctx.state, move |conn| {
                let newest = Paging {
                    page: Some(1),
                    per_page: Some(DOCUMENTS),
                };
                documents::list_documents(conn, &reader, enterprise, newest, Some("-created_at"))
            })
            .await?
        }
        _ => Vec::new(),
    };
    Ok(Shown {
        progress,
        documents,
    })
}

fn or_dash(value: Option<chrono::NaiveDateTime>) -> String {
    value.map(messages::when).unwrap_or_else(|| "—".into())
}

fn facts(ctx: &Ctx, c: &RecallCase) -> Markup {
    let lang = ctx.lang;
    let t = |key: &str| ctx.t(key);
    html! {
        table.data #recall-case {
            tr { th scope="row" { (t("status")) } td { (status_badge(lang, c)) } }
            tr { th scope="row" { (t("recall-class")) } td { (class_badge(lang, &c.hazard_class)) } }
            tr { th scope="row" { (t("recall-reason")) } td #recall-reason { (c.reason) } }
            tr { th scope="row" { (t("recall-consumer-tip")) } td { (c.consumer_tip) } }
            tr { th scope="row" { (t("recall-return-to")) } td { (c.return_to) } }
            @if let Some(by) = &c.requested_by {
                tr { th scope="row" { (t("recall-requested-by")) } td { (by) } }
            }
            tr { th scope="row" { (t("recall-opened-at")) } td { (or_dash(c.opened_at)) @if let Some(by) = &c.opened_by { " · " (by) } } }
            tr { th scope="row" { (t("recall-deadline")) } td #recall-deadline { (or_dash(c.deadline_at)) } }
            tr { th scope="row" { (t("recall-scope-version")) } td #scope-version { (c.scope_version) " · " (or_dash(c.scoped_at)) } }
            @if c.status == status::CLOSED {
                tr { th scope="row" { (t("recall-closed-at")) } td { (or_dash(c.closed_at)) @if let Some(by) = &c.closed_by { " · " (by) } } }
                tr { th scope="row" { (t("recall-effectiveness")) } td #effectiveness { (c.effectiveness.clone().unwrap_or_default()) } }
            }
        }
        @if c.scope_truncated { p.notice #scope-truncated { (t("recall-truncated")) } }
    }
}

fn lots(ctx: &Ctx, p: &Progress) -> Markup {
    let t = |key: &str| ctx.t(key);
    html! {
        table #recall-lots {
            caption { (t("recall-scope")) }
            thead { tr {
                th scope="col" { (t("field-product")) }
                th scope="col" { (t("field-gtin")) }
                th scope="col" { (t("field-lot")) }
                th scope="col" { (t("recall-lot-id")) }
                th scope="col" { (t("recall-found")) }
                th scope="col" { (t("recall-version")) }
            } }
            tbody {
                @for l in &p.lots {
                    tr data-lot=(l.lot) data-version=(l.added_version) {
                        td { (l.product) }
                        td { code { (l.gtin) } }
                        td { (l.lot) }
                        td { code { (l.lot_id) } }
                        td { (t(if l.requested { "recall-named" } else { "recall-traced" })) }
                        td.number { (l.added_version) }
                    }
                }
            }
        }
    }
}

fn tally_cells(tally: &Tally) -> Markup {
    html! {
        td.number { (amount(tally.affected)) }
        td.number { (amount(tally.held)) }
        td.number { (amount(tally.returned)) }
        td.number { (amount(tally.destroyed)) }
        td.number { (amount(tally.sold)) }
        td.number.unaccounted { (amount(tally.unaccounted)) }
    }
}

fn tally_heads(ctx: &Ctx) -> Markup {
    html! {
        @for key in ["recall-affected", "recall-held", "recall-returned", "recall-destroyed", "recall-sold", "recall-unaccounted"] {
            th scope="col" { (ctx.t(key)) }
        }
    }
}

fn parties(ctx: &Ctx, actor: &Actor, p: &Progress) -> Markup {
    let t = |key: &str| ctx.t(key);
    let linked = actor.role != Role::Enterprise;
    html! {
        table #recall-parties {
            caption { (t("recall-parties")) }
            thead { tr {
                th scope="col" { (t("enterprise")) }
                th scope="col" { (t("recall-region")) }
                th scope="col" { (t("recall-version")) }
                th scope="col" { (t("recall-notified-at")) }
                th scope="col" { (t("recall-acknowledged")) }
                th scope="col" { (t("recall-reminders")) }
                th scope="col" { (t("recall-escalated-at")) }
                th scope="col" { (t("recall-reported-lots")) }
                (tally_heads(ctx))
            } }
            tbody {
                @for party in &p.parties {
                    @let pa = &party.party;
                    tr data-party=(pa.enterprise_id) data-acknowledged=(pa.acknowledged_at.is_some()) data-reported=(party.reported_lots) {
                        td {
                            @if linked { a href={ "/portal/enterprises/" (pa.enterprise_id) } { (party.enterprise_name) } }
                            @else { (party.enterprise_name) }
                        }
                        td { (pa.country) "/" (pa.region_code) }
                        td.number { (pa.added_version) }
                        td { (messages::when(pa.notified_at)) }
                        td {
                            @match (pa.acknowledged_at, &pa.acknowledged_by) {
                                (Some(at), by) => { (messages::when(at)) @if let Some(by) = by { " · " (by) } },
                                (None, _) => span.muted { (t("recall-not-yet")) },
                            }
                        }
                        td.number { (pa.reminders) }
                        td { (or_dash(pa.escalated_at)) }
                        td.number { (party.reported_lots) }
                        (tally_cells(&party.tally))
                    }
                }
            }
        }
    }
}

fn tallies(ctx: &Ctx, id: &str, caption: &str, rows: &[Tally], total: Option<&Tally>) -> Markup {
    html! {
        table id=(id) {
            caption { (caption) }
            thead { tr {
                th scope="col" { (ctx.t("recall-where")) }
                th scope="col" { (ctx.t("recall-parties")) }
                (tally_heads(ctx))
            } }
            tbody {
                @for row in rows {
                    tr data-key=(row.key) { td { (row.key) } td.number { (row.parties) } (tally_cells(row)) }
                }
                @if let Some(total) = total {
                    tr.total { th scope="row" { (ctx.t("recall-total")) } td.number { (total.parties) } (tally_cells(total)) }
                }
            }
        }
    }
}

fn progress_view(ctx: &Ctx, actor: &Actor, p: &Progress) -> Markup {
    let lang = ctx.lang;
    let all = p.parties.len().to_string();
    let counts = [
        ("acknowledged", p.acknowledged.to_string()),
        ("reported", p.reported.to_string()),
        ("parties", all),
        ("places", p.unregistered_places.to_string()),
    ];
    let args: Vec<(&'static str, &str)> = counts.iter().map(|(k, v)| (*k, v.as_str())).collect();
    html! {
        h2 { (ctx.t("recall-progress")) }
        @if actor.role != Role::Enterprise {
            p.summary #recall-summary { (lang.t_args("recall-summary-parties", &args)) }
            p.hint { (ctx.t("recall-units-note")) }
        }
        (parties(ctx, actor, p))
        @if actor.role != Role::Enterprise {
            (tallies(ctx, "recall-regions", &ctx.t("recall-by-region"), &p.regions, None))
            (tallies(ctx, "recall-countries", &ctx.t("recall-by-country"), &p.countries, Some(&p.total)))
            h3 { (ctx.t("recall-scans")) }
            @if p.recalled_scans.is_empty() {
                p.muted { (ctx.t("none-yet")) }
            } @else {
                table #recall-scans {
                    thead { tr { th scope="col" { (ctx.t("recall-country")) } th scope="col" { (ctx.t("recall-scan-count")) } } }
                    tbody { @for s in &p.recalled_scans { tr { td { (s.country) } td.number { (s.scans) } } } }
                }
            }
        }
    }
}

fn officer_actions(ctx: &Ctx, c: &RecallCase, posted: Option<&Posted>) -> Markup {
    let t = |key: &str| ctx.t(key);
    let here = path(c.id);
    let approve = FormView::new(ctx, APPROVE, posted);
    let rescope = FormView::new(ctx, RESCOPE, posted);
    let close = FormView::new(ctx, CLOSE, posted);
    let accept = vec![("true".to_owned(), t("recall-confirm-effectiveness"))];
    html! {
        @if c.status == status::REQUESTED {
            section aria-labelledby="approve-heading" {
                h2 #approve-heading { (t("recall-approve")) }
                p { (t("recall-approve-intro")) }
                (approve.form(&format!("{here}/approve"), &t("recall-approve"), html! {}))
            }
        }
        @if c.is_open() {
            section aria-labelledby="rescope-heading" {
                h2 #rescope-heading { (t("recall-rescope")) }
                p { (t("recall-rescope-intro")) }
                (rescope.form(&format!("{here}/rescope"), &t("recall-rescope"), html! {}))
            }
            section aria-labelledby="close-heading" {
                h2 #close-heading { (t("recall-close")) }
                p { (t("recall-close-intro")) }
                (close.form(&format!("{here}/close"), &t("recall-close"), html! {
                    (close.field(Field::new("effectiveness", t("recall-effectiveness"), Input::TextArea).required()
                        .hint(t("hint-recall-effectiveness"))))
                    (close.field(Field::new("effectiveness_accepted", t("recall-effectiveness-accepted"), Input::Checkboxes(accept))))
                }))
            }
        }
    }
}

/// The forms the page draws for `actor` (a refusal of another is shown above the case).
fn drawn_forms(
    c: &RecallCase,
    officer: bool,
    party: Option<&registry::recalls::PartyProgress>,
) -> Vec<&'static str> {
    let mut drawn = Vec::new();
    if officer && c.status == status::REQUESTED {
        drawn.push(APPROVE);
    }
    if officer && c.is_open() {
        drawn.extend([RESCOPE, CLOSE]);
    }
    if let Some(own) = party.filter(|_| c.is_open()) {
        drawn.push(if own.party.acknowledged_at.is_some() {
            party::REPORT
        } else {
            party::ACKNOWLEDGE
        });
    }
    drawn
}

fn title(ctx: &Ctx, id: i64) -> String {
    ctx.lang
        .t_args("recall-case-heading", &[("id", &id.to_string())])
}

fn render(ctx: &Ctx, actor: &Actor, shown: &Shown, posted: Option<&Posted>) -> Markup {
    let p = &shown.progress;
    let c = &p.case;
    let api = format!("/api/v1/recalls/{}", c.id);
    let officer = in_charge(actor, c);
    let party = actor.role == Role::Enterprise && !p.parties.is_empty();
    let drawn = drawn_forms(c, officer, party.then(|| &p.parties[0]));
    html! {
        h1 { (title(ctx, c.id)) }
        p.lead #recall-title { (c.title) }
        @if let Some(posted) = posted.filter(|posted| !drawn.contains(&posted.form.as_str())) {
            div.error-summary role="alert" { p.error { (posted.message) } }
        }
        (facts(ctx, c))
        p.actions {
            a #recall-csv href={ (api) "/report.csv" } download { (ctx.t("recall-case-csv")) }
            " · "
            a #recall-pdf href={ (api) "/report.pdf" } download { (ctx.t("recall-case-pdf")) }
            @if c.is_open() {
                " · " a href={ "/recalls#case-" (c.id) } { (ctx.t("recall-public-link")) }
            }
        }
        @if party { (party::section(ctx, shown, posted)) }
        @if officer { (officer_actions(ctx, c, posted)) }
        (lots(ctx, p))
        (progress_view(ctx, actor, p))
        p { a href=(PATH) { "← " (ctx.t("nav-recall-cases")) } }
    }
}

/// `GET /portal/recalls/{id}`.
pub async fn page(ctx: Ctx, Auth(actor): Auth, id: web::Path<i64>) -> Page {
    let id = id.into_inner();
    let shown = load(&ctx, &actor, id).await.map_err(|e| ctx.refuse(e))?;
    Ok(ctx.render(&title(&ctx, id), render(&ctx, &actor, &shown, None)))
}

/// Shows a refused form again on the case's page (422, 409), or a refusal page.
pub(super) async fn refused(
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

/// `POST /portal/recalls/{id}/approve`: the request opens.
pub async fn approve(ctx: Ctx, Auth(actor): Auth, id: web::Path<i64>, data: FormData) -> Page {
    let id = id.into_inner();
    let done = ctx
        .act(&actor, move |core, caller| {
            ops::recalls::approve(core, caller, id)
        })
        .await;
    match done {
        Ok(_) => Ok(ctx.redirect(&path(id), Flash::success("flash-recall-approved"))),
        Err(error) => refused(&ctx, &actor, id, APPROVE, data, error).await,
    }
}

/// `POST /portal/recalls/{id}/rescope`: the scope computed again.
pub async fn rescope(ctx: Ctx, Auth(actor): Auth, id: web::Path<i64>, data: FormData) -> Page {
    let id = id.into_inner();
    let done = ctx
        .act(&actor, move |core, caller| {
            ops::recalls::rescope(core, caller, id)
        })
        .await;
    match done {
        Ok(scoped) => {
            let flash = if scoped.new_lots + scoped.new_places + scoped.new_parties == 0 {
                "flash-recall-rescoped-same"
            } else {
                "flash-recall-rescoped"
            };
            Ok(ctx.redirect(&path(id), Flash::success(flash)))
        }
        Err(error) => refused(&ctx, &actor, id, RESCOPE, data, error).await,
    }
}

/// `POST /portal/recalls/{id}/close`: `effectiveness`, `effectiveness_accepted` (checked).
pub async fn close(ctx: Ctx, Auth(actor): Auth, id: web::Path<i64>, data: FormData) -> Page {
    let id = id.into_inner();
    let closure = Closure {
        effectiveness_accepted: data.text("effectiveness_accepted") == "true",
        effectiveness: data.text("effectiveness"),
    };
    let done = ctx
        .act(&actor, move |core, caller| {
            ops::recalls::close(core, caller, id, &closure)
        })
        .await;
    match done {
        Ok(_) => Ok(ctx.redirect(&path(id), Flash::success("flash-recall-closed"))),
        Err(error) => refused(&ctx, &actor, id, CLOSE, data, error).await,
    }
}

//! A party's side of a case: its users acknowledge the notice, then report per lot what they
//! held, returned, destroyed and had already sold, with documents chosen among the enterprise's
//! own (`ops::recalls::acknowledge`, `ops::recalls::report`, the operations behind
//! `POST /api/v1/recalls/{id}/acknowledge` and `.../disposals`). A lot reported again replaces
//! its earlier line, as the registry rules.

use actix_web::web;
use maud::{Markup, html};
use registry::recalls::{DisposalLine, DisposalReport};

use super::case::{Shown, refused};
use super::{amount, path};
use crate::app::Auth;
use crate::error::ApiError;
use crate::ops;
use crate::portal::enterprise::documents::doc_type_text;
use crate::portal::frame::{Ctx, Field, Flash, FormData, FormView, Input, Page, Posted, messages};

/// The acknowledgement form's id.
pub(super) const ACKNOWLEDGE: &str = "recall-acknowledge";
/// The report form's id.
pub(super) const REPORT: &str = "recall-report";

/// The party's forms on the case's page (its own party is the only one it sees).
pub(super) fn section(ctx: &Ctx, shown: &Shown, posted: Option<&Posted>) -> Markup {
    let t = |key: &str| ctx.t(key);
    let p = &shown.progress;
    let Some(own) = p.parties.first() else {
        return html! {};
    };
    let here = path(p.case.id);
    let acknowledge = FormView::new(ctx, ACKNOWLEDGE, posted);
    let report = FormView::new(ctx, REPORT, posted);
    let lots: Vec<(String, String)> = p
        .lots
        .iter()
        .map(|l| {
            (
                l.lot_id.clone(),
                format!(
                    "{} · {}",
                    l.product,
                    if l.lot.is_empty() { &l.lot_id } else { &l.lot }
                ),
            )
        })
        .collect();
    let documents: Vec<(String, String)> = shown
        .documents
        .iter()
        .map(|d| {
            (
                d.id.to_string(),
                format!(
                    "{} {} ({})",
                    doc_type_text(ctx.lang, d.doc_type),
                    d.number,
                    d.filename
                ),
            )
        })
        .collect();
    let uom = if own.party.uom.is_empty() {
        "EA".to_owned()
    } else {
        own.party.uom.clone()
    };
    html! {
        section #own-party aria-labelledby="own-party-heading" data-acknowledged=(own.party.acknowledged_at.is_some()) {
            h2 #own-party-heading { (t("recall-own-party")) }
            p { (ctx.lang.t_args("recall-own-affected", &[
                ("items", &own.party.items.to_string()),
                ("quantity", &amount(own.party.quantity)),
                ("uom", &own.party.uom),
            ])) }
            @if !p.case.is_open() {
                p.muted { (t("recall-not-open")) }
            } @else if let Some(at) = own.party.acknowledged_at {
                p #acknowledged { (ctx.lang.t_args("recall-acknowledged-at", &[("at", &messages::when(at))])) }
                h3 { (t("recall-report")) }
                p { (t("recall-report-intro")) }
                (report.form(&format!("{here}/disposals"), &t("recall-report-submit"), html! {
                    (report.field(Field::new("lot", t("field-lot"), Input::Select(lots)).required()))
                    (report.field(Field::new("held", t("recall-held"), Input::Number("any")).required().hint(t("hint-recall-held"))))
                    (report.field(Field::new("returned", t("recall-returned"), Input::Number("any")).value("0")))
                    (report.field(Field::new("destroyed", t("recall-destroyed"), Input::Number("any")).value("0")))
                    (report.field(Field::new("sold", t("recall-sold"), Input::Number("any")).value("0")))
                    (report.field(Field::new("uom", t("recall-uom"), Input::Text).value(uom).required().hint(t("hint-recall-uom"))))
                    (report.field(Field::new("note", t("recall-note"), Input::TextArea)))
                    @if documents.is_empty() {
                        p.hint #no-documents { (t("recall-no-documents")) }
                    } @else {
                        (report.field(Field::new("documents", t("recall-documents"), Input::Checkboxes(documents))))
                    }
                }))
            } @else {
                p.notice #not-acknowledged { (ctx.lang.t_args("recall-acknowledge-by", &[
                    ("deadline", &p.case.deadline_at.map(messages::when).unwrap_or_default()),
                ])) }
                (acknowledge.form(&format!("{here}/acknowledge"), &t("recall-acknowledge"), html! {}))
            }
        }
    }
}

/// `POST /portal/recalls/{id}/acknowledge`.
pub async fn acknowledge(ctx: Ctx, Auth(actor): Auth, id: web::Path<i64>, data: FormData) -> Page {
    let id = id.into_inner();
    let done = ctx
        .act(&actor, move |core, caller| {
            ops::recalls::acknowledge(core, caller, id)
        })
        .await;
    match done {
        Ok(_) => Ok(ctx.redirect(&path(id), Flash::success("flash-recall-acknowledged"))),
        Err(error) => refused(&ctx, &actor, id, ACKNOWLEDGE, data, error).await,
    }
}

/// A quantity of the form: empty is 0.
fn quantity(data: &FormData, name: &str) -> Result<f64, ApiError> {
    Ok(data.number(name)?.unwrap_or(0.0))
}

/// The report typed in the form: one line, and the documents checked.
fn report_of(data: &FormData) -> Result<DisposalReport, ApiError> {
    let documents = data
        .all("documents")
        .into_iter()
        .map(|v| {
            v.trim().parse::<i64>().map_err(|_| {
                ApiError::from(registry::RegistryError::invalid(
                    registry::error::Code::InvalidNumber,
                    "documents",
                    "is not a number",
                ))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(DisposalReport {
        lines: vec![DisposalLine {
            lot: data.text("lot"),
            held: data.required_number("held")?,
            returned: quantity(data, "returned")?,
            destroyed: quantity(data, "destroyed")?,
            sold: quantity(data, "sold")?,
            uom: data.text("uom"),
            note: data.text("note"),
        }],
        documents,
    })
}

/// The registry names a line's field `lines[0].held`: the form's input is `held`.
fn on_input(error: ApiError) -> ApiError {
    let input = error
        .field()
        .and_then(|f| f.strip_prefix("lines[0]."))
        .map(str::to_owned);
    match input {
        Some(input) => error.with_field(input),
        None => error,
    }
}

/// `POST /portal/recalls/{id}/disposals`: `lot`, `held`, `returned`, `destroyed`, `sold`,
/// `uom`, `note`, `documents` (checked).
pub async fn report(ctx: Ctx, Auth(actor): Auth, id: web::Path<i64>, data: FormData) -> Page {
    let id = id.into_inner();
    let done = match report_of(&data) {
        Ok(report) => {
            ctx.act(&actor, move |core, caller| {
                ops::recalls::report(core, caller, id, &report)
            })
            .await
        }
        Err(error) => Err(error),
    };
    match done {
        Ok(_) => Ok(ctx.redirect(&path(id), Flash::success("flash-recall-reported"))),
        Err(error) => refused(&ctx, &actor, id, REPORT, data, on_input(error)).await,
    }
}

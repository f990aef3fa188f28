//! Regulator systems' deliveries in the portal, for the competent officers and administrators
//! (what `ops::intake::deliveries` lets them read):
//!
//! - `/portal/intake`: per adapter, the open alerts its rules raised by kind (each a link to the
//!   alert list filtered by it), then the latest deliveries with their outcome;
//! - `/portal/intake/deliveries/{id}`: one delivery, its bad records and its signed receipt (the
//!   exact text signed, the signature and the key's id, verifiable with `GET /ledger/key`).

use actix_web::web;
use maud::{Markup, html};
use registry::alerts::{self, AlertFilter, AlertStatus};
use registry::intake::{Delivery, Outcome, alert_kinds};

use super::frame::{Ctx, Page, messages};
use crate::app::Auth;
use crate::error::blocking;
use crate::ops;

/// The page.
pub const PATH: &str = "/portal/intake";

/// The page of delivery `id`.
pub fn path(id: i64) -> String {
    format!("{PATH}/deliveries/{id}")
}

fn outcome_badge(ctx: &Ctx, outcome: Outcome) -> Markup {
    html! { span.badge data-outcome=(outcome.as_str()) { (ctx.t(&format!("intake-outcome-{}", outcome.as_str()))) } }
}

fn deliveries_table(ctx: &Ctx, list: &[Delivery]) -> Markup {
    let t = |key: &str| ctx.t(key);
    html! {
        table #deliveries {
            caption { (t("intake-deliveries")) }
            thead { tr {
                th scope="col" { "#" }
                th scope="col" { (t("intake-adapter")) }
                th scope="col" { (t("intake-file")) }
                th scope="col" { (t("intake-sender")) }
                th scope="col" { (t("intake-received")) }
                th scope="col" { (t("status")) }
                th scope="col" { (t("intake-records")) }
                th scope="col" { (t("intake-refused")) }
                th scope="col" { (t("nav-alerts")) }
            } }
            tbody {
                @for d in list {
                    tr data-delivery=(d.id) {
                        td { a href=(path(d.id)) { "#" (d.id) } }
                        td { (d.adapter) }
                        td { (d.file_name) }
                        td { (d.sender) }
                        td { (messages::when(d.received_at)) }
                        td { (outcome_badge(ctx, d.outcome)) }
                        td { (d.counts.records) }
                        td { (d.counts.refused) }
                        td { (d.counts.alerts) }
                    }
                }
            }
        }
    }
}

/// `GET /portal/intake`.
pub async fn list(ctx: Ctx, Auth(actor): Auth) -> Page {
    let state = ctx.state.clone();
    let (deliveries, open) = blocking(move || {
        let deliveries = ops::intake::deliveries(&state, &actor, None)?;
        let mut conn = state.db.conn()?;
        let mut open = Vec::new();
        for adapter in adapters::regulators::ADAPTERS {
            let mut kinds = Vec::new();
            for kind in alert_kinds(adapter.name) {
                let filter = AlertFilter {
                    kind: Some((*kind).to_owned()),
                    status: Some(AlertStatus::Open),
                    ..AlertFilter::default()
                };
                kinds.push((*kind, alerts::count_alerts(&mut conn, &actor, &filter)?));
            }
            open.push((adapter, kinds));
        }
        Ok((deliveries, open))
    })
    .await
    .map_err(|e| ctx.refuse(e))?;
    let title = ctx.t("intake-title");
    let body = html! {
        h1 { (title) }
        p { (ctx.t("intake-intro")) }
        @for (adapter, kinds) in &open {
            section.adapter data-adapter=(adapter.name) {
                h2 { (adapter.name) " · " (adapter.formats) }
                p.muted { (adapter.summary) }
                table.alert-kinds {
                    caption { (ctx.t("intake-open-alerts")) }
                    tbody {
                        @for (kind, count) in kinds {
                            tr data-kind=(kind) {
                                th scope="row" { a href={ "/portal/alerts?status=open&kind=" (kind) } { (messages::alert_kind(ctx.lang, kind)) } }
                                td { (count) }
                            }
                        }
                    }
                }
            }
        }
        (deliveries_table(&ctx, &deliveries))
        @if deliveries.is_empty() { p.muted #no-deliveries { (ctx.t("none-yet")) } }
    };
    Ok(ctx.render(&title, body))
}

/// `GET /portal/intake/deliveries/{id}`.
pub async fn page(ctx: Ctx, Auth(actor): Auth, id: web::Path<i64>) -> Page {
    let id = id.into_inner();
    let state = ctx.state.clone();
    let found = blocking(move || ops::intake::delivery(&state, &actor, id))
        .await
        .map_err(|e| ctx.refuse(e))?;
    let d = &found.delivery;
    let t = |key: &str| ctx.t(key);
    let title = format!("{} #{}", t("intake-delivery"), d.id);
    let body = html! {
        h1 { (title) }
        dl.facts {
            dt { (t("intake-adapter")) } dd { (d.adapter) }
            dt { (t("intake-file")) } dd { (d.file_name) }
            dt { (t("intake-sender")) } dd { (d.sender) }
            dt { (t("intake-received")) } dd { (messages::when(d.received_at)) }
            dt { (t("status")) } dd { (outcome_badge(&ctx, d.outcome)) }
            dt { "SHA-256" } dd { code { (d.sha256) } }
            dt { (t("intake-records")) } dd { (d.counts.records) " · " (t("intake-written")) " " (d.counts.written) " · " (t("intake-refused")) " " (d.counts.refused) }
            dt { (t("nav-alerts")) } dd { (d.counts.alerts) }
        }
        @if !found.errors.is_empty() {
            table #record-errors {
                caption { (t("intake-bad-records")) }
                thead { tr {
                    th scope="col" { (t("intake-line")) }
                    th scope="col" { (t("intake-field")) }
                    th scope="col" { (t("intake-error")) }
                    th scope="col" { (t("intake-reason")) }
                } }
                tbody {
                    @for e in &found.errors {
                        tr data-line=(e.line) {
                            td { (e.line) }
                            td { code { (e.column) } }
                            td { (ctx.lang.error_message(&e.error).unwrap_or_else(|| e.error.clone())) " " code { (e.error) } }
                            td { (e.message) }
                        }
                    }
                }
            }
        }
        h2 { (t("intake-receipt")) }
        p { (t("intake-receipt-intro")) " " a href="/ledger/key" { "/ledger/key" } }
        pre #receipt { (d.receipt) }
        dl.facts {
            dt { (t("intake-signature")) } dd { code #signature { (d.signature) } }
            dt { (t("intake-key")) } dd { code { (d.key_id) } }
        }
        p { a href=(PATH) { (t("intake-back")) } }
    };
    Ok(ctx.render(&title, body))
}

//! An enterprise's dashboard: its status (with the reason it can read and answer), credit tier,
//! licence warnings, data, the changes awaiting review, and its listing on the blacklist.
//! Officers of the jurisdiction see the review actions and the listing form here too.

use maud::{Markup, html};
use registry::blacklist::{self, Listing, Proposal};
use registry::enterprises::credit::{self, Assessment};
use registry::enterprises::{self, Change, ChangeStatus, CreditTier, Decision, Enterprise, Status};
use registry::filings::licences::{self, Licence};
use registry::identity::Actor;

use super::{Tab, heading, is_officer, is_own, title, values_list};
use crate::app::Auth;
use crate::error::ApiError;
use crate::portal::blacklist::enterprise as blacklisting;
use crate::portal::frame::{
    Ctx, Field, FormData, FormView, Input, Page, Posted, Refusal, messages, read,
};
use actix_web::web;

/// What the dashboard shows.
pub struct Overview {
    pub enterprise: Enterprise,
    pub changes: Vec<Change>,
    pub licences: Vec<Licence>,
    /// Its open listing on the blacklist.
    pub listing: Option<Listing>,
    /// The proposal to list it that awaits approval (read for officers only).
    pub proposal: Option<Proposal>,
    /// Its credit tier and why.
    pub credit: Assessment,
}

/// Reads enterprise `id` as `actor` may see it, with its changes, licences, open listing and (for
/// officers) the pending proposal to list it.
pub async fn load(ctx: &Ctx, actor: &Actor, id: i64) -> Result<Overview, Refusal> {
    let actor = actor.clone();
    let now = ctx.state.now();
    let today = now.date();
    read(&ctx.state, move |conn| {
        let enterprise = enterprises::find_enterprise(conn, &actor, id)?;
        let proposal = match is_officer(&actor) {
            true => blacklist::pending_proposal(conn, id)?,
            false => None,
        };
        Ok(Overview {
            proposal,
            changes: enterprises::list_changes(conn, id)?,
            licences: licences::list_licences(conn, &actor, id, today)?,
            listing: blacklist::current_listing(conn, id)?,
            credit: credit::assessment(conn, now, id)?,
            enterprise,
        })
    })
    .await
    .map_err(|e| ctx.refuse(e))
}

/// `GET /portal/enterprises/{id}`.
pub async fn page(ctx: Ctx, Auth(actor): Auth, id: web::Path<i64>) -> Page {
    let data = load(&ctx, &actor, id.into_inner()).await?;
    Ok(ctx.render(
        &title(&ctx, &data.enterprise, Tab::Overview),
        render(&ctx, &actor, &data, None),
    ))
}

/// Shows the dashboard again with the refusal in form `form`.
pub async fn refused(
    ctx: Ctx,
    actor: &Actor,
    id: i64,
    form: &str,
    data: FormData,
    error: ApiError,
) -> Page {
    let posted = ctx.posted(form, data, error)?;
    let loaded = load(&ctx, actor, id).await?;
    Ok(ctx.render_status(
        posted.status,
        &title(&ctx, &loaded.enterprise, Tab::Overview),
        render(&ctx, actor, &loaded, Some(&posted)),
    ))
}

/// The dashboard, with `posted` shown in the form it came from.
pub fn render(ctx: &Ctx, actor: &Actor, data: &Overview, posted: Option<&Posted>) -> Markup {
    let e = &data.enterprise;
    // A refusal of a form this page does not draw (an approval from the queue of an enterprise
    // approved meanwhile) is shown at the top.
    let orphan = posted.filter(|p| !drawn_forms(actor, data).contains(&p.form));
    html! {
        (heading(ctx, e, Tab::Overview))
        @if let Some(posted) = orphan { div.error-summary role="alert" { p.error { (posted.message) } } }
        (status_section(ctx, actor, data))
        @if is_officer(actor) { (review_actions(ctx, e, posted)) }
        (blacklisting::section(ctx, actor, data, posted))
        (crate::portal::stamps::enterprise_section(ctx, actor, e))
        (changes_section(ctx, actor, data, posted))
        (data_section(ctx, actor, e))
    }
}

fn status_section(ctx: &Ctx, actor: &Actor, data: &Overview) -> Markup {
    let e = &data.enterprise;
    let lang = ctx.lang;
    let expired = data.licences.iter().filter(|l| l.expired).count();
    let expiring = data.licences.iter().filter(|l| l.expires_soon).count();
    html! {
        section aria-labelledby="status-heading" {
            h2 #status-heading { (ctx.t("status")) }
            p { (super::status_badge(lang, e.status)) " " (ctx.t(&format!("status-explain-{}", e.status.as_str()))) }
            @if let Some(reason) = &e.status_reason {
                p.notice { strong { (ctx.t("status-reason")) ": " } (reason) }
            }
            @if e.status == Status::Rejected && is_own(actor, e) {
                p { a href={ "/portal/enterprises/" (e.id) "/edit" } { (ctx.t("answer-rejection")) } }
            }
            p { (super::tier_badge(lang, e.credit_tier)) " " span.muted { (ctx.t("credit-tier-explain")) } }
            (credit_reasons(ctx, &data.credit))
            @if expired + expiring > 0 {
                p.notice {
                    (lang.t_args("licence-warning", &[("expired", &expired.to_string()), ("expiring", &expiring.to_string())]))
                    " " a href=(Tab::Licences.path(e.id)) { (ctx.t("tab-licences")) }
                }
            }
        }
    }
}

/// Why the tier is what it is: the computed tier with its score and reasons, an override in
/// force, the blacklist.
fn credit_reasons(ctx: &Ctx, credit: &Assessment) -> Markup {
    let lang = ctx.lang;
    html! {
        div #credit-reasons {
            @if credit.listed { p.notice { (ctx.t("credit-listed")) } }
            @if let Some(o) = &credit.override_ {
                p.notice #credit-override { (lang.t_args("credit-override", &[("tier", &o.tier), ("until", &o.expires_at.date().to_string()), ("by", &o.set_by)])) " " (o.reason) }
            }
            @if let (Some(tier), Some(score)) = (credit.computed_tier, credit.score) {
                p { (lang.t_args("credit-computed", &[("tier", tier.as_str()), ("score", &score.to_string())])) }
                @if !credit.reasons.is_empty() {
                    ul { @for r in &credit.reasons {
                        li data-reason=(r.code) { (ctx.t(&format!("credit-reason-{}", r.code))) " (" (r.count) "): " (format!("{:+}", r.points)) }
                    } }
                }
            }
        }
    }
}

fn data_section(ctx: &Ctx, actor: &Actor, e: &Enterprise) -> Markup {
    let lang = ctx.lang;
    let coordinates = match (e.latitude, e.longitude) {
        (Some(lat), Some(lon)) => format!("{lat}, {lon}"),
        _ => "—".to_owned(),
    };
    let rows: Vec<(&str, String)> = vec![
        ("credit_code", e.credit_code.clone()),
        ("name", e.name.clone()),
        ("name_en", e.name_en.clone()),
        ("legal_representative", e.legal_representative.clone()),
        ("phone", e.phone.clone()),
        ("email", e.email.clone()),
        ("region_code", e.region_code.clone()),
        ("address", e.address.clone()),
        ("coordinates", coordinates),
        (
            "company_prefix",
            e.company_prefix.clone().unwrap_or_else(|| "—".into()),
        ),
        ("categories", messages::categories(lang, &e.categories)),
        ("created_at", messages::when(e.created_at)),
        ("updated_at", messages::when(e.updated_at)),
    ];
    html! {
        section aria-labelledby="data-heading" {
            h2 #data-heading { (ctx.t("enterprise-data")) }
            table.data {
                @for (field, value) in rows {
                    tr { th scope="row" { (messages::field_label(lang, field)) } td { (value) } }
                }
            }
            @if is_own(actor, e) && e.status != Status::Revoked {
                p { a href={ "/portal/enterprises/" (e.id) "/edit" } { (ctx.t("edit-data")) } }
            }
        }
    }
}

fn changes_section(ctx: &Ctx, actor: &Actor, data: &Overview, posted: Option<&Posted>) -> Markup {
    let lang = ctx.lang;
    let (pending, decided): (Vec<&Change>, Vec<&Change>) = data
        .changes
        .iter()
        .partition(|c| c.status == ChangeStatus::Pending);
    html! {
        section aria-labelledby="changes-heading" {
            h2 #changes-heading { (ctx.t("changes-pending")) }
            @if pending.is_empty() { p.muted { (ctx.t("changes-none")) } }
            @for change in &pending {
                article.card {
                    h3 { (messages::change_kind(lang, change.kind)) " · " (messages::when(change.proposed_at)) }
                    p.muted { (ctx.t("proposed-by")) " " (change.proposed_by) }
                    (values_list(lang, &change.payload))
                    @if is_officer(actor) { (change_actions(ctx, data.enterprise.id, change, posted)) }
                }
            }
            @if !decided.is_empty() {
                h3 { (ctx.t("changes-decided")) }
                table {
                    thead { tr {
                        th scope="col" { (ctx.t("change")) }
                        th scope="col" { (ctx.t("status")) }
                        th scope="col" { (ctx.t("decided-by")) }
                        th scope="col" { (ctx.t("status-reason")) }
                    } }
                    tbody {
                        @for change in &decided {
                            tr {
                                td { (messages::change_kind(lang, change.kind)) (values_list(lang, &change.payload)) }
                                td { (messages::change_status(lang, change.status)) }
                                td { (change.decided_by.as_deref().unwrap_or("—")) " " (change.decided_at.map(messages::when).unwrap_or_default()) }
                                td { (change.reason.as_deref().unwrap_or("—")) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn change_actions(ctx: &Ctx, id: i64, change: &Change, posted: Option<&Posted>) -> Markup {
    let action = format!("/portal/enterprises/{id}/changes/{}/decision", change.id);
    let approve = FormView::new(ctx, format!("change-{}-approve", change.id), posted);
    let reject = FormView::new(ctx, format!("change-{}-reject", change.id), posted);
    html! {
        div.actions {
            (approve.form(&action, &ctx.t("change-approve"), approve.hidden("decision", "approve")))
            (reject.form(&action, &ctx.t("change-reject"), html! {
                (reject.hidden("decision", "reject"))
                (reject.field(Field::new("reason", ctx.t("field-reason"), Input::TextArea).required()))
            }))
        }
    }
}

/// The ids of the forms the dashboard draws for `actor`.
fn drawn_forms(actor: &Actor, data: &Overview) -> Vec<String> {
    if !is_officer(actor) {
        return Vec::new();
    }
    let mut forms: Vec<String> = decisions(data.enterprise.status)
        .iter()
        .map(|(d, _)| decision_name(*d).to_owned())
        .collect();
    forms.push("credit-tier".into());
    forms.extend(
        blacklisting::forms_drawn(actor, data)
            .into_iter()
            .map(String::from),
    );
    for change in data
        .changes
        .iter()
        .filter(|c| c.status == ChangeStatus::Pending)
    {
        forms.push(format!("change-{}-approve", change.id));
        forms.push(format!("change-{}-reject", change.id));
    }
    forms
}

/// The decisions open from `status`, and whether each needs a reason.
fn decisions(status: Status) -> &'static [(Decision, bool)] {
    match status {
        Status::Pending => &[(Decision::Approve, false), (Decision::Reject, true)],
        Status::Active => &[(Decision::Suspend, true), (Decision::Revoke, true)],
        Status::Suspended => &[(Decision::Reinstate, false), (Decision::Revoke, true)],
        Status::Rejected | Status::Revoked => &[],
    }
}

/// The name a decision has in forms and form ids (`approve`).
pub fn decision_name(decision: Decision) -> &'static str {
    decision.action().trim_start_matches("enterprise.")
}

fn review_actions(ctx: &Ctx, e: &Enterprise, posted: Option<&Posted>) -> Markup {
    let lang = ctx.lang;
    let action = format!("/portal/enterprises/{}/decision", e.id);
    let tier = FormView::new(ctx, "credit-tier", posted);
    let tiers: Vec<(String, String)> = [CreditTier::A, CreditTier::B, CreditTier::C, CreditTier::D]
        .iter()
        .map(|t| (t.as_str().to_owned(), messages::credit_tier(lang, *t)))
        .collect();
    html! {
        section aria-labelledby="review-heading" {
            h2 #review-heading { (ctx.t("review-actions")) }
            div.actions {
                @for (decision, needs_reason) in decisions(e.status) {
                    @let name = decision_name(*decision);
                    @let view = FormView::new(ctx, name, posted);
                    (view.form(&action, &ctx.t(&format!("decision-{name}")), html! {
                        (view.hidden("decision", name))
                        @if *needs_reason {
                            (view.field(Field::new("reason", ctx.t("field-reason"), Input::TextArea).required().hint(ctx.t("hint-reason"))))
                        }
                    }))
                }
                (tier.form(&format!("/portal/enterprises/{}/credit-tier", e.id), &ctx.t("credit-tier-set"), html! {
                    (tier.field(Field::new("credit_tier", ctx.t("credit-tier"), Input::Select(tiers)).value(e.credit_tier.as_str()).required()))
                    (tier.field(Field::new("reason", ctx.t("field-reason"), Input::TextArea).required()))
                    (tier.field(Field::new("expires_on", ctx.t("credit-expires-on"), Input::Date).hint(ctx.t("hint-credit-expires-on"))))
                }))
            }
        }
    }
}

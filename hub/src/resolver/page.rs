//! The resolver's page: the product's story and the verdict, in the portal's frame and
//! languages (`?lang=` first, then the language cookie or `Accept-Language`), no sign-in.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse};
use maud::{Markup, PreEscaped, html};
use registry::stamps::resolve::{Story, Verdict};

use super::Resolution;
use super::public::{REPORT_PAGE, VERIFY_PAGE};
use crate::i18n::Lang;
use crate::portal::frame::{Ctx, FormView};

/// The page of `resolution` in the language `lang` asks for (else the request's).
pub async fn render(req: &HttpRequest, lang: Option<&str>, r: &Resolution) -> HttpResponse {
    framed(req, lang, |ctx| {
        let title = r
            .story()
            .map_or_else(|| ctx.t("stamp-title"), |s| s.product.name.clone());
        (title, body(ctx, r))
    })
    .await
}

/// The page of a GTIN-only link: the product's story, no verdict (a GTIN names no pack).
pub async fn render_product(
    req: &HttpRequest,
    lang: Option<&str>,
    p: &super::product::ProductResolution,
) -> HttpResponse {
    framed(req, lang, |ctx| {
        let story = &p.story.0;
        let body = html! {
            h1 { (story.story.product.name) }
            dl.facts { dt { "GTIN" } dd { code { (p.gtin) } } }
            (PreEscaped(story.page_part(ctx.lang, || story_section(ctx, &story.story).into_string())))
        };
        (story.story.product.name.clone(), body)
    })
    .await
}

/// A resolver page in the portal's frame, in the language `lang` asks for (else the
/// request's); `draw` gives its title and body.
async fn framed(
    req: &HttpRequest,
    lang: Option<&str>,
    draw: impl FnOnce(&Ctx) -> (String, Markup),
) -> HttpResponse {
    let mut ctx = match Ctx::load(req).await {
        Ok(ctx) => ctx,
        Err(e) => return actix_web::ResponseError::error_response(&e),
    };
    if let Some(lang) = lang.and_then(Lang::from_tag) {
        ctx.lang = lang;
    }
    let (title, body) = draw(&ctx);
    let mut response = ctx.render_status(StatusCode::OK, &title, body);
    response.headers_mut().insert(
        header::VARY,
        header::HeaderValue::from_static("Accept, Accept-Language"),
    );
    response
}

/// The verdict's message key.
pub fn verdict_key(v: Verdict) -> &'static str {
    match v {
        Verdict::Active => "stamp-verdict-active",
        Verdict::NotActivated => "stamp-verdict-not-activated",
        Verdict::Revoked => "stamp-verdict-revoked",
        Verdict::UnknownSerial => "stamp-verdict-unknown-serial",
        Verdict::GtinMismatch => "stamp-verdict-gtin-mismatch",
        Verdict::LotMismatch => "stamp-verdict-lot-mismatch",
        Verdict::Recalled => "stamp-verdict-recalled",
    }
}

fn body(ctx: &Ctx, r: &Resolution) -> Markup {
    let t = |key: &str| ctx.t(key);
    let class = if r.warning { "notice" } else { "flash success" };
    let reason = r
        .stamp
        .as_ref()
        .and_then(|s| s.revocation_reason.as_deref());
    html! {
        h1 { (r.story().map_or_else(|| t("stamp-title"), |s| s.product.name.clone())) }
        div class=(class) #verdict role=(if r.warning { "alert" } else { "status" }) data-verdict=(r.verdict.as_str()) {
            strong { (t(verdict_key(r.verdict))) }
            @if let Some(reason) = reason {
                p #revocation-reason { (t("stamp-revocation-reason")) ": " (reason) }
            }
            @if r.scanned_often {
                p #scanned-often { (t("stamp-scanned-often")) }
            }
            @if let Some(recall) = r.story().and_then(|s| s.recall.as_ref()) {
                p #recall-reason { (t("stamp-recall-reason")) ": " (recall.reason) }
                p #recall-tip { (t("stamp-recall-tip")) ": " (recall.consumer_tip) }
                p #recall-return { (t("stamp-recall-return")) ": " (recall.return_to) }
                p { a href=(format!("/recalls#case-{}", recall.case_id)) { (t("stamp-recall-link")) } }
            }
        }
        dl.facts {
            dt { (t("stamp-serial")) } dd { code { (r.serial) } }
            dt { "GTIN" } dd { code { (r.gtin) } }
            @if let Some(lot) = &r.lot { dt { (t("stamp-lot-in-link")) } dd { code { (lot) } } }
        }
        @if let Some(story) = &r.story {
            (PreEscaped(story.0.page_part(ctx.lang, || story_section(ctx, &story.0.story).into_string())))
        }
        @if r.stamp.as_ref().is_some_and(|s| s.verifiable) { (verify_form(ctx, &r.serial)) }
        p { a href=(format!("{REPORT_PAGE}?serial={}", super::linkset::encode(&r.serial))) { (t("stamp-report-link")) } }
    }
}

fn region_name(ctx: &Ctx, code: &str) -> String {
    ctx.state
        .config
        .registry
        .country
        .regions()
        .get(code)
        .map_or_else(|| code.to_owned(), |r| r.name.clone())
}

fn story_section(ctx: &Ctx, s: &Story) -> Markup {
    let t = |key: &str| ctx.t(key);
    html! {
        section #product {
            h2 { (t("stamp-product")) }
            dl.facts {
                dt { (t("field-name")) } dd { (s.product.name) }
                @if !s.product.specification.is_empty() { dt { (t("stamp-specification")) } dd { (s.product.specification) } }
                dt { (t("field-categories")) } dd { (crate::portal::frame::messages::category(ctx.lang, s.category().unwrap_or(registry::departments::Category::Food))) }
                @if !s.product.target_markets.is_empty() { dt { (t("stamp-markets")) } dd { (s.product.target_markets.join(", ")) } }
            }
        }
        section #producer {
            h2 { (t("stamp-producer")) }
            dl.facts {
                dt { (t("enterprise")) } dd { (s.producer.name) @if !s.producer.name_en.is_empty() { " (" (s.producer.name_en) ")" } }
                dt { (t("field-credit-code")) } dd { code { (s.producer.credit_code) } }
                dt { (t("stamp-region")) } dd { (region_name(ctx, &s.producer.region_code)) }
            }
        }
        @if let Some(site) = &s.origin {
            section #origin {
                h2 { (t("stamp-origin")) }
                dl.facts {
                    dt { (t("field-name")) } dd { (site.name) }
                    dt { (t("field-address")) } dd { (site.address) }
                    dt { "GLN" } dd { code { (site.gln) } }
                }
            }
        }
        @if let Some(batch) = &s.batch {
            section #batch {
                h2 { (t("stamp-batch")) }
                dl.facts {
                    dt { (t("stamp-lot")) } dd { code { (batch.lot) } }
                    dt { (t("stamp-production-date")) } dd { (batch.production_date) }
                    @if let Some(expiry) = batch.expiry_date { dt { (t("stamp-expiry-date")) } dd { (expiry) } }
                }
            }
        }
        section #documents {
            h2 { (t("stamp-documents")) }
            @if s.documents.is_empty() { p.muted { (t("stamp-no-documents")) } }
            @else {
                table {
                    thead { tr { th { (t("stamp-document")) } th { (t("stamp-issuer")) } th { (t("stamp-valid")) } th { "SHA-256" } } }
                    tbody { @for d in &s.documents { tr {
                        td { a href=(format!("/api/v1/public/documents/{}/content", d.sha256)) { (d.doc_type) " " (d.number) } }
                        td { (d.issuer) }
                        td { (d.valid_from) @if let Some(to) = d.valid_to { " – " (to) } }
                        td { a href=(format!("/api/v1/public/documents/{}", d.sha256)) { code.hash { (d.sha256) } } }
                    } } }
                }
            }
        }
        section #route {
            h2 { (t("stamp-route")) }
            @if s.route.is_empty() { p.muted { (t("stamp-no-route")) } }
            @else {
                ol {
                    @for stop in &s.route {
                        li {
                            time datetime=(stop.time.format("%Y-%m-%dT%H:%M:%SZ").to_string()) { (stop.time.format("%Y-%m-%d %H:%M")) } " · "
                            (stop.place.clone().or_else(|| stop.location.clone()).unwrap_or_else(|| "—".into()))
                            @if !stop.region.is_empty() { " · " (region_name(ctx, &stop.region)) }
                            @if !stop.country.is_empty() && stop.region.is_empty() { " · " (stop.country) }
                            @if let Some(step) = &stop.biz_step { " · " span.muted { (step.rsplit(['-', '/']).next().unwrap_or(step)) } }
                        }
                    }
                }
                @if s.route_truncated { p.muted { (t("stamp-route-truncated")) } }
            }
        }
    }
}

fn verify_form(ctx: &Ctx, serial: &str) -> Markup {
    let view = FormView::new(ctx, "verify", None);
    let t = |key: &str| ctx.t(key);
    let fields = html! {
        h2 { (t("stamp-verify")) }
        p.hint { (t("stamp-verify-hint")) }
        (view.hidden("serial", serial))
        (view.field(crate::portal::frame::Field::new("hidden_code", t("stamp-hidden-code"), crate::portal::frame::Input::Text).required()))
    };
    view.form(VERIFY_PAGE, &t("stamp-verify-submit"), fields)
}

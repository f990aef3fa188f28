//! The public's forms beside the resolver: verification with the hidden code (JSON and a
//! portal form on the resolver page) and the "report a suspected fake" form (JSON and a
//! portal page). The portal forms carry the pre-session CSRF token, as registration does.

use actix_web::{HttpRequest, HttpResponse, web};
use maud::{Markup, html};
use registry::error::Code;
use registry::stamps::fakes::{FakeReport, NewFakeReport};
use registry::stamps::scans::{self, NewScan};
use registry::stamps::verify::{self, LimitScope, NotGenuine, Verification};
use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::error::{ApiError, blocking};
use crate::http::json::Json;
use crate::ops::{self, Request};
use crate::portal::frame::{Ctx, Field, Flash, FormData, FormView, Input, Page, Posted};

/// Verification, JSON.
pub const VERIFY_API: &str = "/api/v1/public/stamps/verify";
/// Fake reports, JSON.
pub const REPORT_API: &str = "/api/v1/public/stamps/fake-reports";
/// Verification, the form on the resolver page.
pub const VERIFY_PAGE: &str = "/portal/stamps/verify";
/// The fake-report page and form.
pub const REPORT_PAGE: &str = "/portal/stamps/report";

/// A verification request.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyRequest {
    /// The serial printed under the code (case, spaces and hyphens do not matter).
    #[schema(min_length = 1, max_length = 64, pattern = r"[^\s-]")]
    pub serial: String,
    /// The code under the scratch-off layer.
    pub hidden_code: String,
    /// Where the check happens, if the client wishes to say (kept to 0.1 degree).
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// ISO 3166 alpha-2 country, if the client wishes to say.
    pub country: Option<String>,
}

/// The answer: genuine or not, and why not.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VerifyResult {
    pub serial: String,
    pub genuine: bool,
    /// `genuine` or `not_genuine`.
    pub verdict: &'static str,
    /// Why not genuine.
    pub reason: Option<NotGenuine>,
    /// The stamp's product GTIN, when the serial is known.
    pub gtin: Option<String>,
    /// The product's name, when the stamp is genuine.
    pub product: Option<String>,
}

fn normalise_serial(typed: &str) -> Result<String, ApiError> {
    let serial: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect();
    if serial.is_empty() || serial.chars().count() > 20 {
        return Err(ApiError::new(
            Code::InvalidSerial,
            "serial: the serial printed under the code, 1 to 20 characters",
        )
        .with_field("serial"));
    }
    Ok(serial)
}

fn country(value: Option<&str>) -> Result<Option<String>, ApiError> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(c) if registry::filings::countries::is_country(&c.to_ascii_uppercase()) => {
            Ok(Some(c.to_ascii_uppercase()))
        }
        Some(_) => Err(ApiError::new(
            Code::InvalidCountry,
            "country: must be an ISO 3166 alpha-2 code, e.g. VN",
        )
        .with_field("country")),
    }
}

/// Verifies and logs the scan; 429 `too_many_wrong_codes` (field `serial` or `client`).
pub async fn verify_core(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    request: VerifyRequest,
) -> Result<VerifyResult, ApiError> {
    let serial = normalise_serial(&request.serial)?;
    if request.hidden_code.trim().is_empty() {
        return Err(ApiError::new(
            Code::InvalidHiddenCode,
            "hidden_code: the code under the scratch-off layer is required",
        )
        .with_field("hidden_code"));
    }
    let location = scans::check_location(request.lat, request.lon)?;
    let country = country(request.country.as_deref())?;
    let client_hash = state.client_hash(&state.client_address(req));
    let st = state.clone();
    let (serial2, hash2) = (serial.clone(), client_hash.clone());
    let (outcome, cached) = blocking(move || {
        let resolver = &st.resolver;
        let ring = resolver.ring.as_ref().ok_or_else(|| {
            ApiError::new(
                Code::VerificationUnavailable,
                "hidden-code keys are not configured",
            )
        })?;
        let now = st.now();
        let outcome = st.db.transaction(|conn| {
            verify::verify(
                conn,
                ring,
                resolver.limits,
                &serial2,
                &request.hidden_code,
                &hash2,
                now,
            )
        })?;
        let stamp = match &outcome {
            Verification::Genuine(s) | Verification::NotGenuine(_, Some(s)) => Some(s.clone()),
            _ => None,
        };
        let cached = match stamp {
            Some(s) => Some((
                resolver.story(&mut *st.db.conn()?, s.product_id, s.batch_id)?,
                s,
            )),
            None => None,
        };
        Ok((outcome, cached))
    })
    .await?;
    let verdict = outcome.verdict();
    state.resolver.scans.push(NewScan {
        serial: serial.clone(),
        gtin: cached
            .as_ref()
            .map(|(_, s)| s.gtin.clone())
            .unwrap_or_default(),
        company_prefix: cached
            .as_ref()
            .map(|(_, s)| s.company_prefix.clone())
            .unwrap_or_default(),
        scanned_at: state.now(),
        client_hash,
        latitude: location.map(|l| l.0),
        longitude: location.map(|l| l.1),
        country,
        verdict: verdict.to_owned(),
        known: cached.is_some(),
        subject: cached.as_ref().map(|(c, _)| c.subject.clone()),
        markets: cached.as_ref().map_or_else(
            || std::sync::Arc::from(Vec::new()),
            |(c, _)| c.markets.clone(),
        ),
    });
    let gtin = cached.as_ref().map(|(_, s)| s.gtin.clone());
    match outcome {
        Verification::Limited {
            scope,
            retry_after_secs,
        } => Err(ApiError::new(
            Code::TooManyWrongCodes,
            match scope {
                LimitScope::Stamp => "too many wrong codes for this stamp; try again later",
                LimitScope::Client => "too many wrong codes from this address; try again later",
            },
        )
        .with_field(match scope {
            LimitScope::Stamp => "serial",
            LimitScope::Client => "client",
        })
        .retry_after(retry_after_secs)),
        Verification::Genuine(_) => Ok(VerifyResult {
            serial,
            genuine: true,
            verdict: "genuine",
            reason: None,
            product: cached.map(|(c, _)| c.story.product.name.clone()),
            gtin,
        }),
        Verification::NotGenuine(reason, _) => Ok(VerifyResult {
            serial,
            genuine: false,
            verdict: "not_genuine",
            reason: Some(reason),
            product: None,
            gtin,
        }),
    }
}

/// Verifies a hidden code: genuine only for an activated, unrevoked anti-counterfeit stamp and
/// the code of its own serial. Wrong codes are limited per stamp and per client address.
#[utoipa::path(post, path = "/api/v1/public/stamps/verify", tag = "stamps", request_body = VerifyRequest,
    responses((status = 200, body = VerifyResult), (status = 422, body = crate::error::ErrorBody),
        (status = 429, description = "Too many wrong codes (field `serial` or `client`)", body = crate::error::ErrorBody)))]
pub async fn verify_api(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Json<VerifyRequest>,
) -> Result<web::Json<VerifyResult>, ApiError> {
    Ok(web::Json(verify_core(&state, &req, body.0).await?))
}

/// The verification form of the resolver page: the verdict as a page.
pub async fn verify_page(req: HttpRequest, ctx: Ctx, data: FormData) -> Page {
    let request = VerifyRequest {
        serial: data.text("serial"),
        hidden_code: data.text("hidden_code"),
        lat: None,
        lon: None,
        country: None,
    };
    let t = |key: &str| ctx.t(key);
    match verify_core(&ctx.state, &req, request).await {
        Ok(result) => {
            let key = match result.reason {
                None => "stamp-genuine",
                Some(NotGenuine::WrongCode) => "stamp-not-genuine-wrong-code",
                Some(NotGenuine::NotActivated) => "stamp-verdict-not-activated",
                Some(NotGenuine::Revoked) => "stamp-verdict-revoked",
                Some(NotGenuine::NoHiddenCode) => "stamp-not-genuine-no-code",
                Some(NotGenuine::UnknownSerial) => "stamp-verdict-unknown-serial",
            };
            let class = if result.genuine {
                "flash success"
            } else {
                "notice"
            };
            let body = html! {
                h1 { (t("stamp-verify")) }
                div class=(class) #verification data-verdict=(result.verdict) role="status" {
                    strong { (t(key)) }
                    @if let Some(product) = &result.product { p { (product) } }
                }
                dl.facts { dt { (t("stamp-serial")) } dd { code { (result.serial) } } }
                @if !result.genuine {
                    p { a href=(format!("{REPORT_PAGE}?serial={}", super::linkset::encode(&result.serial))) { (t("stamp-report-link")) } }
                }
            };
            Ok(ctx.render(&t("stamp-verify"), body))
        }
        Err(error) => {
            let posted = ctx.posted("verify", data, error)?;
            let body = html! {
                h1 { (t("stamp-verify")) }
                (verify_again(&ctx, &posted))
            };
            Ok(ctx.render_status(posted.status, &t("stamp-verify"), body))
        }
    }
}

fn verify_again(ctx: &Ctx, posted: &Posted) -> Markup {
    let view = FormView::new(ctx, "verify", Some(posted));
    let t = |key: &str| ctx.t(key);
    let fields = html! {
        (view.field(Field::new("serial", t("stamp-serial"), Input::Text).required()))
        (view.field(Field::new("hidden_code", t("stamp-hidden-code"), Input::Text).required()))
    };
    view.form(VERIFY_PAGE, &t("stamp-verify-submit"), fields)
}

/// Stores a fake report from `req`'s client (its address hashed), recorded as the public.
async fn report(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    request: Request,
    new: NewFakeReport,
) -> Result<FakeReport, ApiError> {
    let client_hash = state.client_hash(&state.client_address(req));
    let st = state.clone();
    blocking(move || ops::stamps::report_fake(&st, &request, &new, &client_hash)).await
}

/// Reports a suspected fake: stored, and raised as a `stamp_fake_report` alert to the
/// producer's competent department.
#[utoipa::path(post, path = "/api/v1/public/stamps/fake-reports", tag = "stamps", request_body = NewFakeReport,
    responses((status = 201, body = FakeReport), (status = 422, body = crate::error::ErrorBody)))]
pub async fn report_api(
    req: HttpRequest,
    state: web::Data<AppState>,
    request: Request,
    body: Json<NewFakeReport>,
) -> Result<HttpResponse, ApiError> {
    let report = report(&state, &req, request, body.0).await?;
    Ok(HttpResponse::Created().json(report))
}

fn report_body(ctx: &Ctx, posted: Option<&Posted>, serial: &str) -> Markup {
    let view = FormView::new(ctx, "report", posted);
    let t = |key: &str| ctx.t(key);
    let fields = html! {
        (view.field(Field::new("serial", t("stamp-serial"), Input::Text).value(serial).required()))
        (view.field(Field::new("description", t("stamp-report-description"), Input::TextArea).required()))
        (view.field(Field::new("place", t("stamp-report-place"), Input::Text)))
        (view.field(Field::new("contact", t("stamp-report-contact"), Input::Text).hint(t("stamp-report-contact-hint"))))
    };
    html! {
        h1 { (t("stamp-report-title")) }
        p { (t("stamp-report-intro")) }
        (view.form(REPORT_PAGE, &t("stamp-report-submit"), fields))
    }
}

/// `GET /portal/stamps/report?serial=...`: the form.
pub async fn report_form(ctx: Ctx, query: web::Query<Vec<(String, String)>>) -> Page {
    let serial = query
        .iter()
        .find(|(k, _)| k == "serial")
        .map(|(_, v)| v.as_str())
        .unwrap_or_default();
    Ok(ctx.render(
        &ctx.t("stamp-report-title"),
        report_body(&ctx, None, serial),
    ))
}

/// `POST /portal/stamps/report`: stores the report, then back to the form with thanks.
pub async fn report_submit(req: HttpRequest, ctx: Ctx, data: FormData) -> Page {
    let new = NewFakeReport {
        serial: data.text("serial"),
        description: data.text("description"),
        place: data.text("place"),
        contact: data.text("contact"),
    };
    match report(&ctx.state, &req, ctx.request(), new).await {
        Ok(_) => Ok(ctx.redirect(REPORT_PAGE, Flash::success("flash-fake-reported"))),
        Err(error) => {
            let serial = data.text("serial");
            let posted = ctx.posted("report", data, error)?;
            Ok(ctx.render_status(
                posted.status,
                &ctx.t("stamp-report-title"),
                report_body(&ctx, Some(&posted), &serial),
            ))
        }
    }
}

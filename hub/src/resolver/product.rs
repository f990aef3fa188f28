//! GTIN-only links (`/01/{gtin}`): what a GS1 resolver answers for a product rather than one
//! pack. The product's page (its story without a batch: product, producer, published
//! documents), its JSON, or its linkset, by `Accept` as for a stamp; `?linkType=` redirects to
//! a link of that type (a configured link that needs no serial). No scan is logged: a GTIN
//! names no pack. A GTIN no enterprise registered is 404 `not_found`.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use registry::error::Code;
use registry::stamps::link::gtin14;
use registry::stamps::resolve;
use serde::Serialize;

use super::linkset::{self, Anchor};
use super::{ResolveQuery, StoryRef, Wants, bad_link, negotiate, page};
use crate::app::AppState;
use crate::error::{ApiError, blocking};

/// A product, as a GTIN-only link resolves.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProductResolution {
    /// The link, canonical (`https://{host}/01/{gtin14}`).
    pub uri: String,
    /// 14 digits.
    pub gtin: String,
    /// Product, producer and published documents (no batch, no route).
    #[schema(value_type = registry::stamps::resolve::Story)]
    pub story: StoryRef,
}

impl ProductResolution {
    fn anchor(&self) -> Anchor<'_> {
        Anchor {
            uri: &self.uri,
            gtin: &self.gtin,
            lot: None,
            serial: None,
            story: Some(&self.story.0.story),
            verifiable: false,
        }
    }
}

/// `GET /01/{gtin}`: the product's page, JSON or linkset (by `Accept` or `?linkType=linkset`);
/// any other `linkType` redirects (307) to that link.
#[utoipa::path(get, path = "/01/{gtin}", tag = "stamps",
    params(("gtin" = String, Path, pattern = r"^([0-9]{8}|[0-9]{12,14})$"), ResolveQuery),
    responses(
        (status = 200, description = "The product (HTML, JSON or linkset by Accept)",
            content((ProductResolution = "application/json"), (String = "text/html"), (Object = "application/linkset+json"))),
        (status = 307, description = "Redirect to the link of `linkType`"),
        (status = 400, body = crate::error::ErrorBody),
        (status = 404, description = "No product with this GTIN, or no link of that type", body = crate::error::ErrorBody)))]
pub async fn resolve_product(
    req: HttpRequest,
    state: web::Data<AppState>,
    gtin: web::Path<String>,
    query: web::Query<ResolveQuery>,
) -> Result<HttpResponse, ApiError> {
    let gtin = gtin14(&gtin).map_err(bad_link)?;
    let product = find(&state, gtin).await?;
    let anchor = product.anchor();
    match query.link_type() {
        Some("linkset" | "all") => linkset::response(&state, &anchor),
        Some(t) => linkset::redirect(&state, &anchor, t),
        None => match negotiate(
            req.headers()
                .get(header::ACCEPT)
                .and_then(|v| v.to_str().ok()),
        ) {
            Wants::Linkset => linkset::response(&state, &anchor),
            Wants::Json => Ok(HttpResponse::Ok()
                .insert_header((header::VARY, "Accept"))
                .json(&product)),
            Wants::Html => Ok(page::render_product(&req, query.lang.as_deref(), &product).await),
        },
    }
}

/// The product registered under `gtin` (14 digits), its story from the resolver's cache.
async fn find(state: &web::Data<AppState>, gtin: String) -> Result<ProductResolution, ApiError> {
    let st = state.clone();
    blocking(move || {
        let mut conn = st.db.conn()?;
        let Some(product_id) = resolve::product_by_gtin(&mut conn, &gtin)? else {
            return Err(ApiError::new(
                Code::NotFound,
                "gtin: no product with this GTIN is registered here",
            )
            .with_field("gtin"));
        };
        let story = st.resolver.story(&mut conn, product_id, None)?;
        Ok(ProductResolution {
            uri: format!("https://{}/01/{gtin}", st.resolver.host),
            gtin,
            story: StoryRef(story),
        })
    })
    .await
}

//! The public stamp resolver at the root paths of the GS1 Digital Link:
//! `GET /01/{gtin}/21/{serial}` and `GET /01/{gtin}/10/{lot}/21/{serial}` (uncompressed form).
//! These routes are public API routes (no credential lookup), declared first in `crate::routes`:
//! the router tries routes in order, and they are the busiest.
//!
//! Content negotiation, as GS1's resolver conventions say: a browser gets the product's story
//! as a page ([`page`]), `Accept: application/json` the same as JSON, `Accept:
//! application/linkset+json` or `?linkType=linkset` (or `all`) a linkset ([`linkset`]), and any
//! other `?linkType=` a 307 to the link configured in `[stamps.links]` (`gs1:pip`, `pip` and
//! `https://gs1.org/voc/pip` name the same) or 404 `link_type_not_found`. Every verdict
//! (`registry::stamps::resolve::Verdict`) answers 200, with `warning` set for all but `active`:
//! the scan is the resource. Only the linkset of an unknown serial is 404.
//!
//! Every resolution is logged ([`scanlog`](crate::resolution::scanlog)), with the client's
//! address only as a keyed hash and its location (when it gives `?lat=&lon=` or `?country=`)
//! coarsened. Verification with the hidden code and the "report a suspected fake" form are in
//! [`public`].
//!
//! A scan costs one indexed read of the stamp, batched with the scans waiting at the same moment
//! ([`lookup`](crate::resolution::lookup)): the story of its product and lot comes from a short
//! cache ([`runtime`](crate::resolution::runtime)).

pub mod linkset;
pub mod page;
pub mod product;
pub mod public;

use std::sync::Arc;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDateTime;
use registry::error::Code;
use registry::filings::countries;
use registry::stamps::StampPath;
use registry::stamps::resolve::{self, StampRecord, Story, Verdict};
use registry::stamps::scans::{self, NewScan};
use serde::{Deserialize, Serialize};

use crate::resolution::lookup::Looked;
use crate::resolution::{CachedStory, Resolver};

use crate::app::AppState;
use crate::error::{ApiError, blocking};

/// The query a resolver link may carry (other keys, such as further AIs, are ignored).
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResolveQuery {
    /// `linkset` (or `all`) for the linkset; any other link type redirects (307) to the
    /// configured link, e.g. `gs1:pip`.
    #[serde(rename = "linkType")]
    #[param(rename = "linkType")]
    pub link_type: Option<String>,
    /// Page language: `zh-CN`, `vi` or `en` (else `Accept-Language`).
    pub lang: Option<String>,
    /// Where the scan happens, if the client wishes to say (kept to 0.1 degree).
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// ISO 3166 alpha-2 country of the scan, if the client wishes to say.
    pub country: Option<String>,
}

impl ResolveQuery {
    /// The `linkType` asked for, if any (blank is none).
    fn link_type(&self) -> Option<&str> {
        self.link_type
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
    }
}

/// The stamp's own state, as the public sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StampFacts {
    /// `qr` or `anti_counterfeit`.
    pub kind: String,
    /// Whether it carries a hidden code to verify.
    pub verifiable: bool,
    #[serde(with = "registry::time::as_rfc3339::option")]
    pub activated_at: Option<NaiveDateTime>,
    #[serde(with = "registry::time::as_rfc3339::option")]
    pub revoked_at: Option<NaiveDateTime>,
    /// Why the issuing department revoked it.
    pub revocation_reason: Option<String>,
}

/// Where to go next.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ResolutionLinks {
    /// `POST` the hidden code here (JSON).
    pub verify: String,
    /// `POST` a suspected fake here (JSON).
    pub report_fake: String,
    /// This stamp's linkset.
    pub linkset: String,
}

/// A shared story, serialised as [`Story`].
#[derive(Debug, Clone)]
pub struct StoryRef(Arc<CachedStory>);

impl Serialize for StoryRef {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.story.serialize(s)
    }
}

/// What a scan of a stamp shows.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Resolution {
    pub verdict: Verdict,
    /// True for every verdict but `active`, and when the code was scanned unusually often: the
    /// page shows a warning.
    pub warning: bool,
    /// This code has been scanned more often than the configured limit (`stamps.scan_limit`):
    /// the pack may be a copy, or its code photographed and reprinted. The department is
    /// alerted; the consumer is told to look at the pack closely.
    pub scanned_often: bool,
    /// The link as scanned, canonical (`https://{host}/01/{gtin14}[/10/{lot}]/21/{serial}`).
    pub uri: String,
    pub gtin: String,
    /// The lot in the link, if any.
    pub lot: Option<String>,
    pub serial: String,
    /// The stamp, when the serial was issued (for the product scanned).
    pub stamp: Option<StampFacts>,
    /// Product, producer, batch, documents and route (none for an unknown serial).
    #[schema(value_type = Option<Story>)]
    pub story: Option<StoryRef>,
    pub links: ResolutionLinks,
}

impl Resolution {
    /// The story, when there is one.
    pub fn story(&self) -> Option<&Story> {
        self.story.as_ref().map(|s| &s.0.story)
    }
}

/// `GET /01/{gtin}/21/{serial}`: see the module documentation.
#[utoipa::path(get, path = "/01/{gtin}/21/{serial}", tag = "stamps",
    params(("gtin" = String, Path, pattern = r"^([0-9]{8}|[0-9]{12,14})$"), ("serial" = String, Path), ResolveQuery),
    responses(
        (status = 200, description = "The story and verdict (HTML, JSON or linkset by Accept)",
            content((Resolution = "application/json"), (String = "text/html"), (Object = "application/linkset+json"))),
        (status = 307, description = "Redirect to the configured link of `linkType`"),
        (status = 400, body = crate::error::ErrorBody),
        (status = 404, description = "No link of that type, or no linkset for an unknown serial", body = crate::error::ErrorBody)))]
pub async fn resolve_short(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<ResolveQuery>,
) -> Result<HttpResponse, ApiError> {
    resolve_path(req, state, query.into_inner()).await
}

/// `GET /01/{gtin}/10/{lot}/21/{serial}`: as [`resolve_short`]; a lot other than the one the
/// stamp was activated on is the `lot_mismatch` verdict.
#[utoipa::path(get, path = "/01/{gtin}/10/{lot}/21/{serial}", tag = "stamps",
    params(("gtin" = String, Path, pattern = r"^([0-9]{8}|[0-9]{12,14})$"), ("lot" = String, Path), ("serial" = String, Path), ResolveQuery),
    responses(
        (status = 200, description = "The story and verdict (HTML, JSON or linkset by Accept)",
            content((Resolution = "application/json"), (String = "text/html"), (Object = "application/linkset+json"))),
        (status = 307, description = "Redirect to the configured link of `linkType`"),
        (status = 400, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody)))]
pub async fn resolve_with_lot(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<ResolveQuery>,
) -> Result<HttpResponse, ApiError> {
    resolve_path(req, state, query.into_inner()).await
}

/// What the client asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wants {
    Html,
    Json,
    Linkset,
}

/// Picks the representation from `Accept` (by quality; `*/*` or nothing: the page).
fn negotiate(accept: Option<&str>) -> Wants {
    let Some(accept) = accept else {
        return Wants::Html;
    };
    let mut best = (0.0f32, Wants::Html);
    for item in accept.split(',') {
        let mut parts = item.split(';');
        let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = parts
            .find_map(|p| p.trim().strip_prefix("q="))
            .and_then(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        let wants = match media.as_str() {
            "application/linkset+json" => Wants::Linkset,
            "application/json" => Wants::Json,
            "text/html" | "application/xhtml+xml" | "*/*" | "text/*" => Wants::Html,
            _ => continue,
        };
        if q > best.0 {
            best = (q, wants);
        }
    }
    best.1
}

/// The parsed request.
struct Scan {
    path: StampPath,
    location: Option<(f64, f64)>,
    country: Option<String>,
    client_hash: String,
}

fn bad_link(e: registry::stamps::StampError) -> ApiError {
    let message = e.to_string();
    let field = message.split(':').next().unwrap_or("path").to_owned();
    ApiError::new(Code::InvalidDigitalLink, message).with_field(field)
}

/// Reads the path, location and country; 400/422 naming the field at fault.
fn read_scan(req: &HttpRequest, state: &AppState, query: &ResolveQuery) -> Result<Scan, ApiError> {
    let path = StampPath::parse(req.path()).map_err(bad_link)?;
    let location = scans::check_location(query.lat, query.lon)?;
    let country = match query.country.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(c) => {
            let c = c.to_ascii_uppercase();
            if !countries::is_country(&c) {
                return Err(ApiError::new(
                    Code::InvalidCountry,
                    "country: must be an ISO 3166 alpha-2 code, e.g. VN",
                )
                .with_field("country"));
            }
            Some(c)
        }
    };
    Ok(Scan {
        path,
        location,
        country,
        client_hash: state.client_hash(&state.client_address(req)),
    })
}

/// The canonical link of a scanned path on the resolver host.
fn canonical_uri(state: &AppState, path: &StampPath) -> String {
    let mut uri = format!("https://{}/01/{}", state.resolver.host, path.gtin);
    if let Some(lot) = &path.lot {
        uri.push_str("/10/");
        uri.push_str(&linkset::encode(lot));
    }
    uri.push_str("/21/");
    uri.push_str(&linkset::encode(&path.serial));
    uri
}

async fn resolve_path(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: ResolveQuery,
) -> Result<HttpResponse, ApiError> {
    let scan = read_scan(&req, &state, &query)?;
    let link_type = query.link_type();
    let wants = match link_type {
        Some("linkset" | "all") => Wants::Linkset,
        Some(_) => Wants::Json,
        None => negotiate(
            req.headers()
                .get(header::ACCEPT)
                .and_then(|v| v.to_str().ok()),
        ),
    };
    let resolution = resolve(&state, &scan).await?;
    match (link_type, wants) {
        (Some(t), _) if !matches!(t, "linkset" | "all") => {
            linkset::redirect(&state, &(&resolution).into(), t)
        }
        (_, Wants::Linkset) if resolution.stamp.is_none() => Err(ApiError::new(
            Code::UnknownSerial,
            "serial: no stamp with this serial was issued for this product",
        )
        .with_field("serial")),
        (_, Wants::Linkset) => linkset::response(&state, &(&resolution).into()),
        (_, Wants::Json) => Ok(HttpResponse::Ok()
            .insert_header((header::VARY, "Accept"))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .json(&resolution)),
        (_, Wants::Html) => Ok(page::render(&req, query.lang.as_deref(), &resolution).await),
    }
}

/// What a scan's verdict and page are made of.
struct Facts {
    stamp: Option<StampRecord>,
    /// Why the stamp was revoked, if it was.
    reason: Option<String>,
    story: Option<Arc<CachedStory>>,
    /// The GTIN's producer, for alerts when there is no story.
    gtin_subject: Option<Arc<registry::stamps::scans::AlertSubject>>,
}

/// Looks the stamp up (one batched read; the story from the cache), judges it and logs the
/// scan.
async fn resolve(state: &web::Data<AppState>, scan: &Scan) -> Result<Resolution, ApiError> {
    let uri = canonical_uri(state, &scan.path);
    // Serials that cannot be ours are unknown without a read.
    let looked = match scan.path.stamp_serial() {
        Some(serial) => state.resolver.lookup.find(serial.as_str()).await,
        None => Looked::Found(None),
    };
    let cached = match looked {
        Looked::Found(stamp) => from_cache(&state.resolver, &scan.path, stamp),
        Looked::Failed => Cached::Incomplete(None),
    };
    let Facts {
        stamp,
        reason,
        story,
        gtin_subject,
    } = match cached {
        Cached::Complete(facts) => facts,
        Cached::Incomplete(stamp) => read_facts(state, &scan.path, stamp).await?,
    };
    let batch_lot = story
        .as_ref()
        .and_then(|s| s.story.batch.as_ref().map(|b| b.lot.as_str()));
    let verdict = resolve::judge_recall(
        resolve::judge(
            stamp.as_ref(),
            &scan.path.gtin,
            scan.path.lot.as_deref(),
            batch_lot,
        ),
        story.as_ref().map(|s| &s.story),
    );
    log_scan(
        state,
        scan,
        stamp.as_ref(),
        story.as_ref(),
        gtin_subject,
        verdict.as_str(),
    );
    let stamp_facts = stamp
        .as_ref()
        .filter(|_| verdict != Verdict::GtinMismatch)
        .map(|s| StampFacts {
            kind: s.kind.clone(),
            verifiable: s.key_version.is_some(),
            activated_at: s.activated_at,
            revoked_at: s.revoked_at,
            revocation_reason: reason,
        });
    // The count read excludes this scan and those not yet written: past the limit is at it.
    let scanned_often = stamp_facts.is_some()
        && stamp
            .as_ref()
            .is_some_and(|s| s.scans >= i64::from(state.config.stamps.scan_limit));
    Ok(Resolution {
        verdict,
        warning: verdict.is_warning() || scanned_often,
        scanned_often,
        links: ResolutionLinks {
            verify: public::VERIFY_API.to_owned(),
            report_fake: public::REPORT_API.to_owned(),
            linkset: format!("{}?linkType=linkset", uri_path(&uri)),
        },
        uri,
        gtin: scan.path.gtin.clone(),
        lot: scan.path.lot.clone(),
        serial: scan.path.serial.clone(),
        stamp: stamp_facts,
        story: story.map(StoryRef),
    })
}

/// A scan's facts from the caches, or what is known so far.
enum Cached {
    Complete(Facts),
    /// Something must be read: the stamp when it was read, `None` when the batched read failed.
    Incomplete(Option<Option<StampRecord>>),
}

/// The facts of a scan from the stamp just read and the caches alone, unless something must be
/// read (a story or GTIN not cached, a revocation's reason).
fn from_cache(resolver: &Resolver, path: &StampPath, stamp: Option<StampRecord>) -> Cached {
    let story = match &stamp {
        Some(s) if s.revoked_at.is_some() => return Cached::Incomplete(Some(stamp)),
        Some(s) if same_gtin(&s.gtin, &path.gtin) => {
            match resolver.cached_story(s.product_id, s.batch_id) {
                Some(story) => Some(story),
                None => return Cached::Incomplete(Some(stamp)),
            }
        }
        _ => None,
    };
    let gtin_subject = match story {
        Some(_) => None,
        None => match resolver.cached_gtin_subject(&path.gtin) {
            Some(subject) => subject,
            None => return Cached::Incomplete(Some(stamp)),
        },
    };
    Cached::Complete(Facts {
        stamp,
        reason: None,
        story,
        gtin_subject,
    })
}

/// The facts of a scan read from the database (the stamp too unless `stamp` holds it).
async fn read_facts(
    state: &web::Data<AppState>,
    path: &StampPath,
    stamp: Option<Option<StampRecord>>,
) -> Result<Facts, ApiError> {
    let path = path.clone();
    let st = state.clone();
    blocking(move || {
        let mut conn = st.db.conn()?;
        let resolver = &st.resolver;
        let stamp = match (stamp, path.stamp_serial()) {
            (Some(stamp), _) => stamp,
            (None, Some(serial)) => resolve::find_stamp(&mut conn, serial.as_str())?,
            (None, None) => None,
        };
        let story = match &stamp {
            Some(s) if same_gtin(&s.gtin, &path.gtin) => {
                Some(resolver.story(&mut conn, s.product_id, s.batch_id)?)
            }
            _ => None,
        };
        let reason = match &stamp {
            Some(s) if s.revoked_at.is_some() => resolve::revocation_reason(&mut conn, s)?,
            _ => None,
        };
        let gtin_subject = match &story {
            Some(_) => None,
            None => resolver.gtin_subject(&mut conn, &path.gtin)?,
        };
        Ok(Facts {
            stamp,
            reason,
            story,
            gtin_subject,
        })
    })
    .await
}

fn same_gtin(stored: &str, scanned14: &str) -> bool {
    stored == scanned14 || format!("{stored:0>14}") == scanned14
}

/// The path part of an absolute URI.
fn uri_path(uri: &str) -> &str {
    uri.split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]))
        .unwrap_or(uri)
}

/// Queues the scan for the log (and its alerts).
fn log_scan(
    state: &AppState,
    scan: &Scan,
    stamp: Option<&StampRecord>,
    story: Option<&Arc<CachedStory>>,
    gtin_subject: Option<Arc<registry::stamps::scans::AlertSubject>>,
    verdict: &str,
) {
    let known = stamp.is_some() && story.is_some();
    state.resolver.scans.push(NewScan {
        serial: scan.path.serial.clone(),
        gtin: scan.path.gtin.clone(),
        company_prefix: stamp.map(|s| s.company_prefix.clone()).unwrap_or_default(),
        scanned_at: state.now(),
        client_hash: scan.client_hash.clone(),
        latitude: scan.location.map(|l| l.0),
        longitude: scan.location.map(|l| l.1),
        country: scan.country.clone(),
        verdict: verdict.to_owned(),
        known,
        subject: story.map(|s| s.subject.clone()).or(gtin_subject),
        markets: story.map_or_else(|| Arc::from(Vec::new()), |s| s.markets.clone()),
    });
}

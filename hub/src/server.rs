//! The HTTP server, the roof of the house: the app assembled from the route table
//! (`crate::routes`), the middleware, limits and error handlers, plain or TLS.

use std::net::SocketAddr;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::{DefaultHeaders, from_fn};
use actix_web::{App, HttpMessage, HttpServer, web};
use registry::error::Code;
use tracing_actix_web::{RequestId, TracingLogger};

use crate::app::AppState;
use crate::error::ApiError;
use crate::http::auth::PortalRefusal;
use crate::http::{self, body, locale, routes, tls, uri};
use crate::metrics;

/// Options that tests (and embedding) set; the binary uses the defaults.
#[derive(Debug, Clone, Copy, Default)]
pub struct ServeOptions {
    /// Let the caller handle signals (tests run several servers in one process).
    pub no_signals: bool,
}

/// A bound server: where it listens, and the future that runs it.
pub struct Bound {
    pub addrs: Vec<SocketAddr>,
    pub tls: bool,
    pub server: Server,
}

/// Records in the database what the configuration decides for the data itself (today: the
/// country whose regions codes refer to); fails naming the key when the data forbids it.
pub fn record_settings(
    db: &registry::db::Db,
    config: &crate::config::Config,
) -> anyhow::Result<()> {
    db.transaction(|conn| registry::regions::set_country(conn, config.registry.country))
        .map_err(|e| anyhow::anyhow!("configuration key `registry.country`: {e}"))
}

/// Builds the app and binds it to the configured address.
pub fn bind(state: AppState, options: ServeOptions) -> anyhow::Result<Bound> {
    let config = state.config.clone();
    let metrics = web::Data::new(state.metrics.clone());
    let data = web::Data::new(state);
    let refusal = web::Data::new(PortalRefusal(|req, error| {
        Box::pin(async move { crate::portal::frame::refusal_page(&req, error).await })
    }));
    let openapi = web::Data::new(<crate::openapi::ApiDoc as utoipa::OpenApi>::openapi());
    let limit = config.server.body_limit_bytes;
    let mut server = HttpServer::new(move || {
        let mut table = routes::RouteTable::new();
        crate::routes::declare(&mut table);
        App::new()
            .app_data(data.clone())
            .app_data(metrics.clone())
            .app_data(refusal.clone())
            .app_data(openapi.clone())
            .app_data(web::PayloadConfig::new(limit))
            .app_data(
                web::FormConfig::default()
                    .limit(limit)
                    .error_handler(|e, _| form_error(e).into()),
            )
            .app_data(
                web::QueryConfig::default()
                    .error_handler(|e, _| ApiError::new(Code::InvalidQuery, e.to_string()).into()),
            )
            .app_data(web::PathConfig::default().error_handler(|e, req| path_error(&e, req).into()))
            .configure(|cfg| table.configure(cfg))
            .service(crate::openapi::docs_ui())
            .default_service(web::to(http::not_found))
            .wrap(
                DefaultHeaders::new()
                    .add(("x-content-type-options", "nosniff"))
                    .add(("referrer-policy", "same-origin")),
            )
            .wrap(from_fn(crate::api::epcis::binding::headers))
            .wrap(from_fn(uri::limit_length))
            .wrap(from_fn(locale::localise_errors))
            .wrap(from_fn(body::idle_timeout))
            .wrap(from_fn(metrics::track))
            .wrap(from_fn(echo_request_id))
            .wrap(TracingLogger::default())
    })
    .on_connect(tls::record_peer_certificate)
    .shutdown_timeout(config.server.shutdown_timeout_secs)
    .client_request_timeout(Duration::from_secs(30));
    if config.server.workers > 0 {
        server = server.workers(config.server.workers);
    }
    if options.no_signals {
        server = server.disable_signals();
    }
    let addr = config.bind_addr()?;
    let (server, tls) = match tls::acceptor(&config.server.tls)? {
        Some(acceptor) => (server.bind_openssl(addr, acceptor)?, true),
        None => (server.bind(addr)?, false),
    };
    let addrs = server.addrs();
    Ok(Bound {
        addrs,
        tls,
        server: server.run(),
    })
}

fn form_error(e: actix_web::error::UrlencodedError) -> ApiError {
    use actix_web::error::UrlencodedError;
    match e {
        UrlencodedError::Overflow { size, limit } => ApiError::new(
            Code::PayloadTooLarge,
            format!("the body is {size} bytes; the limit is {limit}"),
        ),
        UrlencodedError::ContentType => ApiError::new(
            Code::UnsupportedMediaType,
            "expected application/x-www-form-urlencoded",
        ),
        other => ApiError::new(Code::InvalidForm, other.to_string()),
    }
}

/// A path parameter that does not parse (`/api/v1/users/1e3`): 400 naming the parameter,
/// found as the one whose value the parser quotes.
fn path_error(e: &actix_web::error::PathError, req: &actix_web::HttpRequest) -> ApiError {
    let cause = e.to_string();
    let field = req
        .match_info()
        .iter()
        .find(|(_, value)| cause.contains(&format!("{value:?}")))
        .or_else(|| req.match_info().iter().next())
        .map_or("path", |(name, _)| name)
        .to_owned();
    let value = req.match_info().get(&field).unwrap_or_default();
    ApiError::new(
        Code::InvalidField,
        format!("{field}: {value:?} is not a valid {field}"),
    )
    .with_field(field)
}

/// Puts the request id (the one in the logs) on every response as `x-request-id`.
async fn echo_request_id(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    let id = req.extensions().get::<RequestId>().map(ToString::to_string);
    let mut res = next.call(req).await?;
    if let Some(value) = id.and_then(|id| HeaderValue::from_str(&id).ok()) {
        res.headers_mut()
            .insert(HeaderName::from_static("x-request-id"), value);
    }
    Ok(res)
}

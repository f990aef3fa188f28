//! The OpenAPI document (utoipa) and the offline docs UI at `/docs`.

mod errors;

use actix_web::{HttpResponse, web};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_swagger_ui::SwaggerUi;

use crate::api;

/// The document: every API route, its bodies and errors.
#[derive(OpenApi)]
#[openapi(
    info(title = "tracehub", description = "Provincial traceability data-exchange hub"),
    paths(
        api::health::healthz, api::health::readyz, api::health::metrics, document,
        api::auth::login, api::auth::logout, api::auth::me,
        api::users::list, api::users::create, api::users::get, api::users::deactivate, api::users::activate,
        api::tokens::list, api::tokens::create, api::tokens::revoke,
        api::certificates::list, api::certificates::bind, api::certificates::revoke,
        api::audit::list, api::audit::verify,
        api::departments::list, api::departments::create,
        api::enterprises::register, api::enterprises::search, api::enterprises::get, api::enterprises::update,
        api::enterprises::approve, api::enterprises::reject, api::enterprises::suspend, api::enterprises::revoke,
        api::enterprises::reinstate, api::enterprises::credit_tier, api::enterprises::credit, api::enterprises::history, api::enterprises::changes,
        api::enterprises::approve_change, api::enterprises::reject_change,
        api::filings::list_licences, api::filings::file_licence,
        api::epcis::capture, api::epcis::capture_event, api::epcis::job, api::epcis::query::query, api::epcis::query::event,
        api::epcis::discovery::event_types, api::epcis::discovery::event_type_events,
        api::epcis::discovery::epcs, api::epcis::discovery::epc_events,
        api::epcis::discovery::biz_steps, api::epcis::discovery::biz_step_events,
        api::epcis::discovery::biz_locations, api::epcis::discovery::biz_location_events,
        api::epcis::discovery::read_points, api::epcis::discovery::read_point_events,
        api::epcis::discovery::dispositions, api::epcis::discovery::disposition_events,
        api::epcis::queries::create, api::epcis::queries::list, api::epcis::queries::one,
        api::epcis::queries::delete, api::epcis::queries::events,
        api::epcis::subscriptions::create, api::epcis::subscriptions::list,
        api::epcis::subscriptions::one, api::epcis::subscriptions::delete,
        api::filings::list_sites, api::filings::add_site, api::filings::list_products,
        api::filings::create_product, api::filings::list_batches, api::filings::create_batch,
        api::notices::list, api::notices::read, api::notices::set_locale,
        api::alerts::list, api::alerts::get, api::alerts::acknowledge, api::alerts::close,
        api::blacklist::public, api::blacklist::list, api::blacklist::proposals, api::blacklist::propose, api::blacklist::proposal, api::blacklist::approve, api::blacklist::reject, api::blacklist::get, api::blacklist::remove,
        api::regions::list, api::import::import,
        api::intake::adapters, api::intake::deliver, api::intake::deliveries, api::intake::delivery,
        api::intake::designations, api::intake::designate, api::intake::quotas, api::intake::set_quota,
        api::intake::banned_inputs, api::intake::ban_input,
        api::documents::list, api::documents::upload, api::documents::upload_raw, api::documents::get,
        api::documents::publish, api::documents::content, api::documents::verify, api::documents::public_content,
        api::trace::trace, api::trace::recall, api::trace::recall_csv,
        api::recalls::list, api::recalls::open, api::recalls::request, api::recalls::get,
        api::recalls::csv, api::recalls::pdf, api::recalls::approve, api::recalls::rescope,
        api::recalls::acknowledge, api::recalls::report, api::recalls::close,
        api::recalls::public, api::recalls::complain,
        api::stamps::create, api::stamps::list, api::stamps::get, api::stamps::list_stamps,
        api::stamps::print::sheet, api::stamps::activate_order, api::stamps::revoke_order,
        api::stamps::print::qr_svg, api::stamps::print::qr_png, api::stamps::activate_stamp,
        api::stamps::revoke_stamp,
        crate::resolver::product::resolve_product, crate::resolver::resolve_short, crate::resolver::resolve_with_lot,
        crate::resolver::public::verify_api, crate::resolver::public::report_api,
        api::ledger::key, api::ledger::heads, api::ledger::latest, api::ledger::head, api::ledger::leaves,
        api::ledger::inclusion, api::ledger::consistency, api::ledger::verify,
        api::spotchecks::add_item, api::spotchecks::items, api::spotchecks::enrol, api::spotchecks::inspectors,
        api::spotchecks::conflict, api::spotchecks::create_plan, api::spotchecks::plans, api::spotchecks::plan,
        api::spotchecks::lock, api::spotchecks::tasks, api::spotchecks::task, api::spotchecks::record,
        api::spotchecks::publish, api::spotchecks::attach, api::spotchecks::evidence, api::spotchecks::public_results, api::spotchecks::public_plans,
        api::spotchecks::draw, api::spotchecks::verify,
    ),
    modifiers(&Security, &ByRule),
    tags(
        (name = "health", description = "Liveness, readiness, metrics"),
        (name = "identity", description = "Sign-in, users, API tokens, client certificates"),
        (name = "registry", description = "Departments, enterprises, review, history, licences"),
        (name = "filings", description = "Sites, products and batches filed by enterprises"),
        (name = "documents", description = "Certificates, test reports, certificates of origin, licences; verification by SHA-256"),
        (name = "audit", description = "The hash-chained audit log"),
        (name = "epcis", description = "EPCIS 2.0 capture and query"),
        (name = "notices", description = "Each user's inbox of notices, and their language"),
        (name = "alerts", description = "Alerts for the competent department: read, acknowledge, close"),
        (name = "blacklist", description = "The serious breach-of-trust blacklist: proposal and a second officer's approval, removal, the public list"),
        (name = "stamps", description = "Traceability stamps: issue, list, activate, revoke, print"),
        (name = "trace", description = "Trace forward and backward; recall reports"),
        (name = "recalls", description = "Recall cases: opening, parties' acknowledgements and disposal reports, closure; the public list and complaints"),
        (name = "stamps", description = "The public stamp resolver (GS1 Digital Link), hidden-code verification, reports of suspected fakes"),
        (name = "spot-checks", description = "Double-random spot checks: check items, the inspector pool and conflicts of interest, plans and their reproducible draw, tasks, results and their publication"),
        (name = "intake", description = "Regulator adapters: deliveries from regulator systems (agri, food, drugs, rare earth, special equipment) read into registry records and EPCIS events, with signed receipts; rare-earth designations and quotas; the agricultural banned-input list"),
        (name = "ledger", description = "The evidence ledger: a Merkle-tree log (RFC 9162) of document hashes with signed tree heads; inclusion and consistency proofs; verification of a file or hash"),
    )
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("thk_...")
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::app::SESSION_COOKIE,
                "portal session; writes also need the X-CSRF-Token header",
            ))),
        );
    }
}

/// What the document says by rule rather than per route: error answers, unique operation ids.
struct ByRule;

impl Modify for ByRule {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        errors::document_errors(openapi);
        errors::unique_operation_ids(openapi);
    }
}

/// The document as JSON.
#[utoipa::path(get, path = "/openapi.json", tag = "health", responses((status = 200, content_type = "application/json", body = Object)))]
pub async fn document(doc: web::Data<utoipa::openapi::OpenApi>) -> HttpResponse {
    HttpResponse::Ok().json(doc.get_ref())
}

/// The Swagger UI, served from the binary (no internet needed), reading `/openapi.json`.
pub fn docs_ui() -> SwaggerUi {
    SwaggerUi::new("/docs/{_:.*}").config(utoipa_swagger_ui::Config::from("/openapi.json"))
}

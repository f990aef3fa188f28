//! Every route of the hub, with who may call it. Adding a route here is the only way to add
//! one, and its access rule is part of the declaration.

use actix_web::http::Method;
use registry::identity::Role;

use crate::http::routes::{Access, RouteTable};
use crate::{api, openapi, portal};

const ADMIN: Access = Access::Roles(&[Role::Admin]);
/// Officers act on enterprises of their jurisdiction (checked per object).
const OFFICER: Access = Access::Roles(&[Role::Officer]);
/// Enterprise users act for their own enterprise (checked per object).
const ENTERPRISE: Access = Access::Roles(&[Role::Enterprise]);
/// Who searches enterprises.
const REVIEWERS: Access = Access::Roles(&[Role::Admin, Role::Officer]);
/// Who reads an enterprise's records (scoped per object).
const READERS: Access = Access::Roles(&[Role::Admin, Role::Officer, Role::Enterprise]);
/// Who may capture EPCIS events.
const EPCIS_CAPTURE: Access = Access::Roles(&[Role::Admin, Role::Enterprise, Role::System]);
/// Who may read EPCIS events and capture jobs (handlers narrow enterprises to their own).
const EPCIS_READ: Access = Access::Roles(&[
    Role::Admin,
    Role::Officer,
    Role::Enterprise,
    Role::Inspector,
    Role::Ministry,
    Role::System,
]);

/// Who takes part in spot checks: plans, pools, conflicts.
/// Regulator systems deliver through their adapter; administrators may too.
const SENDERS: Access = Access::Roles(&[Role::Admin, Role::System]);
/// Deliveries are read by their senders, the competent officers and administrators.
const INTAKE_READERS: Access = Access::Roles(&[Role::Admin, Role::Officer, Role::System]);
const SPOT_CHECKERS: Access = Access::Roles(&[Role::Admin, Role::Officer, Role::Inspector]);
/// Who reads spot-check tasks (handlers narrow: inspectors and enterprises to their own).
const TASK_READERS: Access = Access::Roles(&[
    Role::Admin,
    Role::Officer,
    Role::Inspector,
    Role::Enterprise,
]);
/// Carries out spot checks.
const INSPECTOR: Access = Access::Roles(&[Role::Inspector]);

/// Who may trace and recall (handlers narrow: officers to their jurisdiction, enterprises to
/// their own objects).
const TRACERS: Access = Access::Roles(&[
    Role::Admin,
    Role::Officer,
    Role::Enterprise,
    Role::Inspector,
    Role::Ministry,
]);

/// Declares all routes into `t`.
#[rustfmt::skip]
pub fn declare(t: &mut RouteTable) {
    use Method as M;
    use Access::{Public, SignedIn};

    // The public stamp resolver (GS1 Digital Link root paths: page, JSON or linkset by Accept,
    // 307 by linkType), verification with the hidden code and reports of suspected fakes.
    // Declared first: the router tries routes in order, and these are the busiest.
    use crate::resolver::{self, public as stamp};
    t.api(M::GET, "/01/{gtin}/21/{serial}", Public, resolver::resolve_short)
        .api(M::GET, "/01/{gtin}/10/{lot}/21/{serial}", Public, resolver::resolve_with_lot)
        .api(M::GET, "/01/{gtin}", Public, resolver::product::resolve_product)
        .api(M::POST, stamp::VERIFY_API, Public, stamp::verify_api)
        .api(M::POST, stamp::REPORT_API, Public, stamp::report_api)
        .portal(M::POST, stamp::VERIFY_PAGE, Public, stamp::verify_page)
        .portal(M::GET, stamp::REPORT_PAGE, Public, stamp::report_form)
        .portal(M::POST, stamp::REPORT_PAGE, Public, stamp::report_submit);

    // Machines and operators.
    t.api(M::GET, "/healthz", Public, api::health::healthz)
        .api(M::GET, "/readyz", Public, api::health::readyz)
        .api(M::GET, "/metrics", Public, api::health::metrics)
        .api(M::GET, "/openapi.json", Public, openapi::document);

    // Identity.
    t.api(M::POST, "/api/v1/auth/login", Public, api::auth::login)
        .api(M::POST, "/api/v1/auth/logout", SignedIn, api::auth::logout)
        .api(M::GET, "/api/v1/me", SignedIn, api::auth::me)
        .api(M::GET, "/api/v1/users", ADMIN, api::users::list)
        .api(M::POST, "/api/v1/users", ADMIN, api::users::create)
        .api(M::GET, "/api/v1/users/{id}", SignedIn, api::users::get)
        .api(M::POST, "/api/v1/users/{id}/deactivate", ADMIN, api::users::deactivate)
        .api(M::POST, "/api/v1/users/{id}/activate", ADMIN, api::users::activate)
        .api(M::GET, "/api/v1/users/{id}/certificates", ADMIN, api::certificates::list)
        .api(M::POST, "/api/v1/users/{id}/certificates", ADMIN, api::certificates::bind)
        .api(M::DELETE, "/api/v1/users/{id}/certificates/{certificate_id}", ADMIN, api::certificates::revoke)
        .api(M::GET, "/api/v1/tokens", SignedIn, api::tokens::list)
        .api(M::POST, "/api/v1/tokens", SignedIn, api::tokens::create)
        .api(M::DELETE, "/api/v1/tokens/{id}", SignedIn, api::tokens::revoke);

    // Registry.
    t.api(M::GET, "/api/v1/departments", SignedIn, api::departments::list)
        .api(M::POST, "/api/v1/departments", ADMIN, api::departments::create)
        .api(M::POST, "/api/v1/enterprises", Public, api::enterprises::register)
        .api(M::GET, "/api/v1/enterprises", REVIEWERS, api::enterprises::search)
        .api(M::POST, "/api/v1/enterprises/import", REVIEWERS, api::import::import)
        .api(M::GET, "/api/v1/intake/adapters", SignedIn, api::intake::adapters)
        .api(M::POST, "/api/v1/intake/{adapter}/deliveries", SENDERS, api::intake::deliver)
        .api(M::GET, "/api/v1/intake/deliveries", INTAKE_READERS, api::intake::deliveries)
        .api(M::GET, "/api/v1/intake/deliveries/{id}", INTAKE_READERS, api::intake::delivery)
        .api(M::GET, "/api/v1/rare-earth/designations", REVIEWERS, api::intake::designations)
        .api(M::POST, "/api/v1/rare-earth/designations", OFFICER, api::intake::designate)
        .api(M::GET, "/api/v1/rare-earth/quotas", REVIEWERS, api::intake::quotas)
        .api(M::POST, "/api/v1/rare-earth/quotas", OFFICER, api::intake::set_quota)
        .api(M::GET, "/api/v1/agri/banned-inputs", REVIEWERS, api::intake::banned_inputs)
        .api(M::POST, "/api/v1/agri/banned-inputs", REVIEWERS, api::intake::ban_input)
        .api(M::GET, "/api/v1/enterprises/{id}", READERS, api::enterprises::get)
        .api(M::PATCH, "/api/v1/enterprises/{id}", ENTERPRISE, api::enterprises::update)
        .api(M::POST, "/api/v1/enterprises/{id}/approve", OFFICER, api::enterprises::approve)
        .api(M::POST, "/api/v1/enterprises/{id}/reject", OFFICER, api::enterprises::reject)
        .api(M::POST, "/api/v1/enterprises/{id}/suspend", OFFICER, api::enterprises::suspend)
        .api(M::POST, "/api/v1/enterprises/{id}/revoke", OFFICER, api::enterprises::revoke)
        .api(M::POST, "/api/v1/enterprises/{id}/reinstate", OFFICER, api::enterprises::reinstate)
        .api(M::POST, "/api/v1/enterprises/{id}/credit-tier", OFFICER, api::enterprises::credit_tier)
        .api(M::GET, "/api/v1/enterprises/{id}/credit", READERS, api::enterprises::credit)
        .api(M::GET, "/api/v1/enterprises/{id}/history", READERS, api::enterprises::history)
        .api(M::GET, "/api/v1/enterprises/{id}/changes", READERS, api::enterprises::changes)
        .api(M::POST, "/api/v1/enterprises/{id}/changes/{change_id}/approve", OFFICER, api::enterprises::approve_change)
        .api(M::POST, "/api/v1/enterprises/{id}/changes/{change_id}/reject", OFFICER, api::enterprises::reject_change)
        .api(M::GET, "/api/v1/enterprises/{id}/licences", READERS, api::filings::list_licences)
        .api(M::POST, "/api/v1/enterprises/{id}/licences", ENTERPRISE, api::filings::file_licence)
        .api(M::GET, "/api/v1/enterprises/{id}/sites", READERS, api::filings::list_sites)
        .api(M::POST, "/api/v1/enterprises/{id}/sites", ENTERPRISE, api::filings::add_site)
        .api(M::GET, "/api/v1/enterprises/{id}/products", READERS, api::filings::list_products)
        .api(M::POST, "/api/v1/enterprises/{id}/products", ENTERPRISE, api::filings::create_product)
        .api(M::GET, "/api/v1/enterprises/{id}/batches", READERS, api::filings::list_batches)
        .api(M::POST, "/api/v1/enterprises/{id}/batches", ENTERPRISE, api::filings::create_batch)
        .api(M::GET, "/api/v1/regions", Public, api::regions::list)
        .api(M::GET, "/api/v1/enterprises/{id}/documents", READERS, api::documents::list)
        .api(M::POST, "/api/v1/enterprises/{id}/documents", ENTERPRISE, api::documents::upload)
        .api(M::POST, "/api/v1/enterprises/{id}/documents/raw", ENTERPRISE, api::documents::upload_raw)
        .api(M::GET, "/api/v1/documents/{id}", READERS, api::documents::get)
        .api(M::PATCH, "/api/v1/documents/{id}", ENTERPRISE, api::documents::publish)
        .api(M::GET, "/api/v1/documents/{id}/content", READERS, api::documents::content)
        .api(M::GET, "/api/v1/public/documents/{sha256}", Public, api::documents::verify)
        .api(M::GET, "/api/v1/public/documents/{sha256}/content", Public, api::documents::public_content);

    // Notices, alerts and the blacklist.
    t.api(M::GET, "/api/v1/notices", SignedIn, api::notices::list)
        .api(M::POST, "/api/v1/notices/{id}/read", SignedIn, api::notices::read)
        .api(M::PUT, "/api/v1/me/locale", SignedIn, api::notices::set_locale)
        .api(M::GET, "/api/v1/alerts", READERS, api::alerts::list)
        .api(M::GET, "/api/v1/alerts/{id}", READERS, api::alerts::get)
        .api(M::POST, "/api/v1/alerts/{id}/acknowledge", OFFICER, api::alerts::acknowledge)
        .api(M::POST, "/api/v1/alerts/{id}/close", OFFICER, api::alerts::close)
        .api(M::GET, "/api/v1/public/blacklist", Public, api::blacklist::public)
        .api(M::GET, "/api/v1/blacklist", REVIEWERS, api::blacklist::list)
        .api(M::GET, "/api/v1/blacklist/proposals", REVIEWERS, api::blacklist::proposals)
        .api(M::POST, "/api/v1/blacklist/proposals", OFFICER, api::blacklist::propose)
        .api(M::GET, "/api/v1/blacklist/proposals/{id}", REVIEWERS, api::blacklist::proposal)
        .api(M::POST, "/api/v1/blacklist/proposals/{id}/approve", OFFICER, api::blacklist::approve)
        .api(M::POST, "/api/v1/blacklist/proposals/{id}/reject", OFFICER, api::blacklist::reject)
        .api(M::GET, "/api/v1/blacklist/{id}", REVIEWERS, api::blacklist::get)
        .api(M::POST, "/api/v1/blacklist/{id}/remove", OFFICER, api::blacklist::remove);

    // Recall cases: opened by the competent officer (or asked for by an enterprise), read by
    // every tracer (handlers narrow enterprises to their own cases), answered by the parties;
    // the public list and consumers' complaints.
    t.api(M::GET, "/api/v1/public/recalls", Public, api::recalls::public)
        .api(M::POST, "/api/v1/public/complaints", Public, api::recalls::complain)
        .api(M::GET, "/api/v1/recalls", TRACERS, api::recalls::list)
        .api(M::POST, "/api/v1/recalls", OFFICER, api::recalls::open)
        .api(M::POST, "/api/v1/recalls/requests", ENTERPRISE, api::recalls::request)
        .api(M::GET, "/api/v1/recalls/{id}", TRACERS, api::recalls::get)
        .api(M::GET, "/api/v1/recalls/{id}/report.csv", TRACERS, api::recalls::csv)
        .api(M::GET, "/api/v1/recalls/{id}/report.pdf", TRACERS, api::recalls::pdf)
        .api(M::POST, "/api/v1/recalls/{id}/approve", OFFICER, api::recalls::approve)
        .api(M::POST, "/api/v1/recalls/{id}/rescope", OFFICER, api::recalls::rescope)
        .api(M::POST, "/api/v1/recalls/{id}/acknowledge", ENTERPRISE, api::recalls::acknowledge)
        .api(M::POST, "/api/v1/recalls/{id}/disposals", ENTERPRISE, api::recalls::report)
        .api(M::POST, "/api/v1/recalls/{id}/close", OFFICER, api::recalls::close);

    // Stamps: issued by the competent department, activated by the enterprise, revoked by the
    // issuing department; reads scoped per order (officers: jurisdiction; enterprises: own).
    t.api(M::POST, "/api/v1/stamp-orders", OFFICER, api::stamps::create)
        .api(M::GET, "/api/v1/stamp-orders", READERS, api::stamps::list)
        .api(M::GET, "/api/v1/stamp-orders/{id}", READERS, api::stamps::get)
        .api(M::GET, "/api/v1/stamp-orders/{id}/stamps", READERS, api::stamps::list_stamps)
        .api(M::GET, "/api/v1/stamp-orders/{id}/sheet.pdf", READERS, api::stamps::print::sheet)
        .api(M::POST, "/api/v1/stamp-orders/{id}/activate", ENTERPRISE, api::stamps::activate_order)
        .api(M::POST, "/api/v1/stamp-orders/{id}/revoke", OFFICER, api::stamps::revoke_order)
        .api(M::GET, "/api/v1/stamps/{serial}/qr.svg", READERS, api::stamps::print::qr_svg)
        .api(M::GET, "/api/v1/stamps/{serial}/qr.png", READERS, api::stamps::print::qr_png)
        .api(M::POST, "/api/v1/stamps/{serial}/activate", ENTERPRISE, api::stamps::activate_stamp)
        .api(M::POST, "/api/v1/stamps/{serial}/revoke", OFFICER, api::stamps::revoke_stamp);

    // Audit.
    t.api(M::GET, "/api/v1/audit", ADMIN, api::audit::list)
        .api(M::GET, "/api/v1/audit/verify", ADMIN, api::audit::verify);

    // EPCIS 2.0 capture and query.
    t.api(M::POST, "/epcis/capture", EPCIS_CAPTURE, api::epcis::capture)
        .api(M::GET, "/epcis/capture/{id}", EPCIS_READ, api::epcis::job)
        .api(M::POST, "/epcis/events", EPCIS_CAPTURE, api::epcis::capture_event)
        .api(M::GET, "/epcis/events", EPCIS_READ, api::epcis::query)
        .api(M::GET, "/epcis/events/{eventID}", EPCIS_READ, api::epcis::query::event);
    {
        use api::epcis::{discovery as d, queries as q, subscriptions as s};
        t.api(M::GET, "/epcis/eventTypes", EPCIS_READ, d::event_types)
            .api(M::GET, "/epcis/eventTypes/{value}/events", EPCIS_READ, d::event_type_events)
            .api(M::GET, "/epcis/epcs", EPCIS_READ, d::epcs)
            .api(M::GET, "/epcis/epcs/{value}/events", EPCIS_READ, d::epc_events)
            .api(M::GET, "/epcis/bizSteps", EPCIS_READ, d::biz_steps)
            .api(M::GET, "/epcis/bizSteps/{value}/events", EPCIS_READ, d::biz_step_events)
            .api(M::GET, "/epcis/bizLocations", EPCIS_READ, d::biz_locations)
            .api(M::GET, "/epcis/bizLocations/{value}/events", EPCIS_READ, d::biz_location_events)
            .api(M::GET, "/epcis/readPoints", EPCIS_READ, d::read_points)
            .api(M::GET, "/epcis/readPoints/{value}/events", EPCIS_READ, d::read_point_events)
            .api(M::GET, "/epcis/dispositions", EPCIS_READ, d::dispositions)
            .api(M::GET, "/epcis/dispositions/{value}/events", EPCIS_READ, d::disposition_events)
            // Named queries belong to the user who saved them.
            .api(M::POST, "/epcis/queries", EPCIS_READ, q::create)
            .api(M::GET, "/epcis/queries", EPCIS_READ, q::list)
            .api(M::GET, "/epcis/queries/{name}", EPCIS_READ, q::one)
            .api(M::DELETE, "/epcis/queries/{name}", EPCIS_READ, q::delete)
            .api(M::GET, "/epcis/queries/{name}/events", EPCIS_READ, q::events)
            .api(M::POST, "/epcis/queries/{name}/subscriptions", EPCIS_READ, s::create)
            .api(M::GET, "/epcis/queries/{name}/subscriptions", EPCIS_READ, s::list)
            .api(M::GET, "/epcis/queries/{name}/subscriptions/{id}", EPCIS_READ, s::one)
            .api(M::DELETE, "/epcis/queries/{name}/subscriptions/{id}", EPCIS_READ, s::delete)
            .options_under("/epcis/");
    }

    // Spot checks: check items, the inspector pool and conflicts, plans and their draw, tasks,
    // results and their publication; the published results and draws for everyone.
    {
        use api::spotchecks as sc;
        t.api(M::GET, "/api/v1/public/spot-checks/results", Public, sc::public_results)
            .api(M::GET, "/api/v1/public/spot-checks/plans", Public, sc::public_plans)
            .api(M::GET, "/api/v1/public/spot-checks/plans/{id}/draw", Public, sc::draw)
            .api(M::GET, "/api/v1/public/spot-checks/plans/{id}/verify", Public, sc::verify)
            .api(M::GET, "/api/v1/departments/{id}/check-items", SignedIn, sc::items)
            .api(M::GET, "/api/v1/departments/{id}/inspectors", REVIEWERS, sc::inspectors)
            .api(M::POST, "/api/v1/spot-checks/items", OFFICER, sc::add_item)
            .api(M::POST, "/api/v1/spot-checks/inspectors", OFFICER, sc::enrol)
            .api(M::POST, "/api/v1/spot-checks/inspectors/{id}/conflicts", SPOT_CHECKERS, sc::conflict)
            .api(M::GET, "/api/v1/spot-checks/plans", SPOT_CHECKERS, sc::plans)
            .api(M::POST, "/api/v1/spot-checks/plans", OFFICER, sc::create_plan)
            .api(M::GET, "/api/v1/spot-checks/plans/{id}", SPOT_CHECKERS, sc::plan)
            .api(M::POST, "/api/v1/spot-checks/plans/{id}/lock", OFFICER, sc::lock)
            .api(M::GET, "/api/v1/spot-checks/tasks", TASK_READERS, sc::tasks)
            .api(M::GET, "/api/v1/spot-checks/tasks/{id}", TASK_READERS, sc::task)
            .api(M::POST, "/api/v1/spot-checks/tasks/{id}/result", INSPECTOR, sc::record)
            .api(M::POST, "/api/v1/spot-checks/tasks/{id}/evidence", INSPECTOR, sc::attach)
            .api(M::GET, "/api/v1/spot-checks/tasks/{id}/evidence/{evidence_id}", TASK_READERS, sc::evidence)
            .api(M::POST, "/api/v1/spot-checks/tasks/{id}/publish", OFFICER, sc::publish);
    }

    // Trace and recall.
    t.api(M::GET, "/api/v1/trace", TRACERS, api::trace::trace)
        .api(M::GET, "/api/v1/recall", TRACERS, api::trace::recall)
        .api(M::GET, "/api/v1/recall.csv", TRACERS, api::trace::recall_csv);

    // Portal.
    t.portal(M::GET, "/", Public, portal::root)
        .portal(M::GET, "/portal/login", Public, portal::login::form)
        .portal(M::POST, "/portal/login", Public, portal::login::submit)
        .portal(M::POST, "/portal/logout", SignedIn, portal::login::logout)
        .portal(M::GET, "/portal", SignedIn, portal::home::home)
        .portal(M::GET, "/portal/lang/{tag}", Public, portal::login::switch_language);

    // Portal: the frame's stylesheet, self-registration, an enterprise's pages (scoped per
    // object: its own users, officers of its jurisdiction, administrators), the department side
    // and administration.
    use portal::{admin, department as dept, enterprise as ent, frame, register};
    t.portal(M::GET, frame::STYLESHEET_PATH, Public, frame::stylesheet)
        .portal(M::GET, "/portal/register", Public, register::form)
        .portal(M::POST, "/portal/register", Public, register::submit)
        .portal(M::GET, "/portal/enterprises/{id}", READERS, ent::overview::page)
        .portal(M::GET, "/portal/enterprises/{id}/edit", ENTERPRISE, ent::edit::form)
        .portal(M::POST, "/portal/enterprises/{id}/edit", ENTERPRISE, ent::edit::submit)
        .portal(M::GET, "/portal/enterprises/{id}/history", READERS, ent::history::page)
        .portal(M::GET, "/portal/enterprises/{id}/licences", READERS, ent::licences::page)
        .portal(M::POST, "/portal/enterprises/{id}/licences", ENTERPRISE, ent::licences::file)
        .portal(M::GET, "/portal/enterprises/{id}/sites", READERS, ent::sites::page)
        .portal(M::POST, "/portal/enterprises/{id}/sites", ENTERPRISE, ent::sites::add)
        .portal(M::GET, "/portal/enterprises/{id}/products", READERS, ent::products::page)
        .portal(M::POST, "/portal/enterprises/{id}/products", ENTERPRISE, ent::products::create)
        .portal(M::GET, "/portal/enterprises/{id}/batches", READERS, ent::batches::page)
        .portal(M::POST, "/portal/enterprises/{id}/batches", ENTERPRISE, ent::batches::create)
        .portal(M::GET, "/portal/enterprises/{id}/documents", READERS, ent::documents::page)
        .portal(M::POST, "/portal/enterprises/{id}/documents", ENTERPRISE, ent::documents::upload)
        .portal(M::GET, "/portal/enterprises/{id}/documents/{document_id}/content", READERS, ent::documents::content)
        .portal(M::POST, "/portal/enterprises/{id}/documents/{document_id}/publication", ENTERPRISE, ent::documents::publish)
        .portal(M::GET, "/portal/review", REVIEWERS, dept::review::page)
        .portal(M::GET, "/portal/enterprises", REVIEWERS, dept::search::page)
        .portal(M::POST, "/portal/enterprises/{id}/decision", OFFICER, dept::actions::decide)
        .portal(M::POST, "/portal/enterprises/{id}/credit-tier", OFFICER, dept::actions::credit_tier)
        .portal(M::POST, "/portal/enterprises/{id}/changes/{change_id}/decision", OFFICER, dept::actions::decide_change)
        .portal(M::GET, "/portal/admin/departments", ADMIN, admin::departments::page)
        .portal(M::POST, "/portal/admin/departments", ADMIN, admin::departments::create)
        .portal(M::GET, "/portal/admin/users", ADMIN, admin::users::page)
        .portal(M::POST, "/portal/admin/users", ADMIN, admin::users::create)
        .portal(M::POST, "/portal/admin/users/{id}/deactivate", ADMIN, admin::users::deactivate)
        .portal(M::POST, "/portal/admin/users/{id}/activate", ADMIN, admin::users::activate);

    // Portal: regulator systems' deliveries (those of the department's categories, all for an
    // administrator) and the open alerts of each adapter.
    t.portal(M::GET, "/portal/intake", REVIEWERS, portal::intake::list)
        .portal(M::GET, "/portal/intake/deliveries/{id}", REVIEWERS, portal::intake::page);

    // Portal: alerts (read scoped per object, handled by officers of the competent department),
    // the blacklist (the full records for reviewers, decisions by the competent department, the
    // published part for anyone), each user's notices and account.
    use portal::{account, alerts, blacklist, notices};
    t.portal(M::GET, "/portal/alerts", READERS, alerts::list::page)
        .portal(M::GET, "/portal/alerts/{id}", READERS, alerts::page::page)
        .portal(M::POST, "/portal/alerts/{id}/acknowledge", OFFICER, alerts::page::acknowledge)
        .portal(M::POST, "/portal/alerts/{id}/close", OFFICER, alerts::page::close)
        .portal(M::GET, blacklist::public::PATH, Public, blacklist::public::page)
        .portal(M::GET, "/portal/blacklist", REVIEWERS, blacklist::list::page)
        .portal(M::GET, "/portal/blacklist/{id}", REVIEWERS, blacklist::listing::page)
        .portal(M::POST, "/portal/blacklist/{id}/remove", OFFICER, blacklist::listing::remove)
        .portal(M::POST, "/portal/enterprises/{id}/blacklist", OFFICER, blacklist::enterprise::propose)
        .portal(M::POST, "/portal/blacklist/proposals/{id}/approve", OFFICER, blacklist::enterprise::approve)
        .portal(M::POST, "/portal/blacklist/proposals/{id}/reject", OFFICER, blacklist::enterprise::reject)
        .portal(M::GET, "/portal/notices", SignedIn, notices::list)
        .portal(M::GET, "/portal/notices/{id}", SignedIn, notices::page)
        .portal(M::GET, "/portal/account", SignedIn, account::page)
        .portal(M::POST, "/portal/account/locale", SignedIn, account::set_locale);

    // Portal: stamp orders (read scoped per order; issued by the competent department, revoked
    // by the issuing department, activated by the enterprise; the sheet as the API prints it).
    // The issue form's path is declared before `{id}`, which would take it.
    use portal::stamps;
    t.portal(M::GET, stamps::PATH, READERS, stamps::list::page)
        .portal(M::GET, stamps::NEW_PATH, OFFICER, stamps::issue::form)
        .portal(M::POST, stamps::PATH, OFFICER, stamps::issue::submit)
        .portal(M::GET, "/portal/stamp-orders/{id}", READERS, stamps::order::page)
        .portal(M::GET, "/portal/stamp-orders/{id}/sheet.pdf", READERS, stamps::order::sheet)
        .portal(M::POST, "/portal/stamp-orders/{id}/activate", ENTERPRISE, stamps::order::activate)
        .portal(M::POST, "/portal/stamp-orders/{id}/revoke", OFFICER, stamps::order::revoke);

    // Trace and recall.
    t.portal(M::GET, "/portal/recall", TRACERS, portal::recall::page);

    // Portal: spot checks (tasks read as the API narrows them; results recorded by the task's
    // inspectors, published by the department) and the public page of results and draws.
    {
        use portal::spotchecks::{self as sc, task};
        t.portal(M::GET, sc::PUBLIC_PATH, Public, sc::public)
            .portal(M::GET, sc::PATH, TASK_READERS, sc::list)
            .portal(M::GET, "/portal/spot-checks/tasks/{id}", TASK_READERS, task::page)
            .portal(M::POST, "/portal/spot-checks/tasks/{id}/result", INSPECTOR, task::record)
            .portal(M::POST, "/portal/spot-checks/tasks/{id}/evidence", INSPECTOR, task::attach)
            .portal(M::POST, "/portal/spot-checks/tasks/{id}/publish", OFFICER, task::publish);
    }

    // Portal: recall cases (read by every tracer, narrowed per case as the API narrows; opened,
    // approved, re-scoped and closed by officers, the department in charge checked per case;
    // asked for, acknowledged and answered by enterprises), the public page of open recalls and
    // the consumers' complaint form. The forms' paths are declared before `{id}`.
    {
        use portal::recalls::{self as rc, case, list, open, party, public};
        t.portal(M::GET, rc::PATH, TRACERS, list::page)
            .portal(M::GET, rc::NEW_PATH, OFFICER, open::form)
            .portal(M::POST, rc::PATH, OFFICER, open::submit)
            .portal(M::GET, rc::REQUEST_PATH, ENTERPRISE, open::request_form)
            .portal(M::POST, rc::REQUESTS_PATH, ENTERPRISE, open::request_submit)
            .portal(M::GET, "/portal/recalls/{id}", TRACERS, case::page)
            .portal(M::POST, "/portal/recalls/{id}/approve", OFFICER, case::approve)
            .portal(M::POST, "/portal/recalls/{id}/rescope", OFFICER, case::rescope)
            .portal(M::POST, "/portal/recalls/{id}/close", OFFICER, case::close)
            .portal(M::POST, "/portal/recalls/{id}/acknowledge", ENTERPRISE, party::acknowledge)
            .portal(M::POST, "/portal/recalls/{id}/disposals", ENTERPRISE, party::report)
            .portal(M::GET, public::PATH, Public, public::page)
            .portal(M::GET, public::COMPLAINT_PATH, Public, public::complaint_page)
            .portal(M::POST, public::COMPLAINT_PATH, Public, public::complain);
    }

    // The public verification of a document by its hash or its file.
    t.portal(M::GET, portal::verify::PATH, Public, portal::verify::page)
        .portal(M::POST, portal::verify::UPLOAD_PATH, Public, portal::verify::by_file);

    // The evidence ledger, public like `/verify`: its page for customs, and the API that
    // auditors and other hubs mirror (`latest` before `{tree_size}`, which would take it).
    t.portal(M::GET, portal::ledger::PATH, Public, portal::ledger::page)
        .portal(M::POST, portal::ledger::UPLOAD_PATH, Public, portal::ledger::by_file)
        .api(M::GET, "/ledger/key", Public, api::ledger::key)
        .api(M::GET, "/ledger/heads", Public, api::ledger::heads)
        .api(M::GET, "/ledger/heads/latest", Public, api::ledger::latest)
        .api(M::GET, "/ledger/heads/{tree_size}", Public, api::ledger::head)
        .api(M::GET, "/ledger/leaves", Public, api::ledger::leaves)
        .api(M::GET, "/ledger/proof/inclusion", Public, api::ledger::inclusion)
        .api(M::GET, "/ledger/proof/consistency", Public, api::ledger::consistency)
        .api(M::POST, "/ledger/verify", Public, api::ledger::verify);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::routes::{Access, RouteTable};
    use crate::i18n::Lang;
    use crate::portal::frame::NAV;

    #[test]
    fn every_navigation_link_leads_to_a_page_its_roles_may_open() {
        let mut table = RouteTable::new();
        declare(&mut table);
        for entry in NAV {
            let path = entry.path.replace("{enterprise}", "{id}");
            let spec = table
                .specs()
                .iter()
                .find(|s| s.path == path && s.method == actix_web::http::Method::GET)
                .unwrap_or_else(|| panic!("no GET route for {path}"));
            for role in entry.roles {
                assert!(
                    spec.access.admits(*role) && spec.access != Access::Public,
                    "{path} does not admit {role}"
                );
            }
            for lang in Lang::ALL {
                assert!(lang.try_t(entry.key).is_some(), "{} in {lang:?}", entry.key);
            }
        }
    }
}

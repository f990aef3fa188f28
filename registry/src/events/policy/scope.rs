//! Which stored events and capture jobs an actor reads.
//!
//! - Administrators, inspectors and ministries: everything.
//! - Officers: events whose producer or place is an enterprise of their department's region
//!   and categories, and events such enterprises captured.
//! - Enterprises: what they captured, events at their sites, events about their products.
//! - Regulator systems: what they captured, and events about the enterprises and products of
//!   their category.
//!
//! "Producer" is read from the event's company-prefix key (`epcis_events.company_prefix`, the
//! first 7 digits of the company part of its first object's key): the key of a GTIN an
//! enterprise filed, or of its GS1 company prefix. "Place" is a `readPoint` or `bizLocation`
//! that is the SGLN of a site (`https://id.gs1.org/414/{gln}`). The filter tests each event
//! row against small sets (the jurisdiction's company prefixes and site locations) and its
//! job's primary key, never against a set of events, so a page in event-time order costs the
//! rows it reads, not the size of the jurisdiction.
//!
//! Two known imprecisions: the company-prefix key is 7 digits, so enterprises whose longer
//! prefixes share those digits see each other's events (the price of the sharding key); and an
//! SGLN with an extension (`/254/...`) does not count as the site.

use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};

use crate::db::DbConn;
use crate::departments::{Category, find_department};
use crate::enterprises::{load_enterprise, require_jurisdiction};
use crate::error::Result;
use crate::events::CaptureJob;
use crate::identity::{Actor, Role};
use crate::regions::{Coverage, coverage};
use crate::schema::{
    capture_jobs, enterprise_categories, enterprises, epcis_event_nodes, epcis_events,
    lineage_nodes, products, sites, users,
};

type Backend = <DbConn as Connection>::Backend;

diesel::define_sql_function! {
    /// `substr(text, start, length)` (1-based), the same on both databases.
    fn substr(text: Text, start: Integer, length: Integer) -> Text;
}

/// The enterprises whose events an actor reads.
#[derive(Debug, Clone)]
enum Enterprises {
    /// One enterprise.
    One(i64),
    /// A department's jurisdiction: enterprises in the region, of one of the categories.
    Jurisdiction {
        region: Coverage,
        categories: Vec<String>,
    },
    /// Enterprises of a category.
    Category(String),
}

/// What an actor reads of the stored events.
#[derive(Debug, Clone)]
pub enum ReadScope {
    /// Everything.
    All,
    /// Events about, at or captured by these enterprises, and those this user captured.
    Within {
        enterprises: Option<EnterpriseSet>,
        captured_by_user: Option<i64>,
    },
}

/// The enterprises of a [`ReadScope`] (opaque).
#[derive(Debug, Clone)]
pub struct EnterpriseSet(Enterprises);

/// The scope of `actor`.
pub fn read_scope(conn: &mut DbConn, actor: &Actor) -> Result<ReadScope> {
    Ok(match actor.role {
        Role::Admin | Role::Inspector | Role::Ministry => ReadScope::All,
        Role::Officer => ReadScope::Within {
            enterprises: match actor.department_id {
                Some(d) => {
                    let dept = find_department(conn, d)?;
                    Some(EnterpriseSet(Enterprises::Jurisdiction {
                        region: coverage(&dept.region_code),
                        categories: dept
                            .categories
                            .iter()
                            .map(|c| c.as_str().to_owned())
                            .collect(),
                    }))
                }
                None => None,
            },
            captured_by_user: None,
        },
        Role::Enterprise => ReadScope::Within {
            enterprises: actor
                .enterprise_id
                .map(|e| EnterpriseSet(Enterprises::One(e))),
            captured_by_user: Some(actor.user_id),
        },
        Role::System => {
            let category: Option<String> = users::table
                .find(actor.user_id)
                .select(users::category)
                .first(conn)?;
            ReadScope::Within {
                enterprises: category
                    .map(|c| Category::parse(&c, "category"))
                    .transpose()?
                    .map(|c| EnterpriseSet(Enterprises::Category(c.as_str().to_owned()))),
                captured_by_user: Some(actor.user_id),
            }
        }
    })
}

/// The query of [`crate::events::query_events`].
pub(crate) type EventsQuery<'a> = epcis_events::BoxedQuery<
    'a,
    Backend,
    (
        diesel::sql_types::BigInt,
        diesel::sql_types::Timestamp,
        diesel::sql_types::Timestamp,
        diesel::sql_types::Text,
        diesel::sql_types::Nullable<diesel::sql_types::Binary>,
    ),
>;

/// `$q` narrowed to events captured by, at a site of, or about a product or the company
/// prefix of an enterprise of `$ents` (a filtered `enterprises` query, written out at each
/// use), or captured by user `$user`.
///
/// Each branch is a test of the event row itself, so that a page ordered by event time stops
/// after its first matches: a site is matched on the row's `readPoint` and `bizLocation`
/// columns against the (few) site locations, and the capturing enterprise through the job's
/// primary key (`OFFSET 0` keeps PostgreSQL from turning that `EXISTS` into a hash of every
/// job of the jurisdiction). Read from the identifier index instead, the events at a province's
/// sites were gathered whole before the first row came out: 8 s at 10 million events.
macro_rules! within_enterprises {
    ($q:expr, $ents:expr, $user:expr) => {{
        let captured = diesel::dsl::exists(
            capture_jobs::table
                .filter(capture_jobs::id.eq(epcis_events::capture_job_id))
                .filter(
                    capture_jobs::enterprise_id
                        .assume_not_null()
                        .eq_any($ents.select(enterprises::id)),
                )
                .select(capture_jobs::id)
                .offset(0),
        );
        let site_locations = || {
            sites::table
                .filter(sites::enterprise_id.eq_any($ents.select(enterprises::id)))
                .select(
                    "https://id.gs1.org/414/"
                        .into_sql::<Text>()
                        .concat(sites::gln),
                )
        };
        let at_sites = epcis_events::read_point
            .assume_not_null()
            .eq_any(site_locations())
            .or(epcis_events::biz_location
                .assume_not_null()
                .eq_any(site_locations()));
        let of_products = epcis_events::company_prefix.eq_any(
            products::table
                .filter(products::enterprise_id.eq_any($ents.select(enterprises::id)))
                .select(substr(products::gtin, 2, 7)),
        );
        let of_prefixes = epcis_events::company_prefix.eq_any(
            $ents
                .filter(enterprises::company_prefix.is_not_null())
                .select(substr(enterprises::company_prefix.assume_not_null(), 1, 7)),
        );
        $q.filter(
            captured
                .or(at_sites)
                .or(of_products)
                .or(of_prefixes)
                .or(captured_by($user)),
        )
    }};
}

/// The capture jobs of one user.
type JobsOfUser = diesel::dsl::Select<
    diesel::dsl::Filter<capture_jobs::table, diesel::dsl::Eq<capture_jobs::created_by, i64>>,
    capture_jobs::id,
>;

/// Events captured by user `user` (none for `None`).
fn captured_by(user: Option<i64>) -> diesel::dsl::EqAny<epcis_events::capture_job_id, JobsOfUser> {
    epcis_events::capture_job_id.eq_any(
        capture_jobs::table
            .filter(capture_jobs::created_by.eq(user.unwrap_or(-1)))
            .select(capture_jobs::id),
    )
}

/// `$q` (a boxed query over `epcis_events`, alone or joined) narrowed to what `$scope` reads.
macro_rules! narrowed {
    ($q:expr, $scope:expr) => {{
        let q = $q;
        match $scope {
            ReadScope::All => q,
            ReadScope::Within {
                enterprises: set,
                captured_by_user: user,
            } => {
                let user = *user;
                let in_categories = |cats: &[String]| {
                    enterprise_categories::table
                        .filter(enterprise_categories::category.eq_any(cats.to_vec()))
                        .select(enterprise_categories::enterprise_id)
                };
                match set.as_ref().map(|s| &s.0) {
                    None => q.filter(captured_by(user)),
                    Some(Enterprises::One(id)) => {
                        within_enterprises!(
                            q,
                            enterprises::table.filter(enterprises::id.eq(*id)),
                            user
                        )
                    }
                    Some(Enterprises::Category(c)) => within_enterprises!(
                        q,
                        enterprises::table
                            .filter(enterprises::id.eq_any(in_categories(std::slice::from_ref(c)))),
                        user
                    ),
                    Some(Enterprises::Jurisdiction { region, categories }) => match region {
                        Coverage::Prefix(prefix) => {
                            let end =
                                Coverage::prefix_end(prefix).unwrap_or_else(|| "~".to_owned());
                            within_enterprises!(
                                q,
                                enterprises::table
                                    .filter(enterprises::region_code.ge(prefix.clone()))
                                    .filter(enterprises::region_code.lt(end.clone()))
                                    .filter(enterprises::id.eq_any(in_categories(categories))),
                                user
                            )
                        }
                        Coverage::Codes(codes) => within_enterprises!(
                            q,
                            enterprises::table
                                .filter(enterprises::region_code.eq_any(codes.clone()))
                                .filter(enterprises::id.eq_any(in_categories(categories))),
                            user
                        ),
                    },
                }
            }
        }
    }};
}

/// `q` narrowed to what `scope` reads.
#[allow(
    clippy::redundant_clone,
    reason = "the macro writes the enterprise sub-query out at each use"
)]
pub(crate) fn narrow<'a, ST: 'static>(
    q: epcis_events::BoxedQuery<'a, Backend, ST>,
    scope: &ReadScope,
) -> epcis_events::BoxedQuery<'a, Backend, ST> {
    narrowed!(q, scope)
}

/// The identifiers named in the roles `roles` by the events `scope` reads, after `after`, in
/// byte order, distinct, at most `limit` (the discovery resource `/epcis/epcs`).
#[allow(
    clippy::redundant_clone,
    reason = "the macro writes the enterprise sub-query out at each use"
)]
pub(crate) fn identifiers_in_scope(
    conn: &mut DbConn,
    scope: &ReadScope,
    roles: &[&str],
    after: Option<String>,
    limit: i64,
) -> Result<Vec<String>> {
    let mut q = epcis_event_nodes::table
        .inner_join(epcis_events::table)
        .inner_join(lineage_nodes::table)
        .filter(epcis_event_nodes::role.eq_any(roles.to_vec()))
        .select(lineage_nodes::identifier)
        .distinct()
        .order(lineage_nodes::identifier)
        .limit(limit)
        .into_boxed();
    if let Some(after) = after {
        q = q.filter(lineage_nodes::identifier.gt(after));
    }
    Ok(narrowed!(q, scope).load(conn)?)
}

/// Whether `actor` reads capture job `job`: administrators, inspectors and ministries all; an
/// enterprise its own; a regulator system those it captured; an officer those of enterprises
/// in its jurisdiction.
pub fn may_read_job(conn: &mut DbConn, actor: &Actor, job: &CaptureJob) -> Result<bool> {
    Ok(match actor.role {
        Role::Admin | Role::Inspector | Role::Ministry => true,
        Role::Enterprise => job.enterprise_id.is_some() && job.enterprise_id == actor.enterprise_id,
        Role::System => job.created_by == Some(actor.user_id),
        Role::Officer => match job.enterprise_id {
            Some(id) => {
                let enterprise = load_enterprise(conn, id)?;
                require_jurisdiction(conn, actor, &enterprise).is_ok()
            }
            None => false,
        },
    })
}

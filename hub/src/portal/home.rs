//! The signed-in user's home page: who they are, and what awaits them.

use maud::html;
use registry::alerts::{self, AlertFilter, AlertStatus};
use registry::departments::find_department;
use registry::enterprises::{self, EnterpriseQuery, Status};
use registry::identity::Role;

use super::enterprise::status_badge;
use super::frame::{Ctx, Page, messages};
use crate::app::Auth;

/// What the home page summarises for the role.
enum Summary {
    /// An enterprise user: their enterprise's name, status and reason.
    Enterprise {
        id: i64,
        name: String,
        status: Status,
        reason: Option<String>,
    },
    /// A reviewer: pending registrations and changes in their jurisdiction.
    Reviewer {
        department: Option<String>,
        registrations: i64,
        changes: i64,
    },
    Nothing,
}

/// `/portal`: welcome, with the enterprise's status or the reviewer's queue, the open alerts
/// and the unread notices.
pub async fn home(ctx: Ctx, Auth(actor): Auth) -> Page {
    let who = actor.clone();
    let (summary, open_alerts) = super::frame::read(&ctx.state, move |conn| {
        let open = AlertFilter {
            status: Some(AlertStatus::Open),
            ..AlertFilter::default()
        };
        let open_alerts = match who.role {
            Role::Admin | Role::Officer | Role::Enterprise => {
                Some(alerts::count_alerts(conn, &who, &open)?)
            }
            _ => None,
        };
        let summary = match (who.role, who.enterprise_id) {
            (Role::Enterprise, Some(id)) => {
                let e = enterprises::find_enterprise(conn, &who, id)?;
                Summary::Enterprise {
                    id,
                    name: e.name,
                    status: e.status,
                    reason: e.status_reason,
                }
            }
            (Role::Admin | Role::Officer, _) => {
                let query = EnterpriseQuery {
                    status: Some(Status::Pending),
                    per_page: Some(1),
                    ..Default::default()
                };
                let department = who
                    .department_id
                    .map(|id| find_department(conn, id))
                    .transpose()?
                    .map(|d| d.name);
                Summary::Reviewer {
                    department,
                    registrations: enterprises::search(conn, &who, &query)?.total,
                    changes: enterprises::pending_changes(conn, &who, 1, 1)?.total,
                }
            }
            _ => Summary::Nothing,
        };
        Ok((summary, open_alerts))
    })
    .await
    .map_err(|e| ctx.refuse(e))?;
    let lang = ctx.lang;
    let body = html! {
        h1 { (lang.t_args("welcome", &[("name", &actor.username)])) }
        table.data {
            tr { th scope="row" { (lang.t("role")) } td { (messages::role(lang, actor.role)) } }
            @if let Summary::Reviewer { department: Some(department), .. } = &summary {
                tr { th scope="row" { (lang.t("department")) } td { (department) } }
            }
        }
        @match summary {
            Summary::Enterprise { id, name, status, reason } => {
                h2 { (name) " " (status_badge(lang, status)) }
                @if let Some(reason) = reason { p { strong { (lang.t("status-reason")) ": " } (reason) } }
                p { a href={ "/portal/enterprises/" (id) } { (lang.t("nav-my-enterprise")) } }
            }
            Summary::Reviewer { registrations, changes, .. } => {
                h2 { (lang.t("nav-review")) }
                p { (lang.t_args("home-queue", &[("registrations", &registrations.to_string()), ("changes", &changes.to_string())])) }
                p { a href="/portal/review" { (lang.t("nav-review")) } " · " a href="/portal/enterprises" { (lang.t("nav-search")) } }
            }
            Summary::Nothing => {}
        }
        @if let Some(open) = open_alerts {
            h2 { (lang.t("nav-alerts")) }
            p #open-alerts {
                (lang.t_args("home-open-alerts", &[("count", &open.to_string())]))
                " " a href="/portal/alerts?status=open" { (lang.t("alerts-open-list")) }
            }
        }
        h2 { (lang.t("nav-notices")) }
        p #unread-notices {
            (lang.t_args("home-unread-notices", &[("count", &ctx.unread().unwrap_or(0).to_string())]))
            " " a href="/portal/notices?unread=true" { (lang.t("notices-unread-only")) }
        }
        p { (lang.t("api-docs")) ": " a href="/docs/" { "/docs" } }
    };
    Ok(ctx.render(&lang.t("app-title"), body))
}

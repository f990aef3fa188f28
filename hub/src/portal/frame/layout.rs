//! The page frame: head with the shared stylesheet, a header with the navigation of the
//! signed-in role, the language switch and sign-out, the flash message, then the page.

use maud::{DOCTYPE, Markup, html};
use registry::identity::{Actor, Role};

use super::context::Ctx;
use super::messages;
use crate::http::csrf::CSRF_FIELD;
use crate::i18n::Lang;

/// One link of the main navigation: its message key, its path (`{enterprise}` stands for the
/// signed-in enterprise user's enterprise id) and the roles that see it. Add a page's entry
/// here; a test checks that the route of every entry admits every role listed.
pub struct NavEntry {
    pub key: &'static str,
    pub path: &'static str,
    pub roles: &'static [Role],
    /// Whether the link shows the count of unread notices.
    pub unread_badge: bool,
}

/// The main navigation, in the order shown.
pub const NAV: &[NavEntry] = &[
    NavEntry {
        key: "nav-home",
        path: "/portal",
        roles: &Role::ALL,
        unread_badge: false,
    },
    NavEntry {
        key: "nav-my-enterprise",
        path: "/portal/enterprises/{enterprise}",
        roles: &[Role::Enterprise],
        unread_badge: false,
    },
    NavEntry {
        key: "nav-review",
        path: "/portal/review",
        roles: &[Role::Admin, Role::Officer],
        unread_badge: false,
    },
    NavEntry {
        key: "nav-search",
        path: "/portal/enterprises",
        roles: &[Role::Admin, Role::Officer],
        unread_badge: false,
    },
    NavEntry {
        key: "nav-stamp-orders",
        path: "/portal/stamp-orders",
        roles: &[Role::Admin, Role::Officer, Role::Enterprise],
        unread_badge: false,
    },
    NavEntry {
        key: "nav-intake",
        path: "/portal/intake",
        roles: &[Role::Admin, Role::Officer],
        unread_badge: false,
    },
    NavEntry {
        key: "nav-alerts",
        path: "/portal/alerts",
        roles: &[Role::Admin, Role::Officer, Role::Enterprise],
        unread_badge: false,
    },
    NavEntry {
        key: "nav-recall",
        path: "/portal/recall",
        roles: &[
            Role::Admin,
            Role::Officer,
            Role::Enterprise,
            Role::Inspector,
            Role::Ministry,
        ],
        unread_badge: false,
    },
    NavEntry {
        key: "nav-recall-cases",
        path: "/portal/recalls",
        roles: &[
            Role::Admin,
            Role::Officer,
            Role::Enterprise,
            Role::Inspector,
            Role::Ministry,
        ],
        unread_badge: false,
    },
    NavEntry {
        key: "nav-spot-checks",
        path: "/portal/spot-checks",
        roles: &[
            Role::Admin,
            Role::Officer,
            Role::Inspector,
            Role::Enterprise,
        ],
        unread_badge: false,
    },
    NavEntry {
        key: "nav-blacklist",
        path: "/portal/blacklist",
        roles: &[Role::Admin, Role::Officer],
        unread_badge: false,
    },
    NavEntry {
        key: "nav-notices",
        path: "/portal/notices",
        roles: &Role::ALL,
        unread_badge: true,
    },
    NavEntry {
        key: "nav-account",
        path: "/portal/account",
        roles: &Role::ALL,
        unread_badge: false,
    },
    NavEntry {
        key: "nav-departments",
        path: "/portal/admin/departments",
        roles: &[Role::Admin],
        unread_badge: false,
    },
    NavEntry {
        key: "nav-users",
        path: "/portal/admin/users",
        roles: &[Role::Admin],
        unread_badge: false,
    },
];

/// The links `actor` sees: (message key, href).
fn nav_links(actor: &Actor) -> Vec<(&'static str, String)> {
    NAV.iter()
        .filter(|entry| entry.roles.contains(&actor.role))
        .filter_map(|entry| {
            if entry.path.contains("{enterprise}") {
                let id = actor.enterprise_id?;
                Some((
                    entry.key,
                    entry.path.replace("{enterprise}", &id.to_string()),
                ))
            } else {
                Some((entry.key, entry.path.to_owned()))
            }
        })
        .collect()
}

/// The badge after a navigation link: the count of unread notices on the inbox's link.
fn badge(ctx: &Ctx, key: &str) -> Markup {
    let entry = NAV.iter().find(|e| e.key == key);
    let count = ctx
        .unread()
        .filter(|_| entry.is_some_and(|e| e.unread_badge));
    let label = count.map(|n| {
        ctx.lang
            .t_args("unread-count", &[("count", &n.to_string())])
    });
    html! {
        @if let (Some(count), Some(label)) = (count.filter(|n| *n > 0), label) {
            " " span.count #unread-count title=(label) aria-label=(label) { (count) }
        }
    }
}

/// Whether the page at `here` belongs under the link `href` (for `aria-current`).
fn is_current(href: &str, here: &str, links: &[(&'static str, String)]) -> bool {
    let path = here.split('?').next().unwrap_or(here);
    if path == href {
        return true;
    }
    // The longest link that prefixes the path wins, so `/portal` is not current everywhere.
    let best = links
        .iter()
        .map(|(_, h)| h.as_str())
        .filter(|h| path.starts_with(&format!("{h}/")))
        .max_by_key(|h| h.len());
    best == Some(href)
}

fn language_switch(lang: Lang, here: &str) -> Markup {
    let next = serde_urlencoded::to_string([("next", here)]).unwrap_or_default();
    html! {
        nav.langs aria-label=(lang.t("language")) {
            @for other in Lang::ALL {
                @if other == lang {
                    strong lang=(other.tag()) { (other.native_name()) }
                } @else {
                    a href={ "/portal/lang/" (other.tag()) "?" (next) } hreflang=(other.tag()) lang=(other.tag()) { (other.native_name()) }
                }
            }
        }
    }
}

fn header(ctx: &Ctx) -> Markup {
    let lang = ctx.lang;
    html! {
        header.top {
            a.brand href="/portal" { (lang.t("app-title")) }
            @if let Some(actor) = &ctx.actor {
                @let links = nav_links(actor);
                nav aria-label=(lang.t("nav-main")) {
                    ul {
                        @for (key, href) in &links {
                            li {
                                @if is_current(href, ctx.here(), &links) {
                                    a href=(href) aria-current="page" { (lang.t(key)) (badge(ctx, key)) }
                                } @else {
                                    a href=(href) { (lang.t(key)) (badge(ctx, key)) }
                                }
                            }
                        }
                    }
                }
            } @else {
                nav aria-label=(lang.t("nav-main")) {
                    ul {
                        li { a href="/portal/login" { (lang.t("sign-in")) } }
                        li { a href="/portal/register" { (lang.t("nav-register")) } }
                        li { a href="/blacklist" { (lang.t("nav-public-blacklist")) } }
                        li { a href="/recalls" { (lang.t("nav-public-recalls")) } }
                        li { a href="/spot-checks" { (lang.t("nav-public-spot-checks")) } }
                        li { a href="/verify" { (lang.t("nav-verify")) } }
                        li { a href="/ledger" { (lang.t("nav-ledger")) } }
                    }
                }
            }
            (language_switch(lang, ctx.here()))
            @if let Some(actor) = &ctx.actor {
                span.who { (actor.username) " (" (messages::role(lang, actor.role)) ")" }
                form.inline method="post" action="/portal/logout" {
                    input type="hidden" name=(CSRF_FIELD) value=(ctx.csrf());
                    button.secondary type="submit" { (lang.t("sign-out")) }
                }
            }
        }
    }
}

/// A full page: the frame around `body`, titled `title`.
pub fn page(ctx: &Ctx, title: &str, body: Markup) -> Markup {
    let lang = ctx.lang;
    html! {
        (DOCTYPE)
        html lang=(lang.tag()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (lang.t("app-title")) }
                link rel="stylesheet" href=(super::STYLESHEET_PATH);
            }
            body {
                a.skip href="#main" { (lang.t("skip-to-content")) }
                (header(ctx))
                main #main tabindex="-1" {
                    @if let Some(flash) = ctx.flash() {
                        div.flash.success role="status" { (flash) }
                    }
                    (body)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_matching_link_is_current() {
        let links = vec![
            ("a", "/portal".to_owned()),
            ("b", "/portal/enterprises".to_owned()),
        ];
        assert!(is_current("/portal", "/portal", &links));
        assert!(!is_current("/portal", "/portal/enterprises/4", &links));
        assert!(is_current(
            "/portal/enterprises",
            "/portal/enterprises/4",
            &links
        ));
        assert!(is_current(
            "/portal/enterprises",
            "/portal/enterprises?name=x",
            &links
        ));
    }
}

//! The page frame shared by portal pages.

use maud::{DOCTYPE, Markup, html};
use registry::identity::Actor;

use crate::i18n::Lang;
use crate::server::csrf::CSRF_FIELD;

/// A full page in `lang`: header with the language switch and who is signed in (with a sign-out
/// form), then `body`.
pub fn page(
    lang: Lang,
    title: &str,
    actor: Option<&Actor>,
    csrf: Option<&str>,
    body: Markup,
) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang.tag()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · tracehub" }
                style { (STYLE) }
            }
            body {
                header {
                    a.brand href="/portal" { (lang.t("app-title")) }
                    nav.langs aria-label=(lang.t("language")) {
                        @for other in Lang::ALL {
                            @if other == lang {
                                strong { (other.native_name()) }
                            } @else {
                                a href={ "/portal/lang/" (other.tag()) } hreflang=(other.tag()) { (other.native_name()) }
                            }
                        }
                    }
                    @if let (Some(actor), Some(csrf)) = (actor, csrf) {
                        span.who { (actor.username) " (" (actor.role) ")" }
                        form.inline method="post" action="/portal/logout" {
                            input type="hidden" name=(CSRF_FIELD) value=(csrf);
                            button type="submit" { (lang.t("sign-out")) }
                        }
                    }
                }
                main { (body) }
            }
        }
    }
}

const STYLE: &str = "body{font-family:system-ui,'Noto Sans CJK SC',sans-serif;margin:0;color:#1d2733}\
header{display:flex;gap:1rem;align-items:center;padding:.6rem 1.2rem;background:#0b4f6c;color:#fff}\
header a{color:#fff}header a.brand{font-weight:700;text-decoration:none}header nav.langs{display:flex;gap:.6rem}header .who{margin-left:auto}\
form.inline{display:inline}main{max-width:60rem;margin:1.5rem auto;padding:0 1rem}\
label{display:block;margin:.6rem 0 .2rem}input{padding:.4rem;width:20rem;max-width:100%}\
button{padding:.4rem 1rem;margin-top:.8rem}.error{color:#a40000;font-weight:600}\
table{border-collapse:collapse}td,th{border:1px solid #ccd;padding:.3rem .6rem;text-align:left}";

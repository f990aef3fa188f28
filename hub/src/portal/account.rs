//! The signed-in user's account: who they are, and the language their notices (in the inbox and by
//! e-mail) are written in, set through the operation behind `PUT /api/v1/me/locale`
//! (`ops::notices::set_locale`). The portal's own language is the switch in the header; this one
//! is for notices.

use maud::{Markup, html};
use registry::identity::{self, Actor, Locale, User};

use super::frame::{
    Ctx, Field, Flash, FormData, FormView, Input, Page, Posted, Refusal, messages, read,
};
use crate::app::Auth;
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::ops;

const PATH: &str = "/portal/account";
const FORM: &str = "locale";

async fn load(ctx: &Ctx, actor: &Actor) -> Result<User, Refusal> {
    let user_id = actor.user_id;
    read(&ctx.state, move |conn| identity::find_user(conn, user_id))
        .await
        .map_err(|e| ctx.refuse(e))
}

/// The language's own name (`中文`), as the header's switch shows it.
fn native_name(locale: Locale) -> &'static str {
    Lang::from_tag(locale.tag()).map_or(locale.tag(), Lang::native_name)
}

fn render(ctx: &Ctx, user: &User, posted: Option<&Posted>) -> Markup {
    let lang = ctx.lang;
    let t = |key: &str| ctx.t(key);
    let default = ctx.state.config.notices.default_locale;
    let view = FormView::new(ctx, FORM, posted);
    let options = std::iter::once((
        String::new(),
        lang.t_args("locale-default", &[("language", native_name(default))]),
    ))
    .chain(
        Locale::ALL
            .iter()
            .map(|l| (l.tag().to_owned(), native_name(*l).to_owned())),
    )
    .collect();
    let current = user.locale.map(Locale::tag).unwrap_or_default();
    html! {
        h1 { (t("nav-account")) }
        table.data #account {
            tr { th scope="row" { (t("username")) } td { (user.username) } }
            tr { th scope="row" { (t("field-display-name")) } td { (user.display_name) } }
            tr { th scope="row" { (t("role")) } td { (messages::role(lang, user.role)) } }
            tr { th scope="row" { (t("field-email")) } td { (user.email.as_deref().unwrap_or("—")) } }
        }
        h2 { (t("notice-language")) }
        p { (t("notice-language-intro")) }
        (view.form(&format!("{PATH}/locale"), &t("save"), html! {
            (view.field(Field::new("locale", t("notice-language"), Input::Select(options)).value(current)))
        }))
    }
}

/// `GET /portal/account`.
pub async fn page(ctx: Ctx, Auth(actor): Auth) -> Page {
    let user = load(&ctx, &actor).await?;
    Ok(ctx.render(&ctx.t("nav-account"), render(&ctx, &user, None)))
}

/// The chosen language: empty for the hub's default.
fn locale_of(data: &FormData) -> Result<Option<Locale>, ApiError> {
    Ok(data
        .optional("locale")
        .map(|tag| Locale::parse(&tag, "locale"))
        .transpose()?)
}

/// `POST /portal/account/locale`: `locale` (`zh-CN`, `vi`, `en`, or empty for the default).
pub async fn set_locale(ctx: Ctx, Auth(actor): Auth, data: FormData) -> Page {
    let saved = match locale_of(&data) {
        Ok(locale) => {
            ctx.act(&actor, move |core, caller| {
                ops::notices::set_locale(core, caller, locale)
            })
            .await
        }
        Err(error) => Err(error),
    };
    match saved {
        Ok(_) => Ok(ctx.redirect(PATH, Flash::success("flash-locale-saved"))),
        Err(error) => {
            let posted = ctx.posted(FORM, data, error)?;
            let user = load(&ctx, &actor).await?;
            Ok(ctx.render_status(
                posted.status,
                &ctx.t("nav-account"),
                render(&ctx, &user, Some(&posted)),
            ))
        }
    }
}

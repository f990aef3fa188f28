//! Self-registration of an enterprise: the same fields and rules as `POST /api/v1/enterprises`
//! (the enterprise, pending review, and its first user), then sign-in.

use maud::{Markup, html};
use registry::departments::Category;
use registry::enterprises::NewEnterprise;

use super::frame::{Ctx, Field, Flash, FormData, FormView, Input, Page, Posted, messages};
use crate::error::{ApiError, blocking};
use crate::ops;

const FORM: &str = "register";

/// The categories as checkbox options.
pub fn category_options(ctx: &Ctx) -> Vec<(String, String)> {
    Category::ALL
        .iter()
        .map(|c| (c.as_str().to_owned(), messages::category(ctx.lang, *c)))
        .collect()
}

fn body(ctx: &Ctx, posted: Option<&Posted>) -> Markup {
    let view = FormView::new(ctx, FORM, posted);
    let t = |key: &str| ctx.t(key);
    let fields = html! {
        h2 { (t("register-enterprise")) }
        (view.field(Field::new("credit_code", t("field-credit-code"), Input::Text).required().hint(t("hint-credit-code"))))
        (view.field(Field::new("name", t("field-name"), Input::Text).required()))
        (view.field(Field::new("name_en", t("field-name-en"), Input::Text)))
        (view.field(Field::new("legal_representative", t("field-legal-representative"), Input::Text).required()))
        (view.field(Field::new("phone", t("field-phone"), Input::Tel).required()))
        (view.field(Field::new("email", t("field-email"), Input::Email).required()))
        (view.field(Field::new("region_code", t("field-region-code"), Input::Text).required().hint(t("hint-region-code"))))
        (view.field(Field::new("address", t("field-address"), Input::Text).required()))
        (view.field(Field::new("latitude", t("field-latitude"), Input::Number("any"))))
        (view.field(Field::new("longitude", t("field-longitude"), Input::Number("any"))))
        (view.field(Field::new("company_prefix", t("field-company-prefix"), Input::Text).hint(t("hint-company-prefix"))))
        (view.field(Field::new("categories", t("field-categories"), Input::Checkboxes(category_options(ctx))).required()))
        h2 { (t("register-user")) }
        (view.field(Field::new("username", t("username"), Input::Text).required().hint(t("hint-username"))))
        (view.field(Field::new("password", t("password"), Input::NewPassword).required().hint(t("hint-password"))))
    };
    html! {
        h1 { (t("register-title")) }
        p { (t("register-intro")) }
        (view.form("/portal/register", &t("register-submit"), fields))
    }
}

/// The registration form.
pub async fn form(ctx: Ctx) -> Page {
    Ok(ctx.render(&ctx.t("register-title"), body(&ctx, None)))
}

fn new_enterprise(data: &FormData) -> Result<NewEnterprise, ApiError> {
    Ok(NewEnterprise {
        credit_code: data.text("credit_code"),
        name: data.text("name"),
        name_en: data.text("name_en"),
        legal_representative: data.text("legal_representative"),
        phone: data.text("phone"),
        email: data.text("email"),
        region_code: data.text("region_code"),
        address: data.text("address"),
        latitude: data.number("latitude")?,
        longitude: data.number("longitude")?,
        company_prefix: data.optional("company_prefix"),
        categories: data.choices("categories")?,
        username: data.text("username"),
        password: data.text("password"),
    })
}

/// Registers the enterprise and its user, then sends them to sign in.
pub async fn submit(ctx: Ctx, data: FormData) -> Page {
    let registered = match new_enterprise(&data) {
        Ok(new) => {
            let (state, request) = (ctx.state.clone(), ctx.request());
            blocking(move || ops::enterprises::register(&state, &request, &new)).await
        }
        Err(error) => Err(error),
    };
    match registered {
        Ok(_) => Ok(ctx.redirect("/portal/login", Flash::success("flash-registered"))),
        Err(error) => {
            let posted = ctx.posted(FORM, data, error)?;
            Ok(ctx.render_status(
                posted.status,
                &ctx.t("register-title"),
                body(&ctx, Some(&posted)),
            ))
        }
    }
}

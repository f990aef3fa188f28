//! Users: the list with deactivation and reactivation, and the form to create an account
//! (officers are bound to a department).

use actix_web::web;
use maud::{Markup, html};
use registry::departments::{self, Department};
use registry::identity::{self, NewUser, Role, User, UserFilter};

use crate::app::Auth;
use crate::error::ApiError;
use crate::http::csrf::CSRF_FIELD;
use crate::ops;
use crate::portal::frame::{
    Ctx, Field, Flash, FormData, FormView, Input, Page, Posted, Refusal, messages, read,
};

const FORM: &str = "user";
const PATH: &str = "/portal/admin/users";
/// The roles an administrator creates here (enterprise users come with their registration;
/// system accounts are for machines, with tokens).
const ROLES: [Role; 4] = [Role::Officer, Role::Inspector, Role::Ministry, Role::Admin];

async fn load(ctx: &Ctx) -> Result<(Vec<User>, Vec<Department>), Refusal> {
    read(&ctx.state, |conn| {
        Ok((
            identity::list_users(conn, &UserFilter::default())?,
            departments::list_departments(conn)?,
        ))
    })
    .await
    .map_err(|e| ctx.refuse(e))
}

fn toggle(ctx: &Ctx, user: &User) -> Markup {
    let (path, label) = if user.active {
        ("deactivate", "user-deactivate")
    } else {
        ("activate", "user-activate")
    };
    html! {
        form method="post" action={ (PATH) "/" (user.id) "/" (path) } {
            input type="hidden" name=(CSRF_FIELD) value=(ctx.csrf());
            button.secondary type="submit" { (ctx.t(label)) }
        }
    }
}

fn render(ctx: &Ctx, users: &[User], depts: &[Department], posted: Option<&Posted>) -> Markup {
    let lang = ctx.lang;
    let t = |key: &str| ctx.t(key);
    let me = ctx.actor.as_ref().map(|a| a.user_id);
    let view = FormView::new(ctx, FORM, posted);
    let department = |id: i64| {
        depts
            .iter()
            .find(|d| d.id == id)
            .map(|d| format!("{} ({})", d.name, d.code))
            .unwrap_or_else(|| format!("#{id}"))
    };
    let roles = ROLES
        .iter()
        .map(|r| (r.as_str().to_owned(), messages::role(lang, *r)))
        .collect();
    let dept_options = std::iter::once((String::new(), "—".to_owned()))
        .chain(
            depts
                .iter()
                .map(|d| (d.id.to_string(), format!("{} ({})", d.name, d.code))),
        )
        .collect();
    html! {
        h1 { (t("nav-users")) }
        table #users {
            caption { (t("nav-users")) }
            thead { tr {
                th scope="col" { (t("username")) }
                th scope="col" { (t("field-display-name")) }
                th scope="col" { (t("role")) }
                th scope="col" { (t("department")) " / " (t("enterprise")) }
                th scope="col" { (t("user-active")) }
                th scope="col" { (t("actions")) }
            } }
            tbody {
                @for user in users {
                    tr {
                        td { (user.username) }
                        td { (user.display_name) }
                        td { (messages::role(lang, user.role)) }
                        td {
                            @if let Some(id) = user.department_id { (department(id)) }
                            @if let Some(id) = user.enterprise_id { a href={ "/portal/enterprises/" (id) } { "#" (id) } }
                        }
                        td { (t(if user.active { "yes" } else { "no" })) }
                        td { @if Some(user.id) != me { (toggle(ctx, user)) } }
                    }
                }
            }
        }
        h2 { (t("user-create")) }
        (view.form(PATH, &t("user-create"), html! {
            (view.field(Field::new("username", t("username"), Input::Text).required().hint(t("hint-username"))))
            (view.field(Field::new("display_name", t("field-display-name"), Input::Text).required()))
            (view.field(Field::new("email", t("field-email"), Input::Email)))
            (view.field(Field::new("password", t("password"), Input::NewPassword).required().hint(t("hint-password"))))
            (view.field(Field::new("role", t("role"), Input::Select(roles)).required()))
            (view.field(Field::new("department_id", t("department"), Input::Select(dept_options)).hint(t("hint-officer-department"))))
        }))
    }
}

/// `GET /portal/admin/users`.
pub async fn page(ctx: Ctx) -> Page {
    let (users, depts) = load(&ctx).await?;
    Ok(ctx.render(&ctx.t("nav-users"), render(&ctx, &users, &depts, None)))
}

fn new_user(data: &FormData) -> Result<NewUser, ApiError> {
    Ok(NewUser {
        username: data.text("username"),
        display_name: data.text("display_name"),
        email: data.optional("email"),
        password: Some(data.text("password")),
        role: data.choice("role")?,
        department_id: data.number("department_id")?,
        enterprise_id: None,
        // Notices follow the hub's default until the user picks a language.
        locale: None,
        category: None,
    })
}

/// `POST /portal/admin/users`.
pub async fn create(ctx: Ctx, Auth(actor): Auth, data: FormData) -> Page {
    let created = match new_user(&data) {
        Ok(new) => {
            ctx.act(&actor, move |core, caller| {
                ops::users::create(core, &caller.origin(), &new)
            })
            .await
        }
        Err(error) => Err(error),
    };
    match created {
        Ok(_) => Ok(ctx.redirect(PATH, Flash::success("flash-user-created"))),
        Err(error) => {
            let posted = ctx.posted(FORM, data, error)?;
            let (users, depts) = load(&ctx).await?;
            Ok(ctx.render_status(
                posted.status,
                &ctx.t("nav-users"),
                render(&ctx, &users, &depts, Some(&posted)),
            ))
        }
    }
}

async fn set_active(ctx: Ctx, actor: registry::identity::Actor, id: i64, active: bool) -> Page {
    ctx.act(&actor, move |core, caller| {
        ops::users::set_active(core, caller, id, active)
    })
    .await
    .map_err(|e| ctx.refuse(e))?;
    let flash = if active {
        "flash-user-activated"
    } else {
        "flash-user-deactivated"
    };
    Ok(ctx.redirect(PATH, Flash::success(flash)))
}

/// `POST /portal/admin/users/{id}/deactivate`: the user's sessions end, tokens stop working.
pub async fn deactivate(ctx: Ctx, Auth(actor): Auth, id: web::Path<i64>) -> Page {
    set_active(ctx, actor, id.into_inner(), false).await
}

/// `POST /portal/admin/users/{id}/activate`.
pub async fn activate(ctx: Ctx, Auth(actor): Auth, id: web::Path<i64>) -> Page {
    set_active(ctx, actor, id.into_inner(), true).await
}

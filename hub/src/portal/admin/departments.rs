//! Departments: the list, and the form to create one over a region and its categories.

use maud::{Markup, html};
use registry::departments::{self, Department, NewDepartment};

use crate::app::Auth;
use crate::error::ApiError;
use crate::ops;
use crate::portal::frame::{
    Ctx, Field, Flash, FormData, FormView, Input, Page, Posted, messages, read,
};
use crate::portal::register::category_options;

const FORM: &str = "department";
const PATH: &str = "/portal/admin/departments";

fn render(ctx: &Ctx, list: &[Department], posted: Option<&Posted>) -> Markup {
    let t = |key: &str| ctx.t(key);
    let view = FormView::new(ctx, FORM, posted);
    html! {
        h1 { (t("nav-departments")) }
        table #departments {
            caption { (t("nav-departments")) }
            thead { tr {
                th scope="col" { (t("field-code")) }
                th scope="col" { (t("field-name")) }
                th scope="col" { (t("field-name-en")) }
                th scope="col" { (t("field-region-code")) }
                th scope="col" { (t("field-categories")) }
            } }
            tbody {
                @for d in list {
                    tr {
                        td { (d.code) }
                        td { (d.name) }
                        td { (d.name_en) }
                        td { (d.region_code) }
                        td { (messages::categories(ctx.lang, &d.categories)) }
                    }
                }
            }
        }
        h2 { (t("department-create")) }
        (view.form(PATH, &t("department-create"), html! {
            (view.field(Field::new("code", t("field-code"), Input::Text).required().hint(t("hint-department-code"))))
            (view.field(Field::new("name", t("field-name"), Input::Text).required()))
            (view.field(Field::new("name_en", t("field-name-en"), Input::Text)))
            (view.field(Field::new("region_code", t("field-region-code"), Input::Text).required().hint(t("hint-department-region"))))
            (view.field(Field::new("categories", t("field-categories-regulated"), Input::Checkboxes(category_options(ctx))).required()))
        }))
    }
}

async fn list(ctx: &Ctx) -> Result<Vec<Department>, crate::portal::frame::Refusal> {
    read(&ctx.state, departments::list_departments)
        .await
        .map_err(|e| ctx.refuse(e))
}

/// `GET /portal/admin/departments`.
pub async fn page(ctx: Ctx) -> Page {
    let list = list(&ctx).await?;
    Ok(ctx.render(&ctx.t("nav-departments"), render(&ctx, &list, None)))
}

fn new_department(data: &FormData) -> Result<NewDepartment, ApiError> {
    Ok(NewDepartment {
        code: data.text("code"),
        name: data.text("name"),
        name_en: data.text("name_en"),
        region_code: data.text("region_code"),
        categories: data.choices("categories")?,
    })
}

/// `POST /portal/admin/departments`.
pub async fn create(ctx: Ctx, Auth(actor): Auth, data: FormData) -> Page {
    let created = match new_department(&data) {
        Ok(new) => {
            ctx.act(&actor, move |core, caller| {
                ops::departments::create(core, &caller.origin(), &new)
            })
            .await
        }
        Err(error) => Err(error),
    };
    match created {
        Ok(_) => Ok(ctx.redirect(PATH, Flash::success("flash-department-created"))),
        Err(error) => {
            let posted = ctx.posted(FORM, data, error)?;
            let list = list(&ctx).await?;
            Ok(ctx.render_status(
                posted.status,
                &ctx.t("nav-departments"),
                render(&ctx, &list, Some(&posted)),
            ))
        }
    }
}

//! An enterprise's sites (farm, factory, warehouse, store, port), each with a GLN, and the form
//! to add one.

use actix_web::web;
use maud::{Markup, html};
use registry::enterprises::{self, Enterprise, Status};
use registry::filings::sites::{self, NewSite, Site, SiteKind};
use registry::identity::Actor;

use super::{Tab, heading, is_own, title};
use crate::app::Auth;
use crate::error::ApiError;
use crate::ops;
use crate::portal::frame::{
    Ctx, Field, Flash, FormData, FormView, Input, Page, Posted, Refusal, messages, read,
};

const FORM: &str = "site";
const KINDS: [SiteKind; 5] = [
    SiteKind::Farm,
    SiteKind::Factory,
    SiteKind::Warehouse,
    SiteKind::Store,
    SiteKind::Port,
];

async fn load(ctx: &Ctx, actor: &Actor, id: i64) -> Result<(Enterprise, Vec<Site>), Refusal> {
    let actor = actor.clone();
    read(&ctx.state, move |conn| {
        let enterprise = enterprises::find_enterprise(conn, &actor, id)?;
        Ok((enterprise, sites::list_sites(conn, &actor, id)?))
    })
    .await
    .map_err(|e| ctx.refuse(e))
}

fn render(
    ctx: &Ctx,
    actor: &Actor,
    e: &Enterprise,
    list: &[Site],
    posted: Option<&Posted>,
) -> Markup {
    let lang = ctx.lang;
    let t = |key: &str| ctx.t(key);
    let view = FormView::new(ctx, FORM, posted);
    let kinds = KINDS
        .iter()
        .map(|k| (k.as_str().to_owned(), messages::site_kind(lang, *k)))
        .collect();
    html! {
        (heading(ctx, e, Tab::Sites))
        table #sites {
            caption { (t("tab-sites")) }
            thead { tr {
                th scope="col" { (t("field-name")) }
                th scope="col" { (t("field-kind")) }
                th scope="col" { (t("field-gln")) }
                th scope="col" { (t("field-address")) }
                th scope="col" { (t("field-coordinates")) }
            } }
            tbody {
                @for site in list {
                    tr {
                        td { (site.name) }
                        td { (messages::site_kind(lang, site.kind)) }
                        td { code { (site.gln) } }
                        td { (site.address) }
                        td { @if let (Some(lat), Some(lon)) = (site.latitude, site.longitude) { (lat) ", " (lon) } }
                    }
                }
            }
        }
        @if list.is_empty() { p.muted { (t("none-yet")) } }
        @if is_own(actor, e) && e.status != Status::Revoked {
            h2 { (t("site-add")) }
            (view.form(&Tab::Sites.path(e.id), &t("site-add"), html! {
                (view.field(Field::new("name", t("field-name"), Input::Text).required()))
                (view.field(Field::new("kind", t("field-kind"), Input::Select(kinds)).required()))
                (view.field(Field::new("gln", t("field-gln"), Input::Text).required().hint(t("hint-gln"))))
                (view.field(Field::new("address", t("field-address"), Input::Text).required()))
                (view.field(Field::new("latitude", t("field-latitude"), Input::Number("any"))))
                (view.field(Field::new("longitude", t("field-longitude"), Input::Number("any"))))
            }))
        }
    }
}

/// `GET /portal/enterprises/{id}/sites`.
pub async fn page(ctx: Ctx, Auth(actor): Auth, id: web::Path<i64>) -> Page {
    let (enterprise, list) = load(&ctx, &actor, id.into_inner()).await?;
    Ok(ctx.render(
        &title(&ctx, &enterprise, Tab::Sites),
        render(&ctx, &actor, &enterprise, &list, None),
    ))
}

fn new_site(data: &FormData) -> Result<NewSite, ApiError> {
    Ok(NewSite {
        name: data.text("name"),
        kind: data.choice("kind")?,
        gln: data.text("gln"),
        address: data.text("address"),
        latitude: data.number("latitude")?,
        longitude: data.number("longitude")?,
    })
}

/// `POST /portal/enterprises/{id}/sites`.
pub async fn add(ctx: Ctx, Auth(actor): Auth, id: web::Path<i64>, data: FormData) -> Page {
    let id = id.into_inner();
    let added = match new_site(&data) {
        Ok(new) => {
            ctx.act(&actor, move |core, caller| {
                ops::filings::add_site(core, caller, id, &new)
            })
            .await
        }
        Err(error) => Err(error),
    };
    match added {
        Ok(_) => Ok(ctx.redirect(&Tab::Sites.path(id), Flash::success("flash-site-added"))),
        Err(error) => {
            let posted = ctx.posted(FORM, data, error)?;
            let (enterprise, list) = load(&ctx, &actor, id).await?;
            Ok(ctx.render_status(
                posted.status,
                &title(&ctx, &enterprise, Tab::Sites),
                render(&ctx, &actor, &enterprise, &list, Some(&posted)),
            ))
        }
    }
}

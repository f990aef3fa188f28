//! The full history of an enterprise: who, when, what, and the values before and after.

use actix_web::web;
use maud::{Markup, html};
use registry::enterprises::{self, HistoryEntry};
use serde_json::{Map, Value};

use super::{Tab, heading, title, value_text};
use crate::app::Auth;
use crate::i18n::Lang;
use crate::portal::frame::{Ctx, Page, messages, read};

/// Bookkeeping fields not worth showing in a change.
const QUIET: [&str; 4] = ["id", "enterprise_id", "created_at", "updated_at"];

/// What changed from `before` to `after`: the differing fields of two records; for a creation
/// (or a record without differences, such as a refused change) the fields of `after`, with a
/// proposed change's `payload` shown as its own fields.
fn changes(before: &Value, after: &Value) -> Vec<(String, Option<Value>, Value)> {
    let empty = Map::new();
    let before_map = before.as_object().unwrap_or(&empty);
    let Some(after_map) = after.as_object() else {
        return vec![("value".into(), None, after.clone())];
    };
    let differing: Vec<_> = after_map
        .iter()
        .filter(|(k, _)| !QUIET.contains(&k.as_str()))
        .filter_map(|(k, v)| match before_map.get(k) {
            Some(old) if old != v => Some((k.clone(), Some(old.clone()), v.clone())),
            None if !before_map.is_empty() => Some((k.clone(), None, v.clone())),
            _ => None,
        })
        .collect();
    if !differing.is_empty() {
        return differing;
    }
    let shown = match after_map.get("payload") {
        Some(Value::Object(payload)) => payload,
        _ => after_map,
    };
    shown
        .iter()
        .filter(|(k, _)| !QUIET.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), None, v.clone()))
        .collect()
}

fn entry_changes(lang: Lang, entry: &HistoryEntry) -> Markup {
    html! {
        dl.diff {
            @for (field, before, after) in changes(&entry.before, &entry.after) {
                dt { (messages::field_label(lang, &field)) }
                dd {
                    @if let Some(before) = &before {
                        del { (value_text(lang, &field, before)) } " → "
                    }
                    ins { (value_text(lang, &field, &after)) }
                }
            }
        }
    }
}

/// `GET /portal/enterprises/{id}/history`: newest first.
pub async fn page(ctx: Ctx, Auth(actor): Auth, id: web::Path<i64>) -> Page {
    let id = id.into_inner();
    let (enterprise, mut entries) = read(&ctx.state, move |conn| {
        let enterprise = enterprises::find_enterprise(conn, &actor, id)?;
        Ok((enterprise, enterprises::history(conn, id)?))
    })
    .await
    .map_err(|e| ctx.refuse(e))?;
    entries.reverse();
    let lang = ctx.lang;
    let body = html! {
        (heading(&ctx, &enterprise, Tab::History))
        table #history {
            caption { (ctx.t("history-caption")) }
            thead { tr {
                th scope="col" { (ctx.t("when")) }
                th scope="col" { (ctx.t("who")) }
                th scope="col" { (ctx.t("what")) }
                th scope="col" { (ctx.t("changes")) }
                th scope="col" { (ctx.t("status-reason")) }
            } }
            tbody {
                @for entry in &entries {
                    tr {
                        td { (messages::when(entry.at)) }
                        td { (entry.actor) }
                        td data-action=(entry.action) { (messages::action(lang, &entry.action)) }
                        td { (entry_changes(lang, entry)) }
                        td { (entry.note.as_deref().unwrap_or("")) }
                    }
                }
            }
        }
    };
    Ok(ctx.render(&title(&ctx, &enterprise, Tab::History), body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn changes_show_what_differs_or_what_was_created() {
        let before = json!({ "status": "pending", "status_reason": null, "updated_at": "1" });
        let after = json!({ "status": "active", "status_reason": null, "updated_at": "2" });
        assert_eq!(
            changes(&before, &after),
            vec![("status".to_owned(), Some(json!("pending")), json!("active"))]
        );
        let created = changes(&Value::Null, &json!({ "id": 3, "gln": "5901234123457" }));
        assert_eq!(
            created,
            vec![("gln".to_owned(), None, json!("5901234123457"))]
        );
        let proposed = changes(
            &Value::Null,
            &json!({ "id": 1, "payload": { "name": "新名称" }, "status": "pending" }),
        );
        assert_eq!(proposed, vec![("name".to_owned(), None, json!("新名称"))]);
    }
}

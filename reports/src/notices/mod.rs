//! Notices as people read them: a subject and a plain-text body per topic, in Chinese (zh-CN),
//! Vietnamese (vi) or English (en), filled from the notice's parameters; and its HTML
//! alternative for mail ([`html`]).
//!
//! Every topic renders: alerts share one template (with a label per known alert kind, and the
//! kind itself for a new one), the decisions on an enterprise share two (its status, its
//! changes), the blacklist, recall and spot-check topics have their own, and any other topic falls
//! back to a generic text listing its parameters, so a notice of a new kind is never lost.

mod labels;
mod templates;

use registry::identity::Locale;
use registry::notices::{Notice, Rendered};
use serde_json::Value;

use templates::{Template, template};

/// The subject and body of `notice` in `locale`.
pub fn render(notice: &Notice, locale: Locale) -> Rendered {
    let params = |name: &str| param(notice, locale, name);
    let rendered = match template(&notice.topic, locale) {
        Some(Template { subject, body }) => Rendered {
            subject: fill(subject, &params),
            body: fill(body, &params),
        },
        None => generic(notice, locale),
    };
    Rendered {
        subject: single_line(&rendered.subject),
        body: format!(
            "{}\n\n{}{}\n",
            rendered.body.trim_end(),
            labels::source_label(locale),
            notice.source
        ),
    }
}

/// The HTML alternative of a rendered notice: the subject as its heading and each paragraph of
/// the plain text (lines kept), every character escaped, no external resource.
pub fn html(subject: &str, body: &str, locale: Locale) -> String {
    let esc = |s: &str| quick_xml::escape::escape(s).into_owned();
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title></head>\n\
         <body style=\"font-family:sans-serif;line-height:1.5;max-width:42em;margin:1em\">\n\
         <h1 style=\"font-size:1.25em\">{}</h1>\n",
        locale.tag(),
        esc(subject),
        esc(subject)
    );
    for paragraph in body.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        let lines: Vec<String> = paragraph.lines().map(esc).collect();
        out.push_str(&format!("<p>{}</p>\n", lines.join("<br>\n")));
    }
    out.push_str("</body></html>\n");
    out
}

/// A parameter as text: labels for the values that have them, `—` when missing.
fn param(notice: &Notice, locale: Locale, name: &str) -> String {
    let p = &notice.params;
    match name {
        "topic" => notice.topic.clone(),
        "penalty" => labels::penalty(text(&p["penalty"]).as_str(), locale),
        "severity" => labels::severity(text(&p["severity"]).as_str(), locale),
        "kind_label" => labels::alert_kind(alert_kind(notice).as_str(), locale),
        "decision_label" => labels::decision(&notice.topic, locale),
        "outcome_label" => labels::outcome(text(&p["outcome"]).as_str(), locale),
        "kind" => alert_kind(notice),
        _ => text(&p[name]),
    }
}

/// The alert kind: the `kind` parameter, or the topic after `alert.`.
fn alert_kind(notice: &Notice) -> String {
    match &notice.params["kind"] {
        Value::String(kind) => kind.clone(),
        _ => notice
            .topic
            .strip_prefix("alert.")
            .unwrap_or(&notice.topic)
            .to_owned(),
    }
}

/// A JSON value as text: strings bare, null as `—`, the rest as compact JSON.
fn text(value: &Value) -> String {
    match value {
        Value::Null => "—".into(),
        Value::String(s) if s.is_empty() => "—".into(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Replaces every `{name}` in `template` with `lookup(name)`.
fn fill(template: &str, lookup: &dyn Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                out.push_str(&lookup(&after[..close]));
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// A subject on one line, at most 200 characters (mail headers and list views need it so).
fn single_line(subject: &str) -> String {
    let flat: String = subject
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let trimmed = flat.trim();
    if trimmed.chars().count() <= 200 {
        trimmed.to_owned()
    } else {
        let mut cut: String = trimmed.chars().take(199).collect();
        cut.push('…');
        cut
    }
}

/// The text of a topic without a template: its name and every parameter.
fn generic(notice: &Notice, locale: Locale) -> Rendered {
    let mut body = String::from(labels::generic_intro(locale));
    body.push('\n');
    if let Value::Object(map) = &notice.params {
        for (key, value) in map {
            body.push_str(&format!("{key}: {}\n", text(value)));
        }
    } else if !notice.params.is_null() {
        body.push_str(&text(&notice.params));
        body.push('\n');
    }
    Rendered {
        subject: format!("{}{}", labels::generic_subject(locale), notice.topic),
        body,
    }
}

#[cfg(test)]
mod tests;

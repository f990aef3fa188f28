//! Forms: reading a posted form ([`FormData`]), and drawing one ([`FormView`], [`Field`]) with
//! the CSRF token, the values typed so far and the error next to the field it names.
//!
//! Input names are the registry's field names (`credit_code`, `gln`...), so the `field` of a
//! registry error (`target_markets[2]` → `target_markets`) finds its input.

use std::str::FromStr;

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, web};
use chrono::NaiveDate;
use futures_util::future::LocalBoxFuture;
use maud::{Markup, html};
use registry::RegistryError;
use registry::error::Code;
use serde::de::DeserializeOwned;

use super::context::{Ctx, Refusal};
use super::messages::error_message;
use crate::error::ApiError;
use crate::http::csrf::CSRF_FIELD;

/// The fields of a posted form (or of a query string), in the order sent; a name may repeat
/// (checkboxes).
#[derive(Debug, Clone, Default)]
pub struct FormData(Vec<(String, String)>);

impl FromRequest for FormData {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, actix_web::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let form = web::Form::<Vec<(String, String)>>::from_request(req, payload);
        Box::pin(async move { Ok(FormData(form.await?.into_inner())) })
    }
}

impl From<Vec<(String, String)>> for FormData {
    fn from(fields: Vec<(String, String)>) -> Self {
        FormData(fields)
    }
}

/// A field error the portal finds before the registry sees the value.
fn invalid(code: Code, field: &str, message: &str) -> ApiError {
    RegistryError::invalid(code, field, message).into()
}

impl FormData {
    /// The first value of `name`, as sent ("" when absent).
    pub fn text(&self, name: &str) -> String {
        self.first(name).unwrap_or("").to_owned()
    }

    fn first(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `name`, in order.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The value of `name` trimmed, or `None` when empty.
    pub fn optional(&self, name: &str) -> Option<String> {
        self.first(name)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    }

    /// A number, or `None` when left empty (`invalid_number` naming `name` otherwise).
    pub fn number<T: FromStr>(&self, name: &str) -> Result<Option<T>, ApiError> {
        self.optional(name)
            .map(|v| {
                v.parse::<T>()
                    .map_err(|_| invalid(Code::InvalidNumber, name, "is not a number"))
            })
            .transpose()
    }

    /// A number that must be given.
    pub fn required_number<T: FromStr>(&self, name: &str) -> Result<T, ApiError> {
        self.number(name)?
            .ok_or_else(|| invalid(Code::Required, name, "is required"))
    }

    /// A date (`YYYY-MM-DD`), or `None` when left empty.
    pub fn date(&self, name: &str) -> Result<Option<NaiveDate>, ApiError> {
        self.optional(name)
            .map(|v| {
                NaiveDate::parse_from_str(&v, "%Y-%m-%d")
                    .map_err(|_| invalid(Code::InvalidDate, name, "is not a date (YYYY-MM-DD)"))
            })
            .transpose()
    }

    /// A date that must be given.
    pub fn required_date(&self, name: &str) -> Result<NaiveDate, ApiError> {
        self.date(name)?
            .ok_or_else(|| invalid(Code::Required, name, "is required"))
    }

    /// A value of a closed set, named as the API names it (`farm`, `food`, `approve`).
    pub fn choice<T: DeserializeOwned>(&self, name: &str) -> Result<T, ApiError> {
        match self.optional(name) {
            None => Err(invalid(Code::Required, name, "choose one")),
            Some(value) => parse_choice(name, &value),
        }
    }

    /// Like [`choice`](Self::choice), `None` when left empty.
    pub fn optional_choice<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, ApiError> {
        self.optional(name)
            .map(|value| parse_choice(name, &value))
            .transpose()
    }

    /// Every value of `name` (checkboxes), each of a closed set.
    pub fn choices<T: DeserializeOwned>(&self, name: &str) -> Result<Vec<T>, ApiError> {
        self.all(name)
            .into_iter()
            .map(|value| parse_choice(name, value))
            .collect()
    }

    /// The fields, for building links.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.0
    }
}

fn parse_choice<T: DeserializeOwned>(name: &str, value: &str) -> Result<T, ApiError> {
    serde_json::from_value(serde_json::Value::String(value.to_owned()))
        .map_err(|_| invalid(Code::InvalidChoice, name, "is not one of the choices"))
}

/// The input a registry field names: `target_markets[2]` and `sites[0].gln` → their first
/// segment; `body` (the whole request) → none.
fn input_of(field: &str) -> Option<String> {
    let name = field.split(['[', '.']).next().unwrap_or(field);
    (!name.is_empty() && name != "body").then(|| name.to_owned())
}

/// A form sent back to its page with what was typed and why it was refused.
#[derive(Debug)]
pub struct Posted {
    /// Which form of the page was posted (its [`FormView`] id).
    pub form: String,
    pub data: FormData,
    /// The input at fault, if the error names one.
    pub field: Option<String>,
    pub message: String,
    pub status: actix_web::http::StatusCode,
}

impl Ctx {
    /// Turns the refusal of form `form` into something to show next to its field: a value the
    /// registry refused (422) or a clash with the record's state (409). Anything else (not
    /// found, outside the jurisdiction...) refuses the whole page.
    pub fn posted(&self, form: &str, data: FormData, error: ApiError) -> Result<Posted, Refusal> {
        match error.status() {
            StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT | StatusCode::BAD_REQUEST => {
                Ok(Posted {
                    form: form.to_owned(),
                    field: error.field().and_then(input_of),
                    message: error_message(self.lang, &error),
                    status: error.status(),
                    data,
                })
            }
            _ => Err(self.refuse(error)),
        }
    }
}

/// What an input is.
pub enum Input {
    Text,
    Email,
    Tel,
    Password,
    NewPassword,
    Date,
    /// A number with the given `step` (`1`, `any`).
    Number(&'static str),
    TextArea,
    /// (value, label) options; the first is selected when there is no value.
    Select(Vec<(String, String)>),
    /// (value, label) options, any number checked.
    Checkboxes(Vec<(String, String)>),
    /// A file, of the types `accept` lists (never refilled: browsers choose files).
    File(&'static str),
}

/// One input with its label, hint and initial value.
pub struct Field {
    name: &'static str,
    label: String,
    input: Input,
    value: String,
    checked: Vec<String>,
    required: bool,
    hint: Option<String>,
}

impl Field {
    /// An input named `name` (the registry's field name) with `label`.
    pub fn new(name: &'static str, label: String, input: Input) -> Self {
        Self {
            name,
            label,
            input,
            value: String::new(),
            checked: Vec::new(),
            required: false,
            hint: None,
        }
    }

    /// Its value before anything is typed.
    pub fn value(mut self, value: impl Into<String>) -> Self {
        self.value = value.into();
        self
    }

    /// The boxes checked before anything is posted.
    pub fn checked(mut self, values: Vec<String>) -> Self {
        self.checked = values;
        self
    }

    /// Marks it required (for the browser and for people).
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// A line of help under the label.
    pub fn hint(mut self, hint: String) -> Self {
        self.hint = Some(hint);
        self
    }
}

/// A form being drawn: its id on the page, and what was posted to it if it comes back.
pub struct FormView<'a> {
    csrf: &'a str,
    id: String,
    posted: Option<&'a Posted>,
}

impl<'a> FormView<'a> {
    /// Form `id` of the page (ids prefix its inputs' ids); `posted` applies when it is this
    /// form's.
    pub fn new(ctx: &'a Ctx, id: impl Into<String>, posted: Option<&'a Posted>) -> Self {
        let id = id.into();
        Self {
            csrf: ctx.csrf(),
            posted: posted.filter(|p| p.form == id),
            id,
        }
    }

    fn input_id(&self, name: &str) -> String {
        format!("{}-{name}", self.id)
    }

    /// The error of the posted form, linking to its field.
    fn summary(&self) -> Markup {
        html! {
            @if let Some(posted) = self.posted {
                div.error-summary role="alert" {
                    @match &posted.field {
                        Some(field) => a href={ "#" (self.input_id(field)) } { (posted.message) },
                        None => p.error { (posted.message) },
                    }
                }
            }
        }
    }

    /// The `<form>`: CSRF token, the error summary, `fields`, and a submit button.
    pub fn form(&self, action: &str, submit: &str, fields: Markup) -> Markup {
        html! {
            form.card method="post" action=(action) id=(self.id) {
                input type="hidden" name=(CSRF_FIELD) value=(self.csrf);
                (self.summary())
                (fields)
                button type="submit" { (submit) }
            }
        }
    }

    /// A `multipart/form-data` form (an upload): the CSRF token is its FIRST part, as the CSRF
    /// middleware reads it (see `server::csrf`), then the error summary, `fields` (the file
    /// input last, so the description arrives before the bytes) and a submit button.
    pub fn upload_form(&self, action: &str, submit: &str, fields: Markup) -> Markup {
        html! {
            form.card method="post" action=(action) id=(self.id) enctype="multipart/form-data" {
                input type="hidden" name=(CSRF_FIELD) value=(self.csrf);
                (self.summary())
                (fields)
                button type="submit" { (submit) }
            }
        }
    }

    /// A `GET` form (filters of a list: no CSRF token, nothing changes), with the error summary.
    pub fn get_form(&self, action: &str, submit: &str, fields: Markup) -> Markup {
        html! {
            form.card method="get" action=(action) id=(self.id) role="search" {
                (self.summary())
                div.filters { (fields) }
                button type="submit" { (submit) }
            }
        }
    }

    /// A hidden input.
    pub fn hidden(&self, name: &str, value: &str) -> Markup {
        html! { input type="hidden" name=(name) value=(value); }
    }

    /// One field: label, hint, the error if it is this field's, and the input.
    pub fn field(&self, field: Field) -> Markup {
        let id = self.input_id(field.name);
        let error = self
            .posted
            .filter(|p| p.field.as_deref() == Some(field.name))
            .map(|p| p.message.as_str());
        let error_id = format!("{id}-error");
        let hint_id = format!("{id}-hint");
        let described = [
            field.hint.as_ref().map(|_| hint_id.as_str()),
            error.map(|_| error_id.as_str()),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
        let described = (!described.is_empty()).then_some(described);
        let value = match self.posted {
            Some(posted) => posted.data.text(field.name),
            None => field.value.clone(),
        };
        let label = html! {
            (field.label)
            @if field.required { " " span.required aria-hidden="true" { "*" } }
        };
        let notes = html! {
            @if let Some(hint) = &field.hint { p.hint id=(hint_id) { (hint) } }
            @if let Some(error) = error { p.field-error id=(error_id) { (error) } }
        };
        let invalid = error.map(|_| "true");
        html! {
            div.field.invalid[error.is_some()] {
                @match &field.input {
                    Input::Checkboxes(options) => {
                        @let checked: Vec<String> = match self.posted {
                            Some(posted) => posted.data.all(field.name).into_iter().map(str::to_owned).collect(),
                            None => field.checked.clone(),
                        };
                        fieldset id=(id) aria-describedby=[described] aria-invalid=[invalid] {
                            legend { (label) }
                            (notes)
                            @for (option, text) in options {
                                label {
                                    input type="checkbox" name=(field.name) value=(option) checked[checked.contains(option)];
                                    (text)
                                }
                            }
                        }
                    }
                    input => {
                        label for=(id) { (label) }
                        (notes)
                        (control(input, &id, field.name, &value, field.required, described.as_deref(), invalid))
                    }
                }
            }
        }
    }
}

fn control(
    input: &Input,
    id: &str,
    name: &str,
    value: &str,
    required: bool,
    described: Option<&str>,
    invalid: Option<&str>,
) -> Markup {
    let kind = match input {
        Input::Text => "text",
        Input::Email => "email",
        Input::Tel => "tel",
        Input::Password | Input::NewPassword => "password",
        Input::Date => "date",
        Input::Number(_) => "number",
        Input::TextArea | Input::Select(_) | Input::Checkboxes(_) | Input::File(_) => "",
    };
    html! {
        @match input {
            Input::TextArea => {
                textarea id=(id) name=(name) required[required] aria-describedby=[described] aria-invalid=[invalid] { (value) }
            }
            Input::Select(options) => {
                select id=(id) name=(name) required[required] aria-describedby=[described] aria-invalid=[invalid] {
                    @for (option, text) in options {
                        option value=(option) selected[option == value] { (text) }
                    }
                }
            }
            Input::Number(step) => {
                input id=(id) name=(name) type="number" step=(step) value=(value) required[required] aria-describedby=[described] aria-invalid=[invalid];
            }
            Input::File(accept) => {
                input id=(id) name=(name) type="file" accept=(accept) required[required] aria-describedby=[described] aria-invalid=[invalid];
            }
            Input::Password => {
                input id=(id) name=(name) type="password" autocomplete="current-password" required[required] aria-describedby=[described] aria-invalid=[invalid];
            }
            Input::NewPassword => {
                input id=(id) name=(name) type="password" autocomplete="new-password" required[required] aria-describedby=[described] aria-invalid=[invalid];
            }
            _ => {
                input id=(id) name=(name) type=(kind) value=(value) required[required] aria-describedby=[described] aria-invalid=[invalid];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_fields_find_their_inputs() {
        assert_eq!(input_of("credit_code").as_deref(), Some("credit_code"));
        assert_eq!(
            input_of("target_markets[2]").as_deref(),
            Some("target_markets")
        );
        assert_eq!(input_of("sites[0].gln").as_deref(), Some("sites"));
        assert_eq!(input_of("body"), None);
    }

    #[test]
    fn values_are_read_and_checked() {
        let data = FormData::from(vec![
            ("categories".to_owned(), "food".to_owned()),
            ("categories".to_owned(), "drugs".to_owned()),
            ("lat".to_owned(), " 34.7 ".to_owned()),
            ("day".to_owned(), "2026-02-30".to_owned()),
            ("empty".to_owned(), "  ".to_owned()),
        ]);
        let cats: Vec<registry::departments::Category> = data.choices("categories").unwrap();
        assert_eq!(cats.len(), 2);
        assert_eq!(data.number::<f64>("lat").unwrap(), Some(34.7));
        assert_eq!(data.number::<f64>("empty").unwrap(), None);
        assert_eq!(data.date("day").unwrap_err().field(), Some("day"));
        assert_eq!(
            data.required_number::<f64>("missing").unwrap_err().code(),
            "required"
        );
        assert_eq!(
            data.choice::<registry::departments::Category>("lat")
                .unwrap_err()
                .code(),
            "invalid_choice"
        );
    }
}

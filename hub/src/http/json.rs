//! A JSON body extractor whose errors name the field at fault (`sites[2].gln`), answer 413 over
//! the body limit and 415 for another content type.

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::web::Bytes;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use futures_util::future::LocalBoxFuture;
use registry::error::Code;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// A request body read as JSON into `T`.
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_json = req.mime_type().ok().flatten().is_some_and(|mime| {
            mime.subtype() == mime::JSON || mime.suffix().is_some_and(|s| s == mime::JSON)
        });
        let body = Bytes::from_request(req, payload);
        Box::pin(async move {
            if !is_json {
                return Err(ApiError::new(
                    Code::UnsupportedMediaType,
                    "the body must be application/json",
                ));
            }
            let bytes = body.await.map_err(|e| {
                if e.as_response_error().status_code() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::new(Code::PayloadTooLarge, "the body exceeds the size limit")
                } else {
                    ApiError::new(Code::UnreadableBody, e.to_string())
                }
            })?;
            parse(&bytes).map(Json)
        })
    }
}

/// Parses JSON, turning serde's error into one that names the field. A number with no
/// fractional part (`42.0`) is an integer, as JSON Schema says, so integer fields take it.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut value: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| ApiError::new(Code::InvalidJson, format!(".: {e}")))?;
    integral_floats_to_integers(&mut value);
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let message = inner.to_string();
        let field = missing_field(&message)
            .map(|name| {
                if path == "." {
                    name.to_owned()
                } else {
                    format!("{path}.{name}")
                }
            })
            .unwrap_or(path);
        let error = ApiError::new(Code::InvalidField, format!("{field}: {message}"));
        if field == "." {
            error
        } else {
            error.with_field(field)
        }
    })
}

/// Rewrites every number that is a whole float within `i64` (`42.0`) as that integer.
fn integral_floats_to_integers(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(number) => {
            if let Some(float) = number.as_f64().filter(|_| number.is_f64()) {
                let whole = float.fract() == 0.0 && float.abs() < 9.2e18;
                if whole {
                    #[allow(clippy::cast_possible_truncation, reason = "whole and within i64")]
                    let integer = float as i64;
                    *number = integer.into();
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_floats_to_integers),
        Value::Object(fields) => fields.values_mut().for_each(integral_floats_to_integers),
        Value::String(_) | Value::Bool(_) | Value::Null => {}
    }
}

/// serde reports a missing field at its parent; pull the name out of the message.
fn missing_field(message: &str) -> Option<&str> {
    message.strip_prefix("missing field `")?.split('`').next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Site {
        gln: String,
        size: u32,
    }

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Filing {
        name: String,
        sites: Vec<Site>,
    }

    fn field_of(body: &str) -> (String, Option<String>) {
        let error = parse::<Filing>(body.as_bytes()).unwrap_err();
        let body = serde_json::to_value(error.body()).unwrap();
        (
            body["error"].as_str().unwrap().to_owned(),
            body["field"].as_str().map(str::to_owned),
        )
    }

    #[test]
    fn errors_name_the_field() {
        assert_eq!(
            field_of(r#"{"name": "x", "sites": [{"gln": "1", "size": "big"}]}"#)
                .1
                .as_deref(),
            Some("sites[0].size")
        );
        assert_eq!(field_of(r#"{"sites": []}"#).1.as_deref(), Some("name"));
        assert_eq!(
            field_of(r#"{"name": "x", "sites": [{"gln": "1"}]}"#)
                .1
                .as_deref(),
            Some("sites[0].size")
        );
        assert_eq!(
            field_of(r#"{"name": "x", "sites": [], "extra": 1}"#)
                .1
                .as_deref(),
            Some("extra")
        );
        assert_eq!(field_of(r#"{"name": "x", "#).0, "invalid_json");
    }
}

//! Subscriptions to EPCIS named queries: made and deleted by the query's owner, each with its
//! audit row (the signature token never in it). The token is kept sealed (AES-256-GCM under
//! `Core::subscription_key`) and opened only to sign a delivery (`jobs::subscriptions`).

use chrono::NaiveDateTime;
use openssl::symm::{Cipher, decrypt_aead, encrypt_aead};
use registry::error::Code;
use registry::events::named;
use registry::events::subscriptions::{self, NewSubscription, QuerySchedule, Subscription};
use registry::secret::SecretKey;
use serde_json::json;

use super::{Caller, Change, audited_as};
use crate::app::Core;
use crate::error::ApiError;

/// Longest webhook address.
pub const MAX_DEST: usize = 2000;
/// Longest signature token.
pub const MAX_TOKEN: usize = 512;

/// A subscription to make, as the client asked for it.
#[derive(Debug, Clone)]
pub struct Subscribe {
    pub dest: String,
    pub signature_token: Option<String>,
    pub report_if_empty: bool,
    pub stream: bool,
    pub schedule: Option<QuerySchedule>,
    pub initial_record_time: Option<NaiveDateTime>,
}

fn invalid(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::new(Code::InvalidField, format!("{field}: {}", message.into())).with_field(field)
}

/// Checks the webhook address: an absolute `https://` URL (or `http://` where
/// `[epcis] webhook_plain_http` allows it) with a host.
fn check_dest(core: &Core, dest: &str) -> Result<(), ApiError> {
    if dest.len() > MAX_DEST {
        return Err(invalid("dest", format!("at most {MAX_DEST} characters")));
    }
    let url = reqwest::Url::parse(dest)
        .map_err(|e| invalid("dest", format!("not an absolute URL: {e}")))?;
    let plain = core.config.epcis.webhook_plain_http;
    match url.scheme() {
        "https" => {}
        "http" if plain => {}
        "http" => return Err(invalid("dest", "a webhook is https:// here")),
        other => return Err(invalid("dest", format!("{other}: a webhook is https://"))),
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("dest", "a webhook URL names a host"));
    }
    Ok(())
}

fn check(core: &Core, input: &Subscribe) -> Result<(), ApiError> {
    check_dest(core, &input.dest)?;
    match (&input.schedule, input.stream) {
        (Some(_), true) => {
            return Err(invalid(
                "stream",
                "a subscription streams or has a schedule, not both",
            ));
        }
        (None, false) => {
            return Err(invalid(
                "schedule",
                "a subscription needs a schedule, or stream set to true",
            ));
        }
        // The schedule itself is read once, by `subscriptions::create`.
        (Some(_), false) | (None, true) => {}
    }
    if input.report_if_empty && input.stream {
        return Err(invalid(
            "reportIfEmpty",
            "applies to scheduled subscriptions only",
        ));
    }
    if let Some(token) = &input.signature_token {
        if token.is_empty() || token.len() > MAX_TOKEN {
            return Err(invalid(
                "signatureToken",
                format!("1 to {MAX_TOKEN} characters"),
            ));
        }
    }
    Ok(())
}

/// Subscribes to the caller's query `query_name` (404 when they have none of that name).
pub fn subscribe(
    core: &Core,
    caller: &Caller,
    query_name: &str,
    input: &Subscribe,
) -> Result<Subscription, ApiError> {
    check(core, input)?;
    let sealed = input
        .signature_token
        .as_deref()
        .map(|t| seal(&core.subscription_key, t))
        .transpose()?;
    audited_as(
        core,
        caller,
        "epcis.subscription.create",
        |conn, now, actor| {
            let query = named::find(conn, actor.user_id, query_name)?
                .ok_or_else(|| ApiError::not_found("query"))?;
            let made = subscriptions::create(
                conn,
                now,
                &NewSubscription {
                    owner_id: actor.user_id,
                    query_id: query.id,
                    dest: &input.dest,
                    sealed_token: sealed.as_deref(),
                    report_if_empty: input.report_if_empty,
                    schedule: input.schedule.as_ref(),
                    initial_record_time: input.initial_record_time,
                },
            )?;
            let target = format!("epcis_subscription:{}", made.id);
            let detail = json!({
                "query": query.name,
                "subscriptionID": made.subscription_id,
                "dest": made.dest,
                "stream": made.stream,
                "cron": made.cron,
                "signed": sealed.is_some(),
            });
            Ok::<_, ApiError>(Change::recorded(made, target, detail))
        },
    )
}

/// Deletes one subscription on the caller's query (404 when there is none).
pub fn unsubscribe(
    core: &Core,
    caller: &Caller,
    query_name: &str,
    subscription_id: &str,
) -> Result<(), ApiError> {
    audited_as(
        core,
        caller,
        "epcis.subscription.delete",
        |conn, _, actor| {
            let query = named::find(conn, actor.user_id, query_name)?
                .ok_or_else(|| ApiError::not_found("query"))?;
            let found = subscriptions::find(conn, query.id, subscription_id)?
                .ok_or_else(|| ApiError::not_found("subscription"))?;
            subscriptions::delete(conn, found.id)?;
            let target = format!("epcis_subscription:{}", found.id);
            let detail = json!({"query": query.name, "subscriptionID": found.subscription_id});
            Ok::<_, ApiError>(Change::recorded((), target, detail))
        },
    )
}

fn aes_key(key: &SecretKey) -> [u8; 32] {
    key.mac(&[b"aes-256-gcm"])
}

/// Seals a token: hex of a random 12-byte nonce, the ciphertext and the 16-byte tag.
pub fn seal(key: &SecretKey, token: &str) -> Result<String, ApiError> {
    let mut nonce = [0u8; 12];
    openssl::rand::rand_bytes(&mut nonce).map_err(ApiError::internal)?;
    let mut tag = [0u8; 16];
    let sealed = encrypt_aead(
        Cipher::aes_256_gcm(),
        &aes_key(key),
        Some(&nonce),
        &[],
        token.as_bytes(),
        &mut tag,
    )
    .map_err(ApiError::internal)?;
    Ok(hex::encode([&nonce[..], &sealed, &tag].concat()))
}

/// Opens a sealed token; an error when it was not sealed under this key.
pub fn open(key: &SecretKey, sealed: &str) -> Result<String, String> {
    let bytes = hex::decode(sealed).map_err(|e| format!("sealed token: {e}"))?;
    if bytes.len() < 28 {
        return Err("sealed token: too short".into());
    }
    let (nonce, rest) = bytes.split_at(12);
    let (data, tag) = rest.split_at(rest.len() - 16);
    let plain = decrypt_aead(
        Cipher::aes_256_gcm(),
        &aes_key(key),
        Some(nonce),
        &[],
        data,
        tag,
    )
    .map_err(|_| "sealed token: does not open with this server secret".to_owned())?;
    String::from_utf8(plain).map_err(|e| format!("sealed token: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_token_opens_with_its_key_only() {
        let key = SecretKey::generate();
        let sealed = seal(&key, "13df38d8275b13f05704629e5f1cf3d45d6132d5").unwrap();
        assert!(!sealed.contains("13df38d8"));
        assert_ne!(
            sealed,
            seal(&key, "13df38d8275b13f05704629e5f1cf3d45d6132d5").unwrap()
        );
        assert_eq!(
            open(&key, &sealed).unwrap(),
            "13df38d8275b13f05704629e5f1cf3d45d6132d5"
        );
        assert!(open(&SecretKey::generate(), &sealed).is_err());
        assert!(open(&key, "00").is_err());
    }
}

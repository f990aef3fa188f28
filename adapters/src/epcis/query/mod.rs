//! The EPCIS SimpleEventQuery read from its parameters (`GET /epcis/events`, named queries and
//! their subscriptions) into an [`EventQuery`]: the parameters on stored columns here, the
//! others (quantities, sensor reports, error declarations, extensions, order and counts) in
//! [`more`]. Errors name the parameter at fault (`Code::InvalidQuery`,
//! `Code::UnknownQueryParameter`).

use chrono::{DateTime, NaiveDateTime};
use registry::epcis::EventType;
use registry::epcis::cbv::{self, Vocab};
use registry::error::Code;
use registry::events::{EventQuery, IdMatch, PageToken};
use registry::ids::epc::{self, Canonical};

pub use more::{Extensions, Rest};

use registry::error::RegistryError;

mod more;
mod poll;

pub use poll::read_poll;

/// Default page size.
pub const DEFAULT_PER_PAGE: i64 = 30;
/// Largest page size.
pub const MAX_PER_PAGE: i64 = 1000;

/// A query read from its parameters.
#[derive(Debug)]
pub struct Parsed {
    /// The query.
    pub query: EventQuery,
    /// The parameters as given (repeated in the `Link` to the next page).
    pub pairs: Vec<(String, String)>,
    /// `maxEventCount`: more matching events than this is `query_too_large`.
    pub max_event_count: Option<i64>,
}

pub fn bad(field: &str, message: impl Into<String>) -> RegistryError {
    RegistryError::invalid(Code::InvalidQuery, field, message)
}

pub fn list(v: &str) -> Vec<&str> {
    v.split('|')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

pub fn time(field: &str, v: &str) -> Result<NaiveDateTime, RegistryError> {
    // A `+` left unescaped in a query string arrives as a space.
    DateTime::parse_from_rfc3339(&v.trim().replace(' ', "+"))
        .map(|t| t.naive_utc())
        .map_err(|e| bad(field, format!("{v:?} is not an RFC 3339 time: {e}")))
}

pub fn ids(field: &str, v: &str) -> Result<Vec<String>, RegistryError> {
    list(v)
        .into_iter()
        .map(|s| match epc::canonicalize(s) {
            Ok(Canonical::Gs1(c)) => Ok(c),
            Ok(Canonical::Other) => Ok(s.to_owned()),
            Err(e) => Err(bad(field, format!("{s:?}: {e}"))),
        })
        .collect()
}

pub fn vocab(field: &str, voc: Vocab, v: &str) -> Result<Vec<String>, RegistryError> {
    list(v)
        .into_iter()
        .map(|s| cbv::normalize(voc, s).map_err(|e| bad(field, e.to_string())))
        .collect()
}

/// `EQ_source_TYPE`, `EQ_destination_TYPE`, `EQ_bizTransaction_TYPE`: the role, the vocabulary
/// of the type, and the type as given.
fn typed(k: &str) -> Option<(&'static str, Vocab, &str)> {
    [
        ("EQ_source_", "source", Vocab::SourceDestType),
        ("EQ_destination_", "destination", Vocab::SourceDestType),
        (
            "EQ_bizTransaction_",
            "bizTransaction",
            Vocab::BizTransactionType,
        ),
    ]
    .into_iter()
    .find_map(|(prefix, role, voc)| {
        k.strip_prefix(prefix)
            .filter(|t| !t.is_empty())
            .map(|t| (role, voc, t))
    })
}

/// A query object's parameters (a named query as saved: `{"eventType": ["ObjectEvent"],
/// "GE_quantity": 1}`) as query-string pairs: lists joined by `|`, numbers and booleans written
/// out; `@context` left out. A nested object is refused naming its key (`query.<key>`).
pub fn pairs_of(
    query: &serde_json::Map<String, serde_json::Value>,
) -> Result<Vec<(String, String)>, RegistryError> {
    use serde_json::Value;
    let scalar = |k: &str, v: &Value| -> Result<String, RegistryError> {
        match v {
            Value::String(s) => Ok(s.clone()),
            Value::Number(n) => Ok(n.to_string()),
            Value::Bool(b) => Ok(b.to_string()),
            _ => Err(RegistryError::invalid(
                Code::InvalidQuery,
                format!("query.{k}"),
                "a value is a string, a number, a boolean or a list of them",
            )),
        }
    };
    let mut out = Vec::with_capacity(query.len());
    for (k, v) in query {
        if k == "@context" {
            continue;
        }
        let value = match v {
            Value::Array(items) => items
                .iter()
                .map(|i| scalar(k, i))
                .collect::<Result<Vec<_>, _>>()?
                .join("|"),
            other => scalar(k, other)?,
        };
        out.push((k.clone(), value));
    }
    Ok(out)
}

/// Reads the query string into a [`Parsed`] query; unknown or repeated parameters are refused.
/// `extensions` are the prefixes the request declared (`GS1-Extensions`).
pub fn parse(raw: &str, extensions: &Extensions) -> Result<Parsed, RegistryError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw)
        .map_err(|e| RegistryError::invalid(Code::InvalidQuery, "query", e.to_string()))?;
    parse_pairs(pairs, extensions)
}

/// [`parse`] on decoded pairs (a named query's stored parameters).
pub fn parse_pairs(
    pairs: Vec<(String, String)>,
    extensions: &Extensions,
) -> Result<Parsed, RegistryError> {
    let mut q = EventQuery {
        limit: DEFAULT_PER_PAGE,
        ..EventQuery::default()
    };
    let mut rest = Rest::default();
    let mut seen: Vec<&str> = Vec::new();
    for (k, v) in &pairs {
        if seen.contains(&k.as_str()) {
            return Err(bad(k, "given more than once (separate values with |)"));
        }
        seen.push(k);
        let m = |roles: &[&'static str]| -> Result<IdMatch, RegistryError> {
            let (patterns, exact): (Vec<&str>, Vec<&str>) = list(v)
                .into_iter()
                .partition(|s| s.starts_with("urn:epc:idpat:"));
            if patterns.len() > 1 {
                return Err(bad(
                    k,
                    "at most one EPC pattern (urn:epc:idpat:...) per parameter",
                ));
            }
            Ok(IdMatch {
                roles: roles.iter().map(|r| (*r).to_owned()).collect(),
                ids: ids(k, &exact.join("|"))?,
                pattern: ids(k, &patterns.join("|"))?.pop(),
            })
        };
        if let Some((role, voc, ty)) = typed(k) {
            let ty = cbv::normalize(voc, ty).map_err(|e| bad(k, e.to_string()))?;
            q.matches.push(IdMatch {
                roles: vec![format!("{role}:{ty}")],
                ids: ids(k, v)?,
                pattern: None,
            });
            continue;
        }
        match k.as_str() {
            "eventType" => {
                for t in list(v) {
                    let t = EventType::parse(t)
                        .ok_or_else(|| bad(k, format!("{t:?} is not an EPCIS event type")))?;
                    q.event_types.push(t.as_str().to_owned());
                }
            }
            "EQ_eventID" => q.event_ids = list(v).into_iter().map(str::to_owned).collect(),
            "GE_eventTime" => q.ge_event_time = Some(time(k, v)?),
            "LT_eventTime" => q.lt_event_time = Some(time(k, v)?),
            "GE_recordTime" => q.ge_record_time = Some(time(k, v)?),
            "LT_recordTime" => q.lt_record_time = Some(time(k, v)?),
            "EQ_action" => {
                for a in list(v) {
                    let a = registry::epcis::Action::parse(a)
                        .ok_or_else(|| bad(k, format!("{a:?} is not ADD, OBSERVE or DELETE")))?;
                    q.actions.push(a.as_str().to_owned());
                }
            }
            "EQ_bizStep" => q.biz_steps = vocab(k, Vocab::BizStep, v)?,
            "EQ_disposition" => q.dispositions = vocab(k, Vocab::Disposition, v)?,
            "EQ_bizLocation" => q.biz_locations = ids(k, v)?,
            "EQ_readPoint" => q.read_points = ids(k, v)?,
            "MATCH_epc" => q.matches.push(m(&["epc", "childEPC"])?),
            "MATCH_parentID" => q.matches.push(m(&["parentID"])?),
            "MATCH_inputEPC" => q.matches.push(m(&["inputEPC"])?),
            "MATCH_outputEPC" => q.matches.push(m(&["outputEPC"])?),
            "MATCH_anyEPC" => q.matches.push(m(&[
                "epc",
                "childEPC",
                "parentID",
                "inputEPC",
                "outputEPC",
            ])?),
            "MATCH_epcClass" => q.matches.push(m(&["epcClass", "childEPCClass"])?),
            "MATCH_inputEPCClass" => q.matches.push(m(&["inputEPCClass"])?),
            "MATCH_outputEPCClass" => q.matches.push(m(&["outputEPCClass"])?),
            "MATCH_anyEPCClass" => q.matches.push(m(&[
                "epcClass",
                "childEPCClass",
                "inputEPCClass",
                "outputEPCClass",
            ])?),
            "perPage" => {
                q.limit = v
                    .trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|n| (1..=MAX_PER_PAGE).contains(n))
                    .ok_or_else(|| {
                        bad(
                            k,
                            format!("must be a whole number from 1 to {MAX_PER_PAGE}"),
                        )
                    })?;
            }
            "nextPageToken" => q.after = Some(PageToken::decode(v.trim())?),
            _ => {
                if !more::parameter(&mut q, &mut rest, k, v, extensions)? {
                    return Err(RegistryError::invalid(
                        Code::UnknownQueryParameter,
                        k,
                        "not a query parameter of this endpoint",
                    ));
                }
            }
        }
    }
    let max_event_count = more::finish(&mut q, rest)?;
    Ok(Parsed {
        query: q,
        pairs,
        max_event_count,
    })
}

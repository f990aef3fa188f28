//! The error answers every operation can give, documented by rule rather than by hand, so that
//! the document lists each status a route returns (issue 13: 150 disagreements were statuses).
//!
//! The rules follow where errors come from: the request line and query (400), credentials and
//! roles (401, 403), identifiers in the path or body (404), bodies (409 on writes, 413, 415, 422), and the few
//! routes with limits on attempts (429). A status a route already documents keeps its words.

use utoipa::openapi::path::{HttpMethod, Operation, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, ResponseBuilder};

/// The statuses an operation can answer with an `ErrorBody`, by the rules above.
fn error_statuses(
    method: &HttpMethod,
    path: &str,
    operation: &Operation,
) -> Vec<(&'static str, &'static str)> {
    let mut statuses = vec![(
        "400",
        "The request could not be read: a malformed path, query or header",
    )];
    let secured = operation
        .security
        .as_ref()
        .is_some_and(|requirements| !requirements.is_empty());
    if secured {
        statuses.push((
            "401",
            "No credentials, or credentials that are not (or no longer) valid",
        ));
        statuses.push((
            "403",
            "The caller's role, scope or jurisdiction does not allow this",
        ));
    }
    if path.contains('{') || operation.request_body.is_some() {
        statuses.push((
            "404",
            "Nothing with this identifier (in the path or the body), or nothing the caller may see",
        ));
    }
    let writes = !matches!(method, HttpMethod::Get | HttpMethod::Head);
    if writes {
        statuses.push(("409", "The change conflicts with the current state"));
    }
    if path.starts_with("/epcis") {
        statuses.push((
            "406",
            "The request's GS1-EPCIS or GS1-CBV version headers exclude the hub's 2.0.0",
        ));
    }
    if operation.request_body.is_some() {
        statuses.push(("413", "The body exceeds the size limit"));
        statuses.push((
            "415",
            "The body's content type is not one this operation reads",
        ));
    }
    let has_query = operation.parameters.iter().flatten().any(|p| match p {
        RefOr::T(p) => p.parameter_in == ParameterIn::Query,
        RefOr::Ref(_) => true,
    });
    if operation.request_body.is_some() || has_query || path.contains('{') {
        statuses.push((
            "422",
            "A value is well-formed but not acceptable; `field` names it",
        ));
    }
    statuses
}

/// Adds the rule-given error responses (with the `ErrorBody` schema) to every operation. Where
/// an operation answers in HTML (the resolver's pages, by `Accept`), its errors may be HTML too.
pub fn document_errors(openapi: &mut OpenApi) {
    for (path, item) in openapi.paths.paths.iter_mut() {
        for (method, operation) in operations(item) {
            for (status, description) in error_statuses(&method, path, operation) {
                operation
                    .responses
                    .responses
                    .entry(status.to_owned())
                    .or_insert_with(|| error_response(description));
            }
            if answers_in_html(operation) {
                for (status, response) in operation.responses.responses.iter_mut() {
                    if let (true, RefOr::T(response)) = (status.starts_with('4'), response) {
                        response
                            .content
                            .entry("text/html".to_owned())
                            .or_insert_with(|| {
                                ContentBuilder::new()
                                    .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                                    .build()
                                    .into()
                            });
                    }
                }
            }
        }
    }
}

/// Whether a successful answer of `operation` can be an HTML page.
fn answers_in_html(operation: &Operation) -> bool {
    operation
        .responses
        .responses
        .iter()
        .any(|(status, response)| match response {
            RefOr::T(response) => {
                status.starts_with('2') && response.content.contains_key("text/html")
            }
            RefOr::Ref(_) => false,
        })
}

/// Each operation of a path item, with its method.
fn operations(item: &mut utoipa::openapi::PathItem) -> Vec<(HttpMethod, &mut Operation)> {
    [
        (HttpMethod::Get, item.get.as_mut()),
        (HttpMethod::Put, item.put.as_mut()),
        (HttpMethod::Post, item.post.as_mut()),
        (HttpMethod::Delete, item.delete.as_mut()),
        (HttpMethod::Patch, item.patch.as_mut()),
    ]
    .into_iter()
    .filter_map(|(method, operation)| operation.map(|o| (method, o)))
    .collect()
}

fn error_response(description: &str) -> RefOr<utoipa::openapi::Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ErrorBody")))
                    .build(),
            )
            .build(),
    )
}

/// Makes operation ids unique, as code generators need: handlers in different modules share
/// names (`list`, `get`, `create`), so an id used more than once gets its resource appended,
/// the last literal path segment other than the id itself (`list_users`, `verify_audit`).
pub fn unique_operation_ids(openapi: &mut OpenApi) {
    let mut uses = std::collections::BTreeMap::<String, usize>::new();
    for item in openapi.paths.paths.values_mut() {
        for (_, operation) in operations(item) {
            if let Some(id) = &operation.operation_id {
                *uses.entry(id.clone()).or_default() += 1;
            }
        }
    }
    for (path, item) in openapi.paths.paths.iter_mut() {
        for (_, operation) in operations(item) {
            let Some(id) = operation.operation_id.clone() else {
                continue;
            };
            if uses[&id] < 2 {
                continue;
            }
            let resource = path
                .rsplit('/')
                .find(|segment| !segment.is_empty() && !segment.starts_with('{') && *segment != id)
                .unwrap_or("root")
                .replace('-', "_");
            operation.operation_id = Some(format!("{id}_{resource}"));
        }
    }
}

//! The API's OpenAPI 3.1 document, generated from the handlers' `#[utoipa::path]` annotations
//! and the types' `ToSchema` derives, served at `GET /openapi.json`; Swagger UI at `/docs`,
//! its assets compiled into the binary (nothing is fetched at build or run time).
//!
//! A route is registered only with its documentation (`utoipa_axum::routes!` in
//! `routes/mod.rs`), so the document lists exactly the routes the router serves.

use axum::Router;
use callwright_contracts::api::error::ErrorBody;
use callwright_domain::CallStatus;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi, ToSchema};
use utoipa_swagger_ui::SwaggerUi;

/// Where the document is served.
pub const SPEC_PATH: &str = "/openapi.json";
/// Where Swagger UI is served.
pub const DOCS_PATH: &str = "/docs";

/// What the document says besides its paths: title, description, tags and the error body.
/// The paths come from the routes themselves ([`document`]).
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Callwright API",
        description = "Outbound AI calling: leads, campaigns, calls, meetings, analytics and live events. \
Every `/api` route needs an API key (`Authorization: Bearer cwk_...`, created with \
`callwright-api keys create --name NAME`). Every error has the body `ErrorBody`. \
The `/twilio` webhooks are for Twilio only: they are checked against `X-Twilio-Signature`.",
    ),
    components(schemas(ErrorBody)),
    tags(
        (name = "agents", description = "What the caller sells, knows and asks: versioned agents"),
        (name = "leads", description = "Create, upload, list and read leads"),
        (name = "campaigns", description = "Start campaigns over leads; pause, resume, cancel; progress"),
        (name = "calls", description = "Every attempt, with its transcript"),
        (name = "meetings", description = "Meetings booked on calls: list, read, move, cancel, close"),
        (name = "analytics", description = "KPIs, outcomes, languages and calls over time"),
        (name = "events", description = "Live Server-Sent Events"),
        (name = "do-not-call", description = "The do-not-call list"),
        (name = "twilio", description = "Twilio's webhooks (signature-checked; not for API clients)"),
        (name = "health", description = "Liveness, readiness and Prometheus metrics (no key needed)"),
    )
)]
pub struct ApiDoc;

/// The OpenAPI document of every route: [`ApiDoc`], the paths and schemas each route was
/// registered with (`super::route_groups`, the same entries [`super::router`] serves), the
/// security schemes, and the error responses every route shares.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut document = ApiDoc::openapi();
    for group in super::route_groups() {
        document.merge(super::documented(group).into_openapi());
    }
    SecuritySchemes.modify(&mut document);
    CommonErrors.modify(&mut document);
    document
}

/// `GET /openapi.json` (`document`) and Swagger UI under `/docs`.
pub fn router<S: Clone + Send + Sync + 'static>(document: utoipa::openapi::OpenApi) -> Router<S> {
    SwaggerUi::new(DOCS_PATH).url(SPEC_PATH, document).into()
}

/// The `bearer` (API key) and `twilio_signature` security schemes.
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("cwk_...")
                    .description(Some(
                        "An API key from `callwright-api keys create --name NAME`",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "twilio_signature",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-Twilio-Signature",
                "HMAC-SHA1 of the public URL and the form fields with the Twilio auth token",
            ))),
        );
    }
}

/// The error responses every route can give, added where a handler does not document its own:
/// 400 on operations with parameters or a body (axum's extractors refuse a path segment, a
/// query or a body that does not parse, before the handler runs), 401 on `/api` (no valid
/// key), 415 on `/api` operations that take a body (axum's extractors refuse a body of another
/// `Content-Type`), 500 (a bug), 503 on `/api` (Postgres or Temporal down). `json_errors`
/// gives the extractors' refusals the JSON shape; all point at shared responses in
/// `components.responses`, whose body is [`ErrorBody`].
struct CommonErrors;

impl CommonErrors {
    const SHARED: [(&'static str, &'static str, &'static str); 5] = [
        (
            "400",
            "BadRequest",
            "A path segment, query parameter or body that does not parse (`error.field` names \
             it when it can)",
        ),
        (
            "401",
            "Unauthorized",
            "No API key, or one that is not (or no longer) valid",
        ),
        (
            "415",
            "UnsupportedMediaType",
            "The body's `Content-Type` is not one the operation takes",
        ),
        (
            "500",
            "InternalError",
            "Internal error (details are only logged)",
        ),
        ("503", "Unavailable", "Postgres or Temporal unavailable"),
    ];

    fn add(operation: &mut Operation, status: &str) {
        if let Some((_, name, _)) = Self::SHARED.iter().find(|(s, _, _)| *s == status) {
            operation
                .responses
                .responses
                .entry(status.to_owned())
                .or_insert_with(|| RefOr::Ref(Ref::from_response_name(*name)));
        }
    }
}

impl Modify for CommonErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        for (_, name, description) in Self::SHARED {
            components.responses.insert(
                name.to_owned(),
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
                ),
            );
        }
        for (path, item) in openapi.paths.paths.iter_mut() {
            let api = path.starts_with("/api/");
            let twilio = path.starts_with("/twilio/");
            let recordings = path.starts_with("/recordings/") || path.starts_with("/tts/");
            for operation in [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ]
            .into_iter()
            .flatten()
            {
                let has_parameters = operation.parameters.as_ref().is_some_and(|p| !p.is_empty());
                if has_parameters || operation.request_body.is_some() {
                    Self::add(operation, "400");
                }
                if api {
                    Self::add(operation, "401");
                    Self::add(operation, "503");
                    // The Twilio webhooks are left out: they read any body as a form (a 400 or a
                    // 403 when it is not one), never a 415.
                    if operation.request_body.is_some() {
                        Self::add(operation, "415");
                    }
                }
                if api || twilio || recordings {
                    Self::add(operation, "500");
                }
            }
        }
    }
}

/// An agent as `multipart/form-data` (documentation only).
#[derive(ToSchema)]
// Other parts are refused (422).
#[serde(deny_unknown_fields)]
pub struct AgentForm {
    /// The agent as JSON: an object part is `application/json` in a multipart body.
    #[schema(value_type = callwright_domain::agent::AgentSpec)]
    pub agent: String,
    /// Knowledge documents (Markdown or plain text, UTF-8), any number; each file's name is its
    /// title.
    #[schema(value_type = Vec<String>, format = Binary)]
    pub knowledge: Vec<Vec<u8>>,
}

/// `POST /api/leads/upload` as `multipart/form-data` (documentation only).
#[derive(ToSchema)]
// The upload skips parts other than `file` (a browser form may carry more), but documents
// none: what a client may add is bound by what a part's header can hold, which a schema does
// not say (a name with a control character breaks the whole body, a 400).
#[serde(deny_unknown_fields)]
pub struct UploadForm {
    /// The CSV file.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}

/// `POST /twilio/status` form fields read (Twilio sends more; they are ignored).
#[derive(ToSchema)]
#[schema(rename_all = "PascalCase")]
pub struct StatusForm {
    /// Twilio call id.
    pub call_sid: String,
    /// The call's status.
    pub call_status: CallStatus,
    /// Order of this callback among the call's status callbacks.
    pub sequence_number: Option<u32>,
    /// Seconds, once the call is over.
    pub call_duration: Option<u32>,
    /// Answering-machine detection result, with synchronous AMD.
    pub answered_by: Option<String>,
}

/// `POST /twilio/amd` form fields read.
#[derive(ToSchema)]
#[schema(rename_all = "PascalCase")]
pub struct AmdForm {
    /// Twilio call id.
    pub call_sid: String,
    /// `human`, `machine_start`, `machine_end_beep`, `machine_end_silence`,
    /// `machine_end_other`, `fax` or `unknown`.
    pub answered_by: String,
}

/// `POST /twilio/voice` form fields read.
#[derive(ToSchema)]
#[schema(rename_all = "PascalCase")]
pub struct VoiceForm {
    /// Twilio call id.
    pub call_sid: String,
}

/// `POST /twilio/relay-ended` form fields read.
#[derive(ToSchema)]
#[schema(rename_all = "PascalCase")]
pub struct RelayEndedForm {
    /// Twilio call id.
    pub call_sid: String,
    /// The ConversationRelay session.
    pub session_id: String,
    /// `ended` (our socket sent `end`), `failed` (the socket dropped or was refused) or
    /// `completed` (the call is over).
    pub session_status: String,
    /// The `end` message's `handoffData`.
    pub handoff_data: Option<String>,
}

/// `POST /twilio/turn` form fields read.
#[derive(ToSchema)]
#[schema(rename_all = "PascalCase")]
pub struct TurnForm {
    /// Twilio call id.
    pub call_sid: String,
    /// What the callee said (absent when they said nothing).
    pub speech_result: Option<String>,
    /// ASR confidence, 0 to 1.
    pub confidence: Option<f32>,
}

/// `POST /twilio/recording` form fields read.
#[derive(ToSchema)]
#[schema(rename_all = "PascalCase")]
pub struct RecordingForm {
    /// Twilio call id.
    pub call_sid: String,
    /// Where the recording is.
    pub recording_url: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::{Request, StatusCode, header};
    use serde_json::Value;
    use tower::ServiceExt as _;

    async fn get(path: &str) -> (StatusCode, String, Vec<u8>) {
        let response = router::<()>(document())
            .oneshot(Request::get(path).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, content_type, body.to_vec())
    }

    /// `(path, document of that path's handlers alone)` for every registered route.
    fn handler_documents() -> Vec<(String, utoipa::openapi::OpenApi)> {
        super::super::route_groups()
            .into_iter()
            .flatten()
            .map(|(schemas, paths, _)| {
                let path = paths.paths.keys().next().cloned().unwrap_or_default();
                let document = utoipa::openapi::OpenApiBuilder::new()
                    .paths(paths)
                    .components(Some(
                        utoipa::openapi::ComponentsBuilder::new()
                            .schemas_from_iter(schemas)
                            .build(),
                    ))
                    .build();
                (path, document)
            })
            .collect()
    }

    #[tokio::test]
    async fn the_document_is_openapi_3_1_with_every_operation() {
        let (status, content_type, body) = get(SPEC_PATH).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            content_type.starts_with("application/json"),
            "{content_type}"
        );
        let spec: Value = serde_json::from_slice(&body).unwrap();
        assert!(
            spec["openapi"].as_str().unwrap().starts_with("3.1."),
            "{}",
            spec["openapi"]
        );
        // It is a well-formed OpenAPI document, not just JSON.
        let parsed: utoipa::openapi::OpenApi = serde_json::from_slice(&body).unwrap();
        assert_eq!(parsed.info.title, "Callwright API");

        // Every route, with each of its methods.
        let paths = spec["paths"].as_object().unwrap();
        let documented: usize = paths
            .values()
            .map(|item| {
                ["get", "post", "put", "patch", "delete"]
                    .iter()
                    .filter(|m| item.get(**m).is_some())
                    .count()
            })
            .sum();
        let registered: usize = super::super::route_groups()
            .into_iter()
            .flatten()
            .map(|(_, paths, _)| {
                paths
                    .paths
                    .values()
                    .map(|item| {
                        [&item.get, &item.post, &item.put, &item.patch, &item.delete]
                            .iter()
                            .filter(|op| op.is_some())
                            .count()
                    })
                    .sum::<usize>()
            })
            .sum();
        assert_eq!(documented, registered);
        assert!(documented >= 55, "{documented} operations");
    }

    #[tokio::test]
    async fn every_operation_is_secured_and_described() {
        let (_, _, body) = get(SPEC_PATH).await;
        let spec: Value = serde_json::from_slice(&body).unwrap();
        let mut operation_ids = std::collections::HashSet::new();
        let schemes = &spec["components"]["securitySchemes"];
        assert_eq!(schemes["bearer"]["type"], "http");
        assert_eq!(schemes["bearer"]["scheme"], "bearer");
        for (path, item) in spec["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                let id = op["operationId"].as_str().unwrap_or_default();
                assert!(
                    !id.is_empty() && operation_ids.insert(id.to_owned()),
                    "{method} {path}: operationId '{id}' missing or repeated"
                );
                let security = op["security"].to_string();
                if path.starts_with("/api/") {
                    assert!(security.contains("bearer"), "{method} {path}: {security}");
                    assert!(op["responses"]["401"].is_object(), "{method} {path}");
                } else if path.starts_with("/twilio/") {
                    assert!(security.contains("twilio_signature"), "{method} {path}");
                } else {
                    assert!(op.get("security").is_none(), "{method} {path} is open");
                }
                for param in op["parameters"].as_array().into_iter().flatten() {
                    assert!(
                        param["description"].as_str().is_some_and(|d| !d.is_empty()),
                        "{method} {path}: parameter {} has no description",
                        param["name"]
                    );
                }
                for (status, response) in op["responses"].as_object().unwrap() {
                    let text = response.to_string();
                    if status.starts_with('4') || status.starts_with('5') {
                        assert!(
                            text.contains("ErrorBody") || response.get("$ref").is_some(),
                            "{method} {path} {status} is not an ErrorBody: {text}"
                        );
                    } else if status != "204"
                        && status != "202"
                        // A WebSocket upgrade's 101 and redirects carry no body.
                        && !status.starts_with('1')
                        && !status.starts_with('3')
                    {
                        assert!(
                            response.get("content").is_some(),
                            "{method} {path} {status} has no body"
                        );
                    }
                }
            }
        }
        // The shapes the dashboard reads are precise, not free-form objects.
        let schemas = &spec["components"]["schemas"];
        for name in [
            "Lead",
            "LeadDetail",
            "LeadPage",
            "CallPage",
            "CallDetail",
            "Meeting",
            "MeetingPage",
            "CampaignDetail",
            "CampaignProgress",
            "CampaignRow",
            "CampaignPage",
            "CallRecord",
            "LeadView",
            "AnalyticsOverview",
            "KeyCount",
            "CallsBucket",
            "ImportReport",
            "ErrorBody",
        ] {
            assert!(
                schemas[name].is_object(),
                "no schema {name} in {:?}",
                schemas.as_object().map(|o| o.keys().collect::<Vec<_>>())
            );
        }
    }

    #[tokio::test]
    async fn every_operation_with_a_body_documents_415() {
        let (_, _, body) = get(SPEC_PATH).await;
        let spec: Value = serde_json::from_slice(&body).unwrap();
        let mut with_body = 0;
        for (path, item) in spec["paths"].as_object().unwrap() {
            // Twilio's webhooks parse whatever comes as a form: a 400 or 403, never a 415.
            if path.starts_with("/twilio/") {
                continue;
            }
            for (method, op) in item.as_object().unwrap() {
                if op.get("requestBody").is_none() {
                    continue;
                }
                with_body += 1;
                assert!(
                    op["responses"]["415"].is_object(),
                    "{method} {path} takes a body but does not document 415"
                );
            }
        }
        assert!(with_body >= 12, "only {with_body} operations with a body");
    }

    #[tokio::test]
    async fn path_parameters_are_the_ones_in_the_path() {
        let (_, _, body) = get(SPEC_PATH).await;
        let spec: Value = serde_json::from_slice(&body).unwrap();
        for (path, item) in spec["paths"].as_object().unwrap() {
            let mut in_template: Vec<&str> = path
                .split('{')
                .skip(1)
                .map(|rest| rest.split_once('}').unwrap().0)
                .collect();
            in_template.sort_unstable();
            for (method, op) in item.as_object().unwrap() {
                let params = op["parameters"].as_array().cloned().unwrap_or_default();
                let mut documented: Vec<&str> = params
                    .iter()
                    .filter(|p| p["in"] == "path")
                    .map(|p| p["name"].as_str().unwrap())
                    .collect();
                documented.sort_unstable();
                // A query struct without `parameter_in = Query` lands in the path.
                assert_eq!(
                    documented, in_template,
                    "{method} {path}: path parameters {documented:?}"
                );
            }
        }
    }

    /// Every `$ref` string anywhere under `value`.
    fn refs(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, v) in map {
                    match (key.as_str(), v) {
                        ("$ref", Value::String(r)) => out.push(r.clone()),
                        _ => refs(v, out),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }

    #[tokio::test]
    async fn every_reference_resolves() {
        let (_, _, body) = get(SPEC_PATH).await;
        let spec: Value = serde_json::from_slice(&body).unwrap();
        let mut all = Vec::new();
        refs(&spec, &mut all);
        assert!(!all.is_empty());
        for r in all {
            let pointer = r
                .strip_prefix('#')
                .unwrap_or_else(|| panic!("{r} is not local"));
            assert!(spec.pointer(pointer).is_some(), "{r} does not resolve");
        }
    }

    /// Each component name stands for one Rust type: a handler's own document (where its types
    /// are the only ones) has the same schema under a name as every other handler's and as
    /// the whole document. Two types under one name give two schemas, and the document keeps only one,
    /// so the other type's responses would be documented with a shape they do not have.
    #[test]
    fn no_two_types_share_a_component_name() {
        let full = serde_json::to_value(document()).unwrap();
        let mut first: std::collections::BTreeMap<String, (String, Value)> = Default::default();
        let mut clashes = Vec::new();
        // A schema in a message: its description (the type's doc comment) tells which type.
        let gist = |schema: &Value| match schema["description"].as_str() {
            Some(d) => format!("'{d}'"),
            None => schema.to_string().chars().take(120).collect(),
        };
        for (handler, doc) in handler_documents() {
            let schemas = doc.components.map(|c| c.schemas).unwrap_or_default();
            for (name, schema) in schemas {
                let schema = serde_json::to_value(schema).unwrap();
                let documented = &full["components"]["schemas"][&name];
                if *documented != schema {
                    clashes.push(format!(
                        "{name}: {handler} registers {} but the document has {}",
                        gist(&schema),
                        gist(documented)
                    ));
                }
                match first.get(&name) {
                    Some((other, seen)) if *seen != schema => clashes.push(format!(
                        "{name}: {other} registers {}, {handler} {}",
                        gist(seen),
                        gist(&schema)
                    )),
                    Some(_) => {}
                    None => {
                        first.insert(name, (handler.clone(), schema));
                    }
                }
            }
        }
        assert!(
            first.len() > 50,
            "only {} components found: {:?}",
            first.len(),
            first.keys().collect::<Vec<_>>()
        );
        assert!(clashes.is_empty(), "{}", clashes.join("\n"));
    }

    /// The dashboard's API types are generated from `dashboard/openapi.json` (see
    /// `dashboard/scripts/check-api-types.mjs`), so a change to the document that is not
    /// committed there would leave the dashboard typed against an API that no longer exists.
    #[test]
    fn openapi_document_is_committed() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../dashboard/openapi.json");
        let mut document = serde_json::to_string_pretty(&document()).unwrap();
        document.push('\n');
        if std::env::var_os("UPDATE_OPENAPI").is_some_and(|v| v == "1") {
            std::fs::write(&path, &document)
                .unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
            return;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == document,
            "dashboard/openapi.json is stale: run `UPDATE_OPENAPI=1 cargo test -p callwright-api \
             --lib openapi_document_is_committed`, then `npm run api-types` in dashboard/, and \
             commit both files ({})",
            first_difference(&committed, &document)
        );
    }

    /// Where `committed` and `document` part, for the stale-document message.
    fn first_difference(committed: &str, document: &str) -> String {
        if committed.is_empty() {
            return "the file is missing or empty".to_owned();
        }
        let mut committed_lines = committed.lines();
        for (number, line) in document.lines().enumerate() {
            match committed_lines.next() {
                Some(old) if old == line => {}
                old => {
                    return format!(
                        "line {}: committed {:?}, generated {line:?}",
                        number + 1,
                        old.unwrap_or("<end of file>")
                    );
                }
            }
        }
        "they differ at the end of the file".to_owned()
    }

    fn enum_values<T: ToSchema>() -> Vec<String> {
        let schema = serde_json::to_value(T::schema()).unwrap();
        serde_json::from_value(schema["enum"].clone()).unwrap()
    }

    #[test]
    fn documented_languages_match_the_code() {
        use callwright_domain::Language;
        assert_eq!(enum_values::<Language>(), Language::ALL.map(Language::code));
    }

    #[tokio::test]
    async fn docs_serve_swagger_ui_from_the_binary() {
        let (status, content_type, body) = get("/docs/").await;
        assert_eq!(status, StatusCode::OK);
        assert!(content_type.starts_with("text/html"), "{content_type}");
        let html = String::from_utf8(body).unwrap();
        assert!(html.contains("swagger-ui"), "{html}");
        assert!(html.contains("swagger-ui-bundle.js"), "{html}");

        let (status, content_type, body) = get("/docs/swagger-ui-bundle.js").await;
        assert_eq!(status, StatusCode::OK);
        assert!(content_type.contains("javascript"), "{content_type}");
        assert!(body.len() > 100_000, "bundle of {} bytes", body.len());

        let (status, _, body) = get("/docs/swagger-initializer.js").await;
        assert_eq!(status, StatusCode::OK);
        assert!(String::from_utf8(body).unwrap().contains(SPEC_PATH));

        let (status, _, _) = get(DOCS_PATH).await;
        assert!(status.is_redirection(), "{status}");
    }
}

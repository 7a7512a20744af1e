//! Agents: create one, save new versions, read them. Every save is a new immutable version; a
//! campaign or a trial names the version it uses.
//!
//! A body is the agent as JSON (`application/json`), or `multipart/form-data` with the agent
//! as JSON in an `agent` part and knowledge documents as `knowledge` file parts (Markdown or
//! plain text, UTF-8; the file's name becomes the document's title). Every refusal names its
//! field, and nothing is stored unless the whole agent is valid.

use super::json_body::JsonBody;
use super::openapi::AgentForm;
use crate::error::{ApiError, Reason};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{StatusCode, header};
use callwright_agents::{SaveError, save_version};
use callwright_contracts::api::agents::{
    AgentDetail, AgentPreview, AgentRules, AgentSummary, AgentVersionView, PreviewProblem,
    PreviewRequest, TemplateVariable, VersionSummary,
};
use callwright_contracts::api::error::ErrorBody;
use callwright_domain::agent::knowledge;
use callwright_domain::agent::template::VARIABLES;
use callwright_domain::agent::{AgentSpec, DocFormat, KnowledgeDoc};
use chrono::Utc;
use uuid::Uuid;

/// Largest agent body: a million characters of knowledge may take up to 4 MiB of UTF-8, and
/// JSON escaping adds to it.
pub const MAX_AGENT_BODY: usize = 8 * 1024 * 1024;

/// The agent in a JSON body, a refusal naming the field that does not fit (read as
/// [`JsonBody`](super::json_body::JsonBody) reads a body: `2.0` is an integer).
fn parse_spec(bytes: &[u8]) -> Result<AgentSpec, ApiError> {
    let value: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| ApiError::bad_request(format!("malformed JSON: {e}")))?;
    super::json_body::read(value, Some("agent"))
}

/// A knowledge file: text (UTF-8 Markdown or plain text), or a refusal naming it.
fn knowledge_file(
    index: usize,
    name: Option<&str>,
    content_type: Option<&str>,
    bytes: &[u8],
) -> Result<KnowledgeDoc, ApiError> {
    let field = format!("knowledge[{index}]");
    let title = name
        .map(|n| n.rsplit(['/', '\\']).next().unwrap_or(n).to_owned())
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| format!("Document {}", index + 1));
    let lower = title.to_ascii_lowercase();
    let markdown = lower.ends_with(".md") || lower.ends_with(".markdown");
    let textual_type = content_type.is_none_or(|t| {
        let t = t.to_ascii_lowercase();
        t.starts_with("text/") || t == "application/octet-stream" || t == "application/markdown"
    });
    let content = std::str::from_utf8(bytes)
        .ok()
        .filter(|t| !t.contains('\0'));
    match (textual_type, content) {
        (true, Some(text)) => Ok(KnowledgeDoc {
            title,
            format: if markdown || content_type.is_some_and(|t| t.contains("markdown")) {
                DocFormat::Markdown
            } else {
                DocFormat::Text
            },
            content: text.trim_start_matches('\u{feff}').to_owned(),
        }),
        _ => Err(ApiError::invalid(
            field,
            format!("'{title}' is not a text document (upload Markdown or plain text in UTF-8)"),
        )),
    }
}

/// The agent of a request: JSON, or multipart with an `agent` part and `knowledge` files.
async fn read_spec(request: Request) -> Result<AgentSpec, ApiError> {
    let kind = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if kind.starts_with("application/json") {
        let bytes =
            Bytes::from_request(request, &())
                .await
                .map_err(|e| ApiError::PayloadTooLarge {
                    message: e.body_text(),
                    limit_bytes: MAX_AGENT_BODY as u64,
                })?;
        return parse_spec(&bytes);
    }
    if !kind.starts_with("multipart/form-data") {
        return Err(ApiError::UnsupportedMediaType(format!(
            "send the agent as application/json, or as multipart/form-data with an 'agent' part, not '{kind}'"
        )));
    }
    let mut multipart = Multipart::from_request(request, &()).await.map_err(|e| {
        ApiError::bad_request(format!("malformed multipart body: {}", e.body_text()))
    })?;
    let mut spec = None;
    let mut files = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(|e| {
        ApiError::bad_request(format!("malformed multipart body: {}", e.body_text()))
    })? {
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let content_type = field.content_type().map(str::to_owned);
        let bytes = field.bytes().await.map_err(|e| {
            ApiError::bad_request(format!("malformed multipart body: {}", e.body_text()))
        })?;
        match name.as_str() {
            "agent" if spec.is_some() => {
                return Err(ApiError::invalid("agent", "send one 'agent' part"));
            }
            "agent" => spec = Some(parse_spec(&bytes)?),
            "knowledge" => files.push((file_name, content_type, bytes)),
            other => {
                return Err(ApiError::invalid(
                    other,
                    "unknown part (send 'agent' and 'knowledge' parts)",
                ));
            }
        }
    }
    let mut spec =
        spec.ok_or_else(|| ApiError::invalid("agent", "the multipart body has no 'agent' part"))?;
    let first = spec.knowledge.len();
    for (i, (name, content_type, bytes)) in files.iter().enumerate() {
        spec.knowledge.push(knowledge_file(
            first + i,
            name.as_deref(),
            content_type.as_deref(),
            bytes,
        )?);
    }
    Ok(spec)
}

/// Validates and stores a version; the error names the field.
async fn save(
    state: &AppState,
    agent_id: Option<Uuid>,
    spec: AgentSpec,
) -> Result<(Uuid, i32), ApiError> {
    spec.validate()?;
    let embedder = state.embedder.as_deref();
    match save_version(&state.db, agent_id, &spec, embedder).await {
        Ok((id, version)) => Ok((id, i32::try_from(version).unwrap_or(i32::MAX))),
        Err(SaveError::NotFound(id)) => Err(ApiError::NotFound(format!("no agent {id}"))),
        Err(err @ SaveError::NoEmbedder) => Err(ApiError::invalid(
            "knowledge",
            err.to_string().trim_start_matches("knowledge: "),
        )),
        Err(err @ SaveError::Embeddings(_)) => Err(ApiError::Unavailable(err.to_string())),
        Err(SaveError::Db(e)) => Err(e.into()),
    }
}

/// One version as the API shows it.
pub async fn version_view(
    state: &AppState,
    agent_id: Uuid,
    version: i32,
) -> Result<AgentVersionView, ApiError> {
    let callwright_store::agents::SavedVersion {
        spec,
        knowledge_mode,
        created_at,
    } = callwright_store::agents::version(&state.db, agent_id, version)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("agent {agent_id} has no version {version}")))?;
    Ok(AgentVersionView {
        agent_id,
        version,
        created_at,
        knowledge_mode,
        size_chars: spec.0.size(),
        spec: spec.0,
    })
}

/// Creates an agent (its version 1).
#[utoipa::path(
    post,
    path = "/api/agents",
    operation_id = "createAgent",
    tag = "agents",
    security(("bearer" = [])),
    request_body(content(
        (AgentSpec = "application/json"),
        (AgentForm = "multipart/form-data"),
    ), description = "The agent; unknown fields are refused. Limits: see `GET /api/agents/rules` and the README."),
    responses(
        (status = 201, description = "Created: version 1", body = AgentVersionView),
        (status = 400, description = "Malformed JSON or multipart body", body = ErrorBody),
        (status = 413, description = "Body over 8 MiB", body = ErrorBody),
        (status = 415, description = "Neither JSON nor multipart", body = ErrorBody),
        (status = 422, description = "A field out of its limits, a template that does not parse or names an unknown variable, a file that is not text (`error.field` names it); nothing is stored", body = ErrorBody),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    request: Request,
) -> Result<(StatusCode, Json<AgentVersionView>), ApiError> {
    let spec = read_spec(request).await?;
    let (id, version) = save(&state, None, spec).await?;
    tracing::info!(agent_id = %id, "agent created");
    Ok((
        StatusCode::CREATED,
        Json(version_view(&state, id, version).await?),
    ))
}

/// Saves a new version of an agent (the earlier ones stay as they were: calls in progress keep
/// theirs).
#[utoipa::path(
    put,
    path = "/api/agents/{id}",
    operation_id = "saveAgent",
    tag = "agents",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Agent id")),
    request_body(content(
        (AgentSpec = "application/json"),
        (AgentForm = "multipart/form-data"),
    ), description = "The whole agent (not a patch)."),
    responses(
        (status = 201, description = "Saved as a new version", body = AgentVersionView),
        (status = 400, description = "Malformed JSON or multipart body", body = ErrorBody),
        (status = 404, description = "No such agent", body = ErrorBody),
        (status = 413, description = "Body over 8 MiB", body = ErrorBody),
        (status = 415, description = "Neither JSON nor multipart", body = ErrorBody),
        (status = 422, description = "As for createAgent; nothing is stored", body = ErrorBody),
    )
)]
pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    request: Request,
) -> Result<(StatusCode, Json<AgentVersionView>), ApiError> {
    let spec = read_spec(request).await?;
    let (id, version) = save(&state, Some(id), spec).await?;
    tracing::info!(agent_id = %id, version, "agent version saved");
    Ok((
        StatusCode::CREATED,
        Json(version_view(&state, id, version).await?),
    ))
}

/// Every agent, most recently saved first.
#[utoipa::path(
    get,
    path = "/api/agents",
    operation_id = "listAgents",
    tag = "agents",
    security(("bearer" = [])),
    responses((status = 200, description = "The agents", body = [AgentSummary]))
)]
pub async fn list(State(state): State<AppState>) -> Result<Json<Vec<AgentSummary>>, ApiError> {
    let agents = callwright_store::agents::list(&state.db).await?;
    Ok(Json(agents))
}

async fn summary(state: &AppState, id: Uuid) -> Result<AgentSummary, ApiError> {
    callwright_store::agents::summary(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no agent {id}")))
}

async fn versions(state: &AppState, id: Uuid) -> Result<Vec<VersionSummary>, ApiError> {
    Ok(callwright_store::agents::versions(&state.db, id).await?)
}

/// An agent with its latest version and its history.
#[utoipa::path(
    get,
    path = "/api/agents/{id}",
    operation_id = "getAgent",
    tag = "agents",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Agent id")),
    responses(
        (status = 200, description = "The agent", body = AgentDetail),
        (status = 404, description = "No such agent", body = ErrorBody),
    )
)]
pub async fn get_one(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<Json<AgentDetail>, ApiError> {
    let agent = summary(&state, id).await?;
    let latest = version_view(&state, id, agent.latest_version).await?;
    let versions = versions(&state, id).await?;
    Ok(Json(AgentDetail {
        agent,
        latest,
        versions,
    }))
}

/// An agent's versions, newest first.
#[utoipa::path(
    get,
    path = "/api/agents/{id}/versions",
    operation_id = "listAgentVersions",
    tag = "agents",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Agent id")),
    responses(
        (status = 200, description = "The versions", body = [VersionSummary]),
        (status = 404, description = "No such agent", body = ErrorBody),
    )
)]
pub async fn list_versions(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<Json<Vec<VersionSummary>>, ApiError> {
    summary(&state, id).await?;
    Ok(Json(versions(&state, id).await?))
}

/// One version of an agent, as it was saved.
#[utoipa::path(
    get,
    path = "/api/agents/{id}/versions/{version}",
    operation_id = "getAgentVersion",
    tag = "agents",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Agent id"),
        ("version" = i32, Path, description = "Version (1, 2, ...)", minimum = 1),
    ),
    responses(
        (status = 200, description = "The version", body = AgentVersionView),
        (status = 404, description = "No such agent or version", body = ErrorBody),
    )
)]
pub async fn get_version(
    State(state): State<AppState>,
    Path((id, version)): Path<(Uuid, i32)>,
) -> Result<Json<AgentVersionView>, ApiError> {
    Ok(Json(version_view(&state, id, version).await?))
}

/// The variables templates may use and the knowledge budget, for editors.
#[utoipa::path(
    get,
    path = "/api/agents/rules",
    operation_id = "agentRules",
    tag = "agents",
    security(("bearer" = [])),
    responses((status = 200, description = "Variables and budget", body = AgentRules))
)]
pub async fn rules(State(state): State<AppState>) -> Json<AgentRules> {
    Json(AgentRules {
        variables: VARIABLES
            .iter()
            .map(|(name, description)| TemplateVariable {
                name: if *name == "lead.fields" {
                    "lead.fields.<column>".to_owned()
                } else {
                    (*name).to_owned()
                },
                description: (*description).to_owned(),
            })
            .collect(),
        inline_knowledge_chars: knowledge::INLINE_BUDGET,
        search_available: state.embedder.is_some(),
    })
}

/// Renders an agent (as edited, unsaved) for a lead: the greeting, the first turn's system
/// prompt and the meeting's title, with any template value the lead lacks listed.
#[utoipa::path(
    post,
    path = "/api/agents/preview",
    operation_id = "previewAgent",
    tag = "agents",
    security(("bearer" = [])),
    request_body(content = PreviewRequest),
    responses(
        (status = 200, description = "The preview", body = AgentPreview),
        (status = 400, description = "Malformed JSON body", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody),
        (status = 422, description = "The agent is invalid, or no such lead (`error.field` names it)", body = ErrorBody),
    )
)]
pub async fn preview(
    State(state): State<AppState>,
    JsonBody(req): JsonBody<PreviewRequest>,
) -> Result<Json<AgentPreview>, ApiError> {
    use callwright_agents::AgentVersion;
    use callwright_domain::agent::template::render_strict;
    use callwright_domain::agent::{TemplateVars, opening, render};
    use callwright_domain::{Language, LeadProfile};
    let bytes = serde_json::to_vec(&req.spec).map_err(|e| ApiError::Internal(e.into()))?;
    let spec = parse_spec(&bytes).map_err(|e| match e {
        ApiError::Unprocessable(Reason {
            field: Some(field),
            detail,
        }) => {
            // The spec is nested under `spec` in this body: its fields are named from there.
            let field = if field == "agent" {
                "spec".to_owned()
            } else {
                format!("spec.{field}")
            };
            ApiError::invalid(field, detail)
        }
        other => other,
    })?;
    spec.validate().map_err(|e| e.under("spec"))?;
    let mut lead = LeadProfile {
        lead_id: Uuid::nil().to_string(),
        name: "Dana Levi".to_owned(),
        phone: None,
        language: spec.language,
        timezone: chrono_tz::UTC,
        window_timezones: Vec::new(),
        email: None,
        company: None,
        fields: Default::default(),
    };
    if let Some(id) = req.lead_id {
        let found = super::trials::load_lead(&state, id)
            .await?
            .ok_or_else(|| ApiError::invalid("lead_id", format!("no lead {id}")))?;
        lead.name = found.name;
        lead.email = found.email;
        lead.company = found.company;
        lead.language = found.language;
        lead.timezone = found.timezone;
        lead.fields = found.fields;
    }
    if let Some(l) = req.language.as_deref().filter(|l| !l.trim().is_empty()) {
        lead.language = l
            .parse::<Language>()
            .map_err(|e| ApiError::invalid("language", format!("{e}")))?;
    }
    let now = Utc::now();
    let vars = TemplateVars::new(&spec, &lead, lead.language, now);
    let mut problems = Vec::new();
    let mut check = |field: String, source: &str| {
        if let Err(message) = render_strict(source, &vars) {
            problems.push(PreviewProblem { field, message });
        }
    };
    check("instructions".to_owned(), &spec.instructions);
    if let Some(g) = spec.greetings.get(&lead.language) {
        check(format!("greetings.{}", lead.language), g);
    }
    let title_lang = if spec.meeting.title.contains_key(&lead.language) {
        lead.language
    } else {
        spec.language
    };
    if let Some(t) = spec.localized(&spec.meeting.title, lead.language) {
        check(format!("meeting.title.{title_lang}"), t);
    }
    if let Some(d) = spec.localized(&spec.meeting.description, lead.language) {
        check("meeting.description".to_owned(), d);
    }
    let version = AgentVersion::unsaved(spec.clone());
    let tz = lead.timezone;
    let system_prompt = callwright_agents::prompt::system_prompt(
        &version,
        &lead,
        &render(&spec.instructions, &vars),
        now.with_timezone(&tz).fixed_offset(),
        &[],
        None,
    );
    let p = callwright_domain::phrases::phrases(lead.language);
    Ok(Json(AgentPreview {
        greeting: opening(&spec, lead.language, &vars, p),
        system_prompt,
        meeting_title: spec
            .localized(&spec.meeting.title, lead.language)
            .map(|t| render(t, &vars))
            .unwrap_or_default(),
        meeting_description: spec
            .localized(&spec.meeting.description, lead.language)
            .map(|t| render(t, &vars)),
        knowledge_mode: version.mode.code().to_owned(),
        problems,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_errors_name_the_field() {
        let err = parse_spec(br#"{"name": "x", "business_name": "y", "goal": "g", "instructions": "i",
            "meeting": {"title": {"en": "t"}}, "questions": [{"id": "a", "text": "b", "type": "date"}]}"#)
            .expect_err("bad type");
        let text = err.to_string();
        assert!(text.starts_with("questions[0].type: "), "{text}");
        let err = parse_spec(br#"{"name": 3}"#).expect_err("bad name");
        assert!(err.to_string().starts_with("name: "), "{err}");
        let err = parse_spec(br#"{"name": "x"}"#).expect_err("missing");
        assert!(err.to_string().contains("missing field"), "{err}");
        assert!(matches!(parse_spec(b"{"), Err(ApiError::BadRequest(_))));
    }

    #[test]
    fn knowledge_files_must_be_text() {
        let doc = knowledge_file(
            0,
            Some("dir/pricing.md"),
            Some("text/markdown"),
            b"# Prices\n49 EUR",
        )
        .expect("text");
        assert_eq!(doc.title, "pricing.md");
        assert_eq!(doc.format, DocFormat::Markdown);
        let doc =
            knowledge_file(1, Some("faq.txt"), None, "\u{feff}Q: hi".as_bytes()).expect("text");
        assert_eq!(
            (doc.format, doc.content.as_str()),
            (DocFormat::Text, "Q: hi")
        );
        let err = knowledge_file(2, Some("deck.pdf"), Some("application/pdf"), b"%PDF-1.7")
            .expect_err("pdf");
        assert!(
            err.to_string()
                .starts_with("knowledge[2]: 'deck.pdf' is not a text document"),
            "{err}"
        );
        let err = knowledge_file(3, Some("x.txt"), Some("text/plain"), &[0xff, 0xfe, 0x00])
            .expect_err("binary");
        assert!(err.to_string().starts_with("knowledge[3]:"), "{err}");
    }
}

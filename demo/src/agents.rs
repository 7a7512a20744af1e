//! The demo's agents: complete agent specs as JSON files (`sim/data/demo-agents/`), saved
//! through the API like a user would. The energy agent has two versions (the A/B split of the
//! main campaign), the software agent one.
//!
//! An agent saved by an earlier run is reused when its versions still hold what the files
//! say, so running the demo again does not pile up copies; otherwise a new agent is created.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use serde_json::Value;

use crate::api::Api;

/// The energy agent's version 1 (the consultative pitch).
pub const ENERGY_V1: &str = "energy-v1.json";
/// The energy agent's version 2 (numbers first, another greeting and instructions).
pub const ENERGY_V2: &str = "energy-v2.json";
/// The software (CRM) agent.
pub const SOFTWARE: &str = "software.json";

/// The fields every agent file must have (the API refuses an agent without them).
const REQUIRED: [&str; 5] = ["name", "business_name", "goal", "instructions", "meeting"];

/// The agent files, parsed.
#[derive(Debug, Clone)]
pub struct AgentFiles {
    /// Where they were read from.
    pub dir: PathBuf,
    /// `energy-v1.json`.
    pub energy_v1: Value,
    /// `energy-v2.json`.
    pub energy_v2: Value,
    /// `software.json`.
    pub software: Value,
}

/// An agent as the API holds it for the demo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    /// Agent id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its versions, 1 to this.
    pub versions: u32,
    /// Saved by an earlier run, and reused.
    pub reused: bool,
}

/// Reads the three agent files of `dir`.
pub fn read(dir: &str) -> anyhow::Result<AgentFiles> {
    let dir = PathBuf::from(dir);
    Ok(AgentFiles {
        energy_v1: read_one(&dir.join(ENERGY_V1))?,
        energy_v2: read_one(&dir.join(ENERGY_V2))?,
        software: read_one(&dir.join(SOFTWARE))?,
        dir,
    })
}

/// Reads one agent file: a JSON object with the required fields.
fn read_one(path: &Path) -> anyhow::Result<Value> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let spec: Value =
        serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    check_shape(&spec).with_context(|| format!("{}", path.display()))?;
    Ok(spec)
}

/// The checks the demo can make of a spec before the API makes its own: an object with the
/// required fields and a name.
fn check_shape(spec: &Value) -> anyhow::Result<()> {
    let Some(object) = spec.as_object() else {
        bail!("an agent file holds one JSON object");
    };
    for field in REQUIRED {
        if !object.contains_key(field) {
            bail!("the agent has no `{field}`");
        }
    }
    if name_of(spec).is_empty() {
        bail!("the agent's `name` is empty");
    }
    Ok(())
}

/// The agent's `name`.
pub fn name_of(spec: &Value) -> &str {
    spec["name"].as_str().unwrap_or_default()
}

/// The agent saved with `versions` as its versions 1, 2, ...: an agent of an earlier run whose
/// versions hold exactly these, else a new one (`POST` the first, `PUT` the others).
pub async fn ensure(api: &Api, versions: &[&Value]) -> anyhow::Result<Saved> {
    let (Some(first), Some(last)) = (versions.first(), versions.last()) else {
        bail!("an agent needs at least one version");
    };
    let count = u32::try_from(versions.len()).context("too many versions")?;
    let name = name_of(last).to_owned();
    for candidate in api.agents().await? {
        if candidate.name != name || i64::from(candidate.latest_version) != i64::from(count) {
            continue;
        }
        let id = candidate.id.to_string();
        if same_versions(api, &id, versions).await? {
            return Ok(Saved {
                id,
                name,
                versions: count,
                reused: true,
            });
        }
    }
    let created = api
        .create_agent(first)
        .await
        .with_context(|| format!("creating the agent '{}'", name_of(first)))?;
    for (i, spec) in versions.iter().enumerate().skip(1) {
        let saved = api
            .save_agent(&created.agent_id.to_string(), spec)
            .await
            .with_context(|| format!("saving version {} of '{name}'", i + 1))?;
        if usize::try_from(saved.version).ok() != Some(i + 1) {
            bail!(
                "saving version {} of '{name}': the API saved it as version {}",
                i + 1,
                saved.version
            );
        }
    }
    Ok(Saved {
        id: created.agent_id.to_string(),
        name,
        versions: count,
        reused: false,
    })
}

/// Whether agent `id`'s versions 1, 2, ... hold `versions`.
async fn same_versions(api: &Api, id: &str, versions: &[&Value]) -> anyhow::Result<bool> {
    for (version, spec) in (1u32..).zip(versions) {
        let stored = api.agent_version(id, version).await?;
        if !contains(&serde_json::to_value(&stored.spec)?, spec) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Whether `stored` holds everything `wanted` says: the same scalars, arrays of the same
/// length holding each other's items, objects with every key of `wanted` (the API adds the
/// defaults of the keys a file leaves out).
pub fn contains(stored: &Value, wanted: &Value) -> bool {
    match (stored, wanted) {
        (Value::Object(s), Value::Object(w)) => w
            .iter()
            .all(|(k, wv)| s.get(k).is_some_and(|sv| contains(sv, wv))),
        (Value::Array(s), Value::Array(w)) => {
            s.len() == w.len() && s.iter().zip(w).all(|(sv, wv)| contains(sv, wv))
        }
        (Value::Number(s), Value::Number(w)) => s.as_f64() == w.as_f64(),
        _ => stored == wanted,
    }
}

/// The dashboard's page of agent `id`.
pub fn dashboard_url(api: &str, id: &str) -> String {
    format!("{}/agents/{id}", api.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn files() -> AgentFiles {
        read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../sim/data/demo-agents"
        ))
        .unwrap()
    }

    fn greeting_languages(spec: &Value) -> Vec<&str> {
        spec["greetings"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect()
    }

    #[test]
    fn the_demo_agents_are_complete() {
        let f = files();
        for spec in [&f.energy_v1, &f.energy_v2, &f.software] {
            let name = name_of(spec);
            // Qualification questions of several types, knowledge, a meeting in English.
            let questions = spec["questions"].as_array().unwrap();
            assert!((2..=3).contains(&questions.len()), "{name}");
            let kinds: std::collections::HashSet<&str> = questions
                .iter()
                .map(|q| q["type"].as_str().unwrap())
                .collect();
            assert!(kinds.len() >= 3, "{name}: {kinds:?}");
            for q in questions {
                let id = q["id"].as_str().unwrap();
                assert!(
                    id.chars()
                        .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit()),
                    "{id}"
                );
                let text = q["text"].as_str().unwrap();
                // The simulated callers answer a question they recognise as one, and list the
                // options themselves: no brackets in the text.
                assert!(text.ends_with('?') && !text.contains('('), "{text}");
                match q["type"].as_str().unwrap() {
                    "number" => assert!(text.starts_with("How m"), "{text}"),
                    "one_of" => assert!(q["options"].as_array().unwrap().len() >= 2),
                    _ => assert!(q.get("options").is_none()),
                }
            }
            let docs = spec["knowledge"].as_array().unwrap();
            assert!(docs.len() >= 2, "{name}");
            let chars: usize = docs
                .iter()
                .map(|d| d["content"].as_str().unwrap().chars().count())
                .sum();
            assert!(chars < 16_000, "{name}: knowledge must stay inline");
            assert!(spec["meeting"]["title"]["en"].is_string(), "{name}");
            for lang in ["en", "fr", "he", "de", "es"] {
                assert!(
                    greeting_languages(spec).contains(&lang),
                    "{name}: no {lang} greeting"
                );
            }
        }
    }

    #[test]
    fn energy_v2_differs_in_pitch_only() {
        let f = files();
        let (v1, v2) = (&f.energy_v1, &f.energy_v2);
        assert_eq!(name_of(v1), name_of(v2));
        assert_ne!(v1["greetings"], v2["greetings"]);
        assert_ne!(v1["instructions"], v2["instructions"]);
        for same in ["business_name", "goal", "questions", "knowledge", "meeting"] {
            assert_eq!(v1[same], v2[same], "{same}");
        }
        // Every language of the demo leads gets each version's own greeting.
        assert_eq!(greeting_languages(v1), greeting_languages(v2));
        assert_eq!(greeting_languages(v1).len(), 15);
        assert_eq!(v1["business_name"], "Acme Solar");
    }

    #[test]
    fn the_software_agent_reads_lead_fields() {
        let f = files();
        let s = &f.software;
        assert_ne!(s["business_name"], f.energy_v1["business_name"]);
        let instructions = s["instructions"].as_str().unwrap();
        assert!(
            instructions.contains("{{ lead.fields.plan | default("),
            "{instructions}"
        );
        assert!(instructions.contains("lead.fields.seats"));
        assert_ne!(s["meeting"]["title"], f.energy_v1["meeting"]["title"]);
    }

    #[test]
    fn bad_files_are_refused() {
        assert!(check_shape(&json!([])).is_err());
        assert!(check_shape(&json!({"name": "x"})).is_err());
        let mut spec = files().software;
        check_shape(&spec).unwrap();
        spec["name"] = json!("");
        assert!(check_shape(&spec).is_err());
        assert!(read("/nonexistent").is_err());
    }

    #[test]
    fn stored_versions_match_with_defaults_added() {
        let file = json!({"name": "A", "questions": [{"id": "q", "type": "text"}],
                          "meeting": {"title": {"en": "T"}}, "n": 30});
        let stored = json!({"name": "A", "questions": [{"id": "q", "type": "text"}],
                            "meeting": {"title": {"en": "T"}, "minutes": 30},
                            "voices": {}, "n": 30.0});
        assert!(contains(&stored, &file));
        assert!(!contains(&file, &stored), "missing keys");
        let mut other = stored.clone();
        other["questions"] = json!([{"id": "q", "type": "text"}, {"id": "r", "type": "text"}]);
        assert!(!contains(&other, &file), "another question");
        other = stored;
        other["name"] = json!("B");
        assert!(!contains(&other, &file));
        assert_eq!(
            dashboard_url("http://127.0.0.1:8080/", "a1"),
            "http://127.0.0.1:8080/agents/a1"
        );
    }
}

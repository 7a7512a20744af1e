//! The agent the benchmarks call with: a small one by default, or one whose instructions and
//! inline knowledge add up to a given size, to measure what an agent's size costs a turn.

use callwright_domain::agent::AgentSpec;
use callwright_testkit::ApiClient;
use serde_json::{Value, json};

/// A complete agent of about `kb` kilobytes of instructions and knowledge (both inline: the
/// knowledge stays within the inline budget, so every turn's prompt carries all of it); `0`
/// for a small one.
pub fn spec(kb: usize) -> Value {
    let target = kb * 1024;
    let filler = |label: &str, chars: usize| -> String {
        let sentence = format!(
            "{label}: our installers survey the roof, size the panels to the bills and file the grid paperwork. "
        );
        sentence.repeat(chars / sentence.len() + 1)[..chars].to_owned()
    };
    // Two fifths instructions, three fifths knowledge, as a real agent might split them.
    let (instructions, knowledge) = if target == 0 {
        (
            "Offer {{ lead.first_name }} a free review of their energy bills and book it."
                .to_owned(),
            "The review is free; panels start at 49 euros a month.".to_owned(),
        )
    } else {
        (
            format!(
                "Offer {{{{ lead.first_name }}}} a free review of their energy bills and book it. {}",
                filler("Pitch", target * 2 / 5)
            ),
            filler("Fact", target * 3 / 5),
        )
    };
    json!({
        "name": format!("Bench agent ({kb} KB)"),
        "business_name": "Bench Solar",
        "goal": "a short review of your energy bills",
        "instructions": instructions,
        "knowledge": [{"title": "Facts", "format": "text", "content": knowledge}],
        "meeting": {"title": {"en": "Energy review"}, "minutes": 30}
    })
}

/// Saves `spec` through the API; returns the agent's id.
pub async fn create(api: &ApiClient, spec: &Value) -> anyhow::Result<String> {
    let spec: AgentSpec = serde_json::from_value(spec.clone())?;
    Ok(api.create_agent(&spec).await?.agent_id.to_string())
}

//! Custom search attributes, so the Temporal UI and `temporal workflow list --query` can filter
//! leads. They must be registered on the server (`scripts/temporal.sh` does it for the dev server).

use temporalio_common::search_attributes::SearchAttributeKey;

/// The campaign a lead workflow belongs to.
pub const CAMPAIGN_ID: SearchAttributeKey<String> = SearchAttributeKey::keyword("CampaignId");
/// The lead a workflow calls.
pub const LEAD_ID: SearchAttributeKey<String> = SearchAttributeKey::keyword("LeadId");
/// The language of the call (`en`, `he`, ...).
pub const LANGUAGE: SearchAttributeKey<String> = SearchAttributeKey::keyword("Language");
/// The latest attempt's outcome code.
pub const OUTCOME: SearchAttributeKey<String> = SearchAttributeKey::keyword("Outcome");
/// The current attempt number.
pub const ATTEMPT: SearchAttributeKey<i64> = SearchAttributeKey::int("Attempt");
/// Where the lead stands (`dialing`, `in_call`, `waiting_retry`, ...).
pub const LEAD_PHASE: SearchAttributeKey<String> = SearchAttributeKey::keyword("LeadPhase");

/// The agent that speaks on a lead's calls.
pub const AGENT_ID: SearchAttributeKey<String> = SearchAttributeKey::keyword("AgentId");
/// The agent's version (an A/B split gives leads different ones).
pub const AGENT_VERSION: SearchAttributeKey<i64> = SearchAttributeKey::int("AgentVersion");

/// Every custom attribute with its type, for registration.
pub const ALL: [(&str, &str); 8] = [
    ("CampaignId", "Keyword"),
    ("LeadId", "Keyword"),
    ("Language", "Keyword"),
    ("Outcome", "Keyword"),
    ("Attempt", "Int"),
    ("LeadPhase", "Keyword"),
    ("AgentId", "Keyword"),
    ("AgentVersion", "Int"),
];

/// The attributes a lead workflow starts with.
pub fn lead_attributes(
    campaign_id: Option<&str>,
    lead_id: &str,
    language: callwright_domain::Language,
    agent: &callwright_domain::agent::AgentRef,
) -> temporalio_common::search_attributes::SearchAttributes {
    let mut values = vec![
        LEAD_ID.value_set(lead_id.to_owned()),
        LANGUAGE.value_set(language.code().to_owned()),
        LEAD_PHASE.value_set("pending".to_owned()),
        AGENT_ID.value_set(agent.agent_id.clone()),
        AGENT_VERSION.value_set(i64::from(agent.version)),
    ];
    if let Some(campaign) = campaign_id {
        values.push(CAMPAIGN_ID.value_set(campaign.to_owned()));
    }
    temporalio_common::search_attributes::SearchAttributes::new(values)
}

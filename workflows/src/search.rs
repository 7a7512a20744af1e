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

/// Every custom attribute with its type, for registration.
pub const ALL: [(&str, &str); 6] = [
    ("CampaignId", "Keyword"),
    ("LeadId", "Keyword"),
    ("Language", "Keyword"),
    ("Outcome", "Keyword"),
    ("Attempt", "Int"),
    ("LeadPhase", "Keyword"),
];

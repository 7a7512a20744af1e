use super::*;
use crate::versions::AgentVersion;
use callwright_domain::agent::knowledge::{self, KnowledgeMode};
use callwright_domain::agent::{AgentRef, AgentSpec};
use callwright_domain::{E164, Language};

fn spec() -> AgentSpec {
    serde_json::from_value(json!({
        "name": "Solar",
        "business_name": "Acme Solar",
        "goal": "a 30-minute survey of your roof",
        "instructions": "Pitch the roof audit.",
        "questions": [
            {"id": "employees", "text": "How many people work there?", "type": "number"},
            {"id": "plan", "text": "Which plan are you on?", "type": "one_of", "options": ["basic", "pro"]}
        ],
        "knowledge": [{"title": "Pricing", "content": "Panels start at 49 euros a month."}],
        "meeting": {"title": {"en": "Roof survey"}}
    }))
    .expect("spec")
}

fn version(spec: AgentSpec) -> AgentVersion {
    let mode = knowledge::mode(&spec.knowledge);
    AgentVersion {
        agent: AgentRef {
            agent_id: "a".into(),
            version: 1,
        },
        preamble: preamble(&spec, mode),
        spec,
        mode,
        passages: vec![],
        vectors: vec![],
        embedding_model: None,
    }
}

fn lead() -> LeadProfile {
    LeadProfile {
        lead_id: "l".into(),
        name: "Dana".into(),
        phone: Some(E164::parse("+972527654321", None).expect("phone")),
        language: Language::He,
        timezone: chrono_tz::Asia::Jerusalem,
        window_timezones: vec![],
        email: None,
        company: None,
        fields: Default::default(),
    }
}

fn now() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-11-24T12:00:00+02:00").expect("time")
}

#[test]
fn the_prompt_runs_from_the_agent_to_this_turn() {
    let agent = version(spec());
    let p = system_prompt(&agent, &lead(), "Pitch the roof audit.", now(), &[], None);
    let at = |needle: &str| {
        p.find(needle)
            .unwrap_or_else(|| panic!("no {needle:?} in {p}"))
    };
    // Unchanging first (cacheable), then the call, then the turn.
    assert!(at("Business: Acme Solar") < at("## Qualification questions"));
    assert!(at("## Qualification questions") < at("## Knowledge"));
    assert!(at("### Pricing\nPanels start at 49 euros a month.") < at("## Booking and tools"));
    assert!(at("## Booking and tools") < at("## Instructions\nPitch the roof audit."));
    assert!(at("## Instructions") < at("## This call"));
    assert!(at("## This call") < at("Current local time for the callee"));
    assert!(p.starts_with(&agent.preamble));
    assert!(p.contains("- employees (number): How many people work there?"));
    assert!(p.contains("- plan (one of: basic | pro): Which plan are you on?"));
    assert!(p.contains("Goal: a 30-minute survey of your roof"));
    assert!(p.contains("Conversation language: he-IL"));
    assert!(p.contains("Language recognised in the callee's last words: not recognised"));
    assert!(p.contains("Current local time for the callee: 2026-11-24T12:00:00+02:00 (Tuesday)"));
    assert!(p.contains("Callee email on file: none"));
    assert!(p.contains("Offered slots: none"));
    assert!(p.contains("Always answer in Hebrew"));
    let heard = system_prompt(&agent, &lead(), "x", now(), &[], Some(Language::En));
    assert!(heard.contains("Language recognised in the callee's last words: English"));
}

#[test]
fn offered_slots_are_listed_in_the_leads_offset() {
    let agent = version(spec());
    let slot = OfferedSlot {
        id: "s1".into(),
        start: DateTime::parse_from_rfc3339("2026-11-26T13:00:00Z")
            .expect("t")
            .with_timezone(&Utc),
        end: DateTime::parse_from_rfc3339("2026-11-26T13:30:00Z")
            .expect("t")
            .with_timezone(&Utc),
        label: "יום חמישי, 26 בנובמבר בשעה 15:00".into(),
    };
    let p = system_prompt(&agent, &lead(), "x", now(), &[slot], None);
    assert!(
        p.contains(
            "Offered slots:\n- s1: 2026-11-26T15:00:00+02:00 | יום חמישי, 26 בנובמבר בשעה 15:00"
        ),
        "{p}"
    );
}

#[test]
fn large_knowledge_is_searched_not_inlined() {
    let mut spec = spec();
    spec.knowledge[0].content = "Warranty facts. ".repeat(2_000);
    let agent = version(spec);
    assert_eq!(agent.mode, KnowledgeMode::Search);
    assert!(agent.preamble.contains("call search_knowledge"));
    assert!(!agent.preamble.contains("Warranty facts."));
    let names: Vec<&str> = tools(false, true).iter().map(|t| t.name).collect();
    assert!(names.contains(&"search_knowledge"));
    let names: Vec<&str> = tools(false, false).iter().map(|t| t.name).collect();
    assert!(!names.contains(&"search_knowledge") && !names.contains(&"transfer_to_human"));
    // No knowledge at all: the agent says it does not know.
    let mut spec = self::spec();
    spec.knowledge.clear();
    spec.questions.clear();
    let agent = version(spec);
    assert!(
        agent
            .preamble
            .contains("You have no documents about Acme Solar")
    );
    assert!(!agent.preamble.contains("Qualification questions"));
}

#[test]
fn summaries_ask_for_the_agents_answers() {
    let questions = spec().questions;
    let m = summary_messages(Language::Fr, &questions, "Agent: hi\nLead: hello");
    assert!(m[0].content.contains("Conversation language: fr"));
    assert!(
        m[0].content
            .contains("- employees (number): How many people work there?")
    );
    let tool = summary_tool(&questions);
    assert_eq!(
        tool.parameters["properties"]["answers"]["properties"]["plan"]["enum"],
        json!(["basic", "pro"])
    );
}

#[test]
fn parses_tool_calls_into_actions() {
    fn call(name: &str, args: serde_json::Value) -> ToolCall {
        ToolCall {
            id: "call_1".into(),
            name: name.into(),
            arguments: args,
        }
    }
    let now = DateTime::parse_from_rfc3339("2026-11-24T10:00:00Z")
        .expect("t")
        .with_timezone(&Utc);
    assert_eq!(
        parse_action(&[call("opt_out", json!(null))], now),
        Some(AgentAction::OptOut)
    );
    let later = call(
        "schedule_callback",
        json!({"callback_at": "2026-11-25T17:00:00+02:00"}),
    );
    assert!(matches!(
        parse_action(&[later], now),
        Some(AgentAction::ScheduleCallback { .. })
    ));
    let past = call(
        "schedule_callback",
        json!({"callback_at": "2020-01-01T10:00:00Z"}),
    );
    assert_eq!(parse_action(&[past], now), None);
    let bad = call("schedule_callback", json!({"callback_at": "tomorrow"}));
    assert_eq!(parse_action(&[bad], now), None);
    assert_eq!(parse_action(&[call("unknown_tool", json!({}))], now), None);
    assert_eq!(
        parse_action(&[call("end_call", json!({"reason": "wrong_person"}))], now),
        Some(AgentAction::EndCall {
            reason: EndCallReason::WrongPerson
        })
    );
}

#[test]
fn a_line_the_callee_cut_off_is_given_as_heard_then_noted() {
    let at = Utc::now();
    let line = |index, speaker, text: &str, heard: Option<&str>| Turn {
        index,
        speaker,
        text: text.to_owned(),
        at,
        confidence: None,
        language: Some(Language::En),
        heard: heard.map(str::to_owned),
    };
    let turns = [
        line(
            0,
            Speaker::Agent,
            "Hello, this is Acme's AI assistant.",
            None,
        ),
        line(1, Speaker::Callee, "Hi.", None),
        line(
            2,
            Speaker::Agent,
            "We could meet on Thursday at three or Friday at ten.",
            Some("We could meet on Thursday"),
        ),
        line(3, Speaker::Callee, "Thursday works.", None),
    ];
    let out: Vec<(String, String)> = messages("rules".into(), &turns)
        .into_iter()
        .map(|m| (m.role, m.content))
        .collect();
    let expected = [
        ("system", "rules"),
        ("assistant", "Hello, this is Acme's AI assistant."),
        ("user", "Hi."),
        ("assistant", "We could meet on Thursday"),
        ("system", CUT_OFF_NOTE),
        ("user", "Thursday works."),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(r, c)| ((*r).to_owned(), (*c).to_owned()))
        .collect();
    assert_eq!(out, expected);
}

use super::knowledge::{self, KnowledgeMode};
use super::template::{self, TemplateVars};
use super::*;
use crate::phrases::phrases;
use crate::{E164, LeadProfile};
use chrono::{DateTime, Utc};
use serde_json::json;

/// A complete agent, as the API would receive it.
pub(crate) fn sample() -> AgentSpec {
    serde_json::from_value(json!({
        "name": "Solar pitch",
        "business_name": "Acme Solar",
        "goal": "a 30-minute survey of your roof",
        "instructions": "Call {{ lead.first_name }} about {{ lead.fields.plan | default('their plan') }}.",
        "greetings": {"en": "I'm calling about your roof, {{ lead.first_name }}."},
        "questions": [
            {"id": "employees", "text": "How many people work there?", "type": "number"},
            {"id": "owner", "text": "Do you own the building?", "type": "boolean"},
            {"id": "plan", "text": "Which plan are you on?", "type": "one_of", "options": ["basic", "pro"]},
            {"id": "pain", "text": "What bothers you most?", "type": "text"}
        ],
        "knowledge": [{"title": "Pricing", "content": "Panels start at 49 euros a month."}],
        "meeting": {"title": {"en": "Roof survey with {{ business }}", "fr": "Visite du toit"}, "minutes": 45}
    }))
    .expect("sample agent")
}

fn lead() -> LeadProfile {
    LeadProfile {
        lead_id: "l1".into(),
        name: "Dana Levi".into(),
        phone: Some(E164::parse("+14155550100", None).expect("phone")),
        language: Language::En,
        timezone: chrono_tz::America::Los_Angeles,
        window_timezones: vec![],
        email: None,
        company: Some("Levi & Co".into()),
        fields: [("plan".to_owned(), json!("Pro 2"))].into_iter().collect(),
    }
}

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-24T17:05:00Z")
        .expect("time")
        .with_timezone(&Utc)
}

#[test]
fn a_complete_agent_is_valid_and_round_trips() {
    let spec = sample();
    spec.validate().expect("valid");
    let json = serde_json::to_value(&spec).expect("serialise");
    assert_eq!(json["questions"][2]["type"], "one_of");
    assert_eq!(json["questions"][2]["options"][1], "pro");
    assert_eq!(json["meeting"]["title"]["fr"], "Visite du toit");
    let back: AgentSpec = serde_json::from_value(json).expect("deserialise");
    assert_eq!(back, spec);
}

#[test]
fn templates_render_lead_values_with_fallbacks() {
    let spec = sample();
    let vars = TemplateVars::new(&spec, &lead(), Language::En, now());
    assert_eq!(render(&spec.instructions, &vars), "Call Dana about Pro 2.");
    // A lead without the column gets the template's default; without a default, nothing.
    let mut other = lead();
    other.fields.clear();
    other.company = None;
    let vars = TemplateVars::new(&spec, &other, Language::En, now());
    assert_eq!(
        render(&spec.instructions, &vars),
        "Call Dana about their plan."
    );
    assert_eq!(render("[{{ lead.company }}]", &vars), "[]");
    assert_eq!(render("[{{ lead.fields.missing }}]", &vars), "[]");
    // Local time is the lead's own (17:05 UTC is 09:05 in Los Angeles in November).
    assert_eq!(
        render(
            "{{ lead.local_time }} {{ lead.local_date }} {% if lead.local_hour < 12 %}morning{% endif %}",
            &vars
        ),
        "09:05 2026-11-24 morning"
    );
    assert_eq!(
        render("{{ meeting.minutes }} min with {{ business }}", &vars),
        "45 min with Acme Solar"
    );
    // Nothing is HTML-escaped: this is speech.
    let vars = TemplateVars::new(&spec, &lead(), Language::En, now());
    assert_eq!(render("{{ lead.company }}", &vars), "Levi & Co");
    // Strict rendering (the preview) names what the lead lacks.
    let err = template::render_strict("{{ lead.fields.missing }}", &vars).expect_err("strict");
    assert!(err.contains("undefined"), "{err}");
}

#[test]
fn unknown_variables_and_broken_templates_are_refused_naming_the_field() {
    let mut spec = sample();
    spec.instructions = "Hi {{ lead.nmae }}".into();
    let err = spec.validate().expect_err("unknown variable");
    assert_eq!(err.field, "instructions");
    assert!(err.message.contains("lead.nmae"), "{err}");
    let mut spec = sample();
    spec.greetings
        .insert(Language::Fr, "Bonjour {{ plan }}".into());
    let err = spec.validate().expect_err("unknown variable");
    assert_eq!(err.field, "greetings.fr");
    assert!(err.message.contains("`plan`"), "{err}");
    let mut spec = sample();
    spec.meeting
        .description
        .insert(Language::En, "{% if lead.name %}unclosed".into());
    let err = spec.validate().expect_err("does not parse");
    assert_eq!(err.field, "meeting.description.en");
    assert!(err.message.contains("does not parse"), "{err}");
    // Loops, builtins and lead columns of any name are fine.
    let mut spec = sample();
    spec.instructions =
        "{% for i in range(2) %}{{ i }}{% endfor %} {{ lead.fields['Contract end'] }} {{ lead.fields.x.y }}"
            .into();
    spec.validate().expect("valid");
}

#[test]
fn a_runaway_or_failing_template_renders_as_nothing_and_the_greeting_falls_back() {
    let mut spec = sample();
    let vars = TemplateVars::new(&spec, &lead(), Language::En, now());
    let source =
        "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}";
    assert_eq!(render(source, &vars), "");
    // Arithmetic on a text field fails for this lead: nothing of the template is said.
    spec.greetings
        .insert(Language::En, "{{ lead.fields.plan - 1 }} seats".into());
    spec.validate().expect("valid at save");
    let text = opening(&spec, Language::En, &vars, phrases(Language::En));
    assert!(
        text.ends_with(phrases(Language::En).opener.as_str()),
        "{text}"
    );
    // Output is bounded whatever the template.
    let huge = render("{{ 'x' * 100000 }}", &vars);
    assert_eq!(huge.chars().count(), template::MAX_RENDERED);
}

#[test]
fn limits_are_enforced_naming_the_field() {
    type Change = Box<dyn Fn(&mut AgentSpec)>;
    let cases: Vec<(Change, &str)> = vec![
        (
            Box::new(|s| s.instructions = "x".repeat(20_001)),
            "instructions",
        ),
        (Box::new(|s| s.name = " ".into()), "name"),
        (Box::new(|s| s.goal = String::new()), "goal"),
        (
            Box::new(|s| s.questions[0].id = "Bad Id".into()),
            "questions[0].id",
        ),
        (
            Box::new(|s| s.questions[1].id = "employees".into()),
            "questions[1].id",
        ),
        (
            Box::new(|s| s.questions[2].options = vec!["a".into()]),
            "questions[2].options",
        ),
        (
            Box::new(|s| s.questions[2].options = vec!["Basic".into(), "basic".into()]),
            "questions[2].options[1]",
        ),
        (
            Box::new(|s| s.knowledge[0].content = "a\0b".into()),
            "knowledge[0].content",
        ),
        (
            Box::new(|s| s.knowledge[0].content = "x".repeat(200_001)),
            "knowledge[0].content",
        ),
        (
            Box::new(|s| {
                s.knowledge = (0..6)
                    .map(|i| KnowledgeDoc {
                        title: format!("d{i}"),
                        format: DocFormat::Text,
                        content: "x".repeat(190_000),
                    })
                    .collect()
            }),
            "knowledge",
        ),
        (Box::new(|s| s.meeting.minutes = 5), "meeting.minutes"),
        (
            Box::new(|s| s.questions[0].options = vec!["x".into()]),
            "questions[0].options",
        ),
        (
            Box::new(|s| {
                s.meeting.title.remove(&Language::En);
            }),
            "meeting.title.en",
        ),
        (Box::new(|s| s.temperature = Some(2.5)), "temperature"),
        (
            Box::new(|s| {
                s.voices.insert(
                    Language::He,
                    VoiceOverride {
                        tts_voice: Some("bad voice!".into()),
                        say_voice: None,
                    },
                );
            }),
            "voices.he.tts_voice",
        ),
    ];
    for (change, field) in cases {
        let mut spec = sample();
        change(&mut spec);
        let err = spec.validate().expect_err(field);
        assert_eq!(err.field, field, "{err}");
    }
}

#[test]
fn unknown_fields_and_bad_types_fail_to_decode() {
    let mut json = serde_json::to_value(sample()).expect("json");
    json["pitch"] = json!("x");
    assert!(serde_json::from_value::<AgentSpec>(json).is_err());
    let mut json = serde_json::to_value(sample()).expect("json");
    json["questions"][0]["type"] = json!("date");
    assert!(serde_json::from_value::<AgentSpec>(json).is_err());
    let mut json = serde_json::to_value(sample()).expect("json");
    json["greetings"] = json!({"xx": "hello"});
    assert!(serde_json::from_value::<AgentSpec>(json).is_err());
}

#[test]
fn answers_are_held_to_their_types() {
    let q: Vec<AnswerType> = sample().questions.iter().map(Question::answer).collect();
    assert_eq!(q[0].coerce(&json!(42)), Some(json!(42)));
    assert_eq!(q[0].coerce(&json!("12,5")), Some(json!(12.5)));
    assert_eq!(q[0].coerce(&json!("1,200")), Some(json!(1200)));
    assert_eq!(q[0].coerce(&json!("about 1.200,50 €")), Some(json!(1200.5)));
    assert_eq!(q[0].coerce(&json!("€ 1 200")), Some(json!(1200)));
    assert_eq!(q[0].coerce(&json!("1,234.5")), Some(json!(1234.5)));
    assert_eq!(q[0].coerce(&json!("a dozen")), None);
    assert_eq!(q[1].coerce(&json!(true)), Some(json!(true)));
    assert_eq!(q[1].coerce(&json!("yes")), None);
    assert_eq!(q[2].coerce(&json!("PRO")), Some(json!("pro")));
    assert_eq!(q[2].coerce(&json!("gold")), None);
    assert_eq!(
        q[3].coerce(&json!("  The bills ")),
        Some(json!("The bills"))
    );
    assert_eq!(q[3].coerce(&json!(" ")), None);
    assert_eq!(q[2].prompt_label(), "one of: basic | pro");
    assert_eq!(q[2].json_schema()["enum"], json!(["basic", "pro"]));
}

#[test]
fn every_call_opens_with_the_disclosure_whatever_the_greeting() {
    let spec = sample();
    for language in Language::ALL {
        let p = phrases(language);
        let vars = TemplateVars::new(&spec, &lead(), language, now());
        let opening = opening(&spec, language, &vars, p);
        let disclosure = crate::phrases::fill(&p.disclosure, "Dana Levi", "Acme Solar");
        assert!(opening.starts_with(&disclosure), "{language}: {opening}");
        if language == Language::En {
            assert!(
                opening.ends_with("I'm calling about your roof, Dana."),
                "{opening}"
            );
        } else {
            // No greeting in that language: the neutral opener, never English.
            assert!(
                opening.ends_with(p.opener.as_str()),
                "{language}: {opening}"
            );
        }
    }
    // A greeting that says nothing of the law still comes after the disclosure.
    let mut spec = sample();
    spec.greetings.insert(Language::En, "Hi! Quick one.".into());
    let vars = TemplateVars::new(&spec, &lead(), Language::En, now());
    let text = opening(&spec, Language::En, &vars, phrases(Language::En));
    assert_eq!(
        text,
        "Hello Dana Levi, this is the AI assistant of Acme Solar. This call is recorded. Hi! Quick one."
    );
}

#[test]
fn localized_texts_fall_back_to_the_agents_language() {
    let spec = sample();
    assert_eq!(
        spec.localized(&spec.meeting.title, Language::Fr),
        Some("Visite du toit")
    );
    assert_eq!(
        spec.localized(&spec.meeting.title, Language::He),
        Some("Roof survey with {{ business }}")
    );
    assert_eq!(
        spec.localized(&spec.meeting.description, Language::He),
        None
    );
}

#[test]
fn splits_pick_by_weight_and_always_the_same_for_a_lead() {
    let plan = AgentPlan {
        agent_id: "a".into(),
        variants: vec![
            Variant {
                version: 1,
                weight: 70,
            },
            Variant {
                version: 2,
                weight: 30,
            },
        ],
    };
    plan.validate().expect("valid");
    let ids: Vec<String> = (0..10_000)
        .map(|i| format!("00000000-0000-4000-8000-{i:012}"))
        .collect();
    let ones = ids.iter().filter(|id| plan.pick(id) == 1).count();
    // 7,000 expected; the binomial standard deviation is about 46.
    assert!((6_800..=7_200).contains(&ones), "{ones}");
    for id in &ids[..100] {
        assert_eq!(plan.pick(id), plan.pick(id));
    }
    // Fixed values: the pick must never change with a new release (running leads keep theirs).
    assert_eq!(
        plan.pick("4f1c2a3e-0000-4000-8000-000000000001"),
        plan.pick("4f1c2a3e-0000-4000-8000-000000000001")
    );
    let single = AgentPlan::single("a", 4);
    assert!(ids.iter().all(|id| single.pick(id) == 4));
}

#[test]
fn bad_splits_are_refused() {
    let plan = |variants: Vec<(u32, u32)>| AgentPlan {
        agent_id: "a".into(),
        variants: variants
            .into_iter()
            .map(|(version, weight)| Variant { version, weight })
            .collect(),
    };
    assert_eq!(plan(vec![]).validate(), Err(PlanError::Empty));
    assert_eq!(
        plan(vec![(1, 1), (2, 0)]).validate(),
        Err(PlanError::ZeroWeight(1))
    );
    assert_eq!(
        plan(vec![(1, 1), (1, 2)]).validate(),
        Err(PlanError::Duplicate(1, 1))
    );
}

#[test]
fn small_knowledge_is_inline_and_large_is_cut_into_passages() {
    let spec = sample();
    assert_eq!(knowledge::mode(&spec.knowledge), KnowledgeMode::Inline);
    assert_eq!(knowledge::mode(&[]), KnowledgeMode::None);
    let paragraph = "Our panels carry a twenty-five year warranty. ".repeat(10);
    let doc = KnowledgeDoc {
        title: "Manual".into(),
        format: DocFormat::Markdown,
        content: vec![paragraph.as_str(); 60].join("\n\n"),
    };
    let docs = vec![doc];
    assert_eq!(knowledge::mode(&docs), KnowledgeMode::Search);
    let passages = knowledge::passages(&docs);
    assert!(passages.len() > 20, "{}", passages.len());
    for p in &passages {
        assert_eq!(p.source, "Manual");
        assert!(!p.text.trim().is_empty());
        assert!(
            p.text.chars().count() <= knowledge::PASSAGE_CHARS,
            "{}",
            p.text.len()
        );
    }
    // Nothing is lost.
    let kept: usize = passages
        .iter()
        .map(|p| p.text.matches("warranty").count())
        .sum();
    assert_eq!(kept, 600);
    // A paragraph longer than a passage is split at sentence ends.
    let long = KnowledgeDoc {
        title: "Long".into(),
        format: DocFormat::Text,
        content: "Sentence number one is here. ".repeat(100),
    };
    let cut = knowledge::passages(std::slice::from_ref(&long));
    assert!(cut.len() >= 4);
    assert!(cut.iter().all(|p| p.text.ends_with('.')));
}

#[test]
fn nearest_passages_by_cosine() {
    let vectors = vec![vec![1.0, 0.0], vec![0.0, 1.0], vec![0.7, 0.7]];
    assert_eq!(knowledge::nearest(&[0.9, 0.1], &vectors, 2), vec![0, 2]);
    assert_eq!(knowledge::cosine(&[1.0], &[1.0, 0.0]), 0.0);
    assert_eq!(knowledge::cosine(&[0.0, 0.0], &[1.0, 0.0]), 0.0);
}

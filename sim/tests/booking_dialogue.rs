//! The booking protocol against the scripted model over HTTP: round by round
//! (check_availability → offer → book_meeting → email_needed → slot_taken →
//! booked), and whole dialogues between the scripted callees and a small fake
//! product with a calendar that loses a race on the first booking.

#![allow(clippy::unwrap_used, missing_docs)]

use callwright_sim::personas::{MAX_EXCHANGES, Persona, Reply};
use callwright_sim::{Sim, SimConfig};
use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveTime, TimeZone};
use serde_json::{Value, json};

async fn start_sim() -> String {
    let sim = Sim::build(SimConfig::for_tests(0.01)).await.unwrap();
    let base = sim.base_url();
    sim.spawn();
    base
}

fn tools() -> Value {
    json!([
        {"type": "function", "function": {"name": "check_availability", "description": "Find free meeting slots.",
            "parameters": {"type": "object", "properties": {
                "day": {"type": "string", "description": "YYYY-MM-DD, callee-local date to search from"},
                "time": {"type": "string", "description": "HH:MM, callee-local preferred time"}}}}},
        {"type": "function", "function": {"name": "book_meeting", "description": "Book an offered slot.",
            "parameters": {"type": "object", "required": ["slot_id"], "properties": {
                "slot_id": {"type": "string"}, "email": {"type": "string"}}}}},
        {"type": "function", "function": {"name": "schedule_callback", "description": "Call back later.",
            "parameters": {"type": "object", "required": ["callback_at"], "properties": {"callback_at": {"type": "string"}}}}},
        {"type": "function", "function": {"name": "opt_out", "description": "Never call again.",
            "parameters": {"type": "object", "properties": {}}}},
        {"type": "function", "function": {"name": "end_call", "description": "End the call.",
            "parameters": {"type": "object", "required": ["reason"], "properties": {"reason": {"type": "string"}}}}}
    ])
}

#[derive(Debug, Clone)]
struct Slot {
    id: String,
    start: DateTime<FixedOffset>,
    label: String,
}

impl Slot {
    fn json(&self) -> Value {
        json!({"id": self.id, "start": self.start.to_rfc3339(), "label": self.label})
    }
}

fn system(lang: &str, email: Option<&str>, offered: &[Slot]) -> String {
    let mut prompt = format!(
        "You are Alex, calling on behalf of Callwright. Book a short meeting.\n\
         Conversation language: {lang}\n\
         Current local time for the callee: 2026-11-24T12:00:00+02:00 (Tuesday)\n\
         Callee email on file: {}\n",
        email.unwrap_or("none")
    );
    if offered.is_empty() {
        prompt.push_str("Offered slots: none\n");
    } else {
        prompt.push_str("Offered slots:\n");
        for s in offered {
            prompt.push_str(&format!(
                "- {}: {} | {}\n",
                s.id,
                s.start.to_rfc3339(),
                s.label
            ));
        }
    }
    prompt.push_str("Be brief and polite.");
    prompt
}

async fn chat(sim: &str, messages: &[Value]) -> Value {
    chat_with(sim, messages, tools()).await
}

async fn chat_with(sim: &str, messages: &[Value], tools: Value) -> Value {
    let response = reqwest::Client::new()
        .post(format!("{sim}/v1/chat/completions"))
        .json(&json!({"model": "gpt-4o-mini", "messages": messages, "tools": tools, "temperature": 0.3}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    body["choices"][0]["message"].clone()
}

/// The single tool call of `message`: name, parsed arguments, id.
fn call(message: &Value) -> (String, Value, String) {
    let calls = message["tool_calls"].as_array().expect("tool_calls");
    assert_eq!(calls.len(), 1, "{message}");
    let f = &calls[0]["function"];
    (
        f["name"].as_str().unwrap().to_owned(),
        serde_json::from_str(f["arguments"].as_str().unwrap()).unwrap(),
        calls[0]["id"].as_str().unwrap().to_owned(),
    )
}

fn content(message: &Value) -> String {
    assert!(message.get("tool_calls").is_none(), "{message}");
    message["content"].as_str().unwrap().to_owned()
}

fn tool_result(id: &str, result: &Value) -> Value {
    json!({"role": "tool", "tool_call_id": id, "content": result.to_string()})
}

fn at(text: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(text).unwrap()
}

fn slot(id: &str, start: &str, label: &str) -> Slot {
    Slot {
        id: id.to_owned(),
        start: at(start),
        label: label.to_owned(),
    }
}

#[tokio::test]
async fn hebrew_booking_round_by_round() {
    let sim = start_sim().await;
    let first = vec![
        slot(
            "s1",
            "2026-11-26T15:00:00+02:00",
            "יום חמישי 26 בנובמבר ב-15:00",
        ),
        slot(
            "s2",
            "2026-11-26T17:00:00+02:00",
            "יום חמישי 26 בנובמבר ב-17:00",
        ),
        slot(
            "s3",
            "2026-11-27T09:00:00+02:00",
            "יום שישי 27 בנובמבר ב-09:00",
        ),
    ];
    let fresh = vec![
        slot(
            "s4",
            "2026-11-27T11:00:00+02:00",
            "יום שישי 27 בנובמבר ב-11:00",
        ),
        slot(
            "s5",
            "2026-11-27T13:00:00+02:00",
            "יום שישי 27 בנובמבר ב-13:00",
        ),
    ];
    let mut messages = vec![
        json!({"role": "system", "content": system("he-IL", None, &[])}),
        json!({"role": "assistant", "content": "שלום! כאן אלכס מ-Callwright. יש לך דקה?"}),
        json!({"role": "user", "content": "כן, זה נשמע מעניין. מה דעתך על יום חמישי ב-3 אחר הצהריים?"}),
    ];

    // Turn 1, round 1: interest with a time → check_availability around it.
    let reply = chat(&sim, &messages).await;
    let (name, args, id) = call(&reply);
    assert_eq!(name, "check_availability");
    assert_eq!(args, json!({"day": "2026-11-26", "time": "15:00"}));
    messages.push(reply);
    messages.push(tool_result(
        &id,
        &json!({"tool": "check_availability", "slots": first.iter().map(Slot::json).collect::<Vec<_>>()}),
    ));
    // Round 2: the offer, in Hebrew, with every label.
    let reply = chat(&sim, &messages).await;
    let offer = content(&reply);
    for s in &first {
        assert!(offer.contains(&s.label), "{offer}");
    }
    assert!(offer.contains("אני יכול להציע"), "{offer}");
    messages.push(reply);

    // Turn 2: the callee picks the second slot; no email on file.
    messages[0] = json!({"role": "system", "content": system("he-IL", None, &first)});
    messages.push(json!({"role": "user", "content": "השני, בבקשה."}));
    let reply = chat(&sim, &messages).await;
    let (name, args, id) = call(&reply);
    assert_eq!(
        (name.as_str(), args),
        ("book_meeting", json!({"slot_id": "s2"}))
    );
    messages.push(reply);
    messages.push(tool_result(
        &id,
        &json!({"tool": "book_meeting", "booked": false, "reason": "email_needed"}),
    ));
    let reply = chat(&sim, &messages).await;
    assert!(content(&reply).contains("כתובת מייל"), "{reply}");
    messages.push(reply);

    // Turn 3: the email alone books the slot picked before; the slot was taken meanwhile.
    messages.push(json!({"role": "user", "content": "המייל שלי הוא dana@example.com"}));
    let reply = chat(&sim, &messages).await;
    let (name, args, id) = call(&reply);
    assert_eq!(name, "book_meeting");
    assert_eq!(args, json!({"slot_id": "s2", "email": "dana@example.com"}));
    messages.push(reply);
    messages.push(tool_result(
        &id,
        &json!({"tool": "book_meeting", "booked": false, "reason": "slot_taken", "taken": first[1].label,
                "slots": fresh.iter().map(Slot::json).collect::<Vec<_>>()}),
    ));
    let reply = chat(&sim, &messages).await;
    let sorry = content(&reply);
    assert!(sorry.contains(&first[1].label), "{sorry}");
    assert!(
        sorry.contains(&fresh[0].label) && sorry.contains(&fresh[1].label),
        "{sorry}"
    );
    messages.push(reply);

    // Turn 4: picks from the fresh offer; the email given earlier is passed again.
    messages[0] = json!({"role": "system", "content": system("he-IL", None, &fresh)});
    messages.push(json!({"role": "user", "content": "אז הראשון"}));
    let reply = chat(&sim, &messages).await;
    let (name, args, id) = call(&reply);
    assert_eq!(name, "book_meeting");
    assert_eq!(args, json!({"slot_id": "s4", "email": "dana@example.com"}));
    messages.push(reply);
    messages.push(tool_result(
        &id,
        &json!({"tool": "book_meeting", "booked": true, "label": fresh[0].label, "email": "dana@example.com"}),
    ));
    let reply = chat(&sim, &messages).await;
    let done = content(&reply);
    assert!(
        done.contains(&fresh[0].label)
            && done.contains("dana@example.com")
            && done.contains("להתראות"),
        "{done}"
    );
}

#[tokio::test]
async fn another_day_then_nothing_free_then_callback() {
    let sim = start_sim().await;
    let offered = vec![
        slot(
            "a",
            "2026-11-26T15:00:00+02:00",
            "Thursday 26 November at 15:00",
        ),
        slot(
            "b",
            "2026-11-26T17:00:00+02:00",
            "Thursday 26 November at 17:00",
        ),
        slot(
            "c",
            "2026-11-27T09:00:00+02:00",
            "Friday 27 November at 09:00",
        ),
    ];
    let mut messages = vec![
        json!({"role": "system", "content": system("en-US", Some("dana@example.com"), &offered)}),
        json!({"role": "assistant", "content": "I can offer Thursday 26 November at 15:00, Thursday 26 November at 17:00 or Friday 27 November at 09:00. Which suits you best?"}),
        json!({"role": "user", "content": "None of those work, do you have another day?"}),
    ];
    let reply = chat(&sim, &messages).await;
    let (name, args, id) = call(&reply);
    assert_eq!(name, "check_availability");
    assert_eq!(args, json!({"day": "2026-11-28"}));
    messages.push(reply);
    messages.push(tool_result(
        &id,
        &json!({"tool": "check_availability", "slots": []}),
    ));
    let reply = chat(&sim, &messages).await;
    let sorry = content(&reply);
    assert!(
        sorry.contains("no free times") && sorry.contains("call you back"),
        "{sorry}"
    );
    messages.push(reply);

    messages[0] =
        json!({"role": "system", "content": system("en-US", Some("dana@example.com"), &[])});
    messages.push(json!({"role": "user", "content": "Then please call me back tomorrow at 5 pm."}));
    let reply = chat(&sim, &messages).await;
    let (name, args, _) = call(&reply);
    assert_eq!(name, "schedule_callback");
    assert_eq!(args, json!({"callback_at": "2026-11-25T17:00:00+02:00"}));

    // A spoken time matching an offered slot books it; the email on file is the product's business.
    messages.truncate(2);
    messages[0] =
        json!({"role": "system", "content": system("en-US", Some("dana@example.com"), &offered)});
    messages.push(json!({"role": "user", "content": "Friday at 9 works for me."}));
    let (name, args, _) = call(&chat(&sim, &messages).await);
    assert_eq!(
        (name.as_str(), args),
        ("book_meeting", json!({"slot_id": "c"}))
    );
}

/// A fake product: a calendar with three slots a day (09:00, 15:00, 17:00),
/// the first booking attempt of a call loses a race, the tool loop of up to 3
/// rounds per turn.
struct Product {
    lang: &'static str,
    email_on_file: Option<String>,
    offered: Vec<Slot>,
    taken: Vec<String>,
    raced: bool,
    booked: Option<(String, String)>,
    messages: Vec<Value>,
    tools_called: Vec<String>,
    agent: Option<Agent>,
    first_search: Option<Value>,
}

impl Product {
    fn new(lang: &'static str, email_on_file: Option<&str>) -> Self {
        Self {
            lang,
            email_on_file: email_on_file.map(str::to_owned),
            offered: Vec::new(),
            taken: Vec::new(),
            raced: false,
            booked: None,
            messages: Vec::new(),
            tools_called: Vec::new(),
            agent: None,
            first_search: None,
        }
    }

    fn system(&self) -> String {
        let call = system(self.lang, self.email_on_file.as_deref(), &self.offered);
        match &self.agent {
            Some(agent) => format!(
                "{}\n## This call\nCallee: Dana Levi of Acme Ltd\n{call}",
                agent.prompt()
            ),
            None => call,
        }
    }

    fn tools(&self) -> Value {
        let mut tools = tools();
        if self.agent.as_ref().is_some_and(|a| a.search) {
            tools.as_array_mut().unwrap().push(json!({"type": "function", "function": {
                "name": "search_knowledge", "description": "Search the knowledge.",
                "parameters": {"type": "object", "required": ["query"], "properties": {"query": {"type": "string"}}}}}));
        }
        tools
    }

    fn free_slots(&self, day: NaiveDate, time: Option<NaiveTime>) -> Vec<Slot> {
        let offset = FixedOffset::east_opt(2 * 3600).unwrap();
        let from = offset
            .from_local_datetime(&day.and_time(time.unwrap_or_default()))
            .unwrap();
        let mut slots = Vec::new();
        for d in 0..10 {
            for hour in [9, 15, 17] {
                let date = day + Duration::days(d);
                let start = offset
                    .from_local_datetime(&date.and_hms_opt(hour, 0, 0).unwrap())
                    .unwrap();
                let id = format!("slot-{}", start.format("%m%d-%H"));
                if start >= from && !self.taken.contains(&id) && slots.len() < 3 {
                    let label = start.format("%A %-d %B at %H:%M").to_string();
                    slots.push(Slot { id, start, label });
                }
            }
        }
        slots
    }

    fn run_tool(&mut self, name: &str, args: &Value) -> Value {
        match name {
            "search_knowledge" => {
                self.first_search.get_or_insert_with(|| args.clone());
                json!({"tool": name, "passages": [
                    {"source": "Warranty", "text": WARRANTY},
                    {"source": "Pricing", "text": PRICING},
                ]})
            }
            "check_availability" => {
                let day = args["day"]
                    .as_str()
                    .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                    .unwrap_or(NaiveDate::from_ymd_opt(2026, 11, 25).unwrap());
                let time = args["time"]
                    .as_str()
                    .and_then(|t| NaiveTime::parse_from_str(t, "%H:%M").ok());
                self.offered = self.free_slots(day, time);
                json!({"tool": name, "slots": self.offered.iter().map(Slot::json).collect::<Vec<_>>()})
            }
            "book_meeting" => {
                let id = args["slot_id"].as_str().unwrap_or_default();
                let Some(slot) = self.offered.iter().find(|s| s.id == id).cloned() else {
                    return json!({"tool": name, "booked": false, "reason": "unknown_slot",
                        "slots": self.offered.iter().map(Slot::json).collect::<Vec<_>>()});
                };
                let email = args["email"]
                    .as_str()
                    .map(str::to_owned)
                    .or_else(|| self.email_on_file.clone());
                let Some(email) = email else {
                    return json!({"tool": name, "booked": false, "reason": "email_needed"});
                };
                self.email_on_file = Some(email.clone());
                if !self.raced {
                    self.raced = true;
                    self.taken.push(slot.id.clone());
                    self.offered = self.free_slots(slot.start.date_naive(), None);
                    return json!({"tool": name, "booked": false, "reason": "slot_taken", "taken": slot.label,
                        "slots": self.offered.iter().map(Slot::json).collect::<Vec<_>>()});
                }
                self.booked = Some((slot.label.clone(), email.clone()));
                json!({"tool": name, "booked": true, "label": slot.label, "email": email})
            }
            other => panic!("unexpected loop tool {other}"),
        }
    }

    /// One turn: the callee's words (if any) in, the agent's line out; `true`
    /// when the call ends after it.
    async fn turn(&mut self, sim: &str, heard: Option<&str>) -> (String, bool) {
        let system = self.system();
        if self.messages.is_empty() {
            self.messages
                .push(json!({"role": "system", "content": system}));
        } else {
            self.messages[0] = json!({"role": "system", "content": system});
        }
        if let Some(words) = heard {
            self.messages
                .push(json!({"role": "user", "content": words}));
        }
        for _ in 0..3 {
            let reply = chat_with(sim, &self.messages, self.tools()).await;
            self.messages.push(reply.clone());
            let Some(calls) = reply["tool_calls"].as_array() else {
                return (reply["content"].as_str().unwrap().to_owned(), false);
            };
            let mut looped = false;
            for c in calls {
                let name = c["function"]["name"].as_str().unwrap().to_owned();
                self.tools_called.push(name.clone());
                if matches!(
                    name.as_str(),
                    "check_availability" | "book_meeting" | "search_knowledge"
                ) {
                    let args: Value =
                        serde_json::from_str(c["function"]["arguments"].as_str().unwrap()).unwrap();
                    let result = self.run_tool(&name, &args);
                    self.messages
                        .push(tool_result(c["id"].as_str().unwrap(), &result));
                    looped = true;
                }
            }
            if !looped {
                return (reply["content"].as_str().unwrap().to_owned(), true);
            }
        }
        let last = self.messages.last().unwrap();
        let content = last["content"].as_str().unwrap_or_default().to_owned();
        (content, self.booked.is_some())
    }
}

async fn dialogue(sim: &str, to: &str, lang: &'static str, email_on_file: Option<&str>) -> Product {
    run(sim, to, Product::new(lang, email_on_file)).await
}

async fn run(sim: &str, to: &str, mut product: Product) -> Product {
    let mut persona = Persona::new(to, 1);
    let (mut line, mut ended) = product.turn(sim, None).await;
    for _ in 0..=MAX_EXCHANGES {
        persona.hear(&line);
        if ended || product.booked.is_some() {
            break;
        }
        let words = match persona.reply() {
            Reply::Speak { text, .. } => text,
            Reply::Silent | Reply::HangUp => break,
        };
        (line, ended) = product.turn(sim, Some(&words)).await;
    }
    product
}

#[tokio::test]
async fn scripted_callees_book_in_every_language() {
    let sim = start_sim().await;
    let langs = [
        ("+1555123", "en-US"),
        ("+97250123", "he-IL"),
        ("+3361234", "fr-FR"),
        ("+4915112", "de-DE"),
        ("+3461234", "es-ES"),
        ("+3931234", "it-IT"),
        ("+96650123", "ar-SA"),
        ("+55119123", "pt-BR"),
        ("+3161234", "nl-NL"),
        ("+7912345", "ru-RU"),
        ("+4851234", "pl-PL"),
        ("+9053212", "tr-TR"),
        ("+8190123", "ja-JP"),
        ("+9198123", "hi-IN"),
        ("+8613812", "zh-CN"),
    ];
    for (prefix, lang) in langs {
        for suffix in ["00", "01", "13", "14", "15"] {
            let to = format!("{prefix}45{suffix}");
            let expected_email = format!("lead45{suffix}@example.com");
            let product = dialogue(&sim, &to, lang, None).await;
            let transcript = format!("{to}: {:#}", json!(product.messages));
            let (label, email) = product.booked.clone().expect(&transcript);
            assert_eq!(email, expected_email, "{transcript}");
            assert!(product.raced, "{transcript}");
            let last = product.messages.last().unwrap()["content"]
                .as_str()
                .unwrap()
                .to_owned();
            assert!(
                last.contains(&label) && last.contains(&expected_email),
                "{last}"
            );
            assert!(callwright_sim::phrases::is_goodbye(&last), "{transcript}");
            if suffix == "14" {
                let searches = product
                    .tools_called
                    .iter()
                    .filter(|t| *t == "check_availability")
                    .count();
                assert_eq!(searches, 2, "{transcript}");
            }
        }
        // With an email on file the callee is never asked for it.
        let product = dialogue(
            &sim,
            &format!("{prefix}4500"),
            lang,
            Some("on@file.example"),
        )
        .await;
        assert_eq!(
            product.booked.map(|b| b.1).as_deref(),
            Some("on@file.example")
        );
    }
}

const PRICING: &str = "Panels start at 49 euros a month with no upfront cost.";
const WARRANTY: &str = "Every installation carries a 25-year warranty.";
const GOAL: &str = "a 30-minute review of your energy bills with one of our advisers";

/// An agent configured by a user: questions in the campaign's language, knowledge inline or
/// behind `search_knowledge`.
#[derive(Clone)]
struct Agent {
    /// How many, yes/no, one of `options`, open.
    questions: [&'static str; 4],
    options: [&'static str; 3],
    search: bool,
}

impl Agent {
    fn prompt(&self) -> String {
        let [many, yes_no, choice, open] = self.questions;
        let [a, b, c] = self.options;
        let knowledge = if self.search {
            "Look anything up with the search_knowledge tool before you answer.".to_owned()
        } else {
            format!(
                "Answer only from this knowledge.\n### Pricing\n{PRICING}\n### Warranty\n{WARRANTY}"
            )
        };
        format!(
            "You are the AI phone assistant of Acme Solar, on a live outbound phone call.\n\n\
             ## Agent\nBusiness: Acme Solar\nGoal: {GOAL}\n\n\
             ## Qualification questions\nAsk each question below, one at a time.\n\
             - employees (number): {many}\n\
             - owns_building (yes/no): {yes_no}\n\
             - plan (one of: {a} | {b} | {c}): {choice}\n\
             - challenge (text): {open}\n\n\
             ## Knowledge\n{knowledge}\n\n\
             ## Booking and tools\nBook a short meeting.\n\n\
             ## Instructions\nTalk about savings.\n"
        )
    }

    fn summary_system(&self) -> String {
        let [many, yes_no, choice, open] = self.questions;
        let [a, b, c] = self.options;
        format!(
            "You summarise outbound sales calls.\nQualification questions (fill answers):\n\
             - employees (number): {many}\n- owns_building (yes/no): {yes_no}\n\
             - plan (one of: {a} | {b} | {c}): {choice}\n- challenge (text): {open}\n\
             Conversation language: en"
        )
    }
}

/// Per language: the campaign's questions and the options of its choice.
const AGENTS: [(&str, &str, [&str; 4], [&str; 3]); 15] = [
    (
        "+1555123",
        "en-US",
        [
            "How many people work at your company?",
            "Do you own the building you work in?",
            "Which plan are you on today?",
            "What is your biggest challenge with energy today?",
        ],
        ["basic", "pro", "enterprise"],
    ),
    (
        "+97250123",
        "he-IL",
        [
            "כמה אנשים עובדים בחברה שלכם?",
            "האם הבניין שבו אתם עובדים בבעלותכם?",
            "באיזו תוכנית אתם היום?",
            "מה האתגר הגדול ביותר שלכם עם אנרגיה?",
        ],
        ["בסיסית", "מקצועית", "ארגונית"],
    ),
    (
        "+3361234",
        "fr-FR",
        [
            "Combien de personnes travaillent dans votre entreprise ?",
            "Êtes-vous propriétaire de vos locaux ?",
            "Quelle formule avez-vous aujourd'hui ?",
            "Quel est votre plus grand défi avec l'énergie ?",
        ],
        ["basique", "pro", "entreprise"],
    ),
    (
        "+4915112",
        "de-DE",
        [
            "Wie viele Mitarbeiter hat Ihre Firma?",
            "Gehört Ihnen das Gebäude, in dem Sie arbeiten?",
            "Welchen Tarif haben Sie heute?",
            "Was ist Ihre größte Herausforderung bei Energie?",
        ],
        ["Basis", "Pro", "Enterprise"],
    ),
    (
        "+3461234",
        "es-ES",
        [
            "¿Cuántas personas trabajan en su empresa?",
            "¿Es usted propietario del edificio?",
            "¿Qué plan tiene hoy?",
            "¿Cuál es su mayor reto con la energía?",
        ],
        ["básico", "pro", "empresa"],
    ),
    (
        "+3931234",
        "it-IT",
        [
            "Quante persone lavorano nella sua azienda?",
            "L'edificio in cui lavorate è di vostra proprietà?",
            "Che piano avete oggi?",
            "Qual è la vostra sfida più grande con l'energia?",
        ],
        ["base", "pro", "enterprise"],
    ),
    (
        "+96650123",
        "ar-SA",
        [
            "كم عدد الموظفين في شركتكم؟",
            "هل تملكون المبنى الذي تعملون فيه؟",
            "ما هي خطتكم الحالية؟",
            "ما هو أكبر تحد لديكم في مجال الطاقة؟",
        ],
        ["أساسية", "احترافية", "مؤسسية"],
    ),
    (
        "+55119123",
        "pt-BR",
        [
            "Quantas pessoas trabalham na sua empresa?",
            "O prédio onde vocês trabalham é próprio?",
            "Qual plano vocês têm hoje?",
            "Qual é o seu maior desafio com energia?",
        ],
        ["básico", "pro", "empresarial"],
    ),
    (
        "+3161234",
        "nl-NL",
        [
            "Hoeveel mensen werken er bij uw bedrijf?",
            "Bent u eigenaar van het pand?",
            "Welk abonnement heeft u nu?",
            "Wat is uw grootste uitdaging met energie?",
        ],
        ["basis", "pro", "enterprise"],
    ),
    (
        "+7912345",
        "ru-RU",
        [
            "Сколько человек работает в вашей компании?",
            "Здание, в котором вы работаете, принадлежит вам?",
            "Какой у вас сейчас тариф?",
            "Какая у вас самая большая проблема с энергией?",
        ],
        ["базовый", "про", "корпоративный"],
    ),
    (
        "+4851234",
        "pl-PL",
        [
            "Ile osób pracuje w Państwa firmie?",
            "Czy budynek, w którym Państwo pracują, jest Państwa własnością?",
            "Jaki macie dziś plan?",
            "Jakie jest Państwa największe wyzwanie związane z energią?",
        ],
        ["podstawowy", "pro", "firmowy"],
    ),
    (
        "+9053212",
        "tr-TR",
        [
            "Şirketinizde kaç kişi çalışıyor?",
            "Çalıştığınız binanın sahibi misiniz?",
            "Bugün hangi paketi kullanıyorsunuz?",
            "Enerjiyle ilgili en büyük zorluğunuz nedir?",
        ],
        ["temel", "pro", "kurumsal"],
    ),
    (
        "+8190123",
        "ja-JP",
        [
            "御社には何人の社員がいますか？",
            "お仕事をされている建物は自社所有ですか？",
            "現在のプランはどれですか？",
            "エネルギーに関する一番の課題は何ですか？",
        ],
        ["ベーシック", "プロ", "エンタープライズ"],
    ),
    (
        "+9198123",
        "hi-IN",
        [
            "आपकी कंपनी में कितने लोग काम करते हैं?",
            "क्या जिस इमारत में आप काम करते हैं वह आपकी अपनी है?",
            "आज आप कौन सा प्लान इस्तेमाल करते हैं?",
            "ऊर्जा को लेकर आपकी सबसे बड़ी चुनौती क्या है?",
        ],
        ["बेसिक", "प्रो", "एंटरप्राइज़"],
    ),
    (
        "+8613812",
        "zh-CN",
        [
            "贵公司有多少员工？",
            "你们办公的大楼是自有的吗？",
            "您目前使用哪个套餐？",
            "您在能源方面最大的挑战是什么？",
        ],
        ["基础", "专业", "企业"],
    ),
];

/// The `record_summary` arguments the scripted model gives for `product`'s call.
async fn summary(sim: &str, agent: &Agent, product: &Product) -> Value {
    let transcript: Vec<String> = product
        .messages
        .iter()
        .filter_map(|m| {
            let text = m["content"].as_str().filter(|t| !t.is_empty())?;
            match m["role"].as_str()? {
                "assistant" => Some(format!("Agent: {text}")),
                "user" => Some(format!("Lead: {text}")),
                _ => None,
            }
        })
        .collect();
    let [a, b, c] = agent.options;
    let tool = json!([{"type": "function", "function": {"name": "record_summary", "parameters": {
        "type": "object", "properties": {"interest_level": {"type": "integer"}, "answers": {"type": "object", "properties": {
            "employees": {"type": "number"}, "owns_building": {"type": "boolean"},
            "plan": {"type": "string", "enum": [a, b, c]}, "challenge": {"type": "string"}}}}}}}]);
    let messages = [
        json!({"role": "system", "content": agent.summary_system()}),
        json!({"role": "user", "content": format!("Transcript:\n{}", transcript.join("\n"))}),
    ];
    let reply = chat_with(sim, &messages, tool).await;
    let (name, args, _) = call(&reply);
    assert_eq!(name, "record_summary");
    args
}

#[tokio::test]
async fn configured_agents_qualify_answer_from_knowledge_and_book_in_every_language() {
    let sim = start_sim().await;
    for (prefix, lang, questions, options) in AGENTS {
        for search in [false, true] {
            for suffix in ["00", "01", "13", "14", "15"] {
                let to = format!("{prefix}45{suffix}");
                let agent = Agent {
                    questions,
                    options,
                    search,
                };
                let mut product = Product::new(lang, None);
                product.agent = Some(agent.clone());
                let product = run(&sim, &to, product).await;
                let transcript = format!("{to} search={search}: {:#}", json!(product.messages));
                let (label, email) = product.booked.clone().expect(&transcript);
                assert_eq!(email, format!("lead45{suffix}@example.com"), "{transcript}");
                assert!(!label.is_empty());

                // The opening names the business and the goal; nothing else is pitched.
                let said: Vec<&str> = product
                    .messages
                    .iter()
                    .filter(|m| m["role"] == "assistant")
                    .filter_map(|m| m["content"].as_str())
                    .collect();
                assert!(
                    said[0].contains("Acme Solar") && said[0].contains(GOAL),
                    "{transcript}"
                );
                assert!(
                    !said.iter().any(|s| s.contains("Callwright")),
                    "{transcript}"
                );

                // Every question asked once, in order, before the calendar is searched, which
                // is then searched around the time the callee proposed before the questions.
                let asked: Vec<usize> = questions
                    .iter()
                    .map(|q| {
                        let at: Vec<usize> = said
                            .iter()
                            .enumerate()
                            .filter(|(_, s)| s.contains(q))
                            .map(|(i, _)| i)
                            .collect();
                        assert_eq!(at.len(), 1, "{q}: {transcript}");
                        at[0]
                    })
                    .collect();
                assert!(asked.windows(2).all(|w| w[0] < w[1]), "{transcript}");
                let first_search = product
                    .messages
                    .iter()
                    .position(|m| m["tool_calls"][0]["function"]["name"] == "check_availability")
                    .expect("a calendar search");
                let first_search_args: Value = serde_json::from_str(
                    product.messages[first_search]["tool_calls"][0]["function"]["arguments"]
                        .as_str()
                        .unwrap(),
                )
                .unwrap();
                assert_eq!(
                    first_search_args,
                    json!({"day": "2026-11-26", "time": "15:00"}),
                    "{transcript}"
                );
                let choice = &said[asked[2]];
                assert!(options.iter().all(|o| choice.contains(o)), "{choice}");

                // The price question is answered from the knowledge, searched first when the
                // knowledge is behind the tool.
                if suffix == "01" {
                    assert!(said.iter().any(|s| s.contains(PRICING)), "{transcript}");
                    assert!(said.iter().any(|s| s.contains(GOAL)), "{transcript}");
                    assert_eq!(product.first_search.is_some(), search, "{transcript}");
                }

                // The summary reads each answer by its type.
                let args = summary(&sim, &agent, &product).await;
                let answers = &args["answers"];
                assert!(
                    answers["employees"].as_f64().is_some_and(|n| n > 24.0),
                    "{args}"
                );
                assert!(answers["owns_building"].is_boolean(), "{args}");
                assert!(
                    options.iter().any(|o| answers["plan"] == *o),
                    "{args}: {transcript}"
                );
                assert!(
                    answers["challenge"].as_str().is_some_and(|t| !t.is_empty()),
                    "{args}"
                );
                assert_eq!(args["interest_level"], 5, "{args}");
            }
        }
    }
}

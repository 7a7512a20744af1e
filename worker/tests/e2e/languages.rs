//! The ten languages added to the first five (Arabic, Italian, Portuguese, Dutch, Russian,
//! Polish, Turkish, Japanese, Hindi, Mandarin), end to end on real servers: one lead per
//! language, numbered in a country that speaks it and ending in 00 (the simulator's `books`
//! persona, which answers in the language of its number) with an email on file. Each lead is
//! greeted in its language with the AI and recording disclosure, books a meeting, and gets an
//! invite whose subject is in its language, with the slot said the way the language says it.
//!
//! Without a stack, the product and the simulator are checked to agree on which language each
//! country speaks, so any lead the product calls can be answered.

use crate::support::{Stack, StackOptions, wait_for};
use callwright_domain::Language;
use callwright_domain::booking::slot_label;
use callwright_domain::phrases::{fill, phrases};
use callwright_sim::llm::replies;
use callwright_sim::phrases::{self as sim_phrases, AgentCue, Lang, Line};
use serde_json::{Value, json};
use std::time::Duration;

/// A lead per new language: language, name, phone (ending in 00: the `books` persona), email,
/// and the words of the greeting that say it is an AI assistant and that the call is recorded.
struct Case {
    language: Language,
    name: &'static str,
    phone: &'static str,
    email: &'static str,
    ai: &'static str,
    recorded: &'static str,
}

const CASES: [Case; 10] = [
    Case {
        language: Language::Ar,
        name: "ليلى حداد",
        phone: "+966501234500",
        email: "layla@example.com",
        ai: "ذكاء اصطناعي",
        recorded: "مسجلة",
    },
    Case {
        language: Language::It,
        name: "Giulia Romano",
        phone: "+393123456700",
        email: "giulia@example.it",
        ai: "intelligenza artificiale",
        recorded: "registrata",
    },
    Case {
        language: Language::Pt,
        name: "Ana Souza",
        phone: "+5511912345600",
        email: "ana@example.com.br",
        ai: "inteligência artificial",
        recorded: "gravada",
    },
    Case {
        language: Language::Nl,
        name: "Sanne de Vries",
        phone: "+31612345600",
        email: "sanne@example.nl",
        ai: "AI-assistent",
        recorded: "opgenomen",
    },
    Case {
        language: Language::Ru,
        name: "Анна Иванова",
        phone: "+79123456700",
        email: "anna@example.ru",
        ai: "искусственного интеллекта",
        recorded: "записывается",
    },
    Case {
        language: Language::Pl,
        name: "Katarzyna Nowak",
        phone: "+48512345600",
        email: "katarzyna@example.pl",
        ai: "sztucznej inteligencji",
        recorded: "nagrywana",
    },
    Case {
        language: Language::Tr,
        name: "Elif Yılmaz",
        phone: "+905321234500",
        email: "elif@example.com.tr",
        ai: "yapay zekâ",
        recorded: "kaydediliyor",
    },
    Case {
        language: Language::Ja,
        name: "佐藤花子",
        phone: "+819012345600",
        email: "hanako@example.jp",
        ai: "AIアシスタント",
        recorded: "録音",
    },
    Case {
        language: Language::Hi,
        name: "प्रिया शर्मा",
        phone: "+919812345600",
        email: "priya@example.in",
        ai: "एआई सहायक",
        recorded: "रिकॉर्ड",
    },
    Case {
        language: Language::Zh,
        name: "王芳",
        phone: "+8613812345600",
        email: "wangfang@example.cn",
        ai: "人工智能助手",
        recorded: "录音",
    },
];

/// The simulator's language with the product's code.
fn sim_lang(language: Language) -> Lang {
    Lang::from_tag(language.code())
}

async fn sim_mail(stack: &Stack) -> Vec<Value> {
    stack
        .http
        .get(format!("{}/sim/mail", stack.sim))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_new_language_greets_books_and_invites_in_that_language() {
    let mut stack = Stack::start(StackOptions::default()).await;
    stack.start_worker();

    // The language follows from the number's country.
    let mut ids = Vec::new();
    for case in &CASES {
        let (status, body) = stack
            .post(
                "/api/leads",
                json!({"name": case.name, "phone": case.phone, "email": case.email}),
            )
            .await;
        assert_eq!(status, 201, "creating {}: {body}", case.phone);
        assert_eq!(body["language"], case.language.code(), "{body}");
        ids.push(body["id"].as_str().unwrap().to_owned());
    }
    let campaign = stack.start_campaign(&ids, 10, 1).await;
    stack
        .wait_campaign_done(&campaign, Duration::from_secs(150))
        .await;
    wait_for("every invite", Duration::from_secs(60), || async {
        let (reserved, invites): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT count(*) FROM meetings WHERE status = 'reserved'),
                    (SELECT count(*) FROM meeting_invites)",
        )
        .fetch_one(&stack.db)
        .await
        .unwrap();
        (reserved == 0 && invites >= 10).then_some(())
    })
    .await;
    let mail = sim_mail(&stack).await;

    for (case, id) in CASES.iter().zip(&ids) {
        let lang = case.language;
        let p = phrases(lang);
        let lead = stack.get(&format!("/api/leads/{id}")).await;
        assert_eq!(lead["language"], lang.code(), "{lead:#}");
        assert_eq!(lead["last_outcome"], "interested", "{lang}: {lead:#}");
        let meetings = lead["meetings"].as_array().unwrap();
        assert_eq!(meetings.len(), 1, "{lang}: {lead:#}");
        let meeting = &meetings[0];
        assert_eq!(meeting["status"], "confirmed", "{lang}: {meeting:#}");
        assert_eq!(meeting["attendee_email"], case.email);
        assert_eq!(meeting["language"], lang.code());

        // The transcript: our greeting in the lead's language, disclosing the AI and the
        // recording; the callee answering in it; the booked slot said in it.
        let calls = lead["calls"].as_array().unwrap();
        assert_eq!(calls.len(), 1, "{lang}: {lead:#}");
        assert_eq!(calls[0]["outcome"], "interested");
        let call = stack
            .get(&format!("/api/calls/{}", calls[0]["id"].as_str().unwrap()))
            .await;
        let transcript = call["transcript"].as_array().unwrap();
        let greeting = &transcript[0];
        assert_eq!(greeting["speaker"], "agent");
        let said = greeting["text"].as_str().unwrap();
        // The disclosure, then (the test agent has no greeting of its own) the neutral opener.
        let expected = callwright_domain::agent::join_sentences(
            lang,
            &fill(&p.disclosure, case.name, "Acme Solar"),
            &p.opener,
        );
        assert_eq!(said, expected, "{lang}");
        assert!(
            said.contains(case.ai) && said.contains(case.recorded),
            "{lang}: {said}"
        );
        let callee = sim_lang(lang);
        assert_eq!(callee.code(), lang.code());
        assert_eq!(Lang::from_number(case.phone), callee, "{}", case.phone);
        let callee_lines: Vec<&str> = transcript
            .iter()
            .filter(|t| t["speaker"] == "callee")
            .map(|t| t["text"].as_str().unwrap())
            .collect();
        assert_eq!(
            callee_lines.first().copied(),
            Some(sim_phrases::line(Line::ProposeTime, callee)),
            "{lang}: {transcript:#?}"
        );
        let starts_at =
            chrono::DateTime::parse_from_rfc3339(meeting["starts_at"].as_str().unwrap())
                .unwrap()
                .with_timezone(&chrono::Utc);
        let tz: chrono_tz::Tz = meeting["timezone"].as_str().unwrap().parse().unwrap();
        let label = slot_label(starts_at, tz, lang);
        // The (scripted) model confirmed the booking in the lead's language, with the slot as
        // our label says it.
        let confirmation = replies::booking_confirmed(callee, &label, Some(case.email));
        assert!(
            transcript
                .iter()
                .any(|t| t["speaker"] == "agent" && t["text"] == confirmation.as_str()),
            "{lang}: '{confirmation}' never said: {transcript:#?}"
        );

        // Exactly one invite, its subject in the lead's language.
        let mine: Vec<&Value> = mail
            .iter()
            .filter(|m| m["to"].as_array().unwrap().iter().any(|t| t == case.email))
            .collect();
        assert_eq!(mine.len(), 1, "{lang}: invites to {}", case.email);
        let subject = mine[0]["subject"].as_str().unwrap();
        let expected = p
            .invite_subject
            .replace("{title}", meeting["title"].as_str().unwrap())
            .replace("{when}", &label);
        assert_eq!(subject, expected, "{lang}");
    }
}

#[test]
fn product_and_simulator_agree_on_every_country() {
    // Calling codes are prefix-free (+7 exists, so +75 does not): a code that is a prefix of a
    // mapped one, or has one as a prefix, is not a real code and is skipped.
    let mapped: Vec<String> = (1..=999u16)
        .filter(|c| Language::from_country_code(*c) != Language::En)
        .map(|c| c.to_string())
        .collect();
    for code in 1..=999u16 {
        let digits = code.to_string();
        let overlaps = mapped
            .iter()
            .any(|m| *m != digits && (m.starts_with(&digits) || digits.starts_with(m.as_str())));
        if overlaps {
            continue;
        }
        let number = format!("+{code}0001234500");
        // `+1450…` is no country, but a Quebec area code (checked below).
        if callwright_domain::language::REGIONAL
            .iter()
            .any(|(prefix, _)| number[1..].starts_with(prefix))
        {
            continue;
        }
        let product = Language::from_country_code(code);
        let callee = Lang::from_number(&number);
        assert_eq!(callee.code(), product.code(), "+{code}");
    }
    // Where the language follows the area code (Quebec, Switzerland), the callee agrees too.
    for (prefix, lang) in callwright_domain::language::REGIONAL {
        let number = if prefix.starts_with('1') {
            format!("+{prefix}5550123")
        } else {
            format!("+{prefix}3456789")
        };
        let callee = Lang::from_number(&number);
        assert_eq!(callee.code(), lang.code(), "{number}");
        let phone = callwright_domain::E164::parse(&number, None).unwrap();
        assert_eq!(Language::from_number(&phone), lang, "{number}");
    }
    for lang in Language::ALL {
        // The scripted model reads the prompt's BCP 47 tag.
        assert_eq!(Lang::from_tag(lang.profile().bcp47).code(), lang.code());
        // The callee hears our greeting as an opening, not as an offer or a goodbye.
        let p = phrases(lang);
        let greeting = callwright_domain::agent::join_sentences(
            lang,
            &fill(&p.disclosure, "Dana", "Acme Solar"),
            &p.opener,
        );
        assert_eq!(sim_phrases::agent_cue(&greeting), AgentCue::Other, "{lang}");
    }
}

/// A French lead who asks a question in French, then says "Sorry, can we continue in English?":
/// the agent goes over to English from that turn on (the model is told, the recogniser listens
/// in English, the booking is said and invited in English), and the workflow records the switch
/// where the Temporal UI shows it (the `Language` search
/// attribute) and in the transcript's per-line languages.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_callee_who_answers_in_another_language_is_followed() {
    use crate::lifecycle::{history, record_fixture};
    use crate::support::lead_workflow;
    use temporalio_common::protos::temporal::api::history::v1::history_event::Attributes;

    let mut stack = Stack::start(StackOptions::default()).await;
    stack.start_worker();
    let email = "claire.switch@example.com";
    let (status, body) = stack
        .post(
            "/api/leads",
            json!({"name": "Claire", "phone": "+33612345613", "email": email}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["language"], "fr");
    let id = body["id"].as_str().unwrap().to_owned();
    let campaign = stack.start_campaign(std::slice::from_ref(&id), 1, 1).await;
    stack
        .wait_campaign_done(&campaign, Duration::from_secs(120))
        .await;

    let lead = stack.get(&format!("/api/leads/{id}")).await;
    assert_eq!(lead["last_outcome"], "interested", "{lead:#}");
    // The lead's own language stays what its number says; the call moved.
    assert_eq!(lead["language"], "fr");
    let call_id = lead["calls"][0]["id"].as_str().unwrap();
    let call = stack.get(&format!("/api/calls/{call_id}")).await;
    let transcript = call["transcript"].as_array().unwrap();
    let at = |lang: &str| {
        transcript
            .iter()
            .position(|t| t["speaker"] == "callee" && t["language"] == lang)
    };
    let switched_at = at("en").unwrap_or_else(|| panic!("no English line: {transcript:#?}"));
    assert!(
        at("fr").is_some_and(|fr| fr < switched_at),
        "{transcript:#?}"
    );
    for turn in transcript.iter().filter(|t| t["speaker"] == "agent") {
        let expected = if turn["idx"].as_u64().unwrap() < switched_at as u64 {
            "fr"
        } else {
            "en"
        };
        assert_eq!(turn["language"], expected, "{turn:#}");
    }
    // The booking was confirmed in English, with the slot said the English way.
    let meeting = &lead["meetings"][0];
    assert_eq!(meeting["language"], "en", "{meeting:#}");
    let starts_at = chrono::DateTime::parse_from_rfc3339(meeting["starts_at"].as_str().unwrap())
        .unwrap()
        .with_timezone(&chrono::Utc);
    let tz: chrono_tz::Tz = meeting["timezone"].as_str().unwrap().parse().unwrap();
    let label = slot_label(starts_at, tz, Language::En);
    let confirmation = replies::booking_confirmed(Lang::En, &label, Some(email));
    assert!(
        transcript
            .iter()
            .any(|t| t["speaker"] == "agent" && t["text"] == confirmation.as_str()),
        "'{confirmation}' never said: {transcript:#?}"
    );
    // The simulator's callee heard the agent in French first, in English last.
    let sim_call = stack
        .sim_calls()
        .await
        .into_iter()
        .find(|c| c["to"] == "+33612345613")
        .unwrap();
    let said_in: Vec<&str> = sim_call["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["detail"].as_str()?.strip_prefix("Say ("))
        .filter_map(|d| d.split_once(')').map(|(lang, _)| lang))
        .collect();
    assert_eq!(said_in.first(), Some(&"fr-FR"), "{sim_call:#}");
    assert_eq!(said_in.last(), Some(&"en-US"), "{sim_call:#}");

    // In the workflow's history: the search attribute set to English.
    let workflow_id = lead_workflow(&campaign, &id);
    let events = history(&stack, &workflow_id).await;
    let upserted_english = events.iter().any(|e| match &e.attributes {
        Some(Attributes::UpsertWorkflowSearchAttributesEventAttributes(a)) => a
            .search_attributes
            .as_ref()
            .and_then(|s| s.indexed_fields.get("Language"))
            .is_some_and(|p| p.data == br#""en""#),
        _ => false,
    });
    assert!(upserted_english, "no Language=en upsert in the history");
    record_fixture(&stack, &workflow_id, "language_switch").await;
}

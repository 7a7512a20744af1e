//! The templates an agent's owner writes (instructions, greetings, the meeting's title and
//! description), in MiniJinja (Jinja2 syntax): `{{ lead.name }}`, `{{ lead.fields.plan |
//! default("your plan") }}`, `{% if lead.local_hour < 12 %}…{% endif %}`.
//!
//! At save, a template must parse and may name only the variables of [`VARIABLES`] (and any
//! `lead.fields.<column>`): anything else is refused, naming it. At call time a value the lead
//! lacks (no company, no such column) renders as empty text, or as the template's own
//! `default(…)`, so a call never fails on a template. Rendering runs on a fuel budget, so no
//! template can loop for long.

use super::validate::FieldError;
use crate::{Language, LeadProfile};
use chrono::{DateTime, Datelike, Timelike, Utc};
use minijinja::value::Serde;
use minijinja::{Environment, UndefinedBehavior, Value};
use std::collections::BTreeMap;

/// Every variable a template may use, with what it holds (shown in the editor). Any
/// `lead.fields.<column>` is allowed too: the lead's own data varies by upload.
pub const VARIABLES: [(&str, &str); 13] = [
    ("business", "the agent's business name"),
    ("goal", "the agent's goal"),
    ("meeting.minutes", "the meeting's length in minutes"),
    ("lead.name", "the lead's name"),
    ("lead.first_name", "the first word of the lead's name"),
    ("lead.company", "the lead's company (empty if unknown)"),
    ("lead.email", "the lead's email (empty if unknown)"),
    ("lead.language", "the call's language code (en, fr, ...)"),
    ("lead.timezone", "the lead's IANA time zone"),
    ("lead.local_time", "the lead's local time, HH:MM"),
    ("lead.local_date", "the lead's local date, YYYY-MM-DD"),
    (
        "lead.local_hour",
        "the lead's local hour, 0 to 23 (a number)",
    ),
    (
        "lead.fields",
        "the lead's other columns: lead.fields.<column>",
    ),
];

/// Functions MiniJinja offers without a context (`range(3)`, `dict(a=1)`, ...): not variables.
const BUILTIN_GLOBALS: [&str; 6] = ["range", "dict", "namespace", "debug", "cycler", "joiner"];

/// Fuel per render: enough for any sensible template of the size limits, not for a loop over
/// millions of items.
const FUEL: u64 = 200_000;

/// The values a template is rendered with.
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateVars {
    /// The agent's business name.
    pub business: String,
    /// The agent's goal.
    pub goal: String,
    /// The meeting's length.
    pub meeting_minutes: u32,
    /// The lead's name.
    pub lead_name: String,
    /// The lead's company.
    pub company: Option<String>,
    /// The lead's email.
    pub email: Option<String>,
    /// The call's language.
    pub language: Language,
    /// The lead's zone (IANA).
    pub timezone: String,
    /// Now, in the lead's zone.
    pub local_now: Option<DateTime<chrono_tz::Tz>>,
    /// The lead's own columns.
    pub fields: BTreeMap<String, serde_json::Value>,
}

impl TemplateVars {
    /// The values for a call with `lead` (in `language`) at `now`, for an agent with this
    /// business, goal and meeting length.
    pub fn new(
        spec: &super::AgentSpec,
        lead: &LeadProfile,
        language: Language,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            business: spec.business_name.clone(),
            goal: spec.goal.clone(),
            meeting_minutes: spec.meeting.minutes,
            lead_name: lead.name.clone(),
            company: lead.company.clone(),
            email: lead.email.clone(),
            language,
            timezone: lead.timezone.name().to_owned(),
            local_now: Some(now.with_timezone(&lead.timezone)),
            fields: lead.fields.clone(),
        }
    }

    fn context(&self) -> Value {
        let mut lead: BTreeMap<&str, Value> = BTreeMap::new();
        lead.insert("name", Value::from(self.lead_name.as_str()));
        lead.insert(
            "first_name",
            Value::from(self.lead_name.split_whitespace().next().unwrap_or_default()),
        );
        let optional = |v: &Option<String>| match v {
            Some(s) if !s.trim().is_empty() => Value::from(s.as_str()),
            _ => Value::UNDEFINED,
        };
        lead.insert("company", optional(&self.company));
        lead.insert("email", optional(&self.email));
        lead.insert("language", Value::from(self.language.code()));
        lead.insert("timezone", Value::from(self.timezone.as_str()));
        if let Some(now) = self.local_now {
            lead.insert("local_time", Value::from(now.format("%H:%M").to_string()));
            lead.insert(
                "local_date",
                Value::from(format!(
                    "{:04}-{:02}-{:02}",
                    now.year(),
                    now.month(),
                    now.day()
                )),
            );
            lead.insert("local_hour", Value::from(now.hour()));
        }
        lead.insert("fields", Value::from(Serde(&self.fields)));
        let mut meeting: BTreeMap<&str, Value> = BTreeMap::new();
        meeting.insert("minutes", Value::from(self.meeting_minutes));
        let mut root: BTreeMap<&str, Value> = BTreeMap::new();
        root.insert("business", Value::from(self.business.as_str()));
        root.insert("goal", Value::from(self.goal.as_str()));
        root.insert("lead", Value::from(lead));
        root.insert("meeting", Value::from(meeting));
        Value::from(root)
    }
}

fn environment(behavior: UndefinedBehavior) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(behavior);
    env.set_fuel(Some(FUEL));
    // Text for a model and a phone line, not HTML: nothing is escaped.
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    env
}

/// Checks a template at save: it parses, and every variable it names is one of [`VARIABLES`]
/// or a `lead.fields.<column>`. The error names `field` and the culprit.
pub fn check(field: &str, source: &str) -> Result<(), FieldError> {
    let env = environment(UndefinedBehavior::Strict);
    let template = env.template_from_str(source).map_err(|e| {
        FieldError::new(
            field,
            format!("the template does not parse: {}", describe(&e)),
        )
    })?;
    let mut unknown: Vec<String> = template
        .undeclared_variables(true)
        .into_iter()
        .filter(|v| !known(v))
        .collect();
    unknown.sort();
    match unknown.first() {
        None => Ok(()),
        Some(name) => Err(FieldError::new(
            field,
            format!(
                "unknown variable `{name}` (known: {}, and lead.fields.<column> for the lead's own columns)",
                VARIABLES
                    .iter()
                    .filter(|(v, _)| *v != "lead.fields")
                    .map(|(v, _)| *v)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
}

fn known(variable: &str) -> bool {
    let root = variable.split('.').next().unwrap_or_default();
    variable == "lead"
        || variable == "meeting"
        || variable == "lead.fields"
        || variable.starts_with("lead.fields.")
        || BUILTIN_GLOBALS.contains(&root)
        || VARIABLES.iter().any(|(v, _)| *v == variable)
}

fn describe(err: &minijinja::Error) -> String {
    match (err.detail(), err.line()) {
        (Some(detail), Some(line)) => format!("{detail} (line {line})"),
        (Some(detail), None) => detail.to_owned(),
        (None, _) => err.to_string(),
    }
}

/// Longest text a template may render to, in characters: past it the text is cut (a greeting
/// of `{{ "x" * 10000000 }}` must not put megabytes into a call's history or prompt).
pub const MAX_RENDERED: usize = 40_000;

/// Renders a template for a call. Values the lead lacks render as empty text (or the
/// template's `default(…)`); a template that fails anyway (its fuel ran out, a filter refused
/// a value, `{{ lead.fields.seats - 1 }}` for a lead whose seats are text) renders as nothing,
/// so the caller falls back (the greeting to the language's opener, the meeting title to the
/// business and the lead's name): a call must never stop on a template, nor speak its markup.
pub fn render(source: &str, vars: &TemplateVars) -> String {
    match render_with(source, vars, UndefinedBehavior::Chainable) {
        Ok(text) if text.chars().count() > MAX_RENDERED => {
            text.chars().take(MAX_RENDERED).collect()
        }
        Ok(text) => text,
        Err(_) => String::new(),
    }
}

/// Renders strictly, for a preview: any value the lead lacks (without a `default`) is an
/// error naming it.
pub fn render_strict(source: &str, vars: &TemplateVars) -> Result<String, String> {
    render_with(source, vars, UndefinedBehavior::Strict).map_err(|e| describe(&e))
}

fn render_with(
    source: &str,
    vars: &TemplateVars,
    behavior: UndefinedBehavior,
) -> Result<String, minijinja::Error> {
    // Plain text is most of what agents write: no need to build an environment for it.
    if !source.contains("{{") && !source.contains("{%") && !source.contains("{#") {
        return Ok(source.to_owned());
    }
    environment(behavior).render_str(source, vars.context())
}

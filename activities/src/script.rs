//! The lines an agent says without the model, rendered for one lead when its call is opened
//! (the dial, or a trial's chat): the opening (the product's disclosure, then the agent's
//! greeting) and the voicemail. The workflow carries the rendered text; templates are never
//! read there.

use callwright_agents::AgentVersion;
use callwright_contracts::activities::CallScript;
use callwright_domain::LeadProfile;
use callwright_domain::agent::{self, TemplateVars};
use callwright_domain::phrases::{fill, phrases};
use chrono::{DateTime, Utc};

/// The agent's lines for a call with `lead` (in `lead.language`) at `now`.
pub fn call_script(agent: &AgentVersion, lead: &LeadProfile, now: DateTime<Utc>) -> CallScript {
    let spec = &agent.spec;
    let p = phrases(lead.language);
    let vars = TemplateVars::new(spec, lead, lead.language, now);
    CallScript {
        greeting: agent::opening(spec, lead.language, &vars, p),
        voicemail: fill(&p.voicemail, &lead.name, &spec.business_name),
        say_voices: spec
            .voices
            .iter()
            .filter_map(|(lang, v)| Some((*lang, v.say_voice.clone()?)))
            .collect(),
        voice_mode: spec.voice_mode.for_language(lead.language),
    }
}

/// Every line the agent may say on the call without the model, for synthesis while the phone
/// rings: the script's and the language file's.
pub fn fixed_lines(script: &CallScript, lead: &LeadProfile) -> Vec<String> {
    let p = phrases(lead.language);
    vec![
        script.greeting.clone(),
        script.voicemail.clone(),
        p.reprompt_silence.clone(),
        p.ask_again.clone(),
        p.goodbye.clone(),
        p.max_turns_goodbye.clone(),
        p.opt_out_confirmation.clone(),
        p.error_apology.clone(),
    ]
}

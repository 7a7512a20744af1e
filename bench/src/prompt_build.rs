//! `callwright-bench prompt`: what building a turn's prompt costs the worker, for an agent of a
//! given size: rendering the instructions for the lead (MiniJinja), assembling the system
//! prompt (the version's cached preamble, the call, the turn) and the chat history of a
//! twelve-line call. No I/O: the figure is the CPU the turn's local activity spends before the
//! model is asked.

use crate::stats::summarise;
use callwright_agents::AgentVersion;
use callwright_agents::prompt;
use callwright_domain::agent::{AgentSpec, TemplateVars, render};
use callwright_domain::conversation::{Speaker, Turn};
use callwright_domain::{E164, Language, LeadProfile};
use std::time::{Duration, Instant};

/// Runs `iterations` builds for an agent of `kb` KB; prints a Markdown table row.
pub fn run(argv: &[String]) -> anyhow::Result<()> {
    let mut kbs = vec![0usize, 20];
    let mut iterations = 20_000usize;
    for (flag, value) in crate::stack::flag_values(argv)? {
        match flag {
            "--agent-kb" => {
                kbs = value
                    .split(',')
                    .map(|v| v.trim().parse())
                    .collect::<Result<_, _>>()?
            }
            "--iterations" => iterations = value.parse()?,
            other => anyhow::bail!("unknown flag {other} (use --agent-kb 0,20 --iterations 20000)"),
        }
    }
    println!("| agent | prompt chars | builds | p50 µs | p90 µs | p99 µs | max µs |");
    println!("|---|---|---|---|---|---|---|");
    for kb in kbs {
        let spec: AgentSpec = serde_json::from_value(crate::agent::spec(kb))?;
        spec.validate()?;
        let agent = AgentVersion::unsaved(spec);
        let lead = LeadProfile {
            lead_id: "lead".into(),
            name: "Dana Levi".into(),
            phone: Some(E164::parse("+14155550100", None)?),
            language: Language::En,
            timezone: chrono_tz::America::Los_Angeles,
            window_timezones: vec![],
            email: Some("dana@example.com".into()),
            company: Some("Levi & Co".into()),
            fields: [("plan".to_owned(), serde_json::json!("Pro"))]
                .into_iter()
                .collect(),
        };
        let now = chrono::Utc::now();
        let turns: Vec<Turn> = (0..12u32)
            .map(|i| Turn {
                index: i,
                speaker: if i % 2 == 0 {
                    Speaker::Agent
                } else {
                    Speaker::Callee
                },
                text: "Could we do Thursday at three in the afternoon, please?".into(),
                at: now,
                confidence: None,
                language: Some(Language::En),
                heard: None,
            })
            .collect();
        let mut samples = Vec::with_capacity(iterations);
        let mut chars = 0;
        let started = Instant::now();
        for _ in 0..iterations {
            let t = Instant::now();
            let vars = TemplateVars::new(&agent.spec, &lead, lead.language, now);
            let instructions = render(&agent.spec.instructions, &vars);
            let system =
                prompt::system_prompt(&agent, &lead, &instructions, now.fixed_offset(), &[], None);
            chars = system.chars().count();
            let messages = prompt::messages(system, &turns);
            std::hint::black_box(&messages);
            samples.push(t.elapsed());
        }
        let s = summarise(samples, started.elapsed());
        let us = |d: Duration| format!("{:.0}", d.as_secs_f64() * 1e6);
        println!(
            "| {} | {chars} | {} | {} | {} | {} | {} |",
            if kb == 0 {
                "small (~0.2 KB)".to_owned()
            } else {
                format!("{kb} KB")
            },
            s.samples,
            us(s.p50),
            us(s.p90),
            us(s.p99),
            us(s.max)
        );
    }
    Ok(())
}

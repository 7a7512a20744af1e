// Fixture data for the agents' component tests, shaped as the API answers.
import type { AgentDetail, AgentResults, AgentRules, AgentSpec, Meeting, TrialView } from "../api/types";

export const at = "2026-11-24T12:00:00Z";

export const spec: AgentSpec = {
  name: "Solar outreach",
  business_name: "Acme Solar",
  goal: "a 30-minute review of your energy bills",
  language: "en",
  instructions: "Introduce {{ business }}.\nAsk about the bills of {{ lead.company | default(\"their company\") }}.",
  greetings: { en: "Hello {{ lead.first_name }}!", he: "שלום {{ lead.first_name }}!" },
  questions: [{ id: "plan", text: "Which plan are you on?", type: "one_of", options: ["basic", "pro"] }],
  knowledge: [{ title: "pricing.md", format: "markdown", content: "# Prices\nPanels from 49 EUR a month." }],
  meeting: { title: { en: "Energy review with {{ lead.name }}" }, description: {}, minutes: 30 },
  voices: {},
};

export const rules: AgentRules = {
  variables: [
    { name: "business", description: "the agent's business name" },
    { name: "lead.first_name", description: "the first word of the lead's name" },
    { name: "lead.fields.<column>", description: "the lead's other columns: lead.fields.<column>" },
  ],
  inline_knowledge_chars: 40000,
  search_available: false,
};

export const detail: AgentDetail = {
  id: "ag-1",
  name: "Solar outreach",
  latest_version: 2,
  created_at: at,
  updated_at: at,
  latest: { agent_id: "ag-1", version: 2, created_at: at, knowledge_mode: "inline", size_chars: 120, spec },
  versions: [
    { version: 2, name: "Solar outreach", knowledge_mode: "inline", created_at: at },
    { version: 1, name: "Solar outreach", knowledge_mode: "none", created_at: at },
  ],
};

export const meeting: Meeting = {
  id: "m1",
  lead_id: "tl-1",
  workflow_id: "trial-t1",
  calendar_id: "primary",
  calendar_event_id: "ev-m1",
  sequence: 0,
  starts_at: "2026-11-26T15:00:00Z",
  ends_at: "2026-11-26T15:30:00Z",
  title: "Energy review with Dana",
  trial: true,
  timezone: "UTC",
  language: "en",
  attendee_name: "Dana",
  attendee_email: "dana@example.com",
  status: "reserved",
  created_at: at,
  updated_at: at,
};

export const trial: TrialView = {
  id: "t1",
  agent_id: "ag-1",
  version: 2,
  language: "en",
  workflow_id: "trial-t1",
  created_at: at,
  transcript: [{ idx: 0, speaker: "agent", text: "Hi Dana, this is the AI assistant of Acme Solar; this call is recorded. Hello Dana!", spoken_at: at }],
  meetings: [],
};

export const results: AgentResults = {
  from: at,
  to: at,
  versions: [
    { agent_id: "ag-1", agent_name: "Solar outreach", version: 1, leads: 500, dials: 700, connects: 520, conversations: 500, meetings_booked: 55, booking_rate: 0.11, booking_rate_low: 0.0855, booking_rate_high: 0.1404, meetings_held: 40, no_shows: 6, opt_outs: 10, opt_out_rate: 0.02, mean_call_secs: 95 },
    { agent_id: "ag-1", agent_name: "Solar outreach", version: 2, leads: 500, dials: 690, connects: 515, conversations: 500, meetings_booked: 90, booking_rate: 0.18, booking_rate_low: 0.1486, booking_rate_high: 0.2162, meetings_held: 70, no_shows: 9, opt_outs: 8, opt_out_rate: 0.016, mean_call_secs: 102.4 },
  ],
  comparison: { leader_version: 2, other_version: 1, leader_rate: 0.18, other_rate: 0.11, p_value: 0.002, significant: true, summary: "Version 2 books more: 18% vs 11%, 95% sure." },
};

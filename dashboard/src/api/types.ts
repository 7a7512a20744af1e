// Hand-written from the API's OpenAPI document (GET /openapi.json): only what the dashboard reads.

/** `ErrorBody`: every error response. */
export interface ErrorBody {
  error: { code: string; message: string; field?: string | null };
  existing_id?: string | null;
}

/** `AnalyticsOverview`. */
export interface AnalyticsOverview {
  dials: number;
  connected: number;
  human_answered: number;
  conversations: number;
  meetings_booked: number;
  opt_outs: number;
  avg_call_secs?: number | null;
  avg_talk_secs?: number | null;
  connect_rate?: number | null;
  human_answer_rate?: number | null;
  conversion?: number | null;
}

/** `KeyCount`: outcomes and languages. */
export interface KeyCount {
  key: string;
  count: number;
}

/** `CallsBucket`: `start` is local wall time in the requested zone, without an offset. */
export interface CallsBucket {
  start: string;
  dials: number;
  connected: number;
  conversations: number;
}

/** `LeadSummary`. */
export interface LeadSummary {
  id: string;
  name: string;
  phone: string;
  email?: string | null;
  company?: string | null;
  language: string;
  timezone: string;
  attempts: number;
  last_outcome?: string | null;
  last_outcome_at?: string | null;
  created_at: string;
}

/** `LeadPage`. */
export interface LeadPage {
  leads: LeadSummary[];
  next_cursor?: string | null;
}

/** `CallRow`: an attempt on the lead page. */
export interface CallRow {
  id: string;
  campaign_id?: string | null;
  attempt: number;
  call_sid?: string | null;
  status: string;
  answered_by?: string | null;
  outcome?: string | null;
  dialed_at: string;
  ended_at?: string | null;
  duration_secs?: number | null;
  recording_url?: string | null;
  summary?: CallSummaryNote | null;
  /** The agent that spoke, and its version. */
  agent_id?: string | null;
  agent_version?: number | null;
  /** Answers to the agent's qualification questions (once the post-call summary is written). */
  answers?: Answers | null;
}

/** `CallSummary` (domain): the post-call summary. */
export interface CallSummaryNote {
  interest_level: number;
  objections: string[];
  questions: string[];
  next_step: string;
  language: string;
}

/** `RecordingLink`: a signed, expiring link to a call's recording. */
export interface RecordingLink {
  url: string;
  expires_at: string;
}

/** `LeadPhase`. */
export type LeadPhase =
  | "pending"
  | "waiting_window"
  | "dialing"
  | "in_call"
  | "waiting_retry"
  | "waiting_callback"
  | "booking"
  | "done";

/** `LeadView`: the lead workflow's live state. */
export interface LeadView {
  lead_id: string;
  phase: LeadPhase;
  attempt: number;
  next_action_at?: string | null;
}

/** A lead's own data (an upload's other columns): text, a number or a boolean. */
export type LeadFields = Record<string, string | number | boolean>;

/** Typed answers to an agent's qualification questions, by question id. */
export type Answers = Record<string, string | number | boolean | null>;

/** `LeadDetail`. */
export interface LeadDetail extends LeadSummary {
  window_timezones: string[];
  /** The lead's own columns, for the agent's templates (`{{ lead.fields.plan }}`). */
  fields?: LeadFields;
  calls: CallRow[];
  meetings: Meeting[];
  workflow_id?: string | null;
  workflow?: LeadView | null;
}

/** `CallRecord`: a call in the calls list (`GET /api/calls`). */
export interface CallSummary {
  id: string;
  lead_id: string;
  lead_name: string;
  phone: string;
  campaign_id?: string | null;
  workflow_id: string;
  attempt: number;
  status: string;
  outcome?: string | null;
  language: string;
  dialed_at: string;
  ended_at?: string | null;
  duration_secs?: number | null;
  has_recording: boolean;
  agent_id?: string | null;
  agent_version?: number | null;
  /** A trial chat of the agent, not a phone call. */
  trial?: boolean;
}

/** `CallPage`. */
export interface CallPage {
  calls: CallSummary[];
  next_cursor?: string | null;
}

/** `TurnRow`. */
export interface TurnRow {
  idx: number;
  speaker: string;
  text: string;
  confidence?: number | null;
  /** On a lead's line: what it meant, as the agent acted on it (`book_meeting`, `continue`, ...). */
  intent?: string | null;
  /** The line's language (`en`, `he`, ...): the agent's, or the one recognised in the lead's words. */
  language?: string | null;
  /** On an agent line: the tools the model used to answer, in order. */
  tools?: ToolUse[] | null;
  spoken_at: string;
}

/** `ToolUse`: a tool the model called (`check_availability`, `book_meeting`, ...). */
export interface ToolUse {
  name: string;
  arguments: unknown;
  /** What it returned to the model (none for the tools that end the call). */
  result?: unknown;
}

/** `CallDetail`. */
export interface CallDetail extends CallSummary {
  answers?: Answers | null;
  transcript: TurnRow[];
}

/** `ImportReport`: the answer to a CSV upload. */
export interface ImportReport {
  import_id: string;
  rows: number;
  accepted: number;
  rejected: number;
  duplicates: number;
  /** The header's other columns, kept with each lead as its `fields`. */
  field_columns: string[];
  rejected_rows: { line: number; reason: string }[];
  duplicate_rows: {
    line: number;
    phone: string;
    first_line?: number | null;
    existing_lead_id?: string | null;
  }[];
}

/** `CampaignStatus`. */
export type CampaignState = "running" | "paused" | "cancelling" | "completed";

/** `CampaignRow`: a campaign in `GET /api/campaigns/status`. */
export interface CampaignRow {
  id: string;
  name: string;
  workflow_id: string;
  lead_count: number;
  created_at: string;
  settled: number;
  meetings_booked: number;
  outcomes: Record<string, number>;
}

/** `CampaignPage`. */
export interface CampaignPage {
  campaigns: CampaignRow[];
  next_cursor?: string | null;
}

/** `CampaignProgress`. */
export interface CampaignProgress {
  campaign_id: string;
  status: CampaignState;
  started: number;
  in_flight: number;
  settled: number;
  outcomes: Record<string, number>;
}

/** `CampaignDetail`. */
export interface CampaignDetail {
  id: string;
  name: string;
  workflow_id: string;
  lead_count: number;
  created_at: string;
  progress?: CampaignProgress | null;
  live: { dialing: number; in_call: number; waiting: number };
  outcomes: Record<string, number>;
  leads: {
    seq: number;
    lead_id: string;
    name: string;
    phone: string;
    language: string;
    outcome?: string | null;
    settled_at?: string | null;
  }[];
}

/** `RetryCadence`, seconds. */
export interface RetryCadence {
  no_answer_secs: number;
  busy_secs: number;
  voicemail_secs: number;
  failed_secs: number;
  incomplete_secs: number;
}

/** `CallingWindow`: minutes after local midnight; days 1 (Monday) … 7. */
export interface CallingWindow {
  start_minute: number;
  end_minute: number;
  days: number[];
}

/** `Variant`: a version and its relative share of a campaign's leads. */
export interface Variant {
  version: number;
  weight: number;
}

/**
 * `CampaignAgent`: `{id}` calls with the latest version, `{id, version}` pins one,
 * `{id, variants}` splits the leads between versions by weight.
 */
export interface CampaignAgent {
  id: string;
  version?: number;
  variants?: Variant[];
}

/** `StartCampaign` (the business is the agent's: `settings.business_name` is refused). */
export interface StartCampaign {
  name?: string;
  lead_ids?: string[];
  import_id?: string;
  max_concurrent?: number;
  agent: CampaignAgent;
  settings?: {
    max_attempts?: number;
    retry?: RetryCadence;
    calling_window?: CallingWindow;
  };
}

/** `StartedCampaign`. */
export interface StartedCampaign {
  campaign_id: string;
  workflow_id: string;
  lead_count: number;
}

/** `Meeting`. */
export interface Meeting {
  id: string;
  lead_id: string;
  campaign_id?: string | null;
  workflow_id: string;
  starts_at: string;
  ends_at: string;
  title: string;
  description?: string | null;
  /** Booked in a trial chat: released when the trial ends, never on a real calendar. */
  trial?: boolean;
  timezone: string;
  language: string;
  attendee_name: string;
  attendee_email: string;
  status: string;
  video_url?: string | null;
  calendar_link?: string | null;
  failure?: string | null;
  created_at: string;
  updated_at: string;
}

/** `MeetingPage`. */
export interface MeetingPage {
  meetings: Meeting[];
  next_cursor?: string | null;
}

/** The languages an agent speaks: `en he fr de es ar it pt nl ru pl tr ja hi zh`. */
export type LanguageCode = string;

/** Texts per language (`{"en": "...", "fr": "..."}`): MiniJinja templates. */
export type PerLanguage = Record<LanguageCode, string>;

/** `AnswerKind`. */
export type AnswerKind = "text" | "number" | "boolean" | "one_of";

/** `Question`: asked naturally, one at a time, before a meeting is offered. */
export interface Question {
  /** Key of the answer: `a-z 0-9 _`, starting with a letter; unique within the agent. */
  id: string;
  text: string;
  type: AnswerKind;
  /** The choices of a `one_of` question (2 to 20); absent for the other types. */
  options?: string[];
}

/** `KnowledgeDoc`: what the agent answers from, and never beyond. */
export interface KnowledgeDoc {
  title: string;
  format: "markdown" | "text";
  content: string;
}

/** `MeetingSpec`: the meeting the agent books. The agent's own language must have a title. */
export interface MeetingSpec {
  title: PerLanguage;
  description?: PerLanguage;
  /** 10 to 240 (default 30). */
  minutes: number;
}

/** `VoiceOverride`: voices for one language, overriding the deployment's. */
export interface VoiceOverride {
  /** The text-to-speech provider's voice id. */
  tts_voice?: string;
  /** Twilio's `<Say voice>` (`Polly.Joanna`, ...). */
  say_voice?: string;
}

/** `AgentSpec`: one version of an agent, as its owner writes it. */
export interface AgentSpec {
  /** For the team; never said on a call. */
  name: string;
  /** Said in the disclosure that opens every call. */
  business_name: string;
  /** What the meeting is for, in one phrase. */
  goal: string;
  /** The language the owner writes in: the fallback for texts given per language. */
  language: LanguageCode;
  /** The pitch and how to handle objections (a template). */
  instructions: string;
  /** Said after the product's disclosure, per language (templates). */
  greetings: PerLanguage;
  questions: Question[];
  knowledge: KnowledgeDoc[];
  meeting: MeetingSpec;
  voices: Record<LanguageCode, VoiceOverride>;
  /** The chat model (default: the deployment's). */
  model?: string;
  /** 0 to 2 (default 0.3). */
  temperature?: number;
}

/** `AgentSummary`: an agent in the list. */
export interface AgentSummary {
  id: string;
  /** Of its latest version. */
  name: string;
  latest_version: number;
  created_at: string;
  /** Last saved. */
  updated_at: string;
}

/** How knowledge reaches the model: whole in every prompt, or searched per turn. */
export type KnowledgeMode = "none" | "inline" | "search";

/** `AgentVersionView`: one saved version. */
export interface AgentVersionView {
  agent_id: string;
  version: number;
  created_at: string;
  knowledge_mode: KnowledgeMode;
  /** Characters of instructions and knowledge. */
  size_chars: number;
  spec: AgentSpec;
}

/** `VersionSummary`: a version in an agent's history. */
export interface VersionSummary {
  version: number;
  name: string;
  knowledge_mode: KnowledgeMode;
  created_at: string;
}

/** `AgentDetail`: the agent, its latest version and every version, newest first. */
export interface AgentDetail extends AgentSummary {
  latest: AgentVersionView;
  versions: VersionSummary[];
}

/** `AgentRules`: what templates may use, and the knowledge budget. */
export interface AgentRules {
  /** `lead.name`, `lead.fields.<column>`, ... */
  variables: { name: string; description: string }[];
  /** Knowledge up to this many characters goes into every prompt whole. */
  inline_knowledge_chars: number;
  /** Whether knowledge past the budget can be searched (an embeddings endpoint). */
  search_available: boolean;
}

/** `PreviewRequest`: the agent as edited (unsaved). */
export interface PreviewRequest {
  spec: AgentSpec;
  lead_id?: string;
  language?: LanguageCode;
}

/** `AgentPreview`: what a call with the chosen lead would start with. */
export interface AgentPreview {
  /** The product's disclosure, then the agent's greeting. */
  greeting: string;
  system_prompt: string;
  meeting_title: string;
  meeting_description?: string | null;
  knowledge_mode: KnowledgeMode;
  /** Values the lead lacks (rendered empty on a call): write a `default(...)`. */
  problems: { field: string; message: string }[];
}

/** `NewTrial`: all optional; `lead_id` or a made-up `lead`, not both. */
export interface NewTrial {
  version?: number;
  language?: LanguageCode;
  lead_id?: string;
  lead?: { name?: string; email?: string; company?: string; timezone?: string; fields?: LeadFields };
}

/** `TrialLine`: one line of a trial's transcript. */
export interface TrialLine {
  idx: number;
  /** `agent` or `callee`. */
  speaker: string;
  text: string;
  tools?: ToolUse[] | null;
  spoken_at: string;
}

/** `TrialView`: a trial chat and where it stands. */
export interface TrialView {
  id: string;
  agent_id: string;
  version: number;
  language: LanguageCode;
  workflow_id: string;
  created_at: string;
  ended_at?: string | null;
  outcome?: string | null;
  /** The first line is the greeting. */
  transcript: TrialLine[];
  /** `reserved` while the trial runs, `cancelled` (released) after it ends. */
  meetings: Meeting[];
  /** Extracted after the trial ended. */
  answers?: Answers | null;
}

/** `TrialReply`: the agent's answer to one message. */
export interface TrialReply {
  reply: string;
  tools: ToolUse[];
  /** The agent ended the conversation: the trial is over. */
  ended: boolean;
}

/** `VersionResults`: one agent version's results (`GET /api/analytics/agents`). */
export interface VersionResults {
  agent_id: string;
  agent_name: string;
  version: number;
  leads: number;
  dials: number;
  connects: number;
  conversations: number;
  meetings_booked: number;
  /** meetings_booked / conversations, with its 95% interval (Wilson). */
  booking_rate?: number | null;
  booking_rate_low: number;
  booking_rate_high: number;
  meetings_held: number;
  no_shows: number;
  opt_outs: number;
  opt_out_rate?: number | null;
  mean_call_secs?: number | null;
}

/** `Comparison`: the two versions of one agent with the most conversations. */
export interface Comparison {
  leader_version: number;
  other_version: number;
  leader_rate: number;
  other_rate: number;
  p_value: number;
  significant: boolean;
  /** "Version 2 books more: 18% vs 11%, 95% sure." or "No difference yet: …". */
  summary: string;
}

/** `AgentResults`. */
export interface AgentResults {
  from: string;
  to: string;
  versions: VersionResults[];
  comparison?: Comparison | null;
}

/** A live event from `GET /api/events` (the JSON `data` of each SSE message). */
export type LiveEvent =
  | {
      type: "call_started";
      call_id: string;
      lead_id: string;
      campaign_id?: string | null;
      attempt: number;
      language: string;
      at: string;
    }
  | {
      type: "turn";
      call_id: string;
      lead_id: string;
      campaign_id?: string | null;
      idx: number;
      speaker: string;
      text: string;
      confidence?: number | null;
      intent?: string | null;
      language?: string | null;
      at: string;
    }
  | {
      type: "call_ended";
      call_id: string;
      lead_id: string;
      campaign_id?: string | null;
      outcome: string;
      duration_secs?: number | null;
      at?: string | null;
    }
  | {
      type: "meeting_booked" | "meeting_changed";
      meeting_id: string;
      lead_id: string;
      campaign_id?: string | null;
      status: string;
      starts_at: string;
      at: string;
    }
  | { type: "lagged"; missed: number };

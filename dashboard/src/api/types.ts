// The API's types, by the names the dashboard uses: aliases of src/api/schema.gen.ts, which
// `npm run api-types` generates from openapi.json (the API's OpenAPI document). Only what the
// document does not describe is written by hand here, each with the reason.
import type { components } from "./schema.gen";

type Schemas = components["schemas"];

/** `ErrorBody`: every error response. */
export type ErrorBody = Schemas["ErrorBody"];

/** `AnalyticsOverview`. */
export type AnalyticsOverview = Schemas["AnalyticsOverview"];

/** `KeyCount`: outcomes and languages. */
export type KeyCount = Schemas["KeyCount"];

/** `CallsBucket`: `start` is local wall time in the requested zone, without an offset. */
export type CallsBucket = Schemas["CallsBucket"];

/** `LeadSummary`. */
export type LeadSummary = Schemas["LeadSummary"];

/** `LeadPage`. */
export type LeadPage = Schemas["LeadPage"];

/** `CallRow`: an attempt on the lead page. */
export type CallRow = Schemas["CallRow"];

/** `CallSummary` (domain): the post-call summary (`CallSummary` here is a call in the list). */
export type CallSummaryNote = Schemas["CallSummary"];

/** `RecordingLink`: a signed, expiring link to a call's recording. */
export type RecordingLink = Schemas["RecordingLink"];

/** `LeadPhase`. */
export type LeadPhase = Schemas["LeadPhase"];

/** `LeadView`: the lead workflow's live state. */
export type LeadView = Schemas["LeadView"];

/** `Lead.fields`: a lead's own data (an upload's other columns); not a component of its own. */
export type LeadFields = Schemas["Lead"]["fields"];

/** `CallRow.answers`: typed answers to an agent's qualification questions, by question id; not a component of its own. */
export type Answers = NonNullable<Schemas["CallRow"]["answers"]>;

/** `LeadDetail`. */
export type LeadDetail = Schemas["LeadDetail"];

/** `CallRecord`: a call in the calls list (`GET /api/calls`). */
export type CallSummary = Schemas["CallRecord"];

/** `CallPage`. */
export type CallPage = Schemas["CallPage"];

/** `TurnRow`. */
export type TurnRow = Schemas["TurnRow"];

/** `ToolUse`: a tool the model called (`check_availability`, `book_meeting`, ...). */
export type ToolUse = Schemas["ToolUse"];

/** `CallDetail`. */
export type CallDetail = Schemas["CallDetail"];

/** `ImportReport`: the answer to a CSV upload. */
export type ImportReport = Schemas["ImportReport"];

/** `CampaignStatus`. */
export type CampaignState = Schemas["CampaignStatus"];

/** `CampaignRow`: a campaign in `GET /api/campaigns/status`. */
export type CampaignRow = Schemas["CampaignRow"];

/** `CampaignPage`. */
export type CampaignPage = Schemas["CampaignPage"];

/** `CampaignProgress`. */
export type CampaignProgress = Schemas["CampaignProgress"];

/** `CampaignDetail`. */
export type CampaignDetail = Schemas["CampaignDetail"];

/** `RetryCadence`, seconds. */
export type RetryCadence = Schemas["RetryCadence"];

/** `CallingWindow`: minutes after local midnight; days 1 (Monday) … 7. */
export type CallingWindow = Schemas["CallingWindow"];

/** `Variant`: a version and its relative share of a campaign's leads. */
export type Variant = Schemas["Variant"];

/**
 * `CampaignAgent`: `{id}` calls with the latest version, `{id, version}` pins one,
 * `{id, variants}` splits the leads between versions by weight.
 */
export type CampaignAgent = Schemas["CampaignAgent"];

/** `StartCampaign` (the business is the agent's: `settings.business_name` is refused). */
export type StartCampaign = Schemas["StartCampaign"];

/** `StartedCampaign`. */
export type StartedCampaign = Schemas["StartedCampaign"];

/** `Meeting`. */
export type Meeting = Schemas["Meeting"];

/** `MeetingPage`. */
export type MeetingPage = Schemas["MeetingPage"];

/** `Language`: the languages an agent speaks. */
export type LanguageCode = Schemas["Language"];

/** `MeetingSpec.title`: texts per language (`{"en": "...", "fr": "..."}`), MiniJinja templates; not a component of its own. */
export type PerLanguage = Schemas["MeetingSpec"]["title"];

/** `Question.type`: the kinds of answer; not a component of its own. */
export type AnswerKind = Schemas["Question"]["type"];

/** `Question`: asked naturally, one at a time, before a meeting is offered. */
export type Question = Schemas["Question"];

/** `KnowledgeDoc`: what the agent answers from, and never beyond. */
export type KnowledgeDoc = Schemas["KnowledgeDoc"];

/** `MeetingSpec`: the meeting the agent books. The agent's own language must have a title. */
export type MeetingSpec = Schemas["MeetingSpec"];

/** `VoiceOverride`: voices for one language, overriding the deployment's. */
export type VoiceOverride = Schemas["VoiceOverride"];

/**
 * `AgentSpec`: one version of an agent, as its owner writes it. The schema serves requests and
 * responses alike, so the fields the API defaults when a request leaves them out are optional
 * there; every response has them (the API never skips them), and so does every spec the editor
 * builds.
 */
export type AgentSpec = Schemas["AgentSpec"] &
  Required<Pick<Schemas["AgentSpec"], "language" | "greetings" | "questions" | "knowledge" | "voices">>;

/** `AgentSummary`: an agent in the list. */
export type AgentSummary = Schemas["AgentSummary"];

/** `AgentVersionView.knowledge_mode`: `none`, `inline` or `search`; the document types it as a string. */
export type KnowledgeMode = Schemas["AgentVersionView"]["knowledge_mode"];

/** `AgentVersionView`: one saved version (its spec as responses have it: see `AgentSpec`). */
export type AgentVersionView = Omit<Schemas["AgentVersionView"], "spec"> & { spec: AgentSpec };

/** `VersionSummary`: a version in an agent's history. */
export type VersionSummary = Schemas["VersionSummary"];

/** `AgentDetail`: the agent, its latest version and every version, newest first. */
export type AgentDetail = Omit<Schemas["AgentDetail"], "latest"> & { latest: AgentVersionView };

/** `AgentRules`: what templates may use, and the knowledge budget. */
export type AgentRules = Schemas["AgentRules"];

/** `PreviewRequest`: the agent as edited (unsaved). */
export type PreviewRequest = Schemas["PreviewRequest"];

/** `AgentPreview`: what a call with the chosen lead would start with. */
export type AgentPreview = Schemas["AgentPreview"];

/** `NewTrial`: all optional; `lead_id` or a made-up `lead`, not both. */
export type NewTrial = Schemas["NewTrial"];

/** `TrialLine`: one line of a trial's transcript. */
export type TrialLine = Schemas["TrialLine"];

/** `TrialView`: a trial chat and where it stands. */
export type TrialView = Schemas["TrialView"];

/** `TrialReply`: the agent's answer to one message. */
export type TrialReply = Schemas["TrialReply"];

/** `VersionResults`: one agent version's results (`GET /api/analytics/agents`). */
export type VersionResults = Schemas["VersionResults"];

/** `Comparison`: the two versions of one agent with the most conversations. */
export type Comparison = Schemas["Comparison"];

/** `AgentResults`. */
export type AgentResults = Schemas["AgentResults"];

/**
 * A live event from `GET /api/events` (the JSON `data` of each SSE message). Hand-written: the
 * document gives the stream as `text/event-stream` text, not the messages' shapes.
 */
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

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

/** `LeadDetail`. */
export interface LeadDetail extends LeadSummary {
  window_timezones: string[];
  calls: CallRow[];
  meetings: Meeting[];
  workflow_id?: string | null;
  workflow?: LeadView | null;
}

/** `CallSummary`. */
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
  spoken_at: string;
}

/** `CallDetail`. */
export interface CallDetail extends CallSummary {
  transcript: TurnRow[];
}

/** `ImportReport`: the answer to a CSV upload. */
export interface ImportReport {
  import_id: string;
  rows: number;
  accepted: number;
  rejected: number;
  duplicates: number;
  ignored_columns: string[];
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

/** `CampaignStatus` list row (`GET /api/campaigns/status`). */
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

/** `CampaignStatusPage`. */
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

/** `StartCampaign`. */
export interface StartCampaign {
  name?: string;
  lead_ids?: string[];
  import_id?: string;
  max_concurrent?: number;
  settings?: {
    business_name?: string;
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

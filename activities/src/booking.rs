//! Booking during a call: the `check_availability` and `book_meeting` tools the model calls in
//! a turn. Availability is the calendar's free/busy plus our own live reservations, cut into
//! slots by [`callwright_domain::booking`]; a booking is a reservation row that the database
//! refuses to overlap with another, so a slot two callers pick at once goes to exactly one.

use callwright_contracts::activities::ConverseInput;
use callwright_domain::agent::{AgentSpec, TemplateVars, render};
use callwright_domain::booking::{BookingRules, Interval, free_slots, offer, slot_label};
use callwright_domain::conversation::OfferedSlot;
use callwright_domain::{AgentAction, LeadProfile};
use callwright_providers::ProviderError;
use callwright_providers::calendar::Calendar;
use callwright_providers::llm::ToolCall;
use callwright_store::Store;
use callwright_store::meetings::{NewReservation, Reservation};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use serde_json::{Value, json};
use std::sync::Arc;

/// After a lost race, fresh offers start anywhere among this many of the earliest free slots.
const SPREAD_WINDOW: usize = 48;

/// How meetings are booked (from the worker's settings).
#[derive(Debug, Clone)]
pub struct BookingSettings {
    /// Business hours, slot length, buffer, notice and look-ahead.
    pub rules: BookingRules,
    /// Slots proposed at a time.
    pub offer_size: usize,
    /// Organizer name on invites.
    pub organizer_name: String,
    /// Organizer address (the invite's sender and ORGANIZER).
    pub organizer_email: String,
    /// Ask the calendar for a Google Meet link when no video provider is configured.
    pub google_meet: bool,
}

impl Default for BookingSettings {
    fn default() -> Self {
        Self {
            rules: BookingRules::default(),
            offer_size: 3,
            organizer_name: "Callwright".to_owned(),
            organizer_email: "meetings@callwright.example".to_owned(),
            google_meet: false,
        }
    }
}

/// Finds and reserves slots.
pub struct BookingDesk {
    calendar: Arc<dyn Calendar>,
    store: Store,
    settings: BookingSettings,
}

/// What the tools did during one turn.
#[derive(Debug, Default)]
pub struct TurnBooking {
    /// Slots offered so far in the call (with the ones offered in this turn).
    pub offered: Vec<OfferedSlot>,
    /// Count of slots ever offered in the call.
    pub slots_offered: u32,
    /// Whether this turn made a new offer.
    pub new_offer: bool,
    /// The booking made in this turn.
    pub booked: Option<AgentAction>,
}

pub use callwright_agents::tools::{is_booking_tool, tools, unavailable};

fn lead_zone(lead: &LeadProfile) -> chrono_tz::Tz {
    lead.timezone
}

/// A stable seed from text (FNV-1a), so a replayed or retried turn makes the same offer.
fn seed(parts: &[&str]) -> u64 {
    parts
        .iter()
        .flat_map(|p| p.bytes().chain(std::iter::once(0)))
        .fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
}

/// A database failure inside a turn: retryable, like a provider's 5xx.
fn db(e: sqlx::Error) -> ProviderError {
    ProviderError::failed("database", e.to_string(), true)
}

fn plausible_email(s: &str) -> bool {
    let s = s.trim();
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.contains(char::is_whitespace)
}

impl BookingDesk {
    /// A desk over this calendar.
    pub fn new(calendar: Arc<dyn Calendar>, store: Store, settings: BookingSettings) -> Self {
        Self {
            calendar,
            store,
            settings,
        }
    }

    fn buffer(&self) -> Duration {
        Duration::minutes(i64::from(self.settings.rules.buffer_minutes))
    }

    /// The calendar's busy time, asked again once after a short pause on a transient error (a
    /// caller is waiting: no longer backoff than that).
    async fn calendar_busy(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Interval>, ProviderError> {
        match self.calendar.busy(from, to).await {
            Err(err) if err.retryable => {
                tokio::time::sleep(std::time::Duration::from_millis(300)).await;
                self.calendar.busy(from, to).await
            }
            other => other,
        }
    }

    /// Busy time between two instants: the calendar's own plus our live reservations.
    async fn busy(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Interval>, ProviderError> {
        let mut busy = self.calendar_busy(from, to).await?;
        let held = self
            .store
            .held_ranges(self.calendar.calendar_id(), from, to)
            .await
            .map_err(db)?;
        busy.extend(held);
        Ok(busy)
    }

    /// Slots to propose to the lead: from `day` (lead-local) on, the `time` preferred, spread
    /// pseudo-randomly by `spread` (after a slot was taken under the caller).
    #[allow(clippy::too_many_arguments)]
    async fn find(
        &self,
        lead: &LeadProfile,
        minutes: u32,
        now: DateTime<Utc>,
        day: Option<NaiveDate>,
        time: Option<NaiveTime>,
        spread: Option<u64>,
        first_number: u32,
    ) -> Result<Vec<OfferedSlot>, ProviderError> {
        let tz = lead_zone(lead);
        let horizon = now + Duration::days(i64::from(self.settings.rules.lookahead_days) + 1);
        let busy = self.busy(now, horizon).await?;
        // The agent's meeting length; the team's hours, buffer and notice.
        let rules = BookingRules {
            slot_minutes: minutes,
            ..self.settings.rules.clone()
        };
        let mut free = free_slots(now, &busy, &rules, tz);
        if let Some(seed) = spread {
            // Callers who just lost a slot were all racing for the earliest ones: start each
            // one's fresh offer at a different point among the free slots, so they do not all
            // collide again on the same next slot. The first loss looks among the next few
            // dozen; a caller who lost again moves anywhere in the horizon, away from where the
            // crowd is booking.
            let offer_size = self.settings.offer_size.max(1);
            let lost_before = usize::try_from(first_number).unwrap_or(0) / offer_size > 1;
            let window = if lost_before {
                free.len().saturating_sub(offer_size)
            } else {
                (free.len() / 2).min(SPREAD_WINDOW)
            };
            if window > 0 {
                let skip = usize::try_from(seed % window as u64).unwrap_or(0);
                free.drain(..skip);
            }
        }
        let local = |d: NaiveDate, t: NaiveTime| {
            tz.from_local_datetime(&d.and_time(t))
                .earliest()
                .map(|at| at.with_timezone(&Utc))
        };
        let not_before = day.and_then(|d| local(d, NaiveTime::MIN));
        let preferred = day.zip(time).and_then(|(d, t)| local(d, t));
        let picked = offer(
            &free,
            preferred,
            not_before,
            self.settings.offer_size,
            spread,
        );
        Ok(picked
            .into_iter()
            .zip(first_number + 1..)
            .map(|(slot, n)| OfferedSlot {
                id: format!("s{n}"),
                start: slot.start,
                end: slot.end,
                label: slot_label(slot.start, tz, lead.language),
            })
            .collect())
    }

    fn slots_json(slots: &[OfferedSlot], lead: &LeadProfile) -> Value {
        let tz = lead_zone(lead);
        slots
            .iter()
            .map(|s| {
                json!({
                    "id": s.id,
                    "start": s.start.with_timezone(&tz).fixed_offset().to_rfc3339(),
                    "label": s.label,
                })
            })
            .collect()
    }

    /// Runs one booking tool call; returns the JSON the model reads back.
    pub async fn run_tool(
        &self,
        call: &ToolCall,
        input: &ConverseInput,
        agent: &AgentSpec,
        state: &mut TurnBooking,
    ) -> Result<Value, ProviderError> {
        let minutes = agent.meeting.minutes;
        let arg = |k: &str| {
            call.arguments
                .get(k)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|v| !v.is_empty())
        };
        let lead = &input.lead;
        match call.name.as_str() {
            "check_availability" => {
                let day = arg("day").and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
                let time = arg("time").and_then(|t| NaiveTime::parse_from_str(t, "%H:%M").ok());
                let slots = self.offer(input, minutes, state, day, time, None).await?;
                Ok(json!({"tool": "check_availability", "slots": slots}))
            }
            "book_meeting" => {
                let Some(slot) = arg("slot_id")
                    .and_then(|id| state.offered.iter().find(|s| s.id == id))
                    .cloned()
                else {
                    // The model may only book what was offered: offer again.
                    let slots = self.offer(input, minutes, state, None, None, None).await?;
                    return Ok(
                        json!({"tool": "book_meeting", "booked": false, "reason": "unknown_slot",
                                     "slots": slots}),
                    );
                };
                let email = arg("email")
                    .filter(|e| plausible_email(e))
                    .map(str::to_owned)
                    .or_else(|| lead.email.clone().filter(|e| plausible_email(e)));
                let Some(email) = email else {
                    return Ok(
                        json!({"tool": "book_meeting", "booked": false, "reason": "email_needed"}),
                    );
                };
                if let Some(meeting_id) = self.reserve(input, agent, &slot, &email).await? {
                    let tz = lead_zone(lead);
                    state.booked = Some(AgentAction::BookMeeting {
                        meeting_id: meeting_id.to_string(),
                        start: slot.start.with_timezone(&tz).fixed_offset(),
                        label: slot.label.clone(),
                        email: email.clone(),
                    });
                    return Ok(
                        json!({"tool": "book_meeting", "booked": true, "label": slot.label, "email": email}),
                    );
                }
                // Taken under the caller: a fresh offer right away, spread so that callers who
                // lost the same slot do not all race for the same next one.
                let spread = seed(&[&input.call_id, &slot.id]);
                let slots = self
                    .offer(input, minutes, state, None, None, Some(spread))
                    .await?;
                Ok(
                    json!({"tool": "book_meeting", "booked": false, "reason": "slot_taken",
                          "taken": slot.label, "slots": slots}),
                )
            }
            other => Ok(json!({"error": format!("unknown tool {other}")})),
        }
    }

    /// Finds free slots numbered after those already offered this turn, makes them the offer
    /// the model may book from, and returns them as the model reads them.
    async fn offer(
        &self,
        input: &ConverseInput,
        minutes: u32,
        state: &mut TurnBooking,
        day: Option<NaiveDate>,
        time: Option<NaiveTime>,
        spread: Option<u64>,
    ) -> Result<Value, ProviderError> {
        let lead = &input.lead;
        let slots = self
            .find(
                lead,
                minutes,
                input.now,
                day,
                time,
                spread,
                state.slots_offered,
            )
            .await?;
        self.remember(state, &slots);
        Ok(Self::slots_json(&slots, lead))
    }

    fn remember(&self, state: &mut TurnBooking, slots: &[OfferedSlot]) {
        state.slots_offered += u32::try_from(slots.len()).unwrap_or(0);
        state.offered = slots.to_vec();
        state.new_offer = true;
    }

    /// Reserves `slot` for the lead; `None` when it is no longer free.
    async fn reserve(
        &self,
        input: &ConverseInput,
        agent: &AgentSpec,
        slot: &OfferedSlot,
        email: &str,
    ) -> Result<Option<uuid::Uuid>, ProviderError> {
        let buffer = self.buffer();
        // The calendar may have changed since the offer (someone added an event by hand).
        let busy = self
            .calendar_busy(slot.start - buffer, slot.end + buffer)
            .await?;
        if busy
            .iter()
            .any(|b| b.start < slot.end + buffer && b.end > slot.start - buffer)
        {
            return Ok(None);
        }
        let lead = &input.lead;
        // The meeting's title and description in the lead's language (the call's).
        let vars = TemplateVars::new(agent, lead, lead.language, input.now);
        let localized = |map| {
            agent
                .localized(map, lead.language)
                .map(|t| render(t, &vars))
        };
        let reservation = NewReservation {
            lead_id: lead.lead_id.clone(),
            campaign_id: input.campaign_id.clone(),
            call_id: Some(input.call_id.clone()),
            workflow_id: input.workflow_id.clone(),
            calendar_id: self.calendar.calendar_id().to_owned(),
            start: slot.start,
            end: slot.end,
            buffer,
            title: localized(&agent.meeting.title)
                .filter(|t| !t.trim().is_empty())
                .unwrap_or_else(|| format!("{} × {}", agent.business_name, lead.name)),
            description: localized(&agent.meeting.description),
            trial: input.trial,
            timezone: lead.timezone.name().to_owned(),
            language: lead.language.code().to_owned(),
            attendee_name: lead.name.clone(),
            attendee_email: email.to_owned(),
        };
        match self.store.reserve_meeting(&reservation).await {
            Ok(Reservation::Held(m)) => {
                tracing::info!(meeting_id = %m.id, start = %m.starts_at, "slot reserved");
                Ok(Some(m.id))
            }
            Ok(Reservation::Taken) => Ok(None),
            Err(e) => Err(db(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_plausibility() {
        assert!(plausible_email("dana@example.com"));
        assert!(!plausible_email("dana at example dot com"));
        assert!(!plausible_email("dana@localhost"));
        assert!(!plausible_email("@example.com"));
    }

    #[test]
    fn seeds_are_stable_and_distinct() {
        assert_eq!(seed(&["a", "b"]), seed(&["a", "b"]));
        assert_ne!(seed(&["a", "b"]), seed(&["ab", ""]));
    }
}

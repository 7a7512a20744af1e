-- What the callee heard of an agent line they cut off on a realtime call (ConversationRelay's
-- `utteranceUntilInterrupt`); NULL when the line was heard whole, and for every `<Gather>` call,
-- where the agent cannot be interrupted. `text` keeps what the agent said.
ALTER TABLE call_turns ADD COLUMN heard text;

//! A refusal that names the field it is about, so every door (the API's JSON bodies, an
//! upload's rows, an agent's spec) reports the same field the same way.

/// A refused value and why, naming the field as the client wrote it: a JSON path
/// (`questions[2].id`, `fields.plan`), an upload column, or `row` for a row as a whole.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    /// The field.
    pub field: String,
    /// What is wrong with it, for a person.
    pub message: String,
}

impl FieldError {
    /// A refusal of `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The same refusal of a value nested under `parent` (`lead` + `fields.plan` →
    /// `lead.fields.plan`).
    #[must_use]
    pub fn under(self, parent: &str) -> Self {
        Self {
            field: format!("{parent}.{}", self.field),
            message: self.message,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_reads_field_first_and_nests() {
        let refused = FieldError::new("fields.plan", "too long").under("lead");
        assert_eq!(refused.field, "lead.fields.plan");
        assert_eq!(refused.to_string(), "lead.fields.plan: too long");
    }
}

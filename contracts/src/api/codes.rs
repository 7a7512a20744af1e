//! Code lists the API documents as string enums, built from the domain's own lists so the
//! document cannot list other codes than the API accepts.

/// Where a lead stands (the `status` filter).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum LeadStatus {
    /// Never in a campaign.
    New,
    /// In a campaign and not settled there yet.
    Active,
    /// Settled in every campaign it was in.
    Done,
}

impl LeadStatus {
    /// As the API and the store spell it.
    pub fn code(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Active => "active",
            Self::Done => "done",
        }
    }
}

/// A string schema of these values: for code lists kept in the domain, so the document cannot
/// list other codes than the code accepts.
fn code_list(
    description: &str,
    values: impl IntoIterator<Item = &'static str>,
) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .description(Some(description))
        .enum_values(Some(values))
        .into()
}

/// An attempt outcome code: `callwright_domain::AttemptOutcome::CODES`.
pub struct OutcomeCode;

impl utoipa::PartialSchema for OutcomeCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        code_list(
            "An attempt outcome code.",
            callwright_domain::AttemptOutcome::CODES,
        )
    }
}

impl utoipa::ToSchema for OutcomeCode {}

/// An outcome code, or `none` for leads never called.
pub struct LeadOutcomeFilter;

impl utoipa::PartialSchema for LeadOutcomeFilter {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        let codes = callwright_domain::AttemptOutcome::CODES;
        code_list(
            "An outcome code, or `none` for leads never called.",
            codes.into_iter().chain(["none"]),
        )
    }
}

impl utoipa::ToSchema for LeadOutcomeFilter {}

//! The one error shape every 4xx and 5xx answer has.

use serde::{Deserialize, Serialize};

/// The body of every error response (4xx and 5xx), as documented in the OpenAPI schema.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
    /// On a 409 caused by an existing resource (a lead with the same phone number): its id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub existing_id: Option<String>,
}

/// The `error` object of an [`ErrorBody`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Machine-readable code: `bad_request`, `invalid`, `unauthorized`, `bad_signature`,
    /// `link_rejected`, `not_found`, `conflict`, `too_large`, `timeout`, `method_not_allowed`,
    /// `unsupported_media_type`, `unavailable` or `internal`.
    #[schema(example = "invalid")]
    pub code: String,
    /// For a person: what to change. On a 5xx, no internal detail.
    #[schema(example = "phone: '12' is not a phone number")]
    pub message: String,
    /// The request field the message is about, when it names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "phone")]
    pub field: Option<String>,
    /// On a 413: the limit the body went over, in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit_bytes: Option<u64>,
}

//! [`FieldQuery`]: query parameters read into their typed struct, a value that does not fit
//! its type refused with a 400 that names the parameter (`error.field`), like every other
//! validation error of the API. (axum's `Query` refuses with text about the whole query
//! string.)

use crate::error::ApiError;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

/// Query parameters of type `T` (a struct whose documentation is its `IntoParams`).
#[derive(Debug)]
pub struct FieldQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for FieldQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        read(parts.uri.query().unwrap_or_default()).map(FieldQuery)
    }
}

/// `query` (the URL's query string) as a `T`; a 400 naming the parameter that does not fit.
pub fn read<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let pairs = url::form_urlencoded::parse(query.as_bytes());
    serde_path_to_error::deserialize(serde_urlencoded::Deserializer::new(pairs)).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        // serde names the query as a whole `.` (an unknown parameter is named by its path).
        if path == "." {
            ApiError::bad_request(inner.to_string())
        } else {
            ApiError::bad_field(path, inner)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use callwright_contracts::api::codes::LeadStatus;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Q {
        status: Option<LeadStatus>,
        limit: Option<i64>,
    }

    fn refusal(query: &str) -> (Option<String>, String) {
        match read::<Q>(query) {
            Err(ApiError::BadRequest(reason)) => (reason.field, reason.detail),
            other => panic!("not a 400: {other:?}"),
        }
    }

    #[test]
    fn typed_values_are_read_and_a_bad_one_names_its_parameter() {
        assert_eq!(
            read::<Q>("status=active&limit=5").unwrap(),
            Q {
                status: Some(LeadStatus::Active),
                limit: Some(5)
            }
        );
        assert_eq!(
            read::<Q>("").unwrap(),
            Q {
                status: None,
                limit: None
            }
        );
        let (field, message) = refusal("status=asleep");
        assert_eq!(field.as_deref(), Some("status"));
        assert!(message.contains("asleep"), "{message}");
        assert_eq!(refusal("limit=ten").0.as_deref(), Some("limit"));
        // An unknown parameter is named too.
        let (field, message) = refusal("colour=red");
        assert_eq!(field.as_deref(), Some("colour"));
        assert!(message.contains("unknown field"), "{message}");
    }
}

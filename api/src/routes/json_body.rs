//! [`JsonBody`]: a JSON request body read the way the OpenAPI document (JSON Schema) reads it.
//!
//! JSON Schema counts `2.0` as an integer, so a field documented as one must take it; serde
//! refuses a float for an integer type, so whole numbers are made integers before the body
//! is read into its type. A body that is read but does not fit its type is a 422 that names
//! the field (`settings.max_attempts`), like every other validation error of the API.

use crate::error::ApiError;
use axum::extract::{FromRequest, OptionalFromRequest, Request};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::{Number, Value};

/// A JSON request body of type `T`. Not JSON (`Content-Type`), malformed or too large: axum's
/// own refusals (415, 400, 413), which `json_errors` gives the API's error shape.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let axum::Json(value) = <axum::Json<Value> as FromRequest<S>>::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        read(value, None)
            .map(JsonBody)
            .map_err(IntoResponse::into_response)
    }
}

/// No `Content-Type` at all: no body (`None`); otherwise as [`JsonBody`] reads one.
impl<T: DeserializeOwned, S: Send + Sync> OptionalFromRequest<S> for JsonBody<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Option<Self>, Self::Rejection> {
        if !req.headers().contains_key(header::CONTENT_TYPE) {
            return Ok(None);
        }
        <Self as FromRequest<S>>::from_request(req, state)
            .await
            .map(Some)
    }
}

/// `value` as a `T`, whole numbers first made integers; a 422 naming the field that does not
/// fit. An error about the body as a whole (a missing field, which the message names) names
/// `root`, or no field.
pub fn read<T: DeserializeOwned>(mut value: Value, root: Option<&str>) -> Result<T, ApiError> {
    whole_numbers_as_integers(&mut value);
    serde_path_to_error::deserialize(value).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        // serde names the body itself `.`.
        match (path.as_str(), root) {
            (".", None) => ApiError::unprocessable(inner.to_string()),
            (".", Some(root)) => ApiError::invalid(root, inner),
            _ => ApiError::invalid(path, inner),
        }
    })
}

/// Every float in `value` with no fraction, within the range integers are read in, becomes
/// that integer (`2.0` → `2`): the same number to JSON Schema, and to every type that takes a
/// float.
fn whole_numbers_as_integers(value: &mut Value) {
    match value {
        Value::Number(n) => {
            if let Some(f) = n.as_f64().filter(|_| n.is_f64())
                && f.fract() == 0.0
            {
                // Outside ±2^53 a float does not spell one integer; leave it to the type.
                const EXACT: f64 = 9_007_199_254_740_992.0;
                if (-EXACT..=EXACT).contains(&f) {
                    *n = Number::from(f as i64);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers_as_integers),
        Value::Object(map) => map.values_mut().for_each(whole_numbers_as_integers),
        Value::Null | Value::Bool(_) | Value::String(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Settings {
        max_attempts: u32,
        ratio: f32,
        inner: Option<Inner>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Inner {
        days: Vec<u8>,
    }

    #[test]
    fn whole_floats_are_read_as_the_integers_json_schema_says_they_are() {
        let read: Settings = read(
            json!({
                "max_attempts": 3.0, "ratio": 2.0, "inner": {"days": [1.0, 2, -0.0]}
            }),
            None,
        )
        .unwrap();
        assert_eq!(
            read,
            Settings {
                max_attempts: 3,
                ratio: 2.0,
                inner: Some(Inner {
                    days: vec![1, 2, 0]
                })
            }
        );
    }

    #[test]
    fn what_does_not_fit_is_a_422_naming_the_field() {
        let err = read::<Settings>(json!({"max_attempts": 2.5, "ratio": 1}), None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "max_attempts: invalid type: floating point `2.5`, expected u32"
        );
        let err = read::<Settings>(
            json!({"max_attempts": 1, "ratio": 1, "inner": {"days": [1e300]}}),
            None,
        )
        .unwrap_err();
        assert!(err.to_string().starts_with("inner.days[0]: "), "{err}");
        let err = read::<Settings>(json!({"ratio": 1}), None).unwrap_err();
        assert_eq!(err.to_string(), "missing field `max_attempts`");
        let err =
            read::<Settings>(json!({"max_attempts": 1, "ratio": 1, "extra": 1}), None).unwrap_err();
        assert!(err.to_string().contains("unknown field `extra`"), "{err}");
        for err in [
            read::<Settings>(json!({"max_attempts": -1.0, "ratio": 1}), None).unwrap_err(),
            read::<Settings>(json!({"max_attempts": 1e20, "ratio": 1}), None).unwrap_err(),
        ] {
            assert!(matches!(err, ApiError::Unprocessable(_)), "{err:?}");
        }
    }
}

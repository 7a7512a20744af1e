//! `POST /token`, Google's OAuth 2.0 token endpoint, plus the simulator's
//! service-account key file (`GET /sim/google/service-account.json`) and the
//! issued-token list (`GET /sim/google/tokens`).
//!
//! Two grants are accepted:
//!
//! - `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=<JWT>`:
//!   an RS256 JWT signed with the simulator's service-account key, with
//!   `iss` = [`SERVICE_ACCOUNT_EMAIL`], `aud` = `{base}/token`, `exp` in the
//!   future, `exp - iat <= 3600` and `scope` (space separated) holding
//!   [`CALENDAR_SCOPE`]. An optional `sub` claim is the domain-wide delegation
//!   subject; without it the token cannot invite attendees.
//! - `grant_type=refresh_token` with [`OAUTH_CLIENT_ID`] / [`OAUTH_CLIENT_SECRET`]
//!   (form fields or HTTP Basic) and [`OAUTH_REFRESH_TOKEN`].

use std::collections::HashMap;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, body::Bytes};
use base64::Engine as _;
use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use rsa::RsaPrivateKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::traits::PublicKeyParts;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::oauth_error;
use crate::state::SharedState;

/// The simulator's throwaway service-account private key (PKCS#8 PEM); it
/// grants nothing anywhere.
pub const SERVICE_ACCOUNT_KEY_PEM: &str = include_str!("../../data/sim-service-account.pem");
/// `client_email` of the simulator's service account: the required JWT `iss`.
pub const SERVICE_ACCOUNT_EMAIL: &str = "callwright@callwright-sim.iam.gserviceaccount.com";
/// `client_id` of the simulator's service account.
pub const SERVICE_ACCOUNT_CLIENT_ID: &str = "1";
/// `private_key_id` of the simulator's service account (JWT header `kid`; not checked).
pub const PRIVATE_KEY_ID: &str = "sim";
/// `project_id` of the simulator's service account.
pub const PROJECT_ID: &str = "callwright-sim";
/// The scope a token must be granted for the Calendar API.
pub const CALENDAR_SCOPE: &str = "https://www.googleapis.com/auth/calendar";
/// The JWT bearer grant type used by service accounts.
pub const JWT_BEARER_GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/// The only OAuth client id accepted by the refresh-token grant.
pub const OAUTH_CLIENT_ID: &str = "sim-client-id";
/// The only OAuth client secret accepted by the refresh-token grant.
pub const OAUTH_CLIENT_SECRET: &str = "sim-client-secret";
/// The only refresh token accepted by the refresh-token grant.
pub const OAUTH_REFRESH_TOKEN: &str = "sim-refresh-token";
/// The email of the user behind [`OAUTH_REFRESH_TOKEN`].
pub const OAUTH_USER_EMAIL: &str = "organizer@callwright-sim.test";

/// Lifetime of issued access tokens, in seconds (as Google: 3599).
const TOKEN_LIFETIME_SECS: i64 = 3599;
/// Longest assertion lifetime Google accepts.
const MAX_ASSERTION_LIFETIME_SECS: i64 = 3600;
/// How far in the future `iat` may be (clock skew).
const IAT_SKEW_SECS: i64 = 300;

const SHORT_LIVED: &str = "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.";

/// The key file Google hands out for a service account, pointing at this
/// simulator's token endpoint.
pub fn service_account_json(base_url: &str) -> Value {
    json!({
        "type": "service_account",
        "project_id": PROJECT_ID,
        "private_key_id": PRIVATE_KEY_ID,
        "private_key": SERVICE_ACCOUNT_KEY_PEM,
        "client_email": SERVICE_ACCOUNT_EMAIL,
        "client_id": SERVICE_ACCOUNT_CLIENT_ID,
        "auth_uri": format!("{base_url}/o/oauth2/auth"),
        "token_uri": format!("{base_url}/token"),
        "auth_provider_x509_cert_url": format!("{base_url}/oauth2/v1/certs"),
        "client_x509_cert_url": format!("{base_url}/robot/v1/metadata/x509/{SERVICE_ACCOUNT_EMAIL}"),
        "universe_domain": "googleapis.com",
    })
}

/// Checks RS256 signatures against the service account's public key.
pub struct AssertionVerifier {
    key: DecodingKey,
}

impl AssertionVerifier {
    /// Derives the public key from a PKCS#8 private key PEM.
    pub fn from_pem(pem: &str) -> anyhow::Result<Self> {
        let private = RsaPrivateKey::from_pkcs8_pem(pem)
            .map_err(|e| anyhow::anyhow!("simulator service-account key: {e}"))?;
        let key = DecodingKey::from_rsa_raw_components(
            &private.n().to_bytes_be(),
            &private.e().to_bytes_be(),
        );
        Ok(Self { key })
    }

    /// Verifies the signature (RS256 only) and returns the claims.
    fn verify(&self, assertion: &str) -> Result<AssertionClaims, String> {
        let mut validation = Validation::new(Algorithm::RS256);
        validation.validate_exp = false;
        validation.validate_aud = false;
        validation.required_spec_claims.clear();
        jsonwebtoken::decode::<AssertionClaims>(assertion, &self.key, &validation)
            .map(|data| data.claims)
            .map_err(|e| e.to_string())
    }
}

#[derive(Debug, Deserialize)]
struct AssertionClaims {
    iss: Option<String>,
    aud: Option<Value>,
    exp: Option<i64>,
    iat: Option<i64>,
    scope: Option<String>,
    sub: Option<String>,
}

/// Who an access token acts for.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Principal {
    /// A service account (JWT bearer grant).
    ServiceAccount {
        /// Domain-wide delegation subject (`sub` claim), if any.
        subject: Option<String>,
    },
    /// The user behind the refresh token.
    User,
}

/// One issued access token.
#[derive(Debug, Clone, Serialize)]
pub struct IssuedToken {
    /// The bearer token.
    pub access_token: String,
    /// Who it acts for.
    pub principal: Principal,
    /// Granted scopes (space separated).
    pub scope: String,
    /// When it was issued.
    pub issued_at: DateTime<Utc>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
    /// Revoked by the `calendar_401` fault.
    pub revoked: bool,
}

impl IssuedToken {
    /// Whether events created with it may have attendees: false only for a
    /// service account without domain-wide delegation.
    pub fn can_invite(&self) -> bool {
        !matches!(self.principal, Principal::ServiceAccount { subject: None })
    }

    /// The email of the calendar owner the token acts for.
    pub fn email(&self) -> &str {
        match &self.principal {
            Principal::ServiceAccount {
                subject: Some(subject),
            } => subject,
            Principal::ServiceAccount { subject: None } => SERVICE_ACCOUNT_EMAIL,
            Principal::User => OAUTH_USER_EMAIL,
        }
    }

    fn usable(&self, now: DateTime<Utc>) -> bool {
        !self.revoked && now < self.expires_at
    }
}

/// Issued tokens, in issue order.
#[derive(Debug, Default)]
pub struct TokenBook {
    tokens: Vec<IssuedToken>,
    index: HashMap<String, usize>,
}

impl TokenBook {
    fn issue(&mut self, principal: Principal, scope: String) -> IssuedToken {
        let now = Utc::now();
        let token = IssuedToken {
            access_token: format!("ya29.sim-{}", uuid::Uuid::new_v4().simple()),
            principal,
            scope,
            issued_at: now,
            expires_at: now + Duration::seconds(TOKEN_LIFETIME_SECS),
            revoked: false,
        };
        self.index
            .insert(token.access_token.clone(), self.tokens.len());
        self.tokens.push(token.clone());
        token
    }

    /// The token if it is known, unexpired and not revoked.
    pub fn valid(&self, access_token: &str) -> Option<IssuedToken> {
        let now = Utc::now();
        self.index
            .get(access_token)
            .and_then(|&i| self.tokens.get(i))
            .filter(|t| t.usable(now))
            .cloned()
    }

    /// Makes a token unusable from now on.
    pub fn revoke(&mut self, access_token: &str) {
        if let Some(token) = self
            .index
            .get(access_token)
            .and_then(|&i| self.tokens.get_mut(i))
        {
            token.revoked = true;
        }
    }
}

pub(super) fn router() -> Router<SharedState> {
    Router::new()
        .route("/token", post(token))
        .route("/sim/google/service-account.json", get(key_file))
        .route("/sim/google/tokens", get(list_tokens))
}

async fn key_file(State(state): State<SharedState>) -> Response {
    Json(service_account_json(&state.base_url)).into_response()
}

async fn list_tokens(State(state): State<SharedState>) -> Response {
    Json(state.google.tokens().tokens.clone()).into_response()
}

async fn token(State(state): State<SharedState>, headers: HeaderMap, body: Bytes) -> Response {
    let form: HashMap<String, String> = match serde_urlencoded::from_bytes(&body) {
        Ok(form) => form,
        Err(_) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Request body must be application/x-www-form-urlencoded.",
            );
        }
    };
    let field = |name: &str| form.get(name).map(String::as_str).filter(|v| !v.is_empty());
    match field("grant_type").unwrap_or_default() {
        JWT_BEARER_GRANT_TYPE => {
            let Some(assertion) = field("assertion") else {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "Missing required parameter: assertion",
                );
            };
            let token_uri = format!("{}/token", state.base_url);
            match check_assertion(&state.google.verifier, assertion, &token_uri, Utc::now()) {
                Ok((principal, scope)) => {
                    let issued = state.google.tokens().issue(principal, scope);
                    tracing::info!(subject = ?issued.principal, "google service-account token issued");
                    Json(json!({
                        "access_token": issued.access_token,
                        "expires_in": TOKEN_LIFETIME_SECS,
                        "token_type": "Bearer",
                    }))
                    .into_response()
                }
                Err(rejection) => rejection.into_response(),
            }
        }
        "refresh_token" => refresh(&state, &headers, &field),
        other => oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            &format!("Invalid grant_type: {other}"),
        ),
    }
}

fn refresh<'a>(
    state: &SharedState,
    headers: &HeaderMap,
    field: &impl Fn(&str) -> Option<&'a str>,
) -> Response {
    let basic = basic_credentials(headers);
    let client_id = field("client_id")
        .map(str::to_owned)
        .or_else(|| basic.as_ref().map(|(id, _)| id.clone()));
    let client_secret = field("client_secret")
        .map(str::to_owned)
        .or_else(|| basic.as_ref().map(|(_, secret)| secret.clone()));
    let Some(client_id) = client_id else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Could not determine client ID from request.",
        );
    };
    if client_id != OAUTH_CLIENT_ID {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "The OAuth client was not found.",
        );
    }
    if client_secret.as_deref() != Some(OAUTH_CLIENT_SECRET) {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "Unauthorized");
    }
    let Some(refresh_token) = field("refresh_token") else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Missing required parameter: refresh_token",
        );
    };
    if refresh_token != OAUTH_REFRESH_TOKEN {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "Token has been expired or revoked.",
        );
    }
    let issued = state
        .google
        .tokens()
        .issue(Principal::User, CALENDAR_SCOPE.to_owned());
    tracing::info!("google user token issued (refresh grant)");
    Json(json!({
        "access_token": issued.access_token,
        "expires_in": TOKEN_LIFETIME_SECS,
        "scope": issued.scope,
        "token_type": "Bearer",
    }))
    .into_response()
}

fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

/// Why an assertion was refused, rendered as Google's token error.
#[derive(Debug, PartialEq, Eq)]
struct Rejection {
    error: &'static str,
    description: String,
}

impl Rejection {
    fn grant(description: impl Into<String>) -> Self {
        Self {
            error: "invalid_grant",
            description: description.into(),
        }
    }

    fn into_response(self) -> Response {
        oauth_error(StatusCode::BAD_REQUEST, self.error, &self.description)
    }
}

fn check_assertion(
    verifier: &AssertionVerifier,
    assertion: &str,
    token_uri: &str,
    now: DateTime<Utc>,
) -> Result<(Principal, String), Rejection> {
    let claims = verifier.verify(assertion).map_err(|e| {
        tracing::debug!(error = %e, "assertion refused");
        Rejection::grant("Invalid JWT Signature.")
    })?;
    if claims.iss.as_deref() != Some(SERVICE_ACCOUNT_EMAIL) {
        return Err(Rejection::grant("Invalid grant: account not found"));
    }
    let aud_ok = match &claims.aud {
        Some(Value::String(aud)) => aud == token_uri,
        Some(Value::Array(auds)) => auds.iter().any(|a| a.as_str() == Some(token_uri)),
        _ => false,
    };
    if !aud_ok {
        return Err(Rejection::grant(format!(
            "Invalid JWT: Failed audience check. The right audience is {token_uri}"
        )));
    }
    let now = now.timestamp();
    let (Some(exp), Some(iat)) = (claims.exp, claims.iat) else {
        return Err(Rejection::grant(SHORT_LIVED));
    };
    if exp <= now || iat > now + IAT_SKEW_SECS || exp <= iat {
        return Err(Rejection::grant(SHORT_LIVED));
    }
    if exp - iat > MAX_ASSERTION_LIFETIME_SECS {
        return Err(Rejection::grant(SHORT_LIVED));
    }
    let scope = claims.scope.unwrap_or_default();
    if !scope.split_whitespace().any(|s| s == CALENDAR_SCOPE) {
        return Err(Rejection {
            error: "invalid_scope",
            description: format!(
                "Invalid OAuth scope or ID token audience provided. The simulator requires {CALENDAR_SCOPE}."
            ),
        });
    }
    let subject = claims.sub.filter(|s| !s.trim().is_empty());
    Ok((Principal::ServiceAccount { subject }, scope))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{EncodingKey, Header};

    const URI: &str = "http://127.0.0.1:1/token";

    fn sign(claims: &Value) -> String {
        let key = EncodingKey::from_rsa_pem(SERVICE_ACCOUNT_KEY_PEM.as_bytes()).expect("key");
        jsonwebtoken::encode(&Header::new(Algorithm::RS256), claims, &key).expect("sign")
    }

    fn claims(now: i64) -> Value {
        json!({
            "iss": SERVICE_ACCOUNT_EMAIL,
            "aud": URI,
            "iat": now,
            "exp": now + 3600,
            "scope": format!("openid {CALENDAR_SCOPE}"),
        })
    }

    fn check(claims: &Value) -> Result<(Principal, String), Rejection> {
        let verifier = AssertionVerifier::from_pem(SERVICE_ACCOUNT_KEY_PEM).expect("verifier");
        check_assertion(&verifier, &sign(claims), URI, Utc::now())
    }

    #[test]
    fn accepts_a_good_assertion_with_and_without_subject() {
        let now = Utc::now().timestamp();
        let (principal, scope) = check(&claims(now)).expect("accepted");
        assert_eq!(principal, Principal::ServiceAccount { subject: None });
        assert!(scope.contains(CALENDAR_SCOPE));
        let mut with_sub = claims(now);
        with_sub["sub"] = json!("alice@example.com");
        let (principal, _) = check(&with_sub).expect("accepted");
        assert_eq!(
            principal,
            Principal::ServiceAccount {
                subject: Some("alice@example.com".into())
            }
        );
    }

    #[test]
    fn refuses_bad_claims() {
        let now = Utc::now().timestamp();
        let mut c = claims(now);
        c["iss"] = json!("someone@else.iam.gserviceaccount.com");
        assert_eq!(check(&c).unwrap_err().error, "invalid_grant");
        let mut c = claims(now);
        c["aud"] = json!("https://oauth2.googleapis.com/token");
        assert!(check(&c).unwrap_err().description.contains("audience"));
        let mut c = claims(now);
        c["exp"] = json!(now - 10);
        c["iat"] = json!(now - 100);
        assert_eq!(check(&c).unwrap_err().description, SHORT_LIVED);
        let mut c = claims(now);
        c["exp"] = json!(now + 3601);
        assert_eq!(check(&c).unwrap_err().description, SHORT_LIVED);
        let mut c = claims(now);
        c["scope"] = json!("https://www.googleapis.com/auth/calendar.readonly");
        assert_eq!(check(&c).unwrap_err().error, "invalid_scope");
    }

    #[test]
    fn refuses_foreign_signatures_and_garbage() {
        let verifier = AssertionVerifier::from_pem(SERVICE_ACCOUNT_KEY_PEM).expect("verifier");
        let now = Utc::now().timestamp();
        let hs = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims(now),
            &EncodingKey::from_secret(b"secret"),
        )
        .expect("sign");
        for bad in [hs.as_str(), "not-a-jwt", "a.b.c"] {
            let err = check_assertion(&verifier, bad, URI, Utc::now()).unwrap_err();
            assert_eq!(err, Rejection::grant("Invalid JWT Signature."));
        }
        let good = sign(&claims(now));
        let (head, _) = good.rsplit_once('.').expect("jwt");
        let tampered = format!("{head}.AAAA");
        assert!(check_assertion(&verifier, &tampered, URI, Utc::now()).is_err());
    }

    #[test]
    fn tokens_expire_and_revoke() {
        let mut book = TokenBook::default();
        let t = book.issue(Principal::User, CALENDAR_SCOPE.into());
        assert!(book.valid(&t.access_token).is_some());
        assert!(t.can_invite());
        book.revoke(&t.access_token);
        assert!(book.valid(&t.access_token).is_none());
        assert!(book.valid("ya29.unknown").is_none());
        let sa = book.issue(
            Principal::ServiceAccount { subject: None },
            CALENDAR_SCOPE.into(),
        );
        assert!(!sa.can_invite());
        assert_eq!(sa.email(), SERVICE_ACCOUNT_EMAIL);
    }
}

//! Google OAuth token endpoint and Calendar API v3.

use crate::{add_faults, client, json, start};
use callwright_sim::google::{
    CALENDAR_SCOPE, JWT_BEARER_GRANT_TYPE, OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET,
    OAUTH_REFRESH_TOKEN, SERVICE_ACCOUNT_EMAIL,
};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

async fn key_file(base: &str) -> Value {
    let (status, key) = json(
        client()
            .get(format!("{base}/sim/google/service-account.json"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    key
}

fn assertion(key: &Value, sub: Option<&str>, aud: Option<&str>) -> String {
    let now = chrono::Utc::now().timestamp();
    let mut claims = json!({
        "iss": key["client_email"],
        "aud": aud.map_or(key["token_uri"].clone(), |a| json!(a)),
        "iat": now,
        "exp": now + 3600,
        "scope": CALENDAR_SCOPE,
    });
    if let Some(sub) = sub {
        claims["sub"] = json!(sub);
    }
    let mut header = Header::new(Algorithm::RS256);
    header.kid = key["private_key_id"].as_str().map(str::to_owned);
    let signing =
        EncodingKey::from_rsa_pem(key["private_key"].as_str().unwrap().as_bytes()).unwrap();
    jsonwebtoken::encode(&header, &claims, &signing).unwrap()
}

async fn post_token(token_uri: &str, form: &[(&str, &str)]) -> (u16, Value) {
    json(client().post(token_uri).form(form).send().await.unwrap()).await
}

/// An access token for the service account, optionally delegated to `sub`.
async fn sa_token(base: &str, sub: Option<&str>) -> String {
    let key = key_file(base).await;
    let uri = key["token_uri"].as_str().unwrap().to_owned();
    let (status, body) = post_token(
        &uri,
        &[
            ("grant_type", JWT_BEARER_GRANT_TYPE),
            ("assertion", &assertion(&key, sub, None)),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body["access_token"].as_str().unwrap().to_owned()
}

/// `POST` of a JSON body with a bearer token.
async fn post(url: &str, token: &str, body: &Value) -> (u16, Value) {
    call(
        reqwest::Method::POST,
        url.to_owned(),
        Some(token),
        Some(body.clone()),
    )
    .await
}

async fn call(
    method: reqwest::Method,
    url: String,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = client().request(method, url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    json(request.send().await.unwrap()).await
}

fn event_body(id: Option<&str>, attendees: bool) -> Value {
    let mut event = json!({
        "summary": "Callwright demo",
        "description": "Booked by the agent",
        "start": {"dateTime": "2030-05-02T15:00:00Z", "timeZone": "UTC"},
        "end": {"dateTime": "2030-05-02T15:30:00Z", "timeZone": "UTC"},
    });
    if let Some(id) = id {
        event["id"] = json!(id);
    }
    if attendees {
        event["attendees"] = json!([{"email": "lead@example.com", "displayName": "Lead"}]);
    }
    event
}

#[tokio::test]
async fn key_file_and_jwt_bearer_grant() {
    let sim = start().await;
    let key = key_file(&sim.base).await;
    assert_eq!(key["type"], "service_account");
    assert_eq!(key["project_id"], "callwright-sim");
    assert_eq!(key["private_key_id"], "sim");
    assert_eq!(key["client_email"], SERVICE_ACCOUNT_EMAIL);
    assert_eq!(key["client_id"], "1");
    assert_eq!(key["token_uri"], format!("{}/token", sim.base));
    assert!(
        key["private_key"]
            .as_str()
            .unwrap()
            .starts_with("-----BEGIN PRIVATE KEY-----")
    );
    let uri = key["token_uri"].as_str().unwrap().to_owned();

    let (status, body) = post_token(
        &uri,
        &[
            ("grant_type", JWT_BEARER_GRANT_TYPE),
            ("assertion", &assertion(&key, None, None)),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body["access_token"]
            .as_str()
            .unwrap()
            .starts_with("ya29.sim-")
    );
    assert_eq!(body["expires_in"], 3599);
    assert_eq!(body["token_type"], "Bearer");

    let (status, body) = post_token(
        &uri,
        &[
            ("grant_type", JWT_BEARER_GRANT_TYPE),
            (
                "assertion",
                &assertion(&key, None, Some("https://oauth2.googleapis.com/token")),
            ),
        ],
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "invalid_grant");

    let (status, body) = post_token(
        &uri,
        &[
            ("grant_type", JWT_BEARER_GRANT_TYPE),
            ("assertion", "x.y.z"),
        ],
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"error": "invalid_grant", "error_description": "Invalid JWT Signature."})
    );

    let (status, body) = post_token(&uri, &[("grant_type", "password")]).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "unsupported_grant_type");

    let (_, tokens) = json(
        client()
            .get(format!("{}/sim/google/tokens", sim.base))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(tokens.as_array().unwrap().len(), 1);
    assert_eq!(tokens[0]["principal"]["kind"], "service_account");
}

#[tokio::test]
async fn refresh_token_grant() {
    let sim = start().await;
    let uri = format!("{}/token", sim.base);
    let (status, body) = post_token(
        &uri,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", OAUTH_CLIENT_ID),
            ("client_secret", OAUTH_CLIENT_SECRET),
            ("refresh_token", OAUTH_REFRESH_TOKEN),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["expires_in"], 3599);
    let token = body["access_token"].as_str().unwrap().to_owned();

    // A user token may invite attendees.
    let (status, body) = call(
        reqwest::Method::POST,
        format!("{}/calendar/v3/calendars/primary/events", sim.base),
        Some(&token),
        Some(event_body(None, true)),
    )
    .await;
    assert_eq!(status, 200, "{body}");

    let (status, body) = post_token(
        &uri,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", OAUTH_CLIENT_ID),
            ("client_secret", "wrong"),
            ("refresh_token", OAUTH_REFRESH_TOKEN),
        ],
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(body["error"], "invalid_client");

    let (status, body) = post_token(
        &uri,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", OAUTH_CLIENT_ID),
            ("client_secret", OAUTH_CLIENT_SECRET),
            ("refresh_token", "revoked"),
        ],
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "invalid_grant");

    // Client credentials through HTTP Basic work too.
    let response = client()
        .post(&uri)
        .basic_auth(OAUTH_CLIENT_ID, Some(OAUTH_CLIENT_SECRET))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", OAUTH_REFRESH_TOKEN),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn calendar_requires_a_valid_token() {
    let sim = start().await;
    let url = format!("{}/calendar/v3/calendars/primary/events", sim.base);
    let (status, body) = call(
        reqwest::Method::POST,
        url.clone(),
        None,
        Some(event_body(None, false)),
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(body["error"]["errors"][0]["reason"], "required");
    let (status, body) = call(
        reqwest::Method::POST,
        url,
        Some("ya29.made-up"),
        Some(event_body(None, false)),
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(
        body,
        json!({"error": {
            "code": 401,
            "message": "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
            "errors": [{"domain": "global", "reason": "authError", "message": "Invalid Credentials", "locationType": "header", "location": "Authorization"}],
            "status": "UNAUTHENTICATED",
        }})
    );
}

#[tokio::test]
async fn service_accounts_need_delegation_to_invite() {
    let sim = start().await;
    let url = format!("{}/calendar/v3/calendars/primary/events", sim.base);
    let plain = sa_token(&sim.base, None).await;
    let (status, body) = call(
        reqwest::Method::POST,
        url.clone(),
        Some(&plain),
        Some(event_body(None, true)),
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(
        body["error"]["errors"][0]["reason"],
        "forbiddenForServiceAccounts"
    );
    assert_eq!(
        body["error"]["message"],
        "Service accounts cannot invite attendees without Domain-Wide Delegation of Authority."
    );
    let (status, body) = call(
        reqwest::Method::POST,
        url.clone(),
        Some(&plain),
        Some(event_body(None, false)),
    )
    .await;
    assert_eq!(status, 200, "{body}");

    let delegated = sa_token(&sim.base, Some("owner@example.com")).await;
    let (status, body) = call(
        reqwest::Method::POST,
        format!("{url}?sendUpdates=all"),
        Some(&delegated),
        Some(event_body(None, true)),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["attendees"][0]["email"], "lead@example.com");
    assert_eq!(body["attendees"][0]["responseStatus"], "needsAction");
    assert_eq!(body["organizer"]["email"], "owner@example.com");
}

#[tokio::test]
async fn event_lifecycle() {
    let sim = start().await;
    let token = sa_token(&sim.base, Some("owner@example.com")).await;
    let events = format!("{}/calendar/v3/calendars/primary/events", sim.base);
    let id = "cb0123456789abcdefuv";

    let mut body = event_body(Some(id), true);
    body["conferenceData"] = json!({"createRequest": {"requestId": "req-1", "conferenceSolutionKey": {"type": "hangoutsMeet"}}});
    let (status, created) = call(
        reqwest::Method::POST,
        format!("{events}?conferenceDataVersion=1&sendUpdates=all"),
        Some(&token),
        Some(body.clone()),
    )
    .await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(created["id"], id);
    assert_eq!(created["status"], "confirmed");
    assert_eq!(created["iCalUID"], format!("{id}@google.com"));
    assert_eq!(created["sequence"], 0);
    assert_eq!(created["summary"], "Callwright demo");
    assert!(
        created["htmlLink"]
            .as_str()
            .unwrap()
            .starts_with("https://www.google.com/calendar/event?eid=")
    );
    assert!(created["created"].is_string() && created["updated"].is_string());
    let link = created["hangoutLink"].as_str().unwrap();
    assert!(link.starts_with("https://meet.google.com/"));
    assert_eq!(
        created["conferenceData"]["entryPoints"][0]["entryPointType"],
        "video"
    );
    assert_eq!(created["conferenceData"]["entryPoints"][0]["uri"], link);
    let code = link.trim_start_matches("https://meet.google.com/");
    assert_eq!(code.split('-').map(str::len).collect::<Vec<_>>(), [3, 4, 3]);

    // Same id again: 409 duplicate.
    let (status, dup) = post(&events, &token, &body).await;
    assert_eq!(status, 409);
    assert_eq!(dup["error"]["errors"][0]["reason"], "duplicate");
    assert_eq!(
        dup["error"]["message"],
        "The requested identifier already exists."
    );

    // Bad ids: 400.
    for bad in ["abc", "has-dash-id", "UPPERCASE", "wxyz12345"] {
        let (status, err) = call(
            reqwest::Method::POST,
            events.clone(),
            Some(&token),
            Some(event_body(Some(bad), false)),
        )
        .await;
        assert_eq!(status, 400, "{bad}: {err}");
        assert_eq!(err["error"]["errors"][0]["reason"], "invalid");
    }

    // Without conferenceDataVersion=1 the createRequest is ignored.
    let mut plain = event_body(None, false);
    plain["conferenceData"] = json!({"createRequest": {"requestId": "req-2", "conferenceSolutionKey": {"type": "hangoutsMeet"}}});
    let (status, no_meet) = post(&events, &token, &plain).await;
    assert_eq!(status, 200);
    assert!(no_meet.get("hangoutLink").is_none());
    assert!(no_meet.get("conferenceData").is_none());

    let one = format!("{events}/{id}");
    let (status, got) = call(reqwest::Method::GET, one.clone(), Some(&token), None).await;
    assert_eq!(status, 200);
    assert_eq!(got["hangoutLink"], link);

    let (status, patched) = call(
        reqwest::Method::PATCH,
        format!("{one}?sendUpdates=all"),
        Some(&token),
        Some(json!({
            "summary": "Moved demo",
            "start": {"dateTime": "2030-05-03T10:00:00+02:00"},
            "end": {"dateTime": "2030-05-03T10:30:00+02:00"},
        })),
    )
    .await;
    assert_eq!(status, 200, "{patched}");
    assert_eq!(patched["sequence"], 1);
    assert_eq!(patched["summary"], "Moved demo");
    assert_eq!(patched["description"], "Booked by the agent");
    assert_eq!(patched["start"]["dateTime"], "2030-05-03T10:00:00+02:00");
    assert_eq!(patched["hangoutLink"], link, "conference kept");

    let (status, bad_range) = call(
        reqwest::Method::PATCH,
        one.clone(),
        Some(&token),
        Some(json!({"end": {"dateTime": "2030-05-01T00:00:00Z"}})),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(bad_range["error"]["errors"][0]["reason"], "timeRangeEmpty");

    let (status, _) = call(reqwest::Method::DELETE, one.clone(), Some(&token), None).await;
    assert_eq!(status, 204);
    let (status, cancelled) = call(reqwest::Method::GET, one.clone(), Some(&token), None).await;
    assert_eq!(status, 200);
    assert_eq!(cancelled["status"], "cancelled");
    let (status, gone) = call(reqwest::Method::DELETE, one.clone(), Some(&token), None).await;
    assert_eq!(status, 410);
    assert_eq!(gone["error"]["errors"][0]["reason"], "deleted");
    let (status, missing) = call(
        reqwest::Method::GET,
        format!("{events}/doesnotexist"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(missing["error"]["errors"][0]["reason"], "notFound");

    let (_, listed) = call(reqwest::Method::GET, events.clone(), Some(&token), None).await;
    assert_eq!(
        listed["items"].as_array().unwrap().len(),
        1,
        "cancelled hidden"
    );

    let (_, all) = json(
        client()
            .get(format!("{}/sim/calendar/events", sim.base))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0]["calendarId"], "primary");
    assert_eq!(all[0]["sendUpdates"], "all");
    assert_eq!(all[0]["status"], "cancelled");

    let reset = client()
        .post(format!("{}/sim/reset", sim.base))
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), 200);
    let (_, all) = json(
        client()
            .get(format!("{}/sim/calendar/events", sim.base))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(all, json!([]));
    let (status, _) = call(reqwest::Method::GET, one, Some(&token), None).await;
    assert_eq!(status, 401, "tokens are forgotten on reset");
}

#[tokio::test]
async fn free_busy_merges_configured_blocks_and_events() {
    let sim = start().await;
    let token = sa_token(&sim.base, None).await;
    let put = client()
        .put(format!("{}/sim/calendar/busy", sim.base))
        .json(&json!({"busy": [
            {"start": "2030-05-02T08:00:00Z", "end": "2030-05-02T10:00:00Z"},
            {"start": "2030-05-02T15:15:00Z", "end": "2030-05-02T16:00:00Z"},
        ]}))
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 200);
    let put = client()
        .put(format!("{}/sim/calendar/busy", sim.base))
        .json(&json!({"calendar_id": "other@example.com", "busy": [
            {"start": "2030-05-02T12:00:00Z", "end": "2030-05-02T13:00:00Z"},
        ]}))
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 200);
    let events = format!("{}/calendar/v3/calendars/primary/events", sim.base);
    let (status, _) = call(
        reqwest::Method::POST,
        events.clone(),
        Some(&token),
        Some(event_body(None, false)),
    )
    .await;
    assert_eq!(status, 200);
    let mut transparent = event_body(None, false);
    transparent["start"] = json!({"dateTime": "2030-05-02T11:00:00Z"});
    transparent["end"] = json!({"dateTime": "2030-05-02T11:30:00Z"});
    transparent["transparency"] = json!("transparent");
    let (status, _) = post(&events, &token, &transparent).await;
    assert_eq!(status, 200);
    let mut cancelled = event_body(Some("tobecancelled"), false);
    cancelled["start"] = json!({"dateTime": "2030-05-02T17:00:00", "timeZone": "Europe/London"});
    cancelled["end"] = json!({"dateTime": "2030-05-02T18:00:00", "timeZone": "Europe/London"});
    let (status, _) = post(&events, &token, &cancelled).await;
    assert_eq!(status, 200);
    let (status, _) = call(
        reqwest::Method::DELETE,
        format!("{events}/tobecancelled"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, 204);

    let (status, body) = call(
        reqwest::Method::POST,
        format!("{}/calendar/v3/freeBusy", sim.base),
        Some(&token),
        Some(json!({
            "timeMin": "2030-05-02T09:00:00Z",
            "timeMax": "2030-05-02T20:00:00Z",
            "timeZone": "UTC",
            "items": [{"id": "primary"}, {"id": "other@example.com"}],
        })),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["kind"], "calendar#freeBusy");
    assert_eq!(body["timeMin"], "2030-05-02T09:00:00.000Z");
    assert_eq!(
        body["calendars"]["primary"]["busy"],
        json!([
            {"start": "2030-05-02T09:00:00Z", "end": "2030-05-02T10:00:00Z"},
            {"start": "2030-05-02T15:00:00Z", "end": "2030-05-02T16:00:00Z"},
        ])
    );
    assert_eq!(
        body["calendars"]["other@example.com"]["busy"],
        json!([
            {"start": "2030-05-02T09:00:00Z", "end": "2030-05-02T10:00:00Z"},
            {"start": "2030-05-02T12:00:00Z", "end": "2030-05-02T13:00:00Z"},
            {"start": "2030-05-02T15:15:00Z", "end": "2030-05-02T16:00:00Z"},
        ])
    );

    let (status, body) = call(
        reqwest::Method::POST,
        format!("{}/calendar/v3/freeBusy", sim.base),
        Some(&token),
        Some(json!({"timeMin": "2030-05-02T09:00:00Z", "timeMax": "2030-05-02T09:00:00Z", "items": []})),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["errors"][0]["reason"], "timeRangeEmpty");
}

#[tokio::test]
async fn calendar_faults() {
    let sim = start().await;
    let token = sa_token(&sim.base, None).await;
    let free_busy = format!("{}/calendar/v3/freeBusy", sim.base);
    let body = json!({"timeMin": "2030-01-01T00:00:00Z", "timeMax": "2030-01-02T00:00:00Z", "items": [{"id": "primary"}]});

    add_faults(&sim.base, json!({"calendar_429": 1, "calendar_500": 1})).await;
    let response = client()
        .post(&free_busy)
        .bearer_auth(&token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["retry-after"], "1");
    let (_, err) = json(response).await;
    assert_eq!(err["error"]["errors"][0]["reason"], "rateLimitExceeded");
    let (status, err) = post(&free_busy, &token, &body).await;
    assert_eq!(status, 500);
    assert_eq!(err["error"]["errors"][0]["reason"], "backendError");
    let (status, _) = post(&free_busy, &token, &body).await;
    assert_eq!(status, 200);

    // calendar_401: the token dies; a fresh one works.
    add_faults(&sim.base, json!({"calendar_401": 1})).await;
    let (status, err) = post(&free_busy, &token, &body).await;
    assert_eq!(status, 401);
    assert_eq!(err["error"]["errors"][0]["reason"], "authError");
    let (status, _) = post(&free_busy, &token, &body).await;
    assert_eq!(status, 401, "the token stays invalid");
    let fresh = sa_token(&sim.base, None).await;
    let (status, _) = post(&free_busy, &fresh, &body).await;
    assert_eq!(status, 200);

    // DELETE /sim/faults clears pending faults.
    add_faults(
        &sim.base,
        json!({"calendar_500": 5, "zoom_500": 1, "smtp_451": 2}),
    )
    .await;
    let (status, cleared) = json(
        client()
            .delete(format!("{}/sim/faults", sim.base))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(cleared["calendar_500"], 0);
    assert_eq!(cleared["smtp_451"], 0);
    let (status, _) = call(reqwest::Method::POST, free_busy, Some(&fresh), Some(body)).await;
    assert_eq!(status, 200);
}

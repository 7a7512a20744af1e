//! Parameters of `POST .../Calls.json`, parsed from the form and validated
//! the way Twilio does (E.164 `To`, required `From` and `Url`/`Twiml`).

use std::collections::HashSet;

use super::auth::TwilioError;
use super::{twiml, webhook};

/// A validated call creation request.
#[derive(Debug, Clone)]
pub struct CallRequest {
    /// Number to dial (E.164).
    pub to: String,
    /// Caller ID.
    pub from: String,
    /// Voice webhook; always set (the call's base URL), even with inline TwiML.
    pub url: String,
    /// Inline TwiML given instead of `Url`.
    pub twiml: Option<String>,
    /// Voice webhook method.
    pub method: String,
    /// Status callback URL.
    pub status_callback: Option<String>,
    /// Status callback method.
    pub status_callback_method: String,
    /// Subscribed events (`initiated`, `ringing`, `answered`, `completed`).
    pub status_callback_events: HashSet<String>,
    /// `Enable` or `DetectMessageEnd`.
    pub machine_detection: Option<String>,
    /// Asynchronous AMD requested.
    pub async_amd: bool,
    /// Where async AMD results go.
    pub async_amd_callback: Option<String>,
    /// Method for the async AMD callback.
    pub async_amd_callback_method: String,
    /// Record the call.
    pub record: bool,
    /// Where recording status goes.
    pub recording_status_callback: Option<String>,
    /// Method for the recording status callback.
    pub recording_status_callback_method: String,
    /// Ring timeout in seconds.
    pub timeout: Option<u64>,
}

/// Whether `number` is `+` followed by 8 to 15 digits.
pub fn is_e164(number: &str) -> bool {
    number.strip_prefix('+').is_some_and(|digits| {
        (8..=15).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit())
    })
}

impl CallRequest {
    /// Validates the form fields of a create request.
    pub fn from_form(form: &[(String, String)]) -> Result<Self, TwilioError> {
        let get = |name: &str| {
            form.iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let method = |name: &str| {
            get(name)
                .map(|m| m.to_ascii_uppercase())
                .unwrap_or_else(|| "POST".to_owned())
        };
        let flag = |name: &str| get(name).is_some_and(|v| v.eq_ignore_ascii_case("true"));
        let url_param = |name: &str| -> Result<Option<String>, TwilioError> {
            match get(name) {
                None => Ok(None),
                Some(u) => match webhook::parse_url(&u) {
                    Ok(_) => Ok(Some(u)),
                    Err(_) => Err(TwilioError::bad_request(
                        21609,
                        format!("Invalid {name}: {u}"),
                    )),
                },
            }
        };

        let to = get("To").unwrap_or_default();
        if !is_e164(&to) {
            return Err(TwilioError::bad_request(
                21211,
                format!("Invalid 'To' Phone Number: {to}"),
            ));
        }
        let from = get("From")
            .ok_or_else(|| TwilioError::bad_request(21603, "A 'From' phone number is required."))?;
        let twiml = get("Twiml");
        if let Some(doc) = &twiml {
            twiml::parse(doc).map_err(|e| {
                TwilioError::bad_request(12100, format!("Document parse failure: {e}"))
            })?;
        }
        let url = match (get("Url"), &twiml) {
            (Some(u), _) => webhook::parse_url(&u).map(|_| u.clone()).map_err(|_| {
                TwilioError::bad_request(21205, format!("Url is not a valid URL: {u}"))
            })?,
            (None, Some(_)) => "http://127.0.0.1/".to_owned(),
            (None, None) => {
                return Err(TwilioError::bad_request(
                    21205,
                    "Url parameter is required.",
                ));
            }
        };
        let status_callback_events = form
            .iter()
            .filter(|(k, _)| k == "StatusCallbackEvent")
            .flat_map(|(_, v)| v.split([' ', ',']))
            .map(|e| e.trim().to_ascii_lowercase())
            .filter(|e| !e.is_empty())
            .collect();
        let timeout =
            match get("Timeout") {
                None => None,
                Some(t) => Some(t.parse::<u64>().map_err(|_| {
                    TwilioError::bad_request(21216, format!("Invalid Timeout: {t}"))
                })?),
            };
        Ok(Self {
            to,
            from,
            url,
            twiml,
            method: method("Method"),
            status_callback: url_param("StatusCallback")?,
            status_callback_method: method("StatusCallbackMethod"),
            status_callback_events,
            machine_detection: get("MachineDetection"),
            async_amd: flag("AsyncAmd"),
            async_amd_callback: url_param("AsyncAmdStatusCallback")?,
            async_amd_callback_method: method("AsyncAmdStatusCallbackMethod"),
            record: flag("Record"),
            recording_status_callback: url_param("RecordingStatusCallback")?,
            recording_status_callback_method: method("RecordingStatusCallbackMethod"),
            timeout,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn validates_to_and_url() {
        let err = CallRequest::from_form(&form(&[
            ("To", "12345"),
            ("From", "+1555"),
            ("Url", "http://x/"),
        ]))
        .expect_err("bad To");
        assert_eq!(err.code, 21211);
        let err = CallRequest::from_form(&form(&[("To", "+15551234567"), ("From", "+1555")]))
            .expect_err("no Url");
        assert_eq!(err.code, 21205);
    }

    #[test]
    fn parses_events_both_ways() {
        let req = CallRequest::from_form(&form(&[
            ("To", "+15551234567"),
            ("From", "+15550000000"),
            ("Url", "http://127.0.0.1:1/voice"),
            ("StatusCallbackEvent", "initiated ringing"),
            ("StatusCallbackEvent", "answered"),
            ("AsyncAmd", "true"),
        ]))
        .expect("valid");
        assert_eq!(req.status_callback_events.len(), 3);
        assert!(req.async_amd);
        assert_eq!(req.method, "POST");
    }
}

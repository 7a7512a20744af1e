//! Twilio webhook signatures: HMAC-SHA1 keyed with the auth token over the full URL followed by
//! every POST parameter (sorted by name) as name+value, base64-encoded.

use base64::Engine;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use subtle::ConstantTimeEq;

/// The signature Twilio sends for `url` and `params`.
pub fn sign(auth_token: &str, url: &str, params: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort();
    let mut data = url.to_owned();
    for (name, value) in sorted {
        data.push_str(name);
        data.push_str(value);
    }
    // HMAC accepts keys of any length; this cannot fail.
    let mut mac =
        Hmac::<Sha1>::new_from_slice(auth_token.as_bytes()).unwrap_or_else(|_| unreachable!());
    mac.update(data.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// The URL as Twilio may have signed it: as configured, and with the default port added or
/// removed (Twilio is inconsistent about explicit ports).
fn url_variants(url: &str) -> Vec<String> {
    let mut out = vec![url.to_owned()];
    let Ok(parsed) = url::Url::parse(url) else {
        return out;
    };
    // `Url` drops a port equal to the scheme's default when it serialises.
    let without = parsed.to_string();
    if let (None, Some(port), Some(host)) = (
        parsed.port(),
        parsed.port_or_known_default(),
        parsed.host_str(),
    ) {
        out.push(without.replacen(host, &format!("{host}:{port}"), 1));
    }
    out.push(without);
    out.dedup();
    out
}

/// Checks `header` against `url` and `params` in constant time per candidate URL.
pub fn verify(
    auth_token: &str,
    url: &str,
    params: &[(String, String)],
    header: Option<&str>,
) -> bool {
    let Some(given) = header else { return false };
    url_variants(url).iter().any(|candidate| {
        bool::from(
            sign(auth_token, candidate, params)
                .as_bytes()
                .ct_eq(given.as_bytes()),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> Vec<(String, String)> {
        [
            ("CallSid", "CA1234567890ABCDE"),
            ("Caller", "+12349013030"),
            ("Digits", "1234"),
            ("From", "+12349013030"),
            ("To", "+18005551212"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    #[test]
    fn matches_twilios_documented_example() {
        // The example from Twilio's security documentation.
        let url = "https://mycompany.com/myapp.php?foo=1&bar=2";
        assert_eq!(
            sign("12345", url, &params()),
            "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
        );
        assert!(verify(
            "12345",
            url,
            &params(),
            Some("0/KCTR6DLpKmkAf8muzZqo1nDgQ=")
        ));
    }

    #[test]
    fn rejects_wrong_missing_or_tampered() {
        let url = "https://mycompany.com/myapp.php?foo=1&bar=2";
        assert!(!verify("12345", url, &params(), None));
        assert!(!verify(
            "12345",
            url,
            &params(),
            Some("0/KCTR6DLpKmkAf8muzZqo1nDgQ")
        ));
        assert!(!verify(
            "wrong",
            url,
            &params(),
            Some("0/KCTR6DLpKmkAf8muzZqo1nDgQ=")
        ));
        let mut tampered = params();
        tampered[2].1 = "9999".into();
        assert!(!verify(
            "12345",
            url,
            &tampered,
            Some("0/KCTR6DLpKmkAf8muzZqo1nDgQ=")
        ));
    }

    #[test]
    fn accepts_with_and_without_default_port() {
        let signed_with_port = sign(
            "t",
            "https://calls.example.com:443/twilio/status?wf=a",
            &params(),
        );
        assert!(verify(
            "t",
            "https://calls.example.com/twilio/status?wf=a",
            &params(),
            Some(&signed_with_port)
        ));
        let signed_without = sign(
            "t",
            "https://calls.example.com/twilio/status?wf=a",
            &params(),
        );
        assert!(verify(
            "t",
            "https://calls.example.com:443/twilio/status?wf=a",
            &params(),
            Some(&signed_without)
        ));
    }
}

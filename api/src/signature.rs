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
    if let (None, Some(port), Some(_)) = (
        parsed.port(),
        parsed.port_or_known_default(),
        parsed.host_str(),
    ) {
        // Right after the host (not at the first place the host's text occurs: `s` is in
        // `https`, a host can be in the user name).
        let after_host = &parsed[..url::Position::AfterHost];
        let rest = &parsed[url::Position::AfterHost..];
        out.push(format!("{after_host}:{port}{rest}"));
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

    #[test]
    fn the_port_goes_after_the_host_even_when_the_host_is_in_the_scheme() {
        // Found by the property test below: the port was inserted at the first occurrence of
        // the host's text, here inside `https`.
        let signed_with_port = sign("t", "https://s:443/hook?wf=a", &params());
        assert!(verify(
            "t",
            "https://s/hook?wf=a",
            &params(),
            Some(&signed_with_port)
        ));
        let signed_with_port = sign("t", "http://calls@calls:80/x", &params());
        assert!(verify(
            "t",
            "http://calls@calls/x",
            &params(),
            Some(&signed_with_port)
        ));
    }

    mod props {
        use super::super::*;
        use proptest::prelude::*;

        fn url() -> impl Strategy<Value = (String, String)> {
            (
                prop::sample::select(vec!["http", "https"]),
                prop_oneof![Just(String::new()), "[a-z]{1,4}@"],
                // Names and paths a URL parser keeps as they are (no IPv4 shorthand like
                // `0`, no dot segments, no `xn--` label: punycode the parser validates).
                "[a-wyz][a-z0-9-]{0,5}(\\.[a-wyz][a-z0-9-]{0,5}){0,2}",
                "(/[a-zA-Z0-9_~-][a-zA-Z0-9._~-]{0,7}){0,3}",
                prop_oneof![
                    Just(String::new()),
                    "\\?[a-z]{1,3}=[a-zA-Z0-9%+-]{0,6}(&[a-z]{1,3}=[a-z0-9]{0,4}){0,2}"
                ],
            )
                .prop_map(|(scheme, user, host, path, query)| {
                    let port = if scheme == "https" { 443 } else { 80 };
                    let path = if path.is_empty() {
                        "/".to_owned()
                    } else {
                        path
                    };
                    (
                        format!("{scheme}://{user}{host}{path}{query}"),
                        format!("{scheme}://{user}{host}:{port}{path}{query}"),
                    )
                })
        }

        fn params() -> impl Strategy<Value = Vec<(String, String)>> {
            proptest::collection::vec((any::<String>(), any::<String>()), 0..6)
        }

        /// Every way to change one character of `text` into `c`.
        fn changed(text: &str, at: usize, c: char) -> Option<String> {
            let chars: Vec<char> = text.chars().collect();
            if chars.is_empty() {
                return Some(c.to_string());
            }
            let i = at % chars.len();
            (chars[i] != c).then(|| {
                let mut out = chars;
                out[i] = c;
                out.into_iter().collect()
            })
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

            #[test]
            fn accepts_its_own_signature_and_nothing_one_byte_off(
                // Like Twilio's auth tokens. (HMAC pads its key with zeros: a token and the
                // same token with a NUL appended are the same key.)
                token in "[0-9a-f]{32}",
                (url, url_with_port) in url(),
                params in params(),
                at in any::<usize>(),
                byte in any::<u8>(),
                c in any::<char>(),
            ) {
                let signature = sign(&token, &url, &params);
                prop_assert!(verify(&token, &url, &params, Some(&signature)));
                // Twilio may sign with or without the default port.
                prop_assert!(verify(&token, &url, &params, Some(&sign(&token, &url_with_port, &params))));
                prop_assert!(verify(&token, &url_with_port, &params, Some(&signature)));
                prop_assert!(!verify(&token, &url, &params, None));

                // One byte of the signature changed.
                let mut bad = signature.clone().into_bytes();
                let i = at % bad.len();
                if bad[i] != byte {
                    bad[i] = byte;
                    let bad = String::from_utf8_lossy(&bad);
                    prop_assert!(!verify(&token, &url, &params, Some(&bad)));
                }
                // Cut short, or one byte longer.
                prop_assert!(!verify(&token, &url, &params, Some(&signature[..signature.len() - 1])));
                let longer = format!("{signature}=");
                prop_assert!(!verify(&token, &url, &params, Some(&longer)));
                // One character of the token, the path or query, a name or a value changed.
                if let Some(other) = changed(&token, at, c).filter(|_| c != '\0') {
                    prop_assert!(!verify(&other, &url, &params, Some(&signature)));
                }
                let path_start = url.find("://").map_or(0, |i| i + 3);
                let path_start = path_start + url[path_start..].find('/').unwrap_or(0);
                // (With a character a URL parser keeps: it trims spaces and controls, for one.)
                let url_char = char::from(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_~"[usize::from(byte) % 65]);
                if let Some(tail) = changed(&url[path_start + 1..], at, url_char) {
                    let other = format!("{}{tail}", &url[..=path_start]);
                    prop_assert!(!verify(&token, &other, &params, Some(&signature)), "{other}");
                }
                if !params.is_empty() {
                    let k = at % params.len();
                    let mut other = params.clone();
                    if let Some(v) = changed(&params[k].1, at / 7, c) {
                        other[k].1 = v;
                        prop_assert!(!verify(&token, &url, &other, Some(&signature)));
                    }
                    let mut other = params.clone();
                    if let Some(n) = changed(&params[k].0, at / 3, c) {
                        other[k].0 = n;
                        prop_assert!(!verify(&token, &url, &other, Some(&signature)));
                    }
                    // A parameter dropped.
                    let mut other = params.clone();
                    let removed = other.remove(k);
                    if !(removed.0.is_empty() && removed.1.is_empty()) {
                        prop_assert!(!verify(&token, &url, &other, Some(&signature)));
                    }
                }
            }

            #[test]
            fn never_panics_on_arbitrary_input(
                token in any::<String>(),
                url in any::<String>(),
                params in params(),
                header in proptest::option::of(any::<String>()),
            ) {
                let ok = verify(&token, &url, &params, header.as_deref());
                if ok {
                    prop_assert!(header.is_some());
                }
                prop_assert!(verify(&token, &url, &params, Some(&sign(&token, &url, &params))));
            }
        }
    }
}

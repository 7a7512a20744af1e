//! Twilio webhooks: form and URL parsing and the signature check on arbitrary requests never
//! panic; a form signed with Twilio's algorithm is accepted field for field, and one byte
//! changed in its signature, a name or a value is refused.
#![no_main]

use arbitrary::Unstructured;
use callwright_api::routes::Verified;
use callwright_api::signature::{sign, verify};
use callwright_domain::{AnsweredBy, CallStatus};
use libfuzzer_sys::fuzz_target;

const BASE: &str = "https://calls.example.com";

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(mode) = u.arbitrary::<u8>() else {
        return;
    };
    if mode % 2 == 0 {
        // Arbitrary bytes as the path, body and signature header.
        let path: String = u.arbitrary().unwrap_or_default();
        let signature: Option<String> = u.arbitrary().unwrap_or_default();
        let body = u.take_rest();
        if let Ok(hook) = Verified::check(BASE, "token", &path, body, signature.as_deref()) {
            // The handlers' field parsing.
            let _ = hook.parse::<CallStatus>("CallStatus");
            let _ = hook.parse::<AnsweredBy>("AnsweredBy");
            let _ = hook.parse::<u32>("SequenceNumber");
            let _ = hook.parse::<f32>("Confidence");
            let _ = hook.require("CallSid");
        }
        return;
    }
    // A signed form from arbitrary fields.
    let Ok(params) = u.arbitrary::<Vec<(String, String)>>() else {
        return;
    };
    let wf: String = u.arbitrary().unwrap_or_default();
    let at: usize = u.arbitrary().unwrap_or_default();
    let byte: u8 = u.arbitrary().unwrap_or_default();
    let body = serde_urlencoded::to_string(&params).expect("a form encodes");
    let query =
        serde_urlencoded::to_string([("wf", wf.as_str()), ("attempt", "1")]).expect("encodes");
    let path = format!("/twilio/turn?{query}");
    let url = format!("{BASE}{path}");
    let signature = sign("token", &url, &params);
    let hook = Verified::check(BASE, "token", &path, body.as_bytes(), Some(&signature))
        .unwrap_or_else(|e| panic!("a correctly signed form was refused: {e}"));
    assert_eq!(hook.target.wf, wf);
    for (name, _) in &params {
        assert!(hook.get(name).is_some());
    }
    let mut bad = signature.clone().into_bytes();
    let i = at % bad.len();
    if bad[i] != byte {
        bad[i] = byte;
        assert!(!verify(
            "token",
            &url,
            &params,
            Some(&String::from_utf8_lossy(&bad))
        ));
    }
    if !params.is_empty() {
        let k = at % params.len();
        for name_or_value in [false, true] {
            let mut other = params.clone();
            let field = if name_or_value {
                &mut other[k].1
            } else {
                &mut other[k].0
            };
            let mut bytes = std::mem::take(field).into_bytes();
            if bytes.is_empty() {
                bytes.push(byte);
            } else {
                let j = (at / 3) % bytes.len();
                bytes[j] = bytes[j].wrapping_add(1);
            }
            *field = String::from_utf8_lossy(&bytes).into_owned();
            if other != params {
                assert!(
                    !verify("token", &url, &other, Some(&signature)),
                    "{other:?}"
                );
            }
        }
    }
});

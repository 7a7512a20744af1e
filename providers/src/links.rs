//! Signed, expiring links: the one HMAC scheme behind every URL we hand to someone without an
//! API key (a browser playing a recording, Twilio fetching synthesised speech).
//!
//! The key is derived from the Twilio auth token and a purpose label, so every API replica and
//! worker that knows the token makes and accepts the same links, a link made for one purpose is
//! refused by the others, and rotating the token revokes every outstanding link.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

type HmacSha256 = Hmac<Sha256>;

/// Links to call recordings (`/recordings/{call id}`).
pub const RECORDING_LINKS: &str = "callwright recording links v1";
/// Links to synthesised speech (`/tts/{content hash}.wav`).
pub const SPEECH_LINKS: &str = "callwright speech links v1";

/// Why a link was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    /// The signature is not ours for this subject and expiry (forged or altered).
    #[error("the link's signature does not match")]
    BadSignature,
    /// Signed by us, but past its expiry.
    #[error("the link has expired")]
    Expired,
}

/// Signs and checks links for one purpose.
#[derive(Clone)]
pub struct LinkSigner {
    key: HmacSha256,
}

impl std::fmt::Debug for LinkSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkSigner(..)")
    }
}

impl LinkSigner {
    /// A signer whose key is derived from `secret` (the Twilio auth token) and `purpose`.
    pub fn new(secret: &str, purpose: &str) -> Self {
        // HMAC accepts keys of any length, so neither step can fail.
        let mut derive = <HmacSha256 as Mac>::new_from_slice(secret.as_bytes())
            .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        derive.update(purpose.as_bytes());
        let key = <HmacSha256 as Mac>::new_from_slice(&derive.finalize().into_bytes())
            .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        Self { key }
    }

    /// The base64url signature of `subject` valid until `expires` (Unix seconds).
    pub fn sign(&self, subject: &str, expires: i64) -> String {
        let mut mac = self.key.clone();
        mac.update(format!("{subject}\n{expires}").as_bytes());
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }

    /// Checks a signature in constant time, then the expiry against `now` (Unix seconds).
    pub fn verify(
        &self,
        subject: &str,
        expires: i64,
        signature: &str,
        now: i64,
    ) -> Result<(), LinkError> {
        let expected = self.sign(subject, expires);
        if !bool::from(expected.as_bytes().ct_eq(signature.as_bytes())) {
            return Err(LinkError::BadSignature);
        }
        if now > expires {
            return Err(LinkError::Expired);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_its_own_links_and_refuses_changes_expiry_and_other_purposes() {
        let signer = LinkSigner::new("token", RECORDING_LINKS);
        let sig = signer.sign("call-1", 1_000);
        assert_eq!(signer.verify("call-1", 1_000, &sig, 999), Ok(()));
        assert_eq!(
            signer.verify("call-1", 1_000, &sig, 1_001),
            Err(LinkError::Expired)
        );
        assert_eq!(
            signer.verify("call-2", 1_000, &sig, 999),
            Err(LinkError::BadSignature)
        );
        assert_eq!(
            signer.verify("call-1", 2_000, &sig, 999),
            Err(LinkError::BadSignature)
        );
        let speech = LinkSigner::new("token", SPEECH_LINKS);
        assert_eq!(
            speech.verify("call-1", 1_000, &sig, 999),
            Err(LinkError::BadSignature)
        );
        let rotated = LinkSigner::new("new token", RECORDING_LINKS);
        assert_eq!(
            rotated.verify("call-1", 1_000, &sig, 999),
            Err(LinkError::BadSignature)
        );
    }
}

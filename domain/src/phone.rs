//! Phone numbers, parsed once at the edge into [`E164`].

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a phone number was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    /// The text could not be parsed as a phone number at all.
    #[error("'{0}' is not a phone number")]
    Unparsable(String),
    /// It parsed, but no such number can exist (wrong length or unassigned range).
    #[error("'{0}' is not a valid number in its numbering plan")]
    Invalid(String),
}

/// A valid phone number in E.164 form (`+` and up to 15 digits), with what the numbering plan
/// said about it when it was parsed: its country calling code, region and whether it is tied to
/// a place.
///
/// It is parsed once, at the edge ([`E164::parse`]). Its serialised form carries those facts
/// (`{"number": "+14155552671", "country_code": 1, "region": "US", "geographic": true}`) and
/// decoding checks only the form of the number, never the numbering plan: a workflow payload
/// is decoded again on every replay, on workers that may carry newer libphonenumber data, and
/// the decisions taken from these facts (the calling window is chosen by region) must replay
/// as they were made.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "RecordedNumber", into = "RecordedNumber")]
pub struct E164 {
    text: String,
    country_code: u16,
    region: Option<String>,
    geographic: bool,
}

/// Calling codes whose mobile numbers are tied to a place (libphonenumber's list): Mexico,
/// Argentina, Brazil, Indonesia.
const GEO_MOBILE_CODES: [u16; 4] = [52, 54, 55, 62];

/// The region's numbering plan the number belongs to. The crate resolves a calling code shared
/// by several regions by the first whose leading digits match; when none does (`+39 02…`:
/// Italy and the Vatican share 39), take the first region whose plan has the number, as
/// libphonenumber does.
fn plan(number: &phonenumber::PhoneNumber) -> Option<&'static phonenumber::Metadata> {
    let db = &*phonenumber::metadata::DATABASE;
    number.metadata(db).or_else(|| {
        let national = number.national().to_string();
        db.by_code(&number.code().value())?
            .into_iter()
            .find(|m| m.descriptors().general().is_match(&national))
    })
}

/// Whether the number is tied to a place, libphonenumber's way: a fixed line (or a number that
/// may be fixed or mobile), or a mobile where mobiles have area codes; not a toll-free,
/// premium, shared-cost, VoIP, personal, pager, UAN or voicemail number.
fn is_geographic(meta: &phonenumber::Metadata, national: &str, code: u16) -> bool {
    let d = meta.descriptors();
    let matches = |desc: Option<&phonenumber::metadata::Descriptor>| {
        desc.is_some_and(|desc| desc.is_match(national))
    };
    let special = [
        d.premium_rate(),
        d.toll_free(),
        d.shared_cost(),
        d.voip(),
        d.personal_number(),
        d.pager(),
        d.uan(),
        d.voicemail(),
    ];
    if special.into_iter().any(matches) {
        return false;
    }
    matches(d.fixed_line()) || (GEO_MOBILE_CODES.contains(&code) && matches(d.mobile()))
}

impl E164 {
    /// Parses `raw` (international form, or national form when `default_region` such as "US"
    /// is given) and keeps it only if libphonenumber's metadata says the number is valid.
    pub fn parse(raw: &str, default_region: Option<&str>) -> Result<Self, PhoneError> {
        let trimmed = raw.trim();
        let region = default_region.and_then(|r| r.parse::<phonenumber::country::Id>().ok());
        let number = phonenumber::parse(region, trimmed)
            .map_err(|_| PhoneError::Unparsable(trimmed.to_owned()))?;
        if !phonenumber::is_valid(&number) {
            return Err(PhoneError::Invalid(trimmed.to_owned()));
        }
        let text = number.format().mode(phonenumber::Mode::E164).to_string();
        // libphonenumber's metadata allows some numbers longer than E.164's 15 digits (German
        // ones, for one); the database would refuse them.
        if !fits_e164(&text) {
            return Err(PhoneError::Invalid(trimmed.to_owned()));
        }
        // The number must read back from its own E.164 text, the form it is stored and
        // deserialised from: libphonenumber does not always agree with itself (`+7 8200000000`
        // is valid, `+78200000000` is not: there the 8 is read as Russia's trunk prefix).
        let number = phonenumber::parse(None, &text)
            .ok()
            .filter(phonenumber::is_valid)
            .filter(|again| again.format().mode(phonenumber::Mode::E164).to_string() == text)
            .ok_or_else(|| PhoneError::Invalid(trimmed.to_owned()))?;
        let meta = plan(&number);
        let region = meta.map(|m| m.id().to_owned()).filter(|id| id != "001");
        let national = number.national().to_string();
        let code = number.code().value();
        Ok(Self {
            text,
            country_code: code,
            region,
            geographic: meta.is_some_and(|m| is_geographic(m, &national, code)),
        })
    }

    /// The number as `+<digits>`.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The country calling code, e.g. 972 for Israel, 1 for the NANP.
    pub fn country_code(&self) -> u16 {
        self.country_code
    }

    /// ISO 3166-1 alpha-2 region the number belongs to, when the numbering plan tells.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// Whether the number is tied to a place (a fixed line, say), so that its digits tell where
    /// in the country it rings; a mobile or toll-free number may ring anywhere in it.
    pub fn is_geographic(&self) -> bool {
        self.geographic
    }
}

/// `+`, then 7 to 15 digits, the first not 0: what E.164 allows and the database's
/// `CHECK (phone ~ '^\+[1-9][0-9]{6,14}$')` accepts.
fn fits_e164(text: &str) -> bool {
    text.strip_prefix('+').is_some_and(|digits| {
        (7..=15).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
            && !digits.starts_with('0')
    })
}

impl fmt::Display for E164 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// The serialised form of an [`E164`]: the number and the facts parsed from it.
#[derive(Serialize, Deserialize)]
struct RecordedNumber {
    number: String,
    country_code: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    region: Option<String>,
    geographic: bool,
}

impl TryFrom<RecordedNumber> for E164 {
    type Error = PhoneError;
    /// Checks the form only: `+`, 7 to 15 digits, starting with the calling code.
    fn try_from(value: RecordedNumber) -> Result<Self, Self::Error> {
        let code = value.country_code.to_string();
        let consistent = fits_e164(&value.number)
            && value.number[1..].starts_with(&code)
            && value
                .region
                .as_deref()
                .is_none_or(|r| r.len() == 2 && r.bytes().all(|b| b.is_ascii_uppercase()));
        if !consistent {
            return Err(PhoneError::Invalid(value.number));
        }
        Ok(Self {
            text: value.number,
            country_code: value.country_code,
            region: value.region,
            geographic: value.geographic,
        })
    }
}

impl From<E164> for RecordedNumber {
    fn from(value: E164) -> Self {
        Self {
            number: value.text,
            country_code: value.country_code,
            region: value.region,
            geographic: value.geographic,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_international_numbers_to_e164() {
        let n = E164::parse("+972 52-765-4321", None).expect("valid Israeli mobile");
        assert_eq!(n.as_str(), "+972527654321");
        assert_eq!(n.country_code(), 972);
        assert_eq!(n.region(), Some("IL"));
    }

    #[test]
    fn national_numbers_need_a_region() {
        assert!(E164::parse("(415) 555-2671", None).is_err());
        let n = E164::parse("(415) 555-2671", Some("US")).expect("valid with region");
        assert_eq!(n.as_str(), "+14155552671");
    }

    #[test]
    fn rejects_garbage_and_impossible_numbers() {
        assert!(matches!(
            E164::parse("hello", None),
            Err(PhoneError::Unparsable(_))
        ));
        assert!(matches!(
            E164::parse("+1 123", None),
            Err(PhoneError::Invalid(_)) | Err(PhoneError::Unparsable(_))
        ));
    }

    #[test]
    fn recorded_numbers_keep_their_facts_and_malformed_ones_are_refused() {
        let n = E164::parse("+39 06 6982", None).expect("a Vatican number");
        let recorded = serde_json::to_value(&n).expect("encode");
        assert_eq!(recorded["number"], "+39066982");
        assert_eq!(serde_json::from_value::<E164>(recorded).expect("decode"), n);
        for bad in [
            serde_json::json!({"number": "+4412345678", "country_code": 1, "geographic": false}),
            serde_json::json!({"number": "14155552671", "country_code": 1, "geographic": true}),
            serde_json::json!({"number": "+1", "country_code": 1, "geographic": true}),
            serde_json::json!({"number": "+14155552671", "country_code": 1, "region": "usa", "geographic": true}),
            serde_json::json!("+14155552671"),
        ] {
            assert!(
                serde_json::from_value::<E164>(bad.clone()).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn numbers_longer_than_e164_allows_are_invalid() {
        // Found by `make fuzz`: libphonenumber calls this German number valid, but it has 17
        // digits; it would have failed the database's CHECK (a 500, and a whole CSV upload
        // refused for one row).
        assert!(matches!(
            E164::parse("+49214 5 79409120058", None),
            Err(PhoneError::Invalid(_))
        ));
        assert!(matches!(
            E164::parse("0214 5 79409120058", Some("DE")),
            Err(PhoneError::Invalid(_))
        ));
    }

    #[test]
    fn numbers_that_do_not_read_back_from_their_e164_form_are_invalid() {
        // Found by the property test below: accepted, but its stored form `+78200000000` did
        // not parse (so it would not have deserialised either).
        assert!(E164::parse("+78200000000", None).is_err());
        assert!(matches!(
            E164::parse("+7 8200000000", Some("US")),
            Err(PhoneError::Invalid(_))
        ));
        let n = E164::parse("+7 912 345 67 89", None).expect("valid Russian mobile");
        assert_eq!(E164::parse(n.as_str(), None), Ok(n));
    }

    #[test]
    fn serde_carries_the_parsed_facts() {
        let n = E164::parse("+33612345678", None).expect("valid French mobile");
        assert_eq!(
            serde_json::to_value(&n).expect("serialises"),
            serde_json::json!({"number": "+33612345678", "country_code": 33, "region": "FR", "geographic": false})
        );
    }

    /// What the database's `CHECK (phone ~ '^\+[1-9][0-9]{6,14}$')` accepts.
    fn db_check(text: &str) -> bool {
        let Some(digits) = text.strip_prefix('+') else {
            return false;
        };
        (7..=15).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
            && !digits.starts_with('0')
    }

    /// Anything [`E164::parse`] accepts passes the database check, and formatting it and
    /// parsing that again (with or without a region) gives the same number.
    fn check_round_trip(raw: &str, region: Option<&str>) {
        let Ok(n) = E164::parse(raw, region) else {
            return;
        };
        assert!(db_check(n.as_str()), "{raw:?} ({region:?}) → {n:?}");
        assert_eq!(E164::parse(n.as_str(), None).as_ref(), Ok(&n), "{raw:?}");
        assert_eq!(E164::parse(n.as_str(), region).as_ref(), Ok(&n), "{raw:?}");
        let recorded = serde_json::to_value(&n).expect("encode");
        assert_eq!(
            serde_json::from_value::<E164>(recorded).ok().as_ref(),
            Some(&n)
        );
        let zones = crate::timezone::lead_zones(&n, None);
        assert!(zones.window.contains(&zones.primary), "{n}: {zones:?}");
    }

    mod props {
        use super::check_round_trip;
        use proptest::prelude::*;

        /// Phone-like text: digits, separators, a leading `+` or `00`, letters (vanity
        /// numbers), extensions, and the odd non-ASCII digit or space.
        fn phone_like() -> impl Strategy<Value = String> {
            let piece = prop_oneof![
                8 => "[0-9]{1,4}",
                2 => "[ ().\\-/]",
                1 => Just("+".to_owned()),
                1 => Just("00".to_owned()),
                1 => "[A-Za-z]{1,3}",
                1 => Just(" ext. ".to_owned()),
                1 => Just(";ext=".to_owned()),
                1 => "[\u{0660}-\u{0669}\u{ff10}-\u{ff19}\u{00a0}\u{200e}\u{feff}]",
            ];
            proptest::collection::vec(piece, 0..12).prop_map(|p| p.concat())
        }

        fn region() -> impl Strategy<Value = Option<String>> {
            prop_oneof![
                Just(None),
                prop::sample::select(vec![
                    "US", "GB", "IL", "FR", "DE", "BR", "IN", "CN", "IT", "001", "ZZ", "", "us"
                ])
                .prop_map(|r| Some(r.to_owned())),
                "[A-Z]{2}".prop_map(Some),
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

            #[test]
            fn phone_like_text_never_panics_and_round_trips(raw in phone_like(), region in region()) {
                check_round_trip(&raw, region.as_deref());
            }

            #[test]
            fn international_digits_round_trip(cc in "[1-9][0-9]{0,2}", rest in "[0-9]{4,14}") {
                check_round_trip(&format!("+{cc}{rest}"), None);
                check_round_trip(&format!("+{cc} {rest}"), Some("US"));
            }

            #[test]
            fn arbitrary_text_never_panics(raw in any::<String>(), region in region()) {
                check_round_trip(&raw, region.as_deref());
            }
        }
    }
}

//! `E164::parse` on arbitrary text and regions: never panics, and what it accepts passes the
//! database's CHECK and parses again to the same number.
#![no_main]

use callwright_domain::E164;
use callwright_domain::timezone::lead_zones;
use libfuzzer_sys::fuzz_target;

const REGIONS: [Option<&str>; 8] = [
    None,
    Some("US"),
    Some("GB"),
    Some("IL"),
    Some("BR"),
    Some("001"),
    Some("ZZ"),
    Some(""),
];

/// The database's `CHECK (phone ~ '^\+[1-9][0-9]{6,14}$')`.
fn db_check(text: &str) -> bool {
    text.strip_prefix('+').is_some_and(|digits| {
        (7..=15).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
            && !digits.starts_with('0')
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, text)) = data.split_first() else {
        return;
    };
    let region = REGIONS[usize::from(pick) % REGIONS.len()];
    let raw = String::from_utf8_lossy(text);
    let Ok(n) = E164::parse(&raw, region) else {
        return;
    };
    assert!(db_check(n.as_str()), "{raw:?} ({region:?}) → {n:?}");
    assert_eq!(E164::parse(n.as_str(), None).as_ref(), Ok(&n), "{raw:?}");
    assert_eq!(E164::parse(n.as_str(), region).as_ref(), Ok(&n), "{raw:?}");
    let zones = lead_zones(&n, None);
    assert!(zones.window.contains(&zones.primary), "{n}: {zones:?}");
    for zone in &zones.window {
        assert!(zone.parse::<chrono_tz::Tz>().is_ok(), "{zone}");
    }
});

//! `relay::parse` on arbitrary frames: never panics, refuses what is over the size limit, and a
//! message it accepts reads back as itself once written out again.
#![no_main]

use callwright_domain::relay::{MAX_FRAME_BYTES, parse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let frame = String::from_utf8_lossy(data);
    let Ok(message) = parse(&frame) else {
        return;
    };
    assert!(frame.len() <= MAX_FRAME_BYTES);
    let again = serde_json::to_string(&message).expect("a message serialises");
    assert_eq!(parse(&again).as_ref(), Ok(&message), "{frame:?}");
});

//! The operator API's request and response bodies, as `/openapi.json` documents them: the API
//! serialises these, the store reads its rows straight into them, and the test kit (and any Rust
//! client) deserialises them. One definition per shape, so the document, the server and its
//! clients cannot drift apart.

pub mod agents;
pub mod analytics;
pub mod calls;
pub mod campaigns;
pub mod codes;
pub mod dnc;
pub mod error;
pub mod imports;
pub mod leads;
pub mod meetings;
pub mod trials;

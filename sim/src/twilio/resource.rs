//! Renders a [`CallRecord`] as Twilio's call resource JSON.

use serde_json::{Value, json};

use crate::store::CallRecord;

/// The Twilio REST representation of a call.
pub fn call_resource(call: &CallRecord) -> Value {
    let uri = format!(
        "/2010-04-01/Accounts/{}/Calls/{}.json",
        call.account_sid, call.sid
    );
    let sub = |name: &str| {
        format!(
            "/2010-04-01/Accounts/{}/Calls/{}/{name}.json",
            call.account_sid, call.sid
        )
    };
    json!({
        "sid": call.sid,
        "account_sid": call.account_sid,
        "parent_call_sid": null,
        "date_created": call.created_at.to_rfc2822(),
        "date_updated": call.updated_at.to_rfc2822(),
        "to": call.to,
        "to_formatted": call.to,
        "from": call.from,
        "from_formatted": call.from,
        "phone_number_sid": null,
        "status": call.status.as_str(),
        "start_time": call.answered_at.map(|t| t.to_rfc2822()),
        "end_time": call.ended_at.map(|t| t.to_rfc2822()),
        "duration": call.duration.map(|d| d.to_string()),
        "price": null,
        "price_unit": "USD",
        "direction": "outbound-api",
        "answered_by": call.answered_by,
        "api_version": "2010-04-01",
        "forwarded_from": null,
        "group_sid": null,
        "caller_name": null,
        "queue_time": "0",
        "trunk_sid": null,
        "uri": uri,
        "subresource_uris": {
            "notifications": sub("Notifications"),
            "recordings": sub("Recordings"),
            "events": sub("Events"),
        },
    })
}

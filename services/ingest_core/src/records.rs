//! Each record's JSON value, written exactly as `adapters/records.py` writes it (the contracts'
//! wire format), with its CloudEvents subject and event type.

use crate::accounts::ANONYMOUS;
use crate::event::{Event, ALIAS, IDENTIFY, PAGE, SCREEN, TRACK, TYPE_NAMES};
use crate::json;

fn field_str(out: &mut Vec<u8>, name: &str, value: &str) {
    json::write_str(out, name);
    out.push(b':');
    json::write_str(out, value);
    out.push(b',');
}

fn field_opt(out: &mut Vec<u8>, name: &str, value: Option<&str>) {
    json::write_str(out, name);
    out.push(b':');
    match value {
        Some(text) => json::write_str(out, text),
        None => out.extend_from_slice(b"null"),
    }
    out.push(b',');
}

fn field_time(out: &mut Vec<u8>, name: &str, value: Option<i64>) {
    json::write_str(out, name);
    out.push(b':');
    match value {
        Some(us) => {
            out.push(b'"');
            json::write_time(out, us);
            out.push(b'"');
        }
        None => out.extend_from_slice(b"null"),
    }
    out.push(b',');
}

fn field_object(out: &mut Vec<u8>, name: &str, value: Option<(usize, usize)>, buffer: &[u8]) {
    json::write_str(out, name);
    out.push(b':');
    match value {
        Some((start, end)) => out.extend_from_slice(&buffer[start..end]),
        None => out.extend_from_slice(b"{}"),
    }
    out.push(b',');
}

fn close(out: &mut Vec<u8>) {
    out.pop(); // the last comma
    out.push(b'}');
}

/// The record value (`records._tracked`), its CloudEvents subject and event type index.
pub fn encode_value(
    out: &mut Vec<u8>,
    buffer: &[u8],
    event: &Event,
    account: Option<&str>,
    workspace_id: &str,
    source_id: &str,
    received_at: i64,
) -> (String, usize) {
    out.clear();
    out.push(b'{');
    field_str(out, "workspace_id", workspace_id);
    field_str(out, "source_id", source_id);
    let (subject, event_type) = match event.kind {
        TRACK | PAGE | SCREEN => {
            field_opt(out, "account_id", account);
            field_opt(out, "user_id", event.user_id.as_deref());
            field_opt(out, "anonymous_id", event.anonymous_id.as_deref());
            field_str(out, "kind", TYPE_NAMES[event.kind as usize]);
            field_str(out, "event", &event.usage_name());
            field_object(out, "properties", event.properties, buffer);
            field_object(out, "context", event.context, buffer);
            field_str(out, "message_id", &event.message_id);
            field_time(out, "timestamp", Some(event.timestamp));
            field_time(out, "original_timestamp", event.original_timestamp);
            field_time(out, "sent_at", event.sent_at);
            field_time(out, "received_at", Some(received_at));
            let subject = match (account, &event.user_id, &event.anonymous_id) {
                (Some(account), _, _) => account.to_string(),
                (None, Some(user), _) => format!("user:{user}"),
                (None, None, anonymous) => {
                    format!("{ANONYMOUS}{}", anonymous.as_deref().unwrap_or(""))
                }
            };
            (subject, 0)
        }
        IDENTIFY => {
            field_opt(out, "user_id", event.user_id.as_deref());
            field_opt(out, "anonymous_id", event.anonymous_id.as_deref());
            field_opt(out, "account_id", account);
            field_object(out, "traits", event.traits, buffer);
            field_str(out, "message_id", &event.message_id);
            field_time(out, "timestamp", Some(event.timestamp));
            field_time(out, "received_at", Some(received_at));
            (event.user_id.clone().unwrap_or_default(), 1)
        }
        ALIAS => {
            field_opt(out, "user_id", event.user_id.as_deref());
            field_opt(out, "previous_id", event.previous_id.as_deref());
            field_str(out, "message_id", &event.message_id);
            field_time(out, "timestamp", Some(event.timestamp));
            field_time(out, "received_at", Some(received_at));
            (event.previous_id.clone().unwrap_or_default(), 2)
        }
        _ => {
            field_opt(out, "account_id", event.group_id.as_deref());
            field_opt(out, "user_id", event.user_id.as_deref());
            field_object(out, "traits", event.traits, buffer);
            field_str(out, "message_id", &event.message_id);
            field_time(out, "timestamp", Some(event.timestamp));
            field_time(out, "received_at", Some(received_at));
            (event.group_id.clone().unwrap_or_default(), 3)
        }
    };
    close(out);
    (subject, event_type)
}

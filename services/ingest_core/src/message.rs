//! One tracking message read and checked as `parse_message` does: the members the checks read,
//! the type's required fields, the corrected timestamp; an `Event` when it is valid and plain.

use crate::batch::Request;
use crate::event::{Event, ALIAS, GROUP, IDENTIFY, TRACK, TYPE_NAMES};
use crate::fields::{identifier, is_py_space, object, text, timestamp};
use crate::json;
use crate::scan::{self, Nested, Scalar, Scanner};
use crate::{Checked, Decline};

/// The members of an event the checks read; the others are only copied when measured.
#[derive(Default)]
struct Fields {
    kind: Scalar,
    message_id: Scalar,
    user_id: Scalar,
    anonymous_id: Scalar,
    previous_id: Scalar,
    group_id: Scalar,
    event: Scalar,
    name: Scalar,
    category: Scalar,
    timestamp: Scalar,
    original_timestamp: Scalar,
    sent_at: Scalar,
    write_key: Scalar,
    context: Nested,
    context_group_id: Scalar,
    integrations: Nested,
    properties: Nested,
    property_names: [Scalar; 3],
    traits: Nested,
}

fn read_fields(
    scan: &mut Scanner<'_>,
    buffer: &mut Vec<u8>,
    scratch: &mut Vec<u8>,
) -> Checked<Fields> {
    let mut fields = Fields::default();
    scan.eat(b'{')?;
    if scan.empty(b'}') {
        return Ok(fields);
    }
    loop {
        let (raw, escaped) = scan.raw_string()?;
        scan.eat(b':')?;
        // An escaped key is rare: it is compared decoded.
        let decoded;
        let key: &[u8] = if escaped {
            decoded = scan::unescape(raw)?;
            decoded.as_bytes()
        } else {
            raw
        };
        match key {
            b"type" => fields.kind = scan.scalar(scratch)?,
            b"messageId" => fields.message_id = scan.scalar(scratch)?,
            b"userId" => fields.user_id = scan.scalar(scratch)?,
            b"anonymousId" => fields.anonymous_id = scan.scalar(scratch)?,
            b"previousId" => fields.previous_id = scan.scalar(scratch)?,
            b"groupId" => fields.group_id = scan.scalar(scratch)?,
            b"event" => fields.event = scan.scalar(scratch)?,
            b"name" => fields.name = scan.scalar(scratch)?,
            b"category" => fields.category = scan.scalar(scratch)?,
            b"timestamp" => fields.timestamp = scan.scalar(scratch)?,
            b"originalTimestamp" => fields.original_timestamp = scan.scalar(scratch)?,
            b"sentAt" => fields.sent_at = scan.scalar(scratch)?,
            b"writeKey" => fields.write_key = scan.scalar(scratch)?,
            b"context" => {
                let mut captures = [("groupId", Scalar::Absent)];
                fields.context = scan.nested(buffer, scratch, &mut captures)?;
                let [(_, group)] = captures;
                fields.context_group_id = group;
            }
            b"properties" => {
                let mut captures = [
                    ("title", Scalar::Absent),
                    ("path", Scalar::Absent),
                    ("url", Scalar::Absent),
                ];
                fields.properties = scan.nested(buffer, scratch, &mut captures)?;
                fields.property_names = captures.map(|(_, value)| value);
            }
            b"traits" => fields.traits = scan.nested(buffer, scratch, &mut [])?,
            b"integrations" => {
                fields.integrations = scan.nested(scratch, &mut Vec::new(), &mut [])?
            }
            _ => {
                scratch.clear();
                scan.value(scratch, 1, &mut [])?;
            }
        }
        if !scan.more(b'}')? {
            return Ok(fields);
        }
    }
}

/// One event of the batch at the scanner, checked against its request.
pub fn read_event(
    scan: &mut Scanner<'_>,
    index: usize,
    request: &Request<'_>,
    buffer: &mut Vec<u8>,
    scratch: &mut Vec<u8>,
) -> Checked<Event> {
    let Request {
        envelope,
        limits,
        check_size,
        received_at,
        feedback_events,
    } = request;
    let (check_size, received_at) = (*check_size, *received_at);
    scan.ws();
    if scan.peek() != Some(b'{') {
        return Err(Decline);
    }
    if check_size {
        // The event's size as orjson writes it (duplicate keys are declined there).
        let mut probe = Scanner::new(scan.bytes());
        probe.pos = scan.pos;
        scratch.clear();
        probe.value(scratch, 0, &mut [])?;
        if scratch.len() > limits.max_event_bytes {
            return Err(Decline);
        }
    }
    let fields = read_fields(scan, buffer, scratch)?;
    let kind = match &fields.kind {
        Scalar::Str(name) => TYPE_NAMES.iter().position(|n| n == name).ok_or(Decline)? as u8,
        _ => return Err(Decline),
    };
    if let Some(key) = &envelope.write_key {
        match &fields.write_key {
            Scalar::Absent | Scalar::Null => {}
            Scalar::Str(own) if own == key => {}
            _ => return Err(Decline),
        }
    }
    let (max_id, max_name) = (limits.max_id_chars, limits.max_name_chars);
    let user_id = identifier(fields.user_id, max_id)?;
    let anonymous_id = identifier(fields.anonymous_id, max_id)?;
    let previous_id = identifier(fields.previous_id, max_id)?;
    let group_id = identifier(fields.group_id, max_id)?;
    // Without a messageId the reference path makes one up.
    let message_id = identifier(fields.message_id, max_id)?.ok_or(Decline)?;
    let context = object(fields.context)?;
    let context_group_id = identifier(fields.context_group_id, max_id)?;
    object(fields.integrations)?;
    let properties = object(fields.properties)?;
    let traits = object(fields.traits)?;
    let event = text(fields.event, max_name)?;
    let name = text(fields.name, max_name)?;
    text(fields.category, max_name)?;

    // What each type requires (`_require_type_fields`).
    match kind {
        IDENTIFY if user_id.is_none() => return Err(Decline),
        ALIAS if user_id.is_none() || previous_id.is_none() => return Err(Decline),
        ALIAS => {}
        _ if user_id.is_none() && anonymous_id.is_none() => return Err(Decline),
        TRACK if event.is_none() => return Err(Decline),
        GROUP if group_id.is_none() => return Err(Decline),
        _ => {}
    }
    // A track configured as feedback becomes a feedback item: the reference path does that.
    if kind == TRACK
        && event
            .as_ref()
            .is_some_and(|name| feedback_events.contains(name))
    {
        return Err(Decline);
    }
    let mut original = timestamp(&fields.timestamp)?;
    if original.is_none() {
        original = timestamp(&fields.original_timestamp)?;
    }
    let sent_at = match &fields.sent_at {
        Scalar::Absent | Scalar::Null => envelope.sent_at,
        own => timestamp(own)?,
    };
    let corrected = match (original, sent_at) {
        (None, _) => received_at,
        (Some(original), None) => original,
        (Some(original), Some(sent)) => original + (received_at - sent),
    };
    if !json::in_calendar(corrected) {
        return Err(Decline);
    }
    let property_name = fields
        .property_names
        .into_iter()
        .find_map(|value| match value {
            Scalar::Str(text) if !text.chars().all(is_py_space) => {
                Some(text.chars().take(512).collect())
            }
            _ => None,
        });
    Ok(Event {
        index,
        kind,
        message_id,
        user_id,
        anonymous_id,
        event,
        name,
        property_name,
        properties: properties.filter(|(start, end)| end - start > 2),
        traits: traits.filter(|(start, end)| end - start > 2),
        context: context.filter(|(start, end)| end - start > 2),
        group_id,
        context_group_id,
        previous_id,
        timestamp: corrected,
        original_timestamp: original,
        sent_at,
    })
}

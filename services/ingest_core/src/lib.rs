//! A compiled pass over one tracking batch: decode, check, key and encode every event.
//!
//! It takes only requests whose every event is valid and plain (the common case) and declines
//! anything else (returns None) so that the pure-Python path, the reference, reads it and gives
//! its exact per-event errors. `parse` reads the body; `ParsedBatch.encode` keys and encodes the
//! events the intake decided to publish, once it knows the last groups of their users.

mod json;
mod scan;

use std::collections::{HashMap, HashSet};

use indexmap::IndexMap;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyString, PyTuple};
use scan::{Nested, Scalar, Scanner};

const TRACK: u8 = 0;
const PAGE: u8 = 1;
const SCREEN: u8 = 2;
const IDENTIFY: u8 = 3;
const GROUP: u8 = 4;
const ALIAS: u8 = 5;
const TYPE_NAMES: [&str; 6] = ["track", "page", "screen", "identify", "group", "alias"];

// Topics, in the order of `ROUTES` on the Python side.
const USAGE: u8 = 0;
const USER_TRAITS: u8 = 1;
const ACCOUNT_TRAITS: u8 = 2;

struct Event {
    index: usize,
    kind: u8,
    message_id: String,
    user_id: Option<String>,
    anonymous_id: Option<String>,
    event: Option<String>,
    name: Option<String>,
    // The name a page or screen takes from its properties (`routing.usage_name`).
    property_name: Option<String>,
    // Canonical JSON of the objects, as ranges of the batch's buffer; None: `{}`.
    properties: Option<(usize, usize)>,
    traits: Option<(usize, usize)>,
    context: Option<(usize, usize)>,
    group_id: Option<String>,
    context_group_id: Option<String>,
    previous_id: Option<String>,
    timestamp: i64,
    original_timestamp: Option<i64>,
    sent_at: Option<i64>,
}

/// The reference path must read this request (something in it is not plain, or not valid).
pub struct Decline;
type Checked<T> = Result<T, Decline>;

struct Limits {
    max_event_bytes: usize,
    max_batch_events: usize,
    max_id_chars: usize,
    max_name_chars: usize,
}

fn is_py_space(c: char) -> bool {
    // Python's str.isspace(): Unicode White_Space plus the four ASCII separators.
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

/// An id (`userId`, ...): a plain string or an integer; anything that needs stripping or is
/// refused goes to the reference path.
fn identifier(value: Scalar, max_chars: usize) -> Checked<Option<String>> {
    match value {
        Scalar::Absent | Scalar::Null => Ok(None),
        Scalar::Str(text) => {
            if text.is_empty() {
                return Ok(None);
            }
            let first = text.chars().next().unwrap_or(' ');
            let last = text.chars().next_back().unwrap_or(' ');
            if is_py_space(first) || is_py_space(last) || char_count(&text) > max_chars {
                return Err(Decline);
            }
            Ok(Some(text))
        }
        Scalar::Int(digits) => Ok(Some(digits)),
        Scalar::Other => Err(Decline),
    }
}

fn char_count(text: &str) -> usize {
    if text.is_ascii() {
        text.len()
    } else {
        text.chars().count()
    }
}

fn text(value: Scalar, max_chars: usize) -> Checked<Option<String>> {
    match value {
        Scalar::Absent | Scalar::Null => Ok(None),
        Scalar::Str(text) => {
            if char_count(&text) > max_chars {
                return Err(Decline);
            }
            if text.chars().all(is_py_space) {
                return Ok(None);
            }
            Ok(Some(text))
        }
        _ => Err(Decline),
    }
}

/// An object field: absent or null is None, an object its range, anything else is refused.
fn object(value: Nested) -> Checked<Option<(usize, usize)>> {
    match value {
        Nested::Absent | Nested::Null => Ok(None),
        Nested::Object(start, end) => Ok(Some((start, end))),
        Nested::Other => Err(Decline),
    }
}

fn timestamp(value: &Scalar) -> Checked<Option<i64>> {
    match value {
        Scalar::Absent | Scalar::Null => Ok(None),
        Scalar::Str(text) => json::parse_time(text).map(Some).ok_or(Decline),
        _ => Err(Decline),
    }
}

struct Envelope {
    sent_at: Option<i64>,
    write_key: Option<String>,
}

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

/// What every event of one request is read against.
struct Request<'a> {
    envelope: Envelope,
    limits: &'a Limits,
    check_size: bool,
    received_at: i64,
    feedback_events: &'a HashSet<String>,
}

fn read_event(
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

struct Read {
    events: Vec<Event>,
    buffer: Vec<u8>,
    write_key: Option<String>,
}

fn read_batch(
    body: &[u8],
    body_bytes: usize,
    received_at: i64,
    limits: &Limits,
    feedback_events: &HashSet<String>,
) -> Checked<Read> {
    // orjson refuses a body that is not UTF-8 anywhere, even inside a string it would skip.
    std::str::from_utf8(body).map_err(|_| Decline)?;
    let mut scan = Scanner::new(body);
    let mut scratch = Vec::new();
    let mut batch_at = None;
    let mut sent_at = Scalar::Absent;
    let mut write_key = Scalar::Absent;
    let mut seen = [false; 5];
    scan.eat(b'{')?;
    if scan.empty(b'}') {
        return Err(Decline);
    }
    loop {
        let (raw, escaped) = scan.raw_string()?;
        scan.eat(b':')?;
        if escaped {
            return Err(Decline);
        }
        let slot = ["batch", "context", "integrations", "sentAt", "writeKey"]
            .iter()
            .position(|name| name.as_bytes() == raw);
        if let Some(slot) = slot {
            // Repeated envelope members (the last one wins in Python): the reference path.
            if std::mem::replace(&mut seen[slot], true) {
                return Err(Decline);
            }
        }
        match slot {
            Some(0) => {
                scan.ws();
                batch_at = Some(scan.pos);
                scan.skip()?;
            }
            // A batch-level context would be merged under every event's own: the reference path.
            Some(1) => match scan.nested(&mut scratch, &mut Vec::new(), &mut [])? {
                Nested::Absent | Nested::Null => {}
                Nested::Object(start, end) if end - start == 2 => {}
                _ => return Err(Decline),
            },
            Some(2) => {
                object(scan.nested(&mut scratch, &mut Vec::new(), &mut [])?)?;
            }
            Some(3) => sent_at = scan.scalar(&mut scratch)?,
            Some(4) => write_key = scan.scalar(&mut scratch)?,
            _ => {
                scratch.clear();
                scan.value(&mut scratch, 1, &mut [])?;
            }
        }
        if !scan.more(b'}')? {
            break;
        }
    }
    if !scan.at_end() {
        return Err(Decline);
    }
    let write_key = match write_key {
        Scalar::Absent | Scalar::Null => None,
        Scalar::Str(key) if key.is_empty() => None,
        Scalar::Str(key) => Some(key),
        _ => return Err(Decline),
    };
    let envelope = Envelope {
        sent_at: timestamp(&sent_at)?,
        write_key,
    };
    let request = Request {
        envelope,
        limits,
        // No event can be larger than the request that carries it: small requests skip measuring.
        check_size: body_bytes > limits.max_event_bytes,
        received_at,
        feedback_events,
    };
    scan.pos = batch_at.ok_or(Decline)?;
    scan.eat(b'[')?;
    if scan.empty(b']') {
        return Err(Decline);
    }
    let mut events = Vec::with_capacity(128);
    let mut buffer = Vec::with_capacity(body.len());
    loop {
        if events.len() >= limits.max_batch_events {
            return Err(Decline);
        }
        let index = events.len();
        events.push(read_event(
            &mut scan,
            index,
            &request,
            &mut buffer,
            &mut scratch,
        )?);
        if !scan.more(b']')? {
            break;
        }
    }
    Ok(Read {
        events,
        buffer,
        write_key: request.envelope.write_key,
    })
}

fn route(kind: u8) -> u8 {
    match kind {
        IDENTIFY | ALIAS => USER_TRAITS,
        GROUP => ACCOUNT_TRAITS,
        _ => USAGE,
    }
}

const ANONYMOUS: &str = "anonymous:";

impl Event {
    fn names_account(&self) -> bool {
        self.group_id.is_some() || self.context_group_id.is_some()
    }

    fn candidates(&self) -> Vec<String> {
        let mut found = Vec::with_capacity(2);
        if let Some(user) = &self.user_id {
            found.push(user.clone());
        }
        if let Some(anonymous) = &self.anonymous_id {
            found.push(format!("{ANONYMOUS}{anonymous}"));
        }
        if let Some(previous) = &self.previous_id {
            found.push(previous.clone());
            found.push(format!("{ANONYMOUS}{previous}"));
        }
        found
    }

    fn identity(&self) -> String {
        match &self.user_id {
            Some(user) => user.clone(),
            None => format!("{ANONYMOUS}{}", self.anonymous_id.as_deref().unwrap_or("")),
        }
    }

    /// What a usage event is called (`routing.usage_name`).
    fn usage_name(&self) -> String {
        if let Some(event) = &self.event {
            return event.clone();
        }
        if let Some(name) = &self.name {
            return name.clone();
        }
        if let Some(name) = &self.property_name {
            return name.clone();
        }
        TYPE_NAMES[self.kind as usize].to_string()
    }
}

/// The last-group map of one request (`accounts.Memberships`).
struct Memberships {
    known: HashMap<String, String>,
    changes: IndexMap<String, String>,
}

impl Memberships {
    fn account_of<'a>(&self, identities: impl IntoIterator<Item = &'a String>) -> Option<String> {
        for identity in identities {
            if let Some(account) = self
                .changes
                .get(identity)
                .or_else(|| self.known.get(identity))
            {
                return Some(account.clone());
            }
        }
        None
    }

    fn record(&mut self, identity: String, account: &str) {
        let current = self
            .changes
            .get(&identity)
            .or_else(|| self.known.get(&identity));
        if current.map(String::as_str) != Some(account) {
            self.changes.insert(identity, account.to_string());
        }
    }
}

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
fn encode_value(
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

/// `plan.EventIds`: uuid5 of the namespace and `<source>\n<messageId>`.
fn event_id(prefix: &sha1_smol::Sha1, message_id: &str) -> [u8; 36] {
    let mut hashed = prefix.clone();
    hashed.update(message_id.as_bytes());
    let mut digest = hashed.digest().bytes();
    digest[6] = (digest[6] & 0x0f) | 0x50;
    digest[8] = (digest[8] & 0x3f) | 0x80;
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut text = [0u8; 36];
    let mut at = 0;
    for (i, byte) in digest[..16].iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            text[at] = b'-';
            at += 1;
        }
        text[at] = HEX[(byte >> 4) as usize];
        text[at + 1] = HEX[(byte & 0xf) as usize];
        at += 2;
    }
    text
}

/// The events of one request, read and checked, waiting to be keyed and encoded.
#[pyclass(module = "banso_ingest_core._core", frozen)]
struct ParsedBatch {
    events: Vec<Event>,
    buffer: Vec<u8>,
    received_at: i64,
    #[pyo3(get)]
    write_key: Option<String>,
    #[pyo3(get)]
    received: usize,
}

#[pymethods]
impl ParsedBatch {
    /// (index, messageId) of every event, in request order.
    fn message_ids<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let items = self
            .events
            .iter()
            .map(|event| (event.index, PyString::new(py, &event.message_id)));
        PyList::new(py, items)
    }

    /// The identities whose last group may name the account of an event at `positions` that
    /// names none itself (`plan.identities_to_look_up`).
    fn identities_to_look_up(&self, positions: Vec<usize>) -> HashSet<String> {
        let mut wanted = HashSet::new();
        for position in positions {
            let event = &self.events[position];
            if event.kind != GROUP && !event.names_account() {
                wanted.extend(event.candidates());
            }
        }
        wanted
    }

    /// Key and encode the events at `positions` (request order) as records, each
    /// `(topic, key, value, headers, index, route, account_id, message_id, type, name, user_id)`
    /// (route: 0 usage, 1 user traits, 2 account traits; topic: `topics[route]`), and the
    /// last-group changes.
    #[pyo3(signature = (positions, *, known_groups, workspace_id, source_id, namespace, shared_headers, event_types, topics))]
    #[allow(clippy::too_many_arguments)]
    fn encode<'py>(
        &self,
        py: Python<'py>,
        positions: Vec<usize>,
        known_groups: HashMap<String, String>,
        workspace_id: &str,
        source_id: &str,
        namespace: &[u8],
        shared_headers: Bound<'py, PyList>,
        event_types: [Bound<'py, PyBytes>; 4],
        topics: [Bound<'py, PyAny>; 3],
    ) -> PyResult<(Bound<'py, PyList>, IndexMap<String, String>)> {
        let mut memberships = Memberships {
            known: known_groups,
            changes: IndexMap::new(),
        };
        let mut prefix = sha1_smol::Sha1::new();
        prefix.update(namespace);
        prefix.update(source_id.as_bytes());
        prefix.update(b"\n");
        let shared: Vec<Bound<'py, PyAny>> = shared_headers.iter().collect();
        let names =
            ["ce_id", "ce_type", "ce_time", "ce_subject"].map(|name| PyString::new(py, name));
        let kinds = TYPE_NAMES.map(|name| PyString::new(py, name));
        let records = PyList::empty(py);
        let mut value = Vec::with_capacity(1024);
        let mut time = Vec::with_capacity(32);
        for position in positions {
            let event = self.events.get(position).ok_or_else(|| {
                pyo3::exceptions::PyIndexError::new_err("no event at that position")
            })?;
            let topic = route(event.kind);
            // The account the event names, else (except an account-traits record) its user's
            // last group (`plan._account`).
            let account = if event.group_id.is_some() {
                event.group_id.clone()
            } else if event.context_group_id.is_some() {
                event.context_group_id.clone()
            } else if topic == ACCOUNT_TRAITS {
                None
            } else {
                memberships.account_of(event.candidates().iter())
            };
            if event.kind == GROUP {
                if let Some(group) = &event.group_id {
                    memberships.record(event.identity(), group);
                }
            } else if event.kind == ALIAS {
                if let (Some(user), Some(account)) = (&event.user_id, &account) {
                    if memberships.account_of([user]).is_none() {
                        memberships.record(user.clone(), account);
                    }
                }
            }
            let key = match (topic, &account) {
                (USER_TRAITS, _) if event.kind == ALIAS => {
                    format!(
                        "{workspace_id}:{}",
                        event.previous_id.as_deref().unwrap_or("")
                    )
                }
                (USER_TRAITS, _) => {
                    format!("{workspace_id}:{}", event.user_id.as_deref().unwrap_or(""))
                }
                (_, Some(account)) => format!("{workspace_id}:{account}"),
                (_, None) => match &event.user_id {
                    Some(user) => format!("{workspace_id}:user:{user}"),
                    None => format!(
                        "{workspace_id}:{ANONYMOUS}{}",
                        event.anonymous_id.as_deref().unwrap_or("")
                    ),
                },
            };
            let (subject, event_type) = encode_value(
                &mut value,
                &self.buffer,
                event,
                account.as_deref(),
                workspace_id,
                source_id,
                self.received_at,
            );
            time.clear();
            json::write_time(&mut time, event.timestamp);
            let mut headers = shared.clone();
            let id = event_id(&prefix, &event.message_id);
            let pairs: [(&Bound<'py, PyString>, Bound<'py, PyAny>); 4] = [
                (&names[0], PyBytes::new(py, &id).into_any()),
                (&names[1], event_types[event_type].clone().into_any()),
                (&names[2], PyBytes::new(py, &time).into_any()),
                (&names[3], PyBytes::new(py, subject.as_bytes()).into_any()),
            ];
            for (name, header) in pairs {
                headers.push(PyTuple::new(py, [name.clone().into_any(), header])?.into_any());
            }
            let record = PyTuple::new(
                py,
                [
                    topics[topic as usize].clone(),
                    PyBytes::new(py, key.as_bytes()).into_any(),
                    PyBytes::new(py, &value).into_any(),
                    PyList::new(py, headers)?.into_any(),
                    event.index.into_pyobject(py)?.into_any(),
                    topic.into_pyobject(py)?.into_any(),
                    account.into_pyobject(py)?.into_any(),
                    PyString::new(py, &event.message_id).into_any(),
                    kinds[event.kind as usize].clone().into_any(),
                    event
                        .event
                        .as_deref()
                        .or(event.name.as_deref())
                        .into_pyobject(py)?
                        .into_any(),
                    event.user_id.as_deref().into_pyobject(py)?.into_any(),
                ],
            )?;
            records.append(record)?;
        }
        Ok((records, memberships.changes))
    }
}

/// Read a `/v1/batch` body in one pass; None when the reference path must read it.
#[pyfunction]
#[pyo3(signature = (body, *, body_bytes, received_at_us, max_event_bytes, max_batch_events, max_id_chars, max_name_chars, feedback_events))]
#[allow(clippy::too_many_arguments)]
fn parse(
    body: &[u8],
    body_bytes: usize,
    received_at_us: i64,
    max_event_bytes: usize,
    max_batch_events: usize,
    max_id_chars: usize,
    max_name_chars: usize,
    feedback_events: HashSet<String>,
) -> Option<ParsedBatch> {
    let limits = Limits {
        max_event_bytes,
        max_batch_events,
        max_id_chars,
        max_name_chars,
    };
    let read = read_batch(body, body_bytes, received_at_us, &limits, &feedback_events).ok()?;
    Some(ParsedBatch {
        received: read.events.len(),
        events: read.events,
        buffer: read.buffer,
        received_at: received_at_us,
        write_key: read.write_key,
    })
}

#[pymodule]
fn _core(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<ParsedBatch>()?;
    module.add_function(wrap_pyfunction!(parse, module)?)?;
    Ok(())
}

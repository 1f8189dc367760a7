//! A `/v1/batch` body read in one pass: the envelope (`sentAt`, `writeKey`, a batch-level
//! `context` or `integrations`), then every event of `batch` against the request's limits.

use std::collections::HashSet;

use crate::event::Event;
use crate::fields::{object, timestamp};
use crate::message::read_event;
use crate::scan::{Nested, Scalar, Scanner};
use crate::{Checked, Decline};

/// The request limits (`IngestLimits`) the pass applies.
pub struct Limits {
    pub max_event_bytes: usize,
    pub max_batch_events: usize,
    pub max_id_chars: usize,
    pub max_name_chars: usize,
}

pub struct Envelope {
    pub sent_at: Option<i64>,
    pub write_key: Option<String>,
}

/// What every event of one request is read against.
pub struct Request<'a> {
    pub envelope: Envelope,
    pub limits: &'a Limits,
    pub check_size: bool,
    pub received_at: i64,
    pub feedback_events: &'a HashSet<String>,
}

/// The events of a batch and the buffer their objects' canonical JSON was copied into.
pub struct Read {
    pub events: Vec<Event>,
    pub buffer: Vec<u8>,
    pub write_key: Option<String>,
}

pub fn read_batch(
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

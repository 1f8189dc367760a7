//! What Python sees: `parse`, which reads a body or declines it, and `ParsedBatch`, whose
//! `encode` keys and encodes the events the intake decided to publish.

use std::collections::{HashMap, HashSet};

use indexmap::IndexMap;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyString, PyTuple};

use crate::accounts::Memberships;
use crate::batch::{read_batch, Limits};
use crate::event::{Event, GROUP, TYPE_NAMES};
use crate::headers::Headers;
use crate::kafka::{partition, write_bytes, Section};
use crate::keys::{key, EventIds};
use crate::records::encode_value;
use crate::routing::route;

/// What `encode` returns: the records, the last-group changes, the sections.
type Encoded<'py> = (
    Bound<'py, PyList>,
    IndexMap<String, String>,
    Vec<(u8, u32, Section)>,
);

/// The events of one request, read and checked, waiting to be keyed and encoded.
#[pyclass(module = "banso_ingest_core._core", frozen)]
pub struct ParsedBatch {
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
    /// last-group changes. Given `partitions` (each route's topic's partition count), the records'
    /// keys, values and headers are instead written in Kafka's record format, in one `Section`
    /// per route and partition (the default partitioner's), in request order, all at
    /// `timestamp_ms`, returned as `(route, partition, section)`; the records then carry empty
    /// ones (one shared empty bytes and one shared empty list).
    #[pyo3(signature = (positions, *, known_groups, workspace_id, source_id, namespace, shared_headers, event_types, topics, partitions = None, timestamp_ms = 0))]
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
        partitions: Option<[u32; 3]>,
        timestamp_ms: i64,
    ) -> PyResult<Encoded<'py>> {
        let mut memberships = Memberships::new(known_groups);
        let ids = EventIds::new(namespace, source_id);
        let mut headers = Headers::new(py, shared_headers, event_types)?;
        let mut sections: IndexMap<(u8, u32), Section> = IndexMap::new();
        let empty = PyBytes::new(py, b"").into_any();
        let no_headers = PyList::empty(py).into_any();
        let kinds = TYPE_NAMES.map(|name| PyString::new(py, name));
        let records = PyList::empty(py);
        let mut value = Vec::with_capacity(1024);
        for position in positions {
            let event = self.events.get(position).ok_or_else(|| {
                pyo3::exceptions::PyIndexError::new_err("no event at that position")
            })?;
            let topic = route(event.kind);
            let account = memberships.account(event, topic);
            memberships.remember(event, account.as_deref());
            let key = key(workspace_id, topic, event, account.as_deref());
            let (subject, event_type) = encode_value(
                &mut value,
                &self.buffer,
                event,
                account.as_deref(),
                workspace_id,
                source_id,
                self.received_at,
            );
            let id = ids.of(&event.message_id);
            // With partitions, the record's key, value and headers go to its section only.
            let (key_object, value_object, headers_object) = match partitions {
                Some(counts) => {
                    let count = counts[topic as usize];
                    if count == 0 {
                        return Err(pyo3::exceptions::PyValueError::new_err(
                            "a topic without partitions",
                        ));
                    }
                    let chosen = partition(key.as_bytes(), count);
                    let section = sections
                        .entry((topic, chosen))
                        .or_insert_with(|| Section::new(timestamp_ms));
                    let out = section.data();
                    write_bytes(out, Some(key.as_bytes()));
                    write_bytes(out, Some(&value));
                    headers.write_encoded(out, &id, event_type, event.timestamp, &subject);
                    section.end_record();
                    (empty.clone(), empty.clone(), no_headers.clone())
                }
                None => (
                    PyBytes::new(py, key.as_bytes()).into_any(),
                    PyBytes::new(py, &value).into_any(),
                    headers
                        .of(py, &id, event_type, event.timestamp, &subject)?
                        .into_any(),
                ),
            };
            let record = PyTuple::new(
                py,
                [
                    topics[topic as usize].clone(),
                    key_object,
                    value_object,
                    headers_object,
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
        let sections = sections
            .into_iter()
            .map(|((route, chosen), section)| (route, chosen, section))
            .collect();
        Ok((records, memberships.changes, sections))
    }
}

/// Read a `/v1/batch` body in one pass; None when the reference path must read it.
#[pyfunction]
#[pyo3(signature = (body, *, body_bytes, received_at_us, max_event_bytes, max_batch_events, max_id_chars, max_name_chars, feedback_events))]
#[allow(clippy::too_many_arguments)]
pub fn parse(
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

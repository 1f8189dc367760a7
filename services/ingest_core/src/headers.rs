//! The CloudEvents headers of each record: the ones every record of the request shares, then
//! `ce_id`, `ce_type`, `ce_time` and `ce_subject`, as the Python objects the publisher sends and,
//! when the pass writes the records for Kafka itself, in the record format (`kafka`).

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyString, PyTuple};

use crate::json;
use crate::kafka::{write_bytes, write_varint};

pub struct Headers<'py> {
    shared: Vec<Bound<'py, PyAny>>,
    names: [Bound<'py, PyString>; 4],
    event_types: [Bound<'py, PyBytes>; 4],
    time: Vec<u8>,
    // The same, encoded as record headers: the shared ones at once, then each type's value.
    shared_encoded: Vec<u8>,
    shared_count: usize,
}

impl<'py> Headers<'py> {
    pub fn new(
        py: Python<'py>,
        shared_headers: Bound<'py, PyList>,
        event_types: [Bound<'py, PyBytes>; 4],
    ) -> PyResult<Self> {
        let shared: Vec<Bound<'py, PyAny>> = shared_headers.iter().collect();
        let mut shared_encoded = Vec::with_capacity(256);
        for header in &shared {
            let (name, value): (String, Option<Vec<u8>>) = header.extract()?;
            write_bytes(&mut shared_encoded, Some(name.as_bytes()));
            write_bytes(&mut shared_encoded, value.as_deref());
        }
        Ok(Headers {
            shared_count: shared.len(),
            shared,
            shared_encoded,
            names: ["ce_id", "ce_type", "ce_time", "ce_subject"]
                .map(|name| PyString::new(py, name)),
            event_types,
            time: Vec::with_capacity(32),
        })
    }

    /// The headers of one record: `event_type` indexes the encoded CloudEvents types.
    pub fn of(
        &mut self,
        py: Python<'py>,
        id: &[u8],
        event_type: usize,
        timestamp: i64,
        subject: &str,
    ) -> PyResult<Bound<'py, PyList>> {
        self.set_time(timestamp);
        let mut headers = self.shared.clone();
        let names = &self.names;
        let pairs: [(&Bound<'py, PyString>, Bound<'py, PyAny>); 4] = [
            (&names[0], PyBytes::new(py, id).into_any()),
            (&names[1], self.event_types[event_type].clone().into_any()),
            (&names[2], PyBytes::new(py, &self.time).into_any()),
            (&names[3], PyBytes::new(py, subject.as_bytes()).into_any()),
        ];
        for (name, header) in pairs {
            headers.push(PyTuple::new(py, [name.clone().into_any(), header])?.into_any());
        }
        PyList::new(py, headers)
    }

    fn set_time(&mut self, timestamp: i64) {
        self.time.clear();
        json::write_time(&mut self.time, timestamp);
    }

    /// The same headers in the record format (after the record's key and value).
    pub fn write_encoded(
        &mut self,
        out: &mut Vec<u8>,
        id: &[u8],
        event_type: usize,
        timestamp: i64,
        subject: &str,
    ) {
        self.set_time(timestamp);
        write_varint(out, (self.shared_count + 4) as i64);
        out.extend_from_slice(&self.shared_encoded);
        let event_type = self.event_types[event_type].as_bytes();
        let pairs: [(&[u8], &[u8]); 4] = [
            (b"ce_id", id),
            (b"ce_type", event_type),
            (b"ce_time", &self.time),
            (b"ce_subject", subject.as_bytes()),
        ];
        for (name, value) in pairs {
            write_bytes(out, Some(name));
            write_bytes(out, Some(value));
        }
    }
}

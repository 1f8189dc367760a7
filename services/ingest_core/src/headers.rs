//! The CloudEvents headers of each record: the ones every record of the request shares, then
//! `ce_id`, `ce_type`, `ce_time` and `ce_subject`, as the Python objects the publisher sends.

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyString, PyTuple};

use crate::json;

pub struct Headers<'py> {
    shared: Vec<Bound<'py, PyAny>>,
    names: [Bound<'py, PyString>; 4],
    event_types: [Bound<'py, PyBytes>; 4],
    time: Vec<u8>,
}

impl<'py> Headers<'py> {
    pub fn new(
        py: Python<'py>,
        shared_headers: Bound<'py, PyList>,
        event_types: [Bound<'py, PyBytes>; 4],
    ) -> Self {
        Headers {
            shared: shared_headers.iter().collect(),
            names: ["ce_id", "ce_type", "ce_time", "ce_subject"]
                .map(|name| PyString::new(py, name)),
            event_types,
            time: Vec::with_capacity(32),
        }
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
        self.time.clear();
        json::write_time(&mut self.time, timestamp);
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
}

//! A compiled pass over one tracking batch: decode, check, key and encode every event.
//!
//! It takes only requests whose every event is valid and plain (the common case) and declines
//! anything else (returns None) so that the pure-Python path, the reference, reads it and gives
//! its exact per-event errors. `parse` reads the body; `ParsedBatch.encode` keys and encodes the
//! events the intake decided to publish, once it knows the last groups of their users.
//!
//! Reading: `batch` (the envelope and the events), `message` (one event, checked), `fields`
//! (single fields), over `scan` (the JSON reader) and `json` (orjson's output). Encoding:
//! `routing` (topics), `accounts` (each event's account, the last groups), `keys` (record keys,
//! event ids), `records` (the JSON value), `headers` (CloudEvents); `kafka` (partitions and the record-batch
//! format, so Python hands aiokafka whole batches). `python` is what Python sees.

mod accounts;
mod batch;
mod event;
mod fields;
mod headers;
mod json;
mod kafka;
mod keys;
mod message;
mod python;
mod records;
mod routing;
mod scan;

use pyo3::prelude::*;

/// The reference path must read this request (something in it is not plain, or not valid).
pub struct Decline;
type Checked<T> = Result<T, Decline>;

#[pymodule]
fn _core(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<python::ParsedBatch>()?;
    module.add_class::<kafka::Section>()?;
    module.add_class::<kafka::RecordBatch>()?;
    module.add_function(wrap_pyfunction!(kafka::partition_of, module)?)?;
    module.add_function(wrap_pyfunction!(python::parse, module)?)?;
    Ok(())
}

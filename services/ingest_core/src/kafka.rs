//! Kafka's side of a record: the partition of its key (the default partitioner of the Java client
//! and aiokafka) and the v2 record-batch format (magic 2) aiokafka's `DefaultRecordBatchBuilder`
//! writes, so that records leave the pass already encoded and Python hands aiokafka one batch per
//! partition instead of appending records one by one.
//!
//! A request's records for one partition are a `Section`: each record's key, value and headers
//! encoded, without the parts that depend on the batch (the record's length, its timestamp and
//! offset deltas). A `RecordBatch` takes sections of several requests in arrival order, writes
//! those parts as it takes each record, and at `_build` the batch header and its CRC-32C. It is
//! aiokafka's builder duck type (`send_batch`): `close`, `closed`, `size`, `record_count`,
//! `_set_producer_state` (the idempotent producer's id, epoch and base sequence) and `_build`.

use pyo3::prelude::*;
use pyo3::types::PyBytes;

/// Kafka's `murmur2` (`Utils.murmur2`, aiokafka's `partitioner.murmur2`).
pub fn murmur2(data: &[u8]) -> u32 {
    const M: u32 = 0x5bd1_e995;
    let mut h: u32 = 0x9747_b28c ^ (data.len() as u32);
    let mut chunks = data.chunks_exact(4);
    for chunk in &mut chunks {
        let mut k = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        k = k.wrapping_mul(M);
        k ^= k >> 24;
        k = k.wrapping_mul(M);
        h = h.wrapping_mul(M);
        h ^= k;
    }
    let rest = chunks.remainder();
    if rest.len() >= 3 {
        h ^= u32::from(rest[2]) << 16;
    }
    if rest.len() >= 2 {
        h ^= u32::from(rest[1]) << 8;
    }
    if !rest.is_empty() {
        h ^= u32::from(rest[0]);
        h = h.wrapping_mul(M);
    }
    h ^= h >> 13;
    h = h.wrapping_mul(M);
    h ^= h >> 15;
    h
}

/// The default partitioner's choice for a keyed record: positive murmur2 modulo the count.
pub fn partition(key: &[u8], count: u32) -> u32 {
    (murmur2(key) & 0x7fff_ffff) % count
}

/// `partition` for Python (the tests compare it with aiokafka's `DefaultPartitioner`).
#[pyfunction]
pub fn partition_of(key: &[u8], count: u32) -> PyResult<u32> {
    if count == 0 {
        return Err(pyo3::exceptions::PyValueError::new_err("no partitions"));
    }
    Ok(partition(key, count))
}

/// Kafka's zigzag varint (aiokafka's `encode_varint`).
pub fn write_varint(out: &mut Vec<u8>, value: i64) {
    let mut v = ((value << 1) ^ (value >> 63)) as u64;
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn varint_size(value: i64) -> usize {
    let mut v = ((value << 1) ^ (value >> 63)) as u64;
    let mut size = 1;
    while v >= 0x80 {
        v >>= 7;
        size += 1;
    }
    size
}

/// Bytes of a record (a key, a value, a header value); None is Kafka's null (length -1).
pub fn write_bytes(out: &mut Vec<u8>, bytes: Option<&[u8]>) {
    match bytes {
        Some(bytes) => {
            write_varint(out, bytes.len() as i64);
            out.extend_from_slice(bytes);
        }
        None => write_varint(out, -1),
    }
}

/// A record as the tests hand it over: key, value, headers (None: Kafka's null).
type PlainRecord = (
    Option<Vec<u8>>,
    Option<Vec<u8>>,
    Vec<(String, Option<Vec<u8>>)>,
);

/// One request's records for one partition: each record's key, value and headers, encoded.
#[pyclass(module = "banso_ingest_core._core", frozen)]
pub struct Section {
    data: Vec<u8>,
    ends: Vec<usize>,
    timestamp_ms: i64,
}

impl Section {
    pub fn new(timestamp_ms: i64) -> Self {
        Section {
            data: Vec::with_capacity(4096),
            ends: Vec::new(),
            timestamp_ms,
        }
    }

    /// Where the next record's key, value and headers go; `end_record` after writing them.
    pub fn data(&mut self) -> &mut Vec<u8> {
        &mut self.data
    }

    pub fn end_record(&mut self) {
        self.ends.push(self.data.len());
    }
}

#[pymethods]
impl Section {
    /// `(key, value, headers)` records, encoded as the pass encodes them (the tests' way in).
    #[new]
    #[pyo3(signature = (records, *, timestamp_ms))]
    fn from_records(records: Vec<PlainRecord>, timestamp_ms: i64) -> Self {
        let mut section = Section::new(timestamp_ms);
        for (key, value, headers) in &records {
            let out = section.data();
            write_bytes(out, key.as_deref());
            write_bytes(out, value.as_deref());
            write_varint(out, headers.len() as i64);
            for (name, value) in headers {
                write_bytes(out, Some(name.as_bytes()));
                write_bytes(out, value.as_deref());
            }
            section.end_record();
        }
        section
    }

    fn __len__(&self) -> usize {
        self.ends.len()
    }
}

// BaseOffset, Length, PartitionLeaderEpoch, Magic, CRC, Attributes, LastOffsetDelta,
// FirstTimestamp, MaxTimestamp, ProducerId, ProducerEpoch, BaseSequence, Records count.
const HEADER_SIZE: usize = 8 + 4 + 4 + 1 + 4 + 2 + 4 + 8 + 8 + 8 + 2 + 4 + 4;
const CRC_OFFSET: usize = 8 + 4 + 4 + 1;
const ATTRIBUTES_OFFSET: usize = CRC_OFFSET + 4;
const TRANSACTIONAL: i16 = 0x10;

/// An open record batch of one partition (aiokafka's builder duck type; see the module doc).
#[pyclass(module = "banso_ingest_core._core")]
pub struct RecordBatch {
    buffer: Vec<u8>,
    batch_size: usize,
    transactional: bool,
    records: i64,
    first_timestamp: Option<i64>,
    max_timestamp: i64,
    producer_id: i64,
    producer_epoch: i16,
    base_sequence: i32,
    closed: bool,
    built: Option<Py<PyBytes>>,
}

#[pymethods]
impl RecordBatch {
    /// An empty batch of at most `batch_size` bytes (the producer's `max_batch_size`); a first
    /// record larger than that still goes in alone, as in aiokafka.
    #[new]
    #[pyo3(signature = (batch_size, *, is_transactional = false))]
    fn new(batch_size: usize, is_transactional: bool) -> Self {
        let mut buffer = Vec::with_capacity(batch_size.min(1 << 20) + HEADER_SIZE);
        buffer.resize(HEADER_SIZE, 0);
        RecordBatch {
            buffer,
            batch_size,
            transactional: is_transactional,
            records: 0,
            first_timestamp: None,
            max_timestamp: 0,
            producer_id: -1,
            producer_epoch: -1,
            base_sequence: 0,
            closed: false,
            built: None,
        }
    }

    /// Take the records of `section` from `start` on until the batch is full; returns where the
    /// next batch starts (`len(section)` when all went in). A full batch is closed.
    #[pyo3(signature = (section, start = 0))]
    fn extend(&mut self, section: &Section, start: usize) -> usize {
        if self.closed {
            return start;
        }
        let timestamp = section.timestamp_ms;
        let mut from = if start == 0 {
            0
        } else {
            section.ends[start - 1]
        };
        for (index, &end) in section.ends.iter().enumerate().skip(start) {
            let tail = &section.data[from..end];
            let first = *self.first_timestamp.get_or_insert(timestamp);
            let delta = timestamp - first;
            let length = 1 + varint_size(delta) + varint_size(self.records) + tail.len();
            let required = length + varint_size(length as i64);
            // As aiokafka's compiled builder (the one it uses): a batch reaching the size is full.
            if self.records > 0 && self.buffer.len() + required >= self.batch_size {
                self.closed = true;
                return index;
            }
            write_varint(&mut self.buffer, length as i64);
            self.buffer.push(0); // attributes
            write_varint(&mut self.buffer, delta);
            write_varint(&mut self.buffer, self.records);
            self.buffer.extend_from_slice(tail);
            self.max_timestamp = if self.records == 0 {
                timestamp
            } else {
                self.max_timestamp.max(timestamp)
            };
            self.records += 1;
            from = end;
        }
        section.ends.len()
    }

    /// aiokafka's `append` (records sent one by one): this batch takes sections only.
    #[pyo3(signature = (*, timestamp, key, value, headers = None))]
    fn append(
        &self,
        timestamp: Option<PyObject>,
        key: Option<PyObject>,
        value: Option<PyObject>,
        headers: Option<PyObject>,
    ) -> Option<PyObject> {
        let _ = (timestamp, key, value, headers);
        None
    }

    fn close(&mut self) {
        self.closed = true;
    }

    fn closed(&self) -> bool {
        self.closed
    }

    fn size(&self, py: Python<'_>) -> usize {
        match &self.built {
            Some(built) => built.bind(py).as_bytes().len(),
            None => self.buffer.len(),
        }
    }

    fn record_count(&self) -> i64 {
        self.records
    }

    fn _set_producer_state(&mut self, producer_id: i64, producer_epoch: i16, base_sequence: i32) {
        self.producer_id = producer_id;
        self.producer_epoch = producer_epoch;
        self.base_sequence = base_sequence;
    }

    /// The batch's bytes: the header written and its CRC-32C computed once (a retry resends them).
    fn _build(&mut self, py: Python<'_>) -> Py<PyBytes> {
        self.closed = true;
        if let Some(built) = &self.built {
            return built.clone_ref(py);
        }
        let length = (self.buffer.len() - 12) as i32;
        let attributes: i16 = if self.transactional { TRANSACTIONAL } else { 0 };
        let last_offset = (self.records - 1).max(0) as i32;
        let mut header = Vec::with_capacity(HEADER_SIZE);
        header.extend_from_slice(&0i64.to_be_bytes()); // BaseOffset: the broker's
        header.extend_from_slice(&length.to_be_bytes());
        header.extend_from_slice(&(-1i32).to_be_bytes()); // no partition leader epoch
        header.push(2); // magic
        header.extend_from_slice(&0u32.to_be_bytes()); // CRC, below
        header.extend_from_slice(&attributes.to_be_bytes());
        header.extend_from_slice(&last_offset.to_be_bytes());
        header.extend_from_slice(&self.first_timestamp.unwrap_or(0).to_be_bytes());
        header.extend_from_slice(&self.max_timestamp.to_be_bytes());
        header.extend_from_slice(&self.producer_id.to_be_bytes());
        header.extend_from_slice(&self.producer_epoch.to_be_bytes());
        header.extend_from_slice(&self.base_sequence.to_be_bytes());
        header.extend_from_slice(&(self.records as i32).to_be_bytes());
        self.buffer[..HEADER_SIZE].copy_from_slice(&header);
        let crc = crc32c::crc32c(&self.buffer[ATTRIBUTES_OFFSET..]);
        self.buffer[CRC_OFFSET..ATTRIBUTES_OFFSET].copy_from_slice(&crc.to_be_bytes());
        let built = PyBytes::new(py, &self.buffer).unbind();
        self.buffer = Vec::new();
        self.built = Some(built.clone_ref(py));
        built
    }
}

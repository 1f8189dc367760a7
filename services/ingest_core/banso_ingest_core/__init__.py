"""Ingest's optional compiled pass over a tracking batch (see services/ingest/README.md)."""

from banso_ingest_core._core import ParsedBatch, RecordBatch, Section, parse, partition_of

__all__ = ["ParsedBatch", "RecordBatch", "Section", "parse", "partition_of"]

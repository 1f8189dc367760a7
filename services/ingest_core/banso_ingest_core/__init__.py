"""Ingest's optional compiled pass over a tracking batch (see services/ingest/README.md)."""

from banso_ingest_core._core import ParsedBatch, parse

__all__ = ["ParsedBatch", "parse"]

"""Sending the stream to ingest: Segment `/v1/batch` requests with retries and bounded concurrency."""

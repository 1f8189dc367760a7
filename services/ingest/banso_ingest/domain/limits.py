"""Size limits of the tracking API, the same numbers Segment documents."""

from __future__ import annotations

from dataclasses import dataclass

KIB = 1024


@dataclass(frozen=True, slots=True)
class IngestLimits:
    """What one request and one event may weigh; sizes are bytes of JSON."""

    max_event_bytes: int = 32 * KIB
    max_request_bytes: int = 500 * KIB
    max_batch_events: int = 2_500
    # Identifiers and names are copied into Kafka keys and headers, so they stay short.
    max_id_chars: int = 256
    max_name_chars: int = 512

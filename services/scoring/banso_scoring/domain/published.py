"""The last health published for an account, as the consumer keeps it in memory: the stored
JSON document and the three fields every evaluation compares against (score, band, override).

A ``Health`` object with its measures, drivers and signals takes about 11 KB per account;
its JSON about a quarter of that. When a change is to be explained, drivers are ranked against
the published measures: ``prior`` decodes only the fields ranking reads from the document
(msgspec, a few µs) rather than parsing the whole health again (~40 µs); ``health`` parses it
all, as a restart does.

A publication writes the document from the health's plain fields (``of_fields``) with orjson,
whose numbers, strings and times are pydantic's byte for byte (``Health.model_dump_json``),
without building and validating the model first.
"""

from __future__ import annotations

from dataclasses import dataclass

import msgspec
import orjson

from banso_scoring.domain.health import AppliedOverride, Health, HealthFields


class PriorMeasure(msgspec.Struct, frozen=True, gc=False):
    """A published measure's fields that driver ranking compares with (``MeasureHealth``'s)."""

    measure: str
    available: bool
    value: float | None
    score: float | None
    contribution: float


class _PriorDocument(msgspec.Struct, frozen=True):
    measures: list[PriorMeasure]


@dataclass(frozen=True, slots=True)
class Prior:
    """What an evaluation reads of the published health (``health.PriorHealth``)."""

    score: float | None
    band: str
    override: AppliedOverride | None
    measures: list[PriorMeasure]


@dataclass(frozen=True, slots=True)
class Published:
    document: bytes
    score: float | None
    band: str
    override: AppliedOverride | None

    @classmethod
    def of(cls, health: Health) -> Published:
        return cls(health.model_dump_json().encode(), health.score, health.band, health.override)

    @classmethod
    def of_fields(cls, fields: HealthFields) -> Published:
        """``of`` the health ``fields`` stand for (``health.health_fields``)."""
        override = fields["override"]
        return cls(
            health_document(fields),
            fields["score"],
            fields["band"],
            None if override is None else AppliedOverride.model_validate(override),
        )

    @classmethod
    def from_document(cls, document: bytes) -> Published:
        health = Health.model_validate_json(document)
        return cls(bytes(document), health.score, health.band, health.override)

    def health(self) -> Health:
        return Health.model_validate_json(self.document)

    def prior(self) -> Prior:
        """The published measures, score, band and override: all an evaluation against this
        health reads of it."""
        measures = msgspec.json.decode(self.document, type=_PriorDocument).measures
        return Prior(self.score, self.band, self.override, measures)


def health_document(fields: HealthFields) -> bytes:
    """The JSON ``Health.model_validate(fields).model_dump_json()`` writes, byte for byte."""
    return orjson.dumps(fields, option=orjson.OPT_UTC_Z)

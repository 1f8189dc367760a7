"""The last health published for an account, as the consumer keeps it in memory: the stored
JSON document and the three fields every evaluation compares against (score, band, override).

A ``Health`` object with its measures, drivers and signals takes about 11 KB per account;
its JSON about a quarter of that. The full health is parsed again only when a change is to be
explained (drivers are ranked against it), which is what a restart already did: the health read
back from the database is the one parsed from this document.
"""

from __future__ import annotations

from dataclasses import dataclass

from banso_scoring.domain.health import AppliedOverride, Health


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
    def from_document(cls, document: bytes) -> Published:
        health = Health.model_validate_json(document)
        return cls(bytes(document), health.score, health.band, health.override)

    def health(self) -> Health:
        return Health.model_validate_json(self.document)

"""Aggregates to and from JSON-ready dicts (the service stores them as one JSON document).

The format is versioned; user bitmasks travel as hex strings, which stay short and exact.
"""

from __future__ import annotations

from typing import Any

from banso_scoring.domain.aggregates import AccountAggregate, DayBucket, Traits

FORMAT_VERSION = 1

_TRAIT_FIELDS = (
    "seats", "plan", "arr", "renewal_at", "created_at", "timezone", "name", "csm", "csm_name",
    "updated_at",
)  # fmt: skip
_SCALARS = (
    "last_touch_at", "last_touch_kind", "watermark", "feedback_watermark", "first_event_at",
    "last_usage_at", "events_applied", "dropped_late", "clamped_future",
)  # fmt: skip
# Added later: documents written before them do not have them. Stored apart from the header
# since (``progress_document``).
_OPTIONAL_SCALARS = (
    "late_before", "late_candidate", "late_since", "closed_through", "reopened_from",
)  # fmt: skip


def day_document(bucket: DayBucket) -> dict[str, Any]:
    return {"c": bucket.counts, "u": format(bucket.users, "x"), "s": bucket.sums}


def day_from_document(raw: dict[str, Any]) -> DayBucket:
    return DayBucket(counts=dict(raw["c"]), users=int(raw["u"], 16), sums=dict(raw["s"]))


def to_document(aggregate: AccountAggregate) -> dict[str, Any]:
    """The whole aggregate as one document."""
    document = header_document(aggregate)
    document.update(progress_document(aggregate))
    document["days"] = {
        str(day): day_document(bucket) for day, bucket in sorted(aggregate.days.items())
    }
    return document


def header_document(aggregate: AccountAggregate) -> dict[str, Any]:
    """Everything but the day buckets and the progress (``progress_document``), which storage
    keeps apart: one row per day, and a column a day's close writes on its own."""
    traits = aggregate.traits
    return {
        "v": FORMAT_VERSION,
        "workspace_id": aggregate.workspace_id,
        "account_id": aggregate.account_id,
        "traits": {name: getattr(traits, name) for name in _TRAIT_FIELDS},
        "user_slots": aggregate.user_slots,
        "first_seen": aggregate.first_seen,
        "tracked_sums": sorted(aggregate.tracked_sums),
        "feedback_days": {
            str(day): kinds for day, kinds in sorted(aggregate.feedback_days.items())
        },
        "surveys": [list(survey) for survey in aggregate.surveys],
        "trait_undo": [[at, previous] for at, previous in aggregate.trait_undo],
        "touches": [list(touch) for touch in aggregate.touches],
        **{name: getattr(aggregate, name) for name in _SCALARS},
    }


def progress_document(aggregate: AccountAggregate) -> dict[str, Any]:
    """What a day's close moves (days closed, the lateness reference): stored on its own so a
    close does not rewrite the whole header (headers written before it hold these fields)."""
    return {name: getattr(aggregate, name) for name in _OPTIONAL_SCALARS}


def apply_progress(aggregate: AccountAggregate, document: dict[str, Any]) -> None:
    for name in _OPTIONAL_SCALARS:
        setattr(aggregate, name, document.get(name))


def from_document(
    document: dict[str, Any], days: dict[int, DayBucket] | None = None
) -> AccountAggregate:
    """An aggregate from ``to_document`` (or from ``header_document`` and its ``days``)."""
    if document.get("v") != FORMAT_VERSION:
        raise ValueError(f"unsupported aggregate format {document.get('v')!r}")
    aggregate = AccountAggregate(
        workspace_id=document["workspace_id"],
        account_id=document["account_id"],
        traits=Traits(**{name: document["traits"].get(name) for name in _TRAIT_FIELDS}),
        days=days
        if days is not None
        else {int(day): day_from_document(raw) for day, raw in document["days"].items()},
        user_slots=dict(document["user_slots"]),
        first_seen=dict(document["first_seen"]),
        tracked_sums=set(document["tracked_sums"]),
        feedback_days={
            int(day): {kind: list(tally) for kind, tally in kinds.items()}
            for day, kinds in document["feedback_days"].items()
        },
        surveys=[(float(at), str(kind), float(score)) for at, kind, score in document["surveys"]],
        # Added later (absent from older documents): see ``AccountAggregate.as_of``.
        trait_undo=[(float(at), dict(previous)) for at, previous in document.get("trait_undo", ())],
        touches=[(float(at), str(kind)) for at, kind in document.get("touches", ())],
    )
    for name in _SCALARS:
        setattr(aggregate, name, document[name])
    for name in _OPTIONAL_SCALARS:
        setattr(aggregate, name, document.get(name))
    return aggregate

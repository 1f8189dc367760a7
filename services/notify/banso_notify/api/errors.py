"""Domain errors as HTTP answers (the domain itself knows nothing of HTTP)."""

from __future__ import annotations

from banso_kit.errors import Unprocessable
from banso_notify.domain.errors import PlaybookInvalid


def invalid_playbook(exc: PlaybookInvalid) -> Unprocessable:
    return Unprocessable(
        "the playbook is invalid",
        detail={"errors": [{"field": e.field, "message": e.message} for e in exc.errors]},
    )

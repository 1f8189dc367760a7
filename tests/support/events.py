"""Events as the other services publish them, for the tests of the services that consume them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from banso_contracts.events import AccountTraitsUpdated


def traits(workspace: str, account: str, when: datetime, **values: Any) -> AccountTraitsUpdated:
    """An account's traits (Segment `group`) as ingest publishes them."""
    return AccountTraitsUpdated(
        workspace_id=workspace,
        source_id="src_test",
        account_id=account,
        traits=values,
        message_id=uuid.uuid4().hex,
        timestamp=when,
        received_at=when,
    )

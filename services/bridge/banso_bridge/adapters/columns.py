"""JSON text columns: how lists and maps are stored in a text column."""

from __future__ import annotations

from typing import Any

import orjson


def dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def loads(text: str) -> Any:
    return orjson.loads(text)

"""Gathering a test's reports in one theme of their own on the shared stack's bridge, as a product
manager would. The stack's stream is young and shared with the other tests: the bridge may place
the reports in several themes, beside other tests' feedback, and its idle pass (every second) may
move items between a reading and a split; a refusal (409, or 400 for an item no longer there) then
means: read again and start over. A product manager's split and merge pin the items they place, so
once gathered by hand they stay; reports the bridge gathered by itself are pinned by nothing."""

from __future__ import annotations

import time
from typing import Any

from .stack import Stack


def bridge_json(stack: Stack, method: str, path: str, **kwargs: Any) -> Any:
    answer = stack.bridge(method, path, **kwargs)
    assert answer.status_code == 200, answer.text
    return answer.json()


def holding(stack: Stack, texts: tuple[str, ...]) -> dict[int, tuple[list[str], int]]:
    """The open themes holding reports of `texts`: theme -> (those reports' ids, all its items)."""
    found: dict[int, tuple[list[str], int]] = {}
    for theme in bridge_json(stack, "GET", "/v1/themes", params={"limit": 500})["themes"]:
        path = f"/v1/themes/{theme['theme_id']}/items"
        items = bridge_json(stack, "GET", path, params={"limit": 500})["items"]
        ours = [str(item["feedback_id"]) for item in items if item["text"] in texts]
        if ours:
            found[int(theme["theme_id"])] = (ours, int(theme["item_count"]))
    return found


def gather(stack: Stack, texts: tuple[str, ...], count: int, deadline: float) -> int:
    """Once the `count` reports of `texts` are placed: split off every theme that holds others
    too, merge the parts, and return the theme that holds them all and nothing else."""
    while True:
        assert time.monotonic() < deadline, "the reports were not gathered in one theme"
        found = holding(stack, texts)
        if sum(len(ids) for ids, _ in found.values()) < count:
            time.sleep(0.3)  # not all placed yet
            continue
        parts: list[int] = []
        for theme_id, (ids, items) in found.items():
            if items == len(ids):
                parts.append(theme_id)
                continue
            split = stack.bridge("POST", f"/v1/themes/{theme_id}/split", json={"items": ids})
            if split.status_code == 409 or (
                split.status_code == 400 and "is not in theme" in split.text
            ):
                break  # an item moved since the reading
            assert split.status_code == 200, split.text
            parts.append(int(split.json()["split"]["theme_id"]))
        else:
            target, *others = parts
            for other in others:
                merged = stack.bridge("POST", f"/v1/themes/{other}/merge", json={"into": target})
                assert merged.status_code in (200, 409), merged.text
            if set(holding(stack, texts)) == {target}:
                return target

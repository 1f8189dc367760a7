"""Is a new JSON Schema of an event version compatible with the one already published?

Both directions must keep working while producers and consumers are upgraded one service at a
time: a consumer of the published schema must accept what a producer of the new one sends, and a
consumer of the new schema must accept what producers of the published one sent (and what is
still on the topic). So, within one event version:

- adding an optional field is fine (old consumers ignore it, new ones default it);
- removing a field, changing or widening or narrowing a type, making a field required or no
  longer required, adding or removing an enum value, and changing a validation constraint are
  breaking;
- titles, descriptions, examples and defaults are documentation and may change freely.

A breaking change needs a new version: a new model with a new ``EVENT_TYPE`` and schema file.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

Schema = Mapping[str, Any]

# Keywords whose change alters which documents validate (both tightening and relaxing break
# one side); type, enum/const, properties, required, items and additionalProperties are
# compared structurally instead.
_CONSTRAINTS = (
    "format",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
)


def breaking_changes(old_schema: Schema, new_schema: Schema) -> list[str]:
    """Every change from ``old_schema`` to ``new_schema`` that would break a producer or
    consumer of either, each as ``"<field path>: <what changed>"``; empty when compatible."""
    return _Comparison(old_schema, new_schema).run()


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _show(values: set[str]) -> str:
    return ", ".join(sorted(values))


class _Comparison:
    def __init__(self, old_root: Schema, new_root: Schema) -> None:
        self._roots = (old_root, new_root)
        self._problems: list[str] = []
        self._seen: set[tuple[str, str]] = set()

    def run(self) -> list[str]:
        self._compare(self._roots[0], self._roots[1], "")
        return self._problems

    def _report(self, path: str, problem: str) -> None:
        self._problems.append(f"{path or '<root>'}: {problem}")

    def _resolve(self, node: Schema, side: int) -> Schema:
        seen: set[str] = set()
        while "$ref" in node:
            ref = str(node["$ref"])
            if not ref.startswith("#") or ref in seen:
                raise ValueError(f"cannot resolve $ref {ref!r}")
            seen.add(ref)
            target: Any = self._roots[side]
            for part in ref.lstrip("#/").split("/") if ref != "#" else []:
                target = target[part.replace("~1", "/").replace("~0", "~")]
            node = target
        return node

    def _branches(self, node: Schema, side: int) -> list[Schema]:
        node = self._resolve(node, side)
        for keyword in ("anyOf", "oneOf"):
            if keyword in node:
                return [b for sub in node[keyword] for b in self._branches(sub, side)]
        if isinstance(node.get("type"), list):
            rest = {k: v for k, v in node.items() if k != "type"}
            return [{**rest, "type": t} for t in node["type"]]
        return [node]

    @staticmethod
    def _types(branches: list[Schema]) -> set[str]:
        types: set[str] = set()
        for branch in branches:
            if "type" in branch:
                types.add(str(branch["type"]))
            elif "const" in branch:
                types.add(_json_type(branch["const"]))
            elif "enum" in branch:
                types.update(_json_type(value) for value in branch["enum"])
            elif "properties" in branch:
                types.add("object")
            else:
                types.add("any")
        return types

    @staticmethod
    def _enum(branches: list[Schema]) -> set[str] | None:
        """The allowed non-null values, or None when some non-null branch is unrestricted."""
        values: set[str] = set()
        for branch in branches:
            if branch.get("type") == "null":
                continue
            if "const" in branch:
                values.add(json.dumps(branch["const"]))
            elif "enum" in branch:
                values.update(json.dumps(value) for value in branch["enum"])
            else:
                return None
        return values

    def _compare(self, old: Schema, new: Schema, path: str) -> None:
        old_branches, new_branches = self._branches(old, 0), self._branches(new, 1)
        old_types, new_types = self._types(old_branches), self._types(new_branches)
        if old_types != new_types:
            self._report(path, f"type changed from {_show(old_types)} to {_show(new_types)}")
            return
        self._compare_enums(old_branches, new_branches, path)
        for kind in ("object", "array"):
            old_of = [b for b in old_branches if kind in self._types([b])]
            new_of = [b for b in new_branches if kind in self._types([b])]
            if len(old_of) == 1 and len(new_of) == 1:
                if kind == "object":
                    self._compare_objects(old_of[0], new_of[0], path)
                else:
                    self._compare_arrays(old_of[0], new_of[0], path)
        old_values = [b for b in old_branches if b.get("type") != "null"]
        new_values = [b for b in new_branches if b.get("type") != "null"]
        if len(old_values) == 1 and len(new_values) == 1:
            self._compare_constraints(old_values[0], new_values[0], path)

    def _compare_enums(self, old: list[Schema], new: list[Schema], path: str) -> None:
        old_values, new_values = self._enum(old), self._enum(new)
        if old_values is None and new_values is None:
            return
        if old_values is None:
            self._report(path, f"narrowed to the values {_show(new_values or set())}")
        elif new_values is None:
            self._report(path, f"widened from the values {_show(old_values)} to any value")
        else:
            if removed := old_values - new_values:
                self._report(path, f"enum value(s) removed: {_show(removed)}")
            if added := new_values - old_values:
                self._report(
                    path,
                    f"enum value(s) added: {_show(added)} (consumers of the published "
                    "version reject them)",
                )

    def _compare_constraints(self, old: Schema, new: Schema, path: str) -> None:
        for keyword in _CONSTRAINTS:
            if old.get(keyword) != new.get(keyword):
                self._report(
                    path,
                    f"constraint {keyword} changed from {old.get(keyword)!r} to "
                    f"{new.get(keyword)!r}",
                )

    def _compare_objects(self, old: Schema, new: Schema, path: str) -> None:
        key = (json.dumps(old, sort_keys=True), json.dumps(new, sort_keys=True))
        if key in self._seen:  # a recursive model: this pair is being compared already
            return
        self._seen.add(key)
        old_fields: Mapping[str, Schema] = old.get("properties", {})
        new_fields: Mapping[str, Schema] = new.get("properties", {})
        old_required = set(old.get("required", ()))
        new_required = set(new.get("required", ()))
        for name in old_fields:
            field_path = f"{path}.{name}" if path else name
            if name not in new_fields:
                self._report(field_path, "field removed")
                continue
            if name in new_required and name not in old_required:
                self._report(field_path, "became required (old payloads may lack it)")
            if name in old_required and name not in new_required:
                self._report(field_path, "no longer required (old consumers need it)")
            self._compare(old_fields[name], new_fields[name], field_path)
        for name in new_fields:
            if name not in old_fields and name in new_required:
                field_path = f"{path}.{name}" if path else name
                self._report(field_path, "new required field (old payloads lack it)")
        self._compare_additional(old, new, path)

    def _compare_additional(self, old: Schema, new: Schema, path: str) -> None:
        old_extra = old.get("additionalProperties", True)
        new_extra = new.get("additionalProperties", True)
        if isinstance(old_extra, Mapping) and isinstance(new_extra, Mapping):
            self._compare(old_extra, new_extra, f"{path}{{}}")
        elif old_extra != new_extra:
            self._report(
                path,
                f"additional properties changed from {json.dumps(old_extra, sort_keys=True)} "
                f"to {json.dumps(new_extra, sort_keys=True)}",
            )

    def _compare_arrays(self, old: Schema, new: Schema, path: str) -> None:
        old_items, new_items = old.get("items", {}), new.get("items", {})
        if isinstance(old_items, Mapping) and isinstance(new_items, Mapping):
            self._compare(old_items, new_items, f"{path}[]")
        elif old_items != new_items:
            self._report(path, "array items changed")

"""Write (or check) the generated contract files: ``schemas/*.json`` and ``asyncapi.yaml``.

``python -m banso_contracts.schemagen`` regenerates them; with ``--check`` it writes nothing and
exits 1 listing the files that drifted from the models.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import yaml

from banso_contracts.asyncapi import asyncapi_document
from banso_contracts.events import ALL_EVENTS
from banso_contracts.schemas import event_schema, render_json, schema_filename

SCHEMAS_DIR = "schemas"
ASYNCAPI_FILE = "asyncapi.yaml"


def contracts_root() -> Path:
    """The ``contracts/`` directory holding the checked-in files."""
    return Path(__file__).resolve().parent.parent


class _Dumper(yaml.SafeDumper):
    """Writes multi-line strings as literal blocks, so descriptions read as written."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def render_asyncapi() -> str:
    """The AsyncAPI document as YAML text, in the document's own key order."""
    return yaml.dump(
        asyncapi_document(),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        indent=2,
    )


def render() -> dict[str, str]:
    """Every generated file: path relative to ``contracts/`` -> text."""
    files = {
        f"{SCHEMAS_DIR}/{schema_filename(event_class)}": render_json(event_schema(event_class))
        for event_class in ALL_EVENTS
    }
    files[ASYNCAPI_FILE] = render_asyncapi()
    return files


def drift(root: Path) -> list[str]:
    """Problems between the files under ``root`` and the generated ones (empty: in sync)."""
    expected = render()
    problems = []
    for relative, text in expected.items():
        path = root / relative
        if not path.exists():
            problems.append(f"{relative}: missing")
        elif path.read_text(encoding="utf-8") != text:
            problems.append(f"{relative}: differs from the models")
    schemas = root / SCHEMAS_DIR
    if schemas.is_dir():
        for path in sorted(schemas.glob("*.json")):
            if f"{SCHEMAS_DIR}/{path.name}" not in expected:
                problems.append(f"{SCHEMAS_DIR}/{path.name}: no model generates it")
    return problems


def write(root: Path) -> list[str]:
    """Write every generated file under ``root``; return those that changed."""
    changed = []
    for relative, text in render().items():
        path = root / relative
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        changed.append(relative)
    return changed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m banso_contracts.schemagen")
    parser.add_argument("--check", action="store_true", help="fail if the files drifted")
    parser.add_argument("--root", type=Path, default=contracts_root(), help="contracts/ dir")
    args = parser.parse_args(argv)
    if args.check:
        problems = drift(args.root)
        for problem in problems:
            sys.stderr.write(f"{problem}\n")
        if problems:
            sys.stderr.write("run `python -m banso_contracts.schemagen` and commit the result\n")
        return 1 if problems else 0
    for relative in write(args.root):
        sys.stdout.write(f"wrote {relative}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The operator's glossary file: read at start, and a broken one stops the bridge."""

from __future__ import annotations

from pathlib import Path

import pytest

from banso_bridge.adapters.glossary_file import read_glossary
from banso_bridge.domain.text.glossary import glossary


def test_an_operators_glossary_file_adds_its_concepts(tmp_path: Path) -> None:
    path = tmp_path / "glossary.tsv"
    path.write_text("# our product\nkintone\tkintone\tキントーン\n", "utf-8")
    text = read_glossary(str(path))
    assert glossary(text)["キントーン"] == "kintone"
    assert read_glossary("") == ""


def test_a_malformed_or_missing_glossary_file_stops_the_bridge(tmp_path: Path) -> None:
    path = tmp_path / "glossary.tsv"
    path.write_text("kintone キントーン\n", "utf-8")
    with pytest.raises(ValueError, match="line 1"):
        read_glossary(str(path))
    with pytest.raises(FileNotFoundError):
        read_glossary(str(tmp_path / "missing.tsv"))

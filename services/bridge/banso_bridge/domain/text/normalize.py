"""Unicode normalisation applied to every feedback text before anything else."""

from __future__ import annotations

import re
import unicodedata

# NFKC folds full-width ASCII (ＡＢＣ１２３＠) and half-width katakana (ｶｰﾄﾞ) into the forms the
# tokenizer, the redaction patterns and the language detector expect.
_SPACE = re.compile(r"\s+")
# Zero-width characters survive NFKC and would split words and numbers invisibly.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)


def normalize_text(text: str) -> str:
    """NFKC-normalise, drop zero-width characters and collapse runs of white space."""
    folded = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    return _SPACE.sub(" ", folded).strip()

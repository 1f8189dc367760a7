"""The text pipeline every feedback item goes through: normalise, detect language, redact, tokenise."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from banso_bridge.domain.text.boilerplate import strip_boilerplate
from banso_bridge.domain.text.language import Language, detect_language
from banso_bridge.domain.text.normalize import normalize_text
from banso_bridge.domain.text.redact import PiiKind, redact
from banso_bridge.domain.text.tokenize import Token, WordTokenizer


@dataclass(frozen=True, slots=True)
class ProcessedText:
    """A feedback text ready to store and cluster; `text` is normalised and redacted.

    `content` is `text` without greetings and sign-offs: what features and keywords come from.
    """

    text: str
    language: Language
    tokens: tuple[Token, ...]
    pii: Counter[PiiKind] = field(default_factory=Counter)
    content: str = ""


class TextPipeline:
    """Stateless apart from the tokenizer's caches; one per worker."""

    def __init__(self) -> None:
        self._tokenizer = WordTokenizer()

    def process(self, raw: str) -> ProcessedText:
        normalized = normalize_text(raw)
        # Redaction comes before detection and tokenisation so that nothing downstream (features,
        # keywords, quotes) ever sees the personal data.
        redaction = redact(normalized, person_names=self._tokenizer.person_names)
        language = detect_language(redaction.text)
        content = strip_boilerplate(redaction.text)
        tokens = tuple(self._tokenizer.tokens(content, language))
        return ProcessedText(
            text=redaction.text,
            language=language,
            tokens=tokens,
            pii=redaction.found,
            content=content,
        )

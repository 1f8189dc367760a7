"""Text pipeline: normalisation, language detection, PII redaction and tokenisation."""

from banso_bridge.domain.text.boilerplate import strip_boilerplate
from banso_bridge.domain.text.language import Language, detect_language
from banso_bridge.domain.text.normalize import normalize_text
from banso_bridge.domain.text.pipeline import ProcessedText, TextPipeline
from banso_bridge.domain.text.redact import PiiKind, Redaction, redact
from banso_bridge.domain.text.tokenize import Token, WordTokenizer

__all__ = [
    "Language",
    "PiiKind",
    "ProcessedText",
    "Redaction",
    "TextPipeline",
    "Token",
    "WordTokenizer",
    "detect_language",
    "normalize_text",
    "redact",
    "strip_boilerplate",
]

"""Message templates: Jinja2 in a sandbox, HTML auto-escaped, one text per locale.

Template text comes from playbook authors, so it is rendered by Jinja's immutable sandbox (no
attribute tricks, no mutation of the context). Values inserted into HTML are escaped; subjects and
plain-text bodies are not (they are not HTML). A value that is not known (``None``) prints nothing,
as an unknown name does. Every customer e-mail carries an unsubscribe link:
when a template does not place ``{{ unsubscribe_url }}`` itself, a footer in the message's locale is
appended.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Self

from jinja2 import ChainableUndefined, TemplateSyntaxError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import escape
from pydantic import BaseModel, ConfigDict, model_validator

_FOOTERS_TEXT = {
    "en": "You receive this because you use {product}. Unsubscribe: {url}",
    "ja": "{product} をご利用のお客様にお送りしています。配信停止はこちら: {url}",
}
_FOOTERS_HTML = {
    "en": '<p style="font-size:12px;color:#666">You receive this because you use {product}. '
    '<a href="{url}">Unsubscribe</a></p>',
    "ja": '<p style="font-size:12px;color:#666">{product} をご利用のお客様にお送りしています。'
    '<a href="{url}">配信停止</a></p>',
}


class LocalizedTemplate(BaseModel):
    """One message in one locale: a subject (e-mail, in-app title) and a text and/or HTML body."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    subject: str | None = None
    text: str | None = None
    html: str | None = None

    @model_validator(mode="after")
    def _has_body(self) -> Self:
        if not self.text and not self.html:
            raise ValueError("a template needs a text or an html body")
        return self


@dataclass(frozen=True, slots=True)
class RenderedMessage:
    subject: str
    text: str
    html: str | None


def template_syntax_errors(template: LocalizedTemplate) -> Iterable[tuple[str, str]]:
    """(part, message) for every part that is not valid Jinja."""
    environment = ImmutableSandboxedEnvironment()
    for part in ("subject", "text", "html"):
        source = getattr(template, part)
        if source is None:
            continue
        try:
            environment.parse(source)
        except TemplateSyntaxError as exc:
            yield part, f"template syntax error on line {exc.lineno}: {exc.message}"


def choose_locale(preferred: str | None, available: Iterable[str], default: str) -> str:
    """Exact locale, then its language (``ja-JP`` → ``ja``), then a sibling, then the default."""
    locales = list(available)
    if preferred:
        wanted = preferred.replace("_", "-").casefold()
        by_folded = {locale.casefold(): locale for locale in locales}
        if wanted in by_folded:
            return by_folded[wanted]
        language = wanted.split("-")[0]
        if language in by_folded:
            return by_folded[language]
        for locale in locales:
            if locale.casefold().split("-")[0] == language:
                return locale
    return default if default in locales else locales[0]


class TemplateRenderer:
    """Renders templates, compiling each distinct source once."""

    def __init__(self, *, product_name: str = "our product") -> None:
        self._product = product_name
        self._text = ImmutableSandboxedEnvironment(
            autoescape=False, undefined=ChainableUndefined, finalize=_blank_if_none
        )
        self._html = ImmutableSandboxedEnvironment(
            autoescape=True, undefined=ChainableUndefined, finalize=_blank_if_none
        )
        self._cache: dict[tuple[bool, str], Any] = {}

    def render(
        self,
        template: LocalizedTemplate,
        context: Mapping[str, Any],
        *,
        locale: str,
        unsubscribe_url: str | None,
    ) -> RenderedMessage:
        """Render all parts; with ``unsubscribe_url`` the link is guaranteed to be in the bodies."""
        values = dict(context)
        values["unsubscribe_url"] = unsubscribe_url or ""
        subject = self._render(False, template.subject or "", values).strip()
        text = self._render(False, template.text, values) if template.text else ""
        html = self._render(True, template.html, values) if template.html else None
        if unsubscribe_url:
            language = locale.split("-")[0].casefold()
            if unsubscribe_url not in text:
                footer = _FOOTERS_TEXT.get(language, _FOOTERS_TEXT["en"]).format(
                    product=self._product, url=unsubscribe_url
                )
                text = f"{text.rstrip()}\n\n--\n{footer}\n"
            if html is not None and _escaped(unsubscribe_url) not in html:
                footer = _FOOTERS_HTML.get(language, _FOOTERS_HTML["en"]).format(
                    product=_escaped(self._product), url=_escaped(unsubscribe_url)
                )
                html = _append_to_body(html, footer)
        if not text and html is not None:
            text = subject
        return RenderedMessage(subject=" ".join(subject.split()), text=text, html=html)

    def _render(self, is_html: bool, source: str | None, values: Mapping[str, Any]) -> str:
        if not source:
            return ""
        key = (is_html, source)
        compiled = self._cache.get(key)
        if compiled is None:
            environment = self._html if is_html else self._text
            compiled = environment.from_string(source)
            if len(self._cache) > 4096:  # playbooks change rarely; bound memory anyway
                self._cache.clear()
            self._cache[key] = compiled
        return str(compiled.render(values))


def _blank_if_none(value: Any) -> Any:
    """What ``{{ ... }}`` prints: a value nobody knows (a trait never sent) prints nothing,
    like an unknown name does, never the word "None"."""
    return "" if value is None else value


def _escaped(text: str) -> str:
    return str(escape(text))  # the same escaping autoescape applies to {{ unsubscribe_url }}


def _append_to_body(html: str, footer: str) -> str:
    marker = html.lower().rfind("</body>")
    if marker == -1:
        return f"{html}\n{footer}"
    return f"{html[:marker]}{footer}\n{html[marker:]}"

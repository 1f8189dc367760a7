"""Templates: sandboxed Jinja2, escaped HTML, per-locale texts and an unsubscribe link always."""

from __future__ import annotations

import pytest
from jinja2.exceptions import SecurityError

from banso_notify.domain.templates import (
    LocalizedTemplate,
    RenderedMessage,
    TemplateRenderer,
    choose_locale,
)

UNSUB = "https://notify.example/v1/unsubscribe?token=abc&x=1"


def render(
    template: LocalizedTemplate,
    locale: str = "en",
    unsubscribe: str | None = UNSUB,
    **context: object,
) -> RenderedMessage:
    return TemplateRenderer(product_name="Acme App").render(
        template, context, locale=locale, unsubscribe_url=unsubscribe
    )


def test_values_are_escaped_in_html_but_not_in_text() -> None:
    template = LocalizedTemplate(
        subject="Hi {{ name }}", text="Hi {{ name }}", html="<p>Hi {{ name }}</p>"
    )

    message = render(template, name="<script>alert(1)</script>")

    assert message.html is not None
    assert "<script>" not in message.html
    assert "&lt;script&gt;" in message.html
    assert "Hi <script>alert(1)</script>" in message.text
    assert message.subject == "Hi <script>alert(1)</script>"


def test_the_sandbox_refuses_attribute_tricks() -> None:
    template = LocalizedTemplate(text="{{ name.__class__.__mro__[1].__subclasses__() }}")

    with pytest.raises(SecurityError):
        render(template, name="x")


def test_an_unsubscribe_footer_is_added_when_the_template_has_no_link() -> None:
    message = render(
        LocalizedTemplate(subject="s", text="Body", html="<html><body><p>Body</p></body></html>")
    )

    assert UNSUB in message.text
    assert message.html is not None
    assert 'href="https://notify.example/v1/unsubscribe?token=abc&amp;x=1"' in message.html
    assert message.html.index("Unsubscribe") < message.html.index("</body>")


def test_a_template_placing_the_link_itself_gets_no_second_footer() -> None:
    template = LocalizedTemplate(
        text="Stop: {{ unsubscribe_url }}", html='<a href="{{ unsubscribe_url }}">stop</a>'
    )

    message = render(template)

    assert message.text.count(UNSUB) == 1
    assert message.html is not None
    assert "Unsubscribe" not in message.html


def test_japanese_footer_for_japanese_messages() -> None:
    message = render(LocalizedTemplate(text="本文"), locale="ja")

    assert "配信停止" in message.text


def test_no_footer_without_an_unsubscribe_url() -> None:
    message = render(LocalizedTemplate(text="To the CSM"), unsubscribe=None)

    assert message.text == "To the CSM"


def test_missing_values_render_empty() -> None:
    message = render(LocalizedTemplate(subject="Hi {{ user.name }}!", text="x"), unsubscribe=None)

    assert message.subject == "Hi !"


def test_a_value_nobody_sent_renders_empty_never_none_in_both_languages() -> None:
    # a person whose identify never came: their name is known to be unknown (None)
    template = LocalizedTemplate(
        subject="{{ user.name }} extended the trial",
        text="{{ user.name }} extended the trial (ARR {{ account.arr }}).",
        html="<p>{{ user.name }} 様</p>",
    )
    person, account = {"name": None}, {"arr": None}

    english = render(template, unsubscribe=None, user=person, account=account)
    japanese = render(template, locale="ja", unsubscribe=None, user=person, account=account)

    for message in (english, japanese):
        assert "None" not in f"{message.subject}{message.text}{message.html}"
    assert english.subject == "extended the trial"
    assert english.text == " extended the trial (ARR )."
    assert japanese.html == "<p> 様</p>"
    # falsy values that are known still print, and a fallback still applies
    known = LocalizedTemplate(text="{{ n }} {{ flag }} {{ user.name or 'there' }}")
    assert render(known, unsubscribe=None, n=0, flag=False, user={"name": None}).text == (
        "0 False there"
    )


def test_locale_choice_falls_back_by_language_then_default() -> None:
    assert choose_locale("ja-JP", ["en", "ja"], "en") == "ja"
    assert choose_locale("ja", ["en", "ja-JP"], "en") == "ja-JP"
    assert choose_locale("pt_BR", ["en", "ja"], "en") == "en"
    assert choose_locale(None, ["en", "ja"], "ja") == "ja"
    assert choose_locale("EN-us", ["en-US", "ja"], "ja") == "en-US"

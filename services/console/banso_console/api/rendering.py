"""Templates per language: Jinja2 with the i18n extension, Babel catalogues and formatting."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal
from babel.support import Translations
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.responses import HTMLResponse

from banso_console.api.problem_wording import problem_message
from banso_console.api.wording import Wording
from banso_console.domain.language import DEFAULT, SUPPORTED

TRANSLATIONS = Path(__file__).resolve().parents[1] / "translations"


class CatalogueMissing(RuntimeError):
    pass


def load_translations(locale: str) -> Translations:
    if locale == DEFAULT:
        return Translations()  # the messages are English already
    mo = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.mo"
    if not mo.exists():
        raise CatalogueMissing(f"{mo} is missing: run `make setup` to compile the catalogues")
    with mo.open("rb") as stream:
        return Translations(stream, domain="messages")


def _as_datetime(value: str | datetime) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


class Renderer:
    """One Jinja2 environment per language, each with its catalogue and formatting filters."""

    def __init__(self, *, currency: str) -> None:
        self.envs: dict[str, Environment] = {}
        self.wordings: dict[str, Wording] = {}
        for locale in SUPPORTED:
            translations = load_translations(locale)
            env = Environment(
                loader=PackageLoader("banso_console", "templates"),
                autoescape=select_autoescape(default=True),
                undefined=StrictUndefined,
                extensions=["jinja2.ext.i18n"],
            )
            env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
            wording = Wording(translations, locale)
            env.filters.update(_filters(locale, currency))
            env.globals.update(
                locale=locale,
                wording=wording,
                currency=currency,
                problem_text=partial(problem_message, translations.gettext),
                # a page without a signed-in viewer (or a test's) knows no workspace's name
                workspace_names={},
            )
            self.envs[locale] = env
            self.wordings[locale] = wording

    def render(
        self, locale: str, template: str, context: dict[str, Any], *, status_code: int = 200
    ) -> HTMLResponse:
        env = self.envs.get(locale) or self.envs[DEFAULT]
        body = env.get_template(template).render(context)
        return HTMLResponse(body, status_code=status_code)


def _filters(locale: str, currency: str) -> dict[str, Any]:
    def money(value: float | None) -> str:
        if value is None:
            return "—"
        return format_currency(
            round(value), currency, format="¤#,##0", currency_digits=False, locale=locale
        )

    def date(value: str | datetime | None) -> str:
        return "—" if value is None else format_date(_as_datetime(value), "medium", locale=locale)

    def short_date(value: str | datetime | None) -> str:
        return "—" if value is None else format_date(_as_datetime(value), "short", locale=locale)

    def moment(value: str | datetime | None) -> str:
        if value is None:
            return "—"
        return format_datetime(_as_datetime(value), "medium", locale=locale)

    def number(value: float | None, pattern: str = "#,##0.#") -> str:
        return "—" if value is None else format_decimal(value, format=pattern, locale=locale)

    def signed(value: float | None) -> str:
        if value is None:
            return "—"
        return format_decimal(value, format="+#,##0.0;-#,##0.0", locale=locale)

    return {
        "money": money,
        "date": date,
        "short_date": short_date,
        "moment": moment,
        "number": number,
        "signed": signed,
    }

"""Every word the console shows has its Japanese, and the catalogue is in step with the code."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

PACKAGE = Path(__file__).resolve().parents[2] / "services" / "console" / "banso_console"
METHODS = [("**.py", "python"), ("templates/**.html", "jinja2")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}


def message_ids() -> set[str]:
    keywords = {**DEFAULT_KEYWORDS, "N_": None}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        PACKAGE, METHODS, OPTIONS, keywords=keywords
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_message_of_the_console_is_translated_into_japanese() -> None:
    with (PACKAGE / "translations" / "ja" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalogue = read_po(po)
    translated = {
        message.id if isinstance(message.id, str) else message.id[0]
        for message in catalogue
        if message.id
        and message.string
        and (isinstance(message.string, str) or all(message.string))
        and not message.fuzzy
    }
    in_code = message_ids()
    assert len(in_code) > 100
    assert sorted(in_code - translated) == []


def test_every_template_compiles_in_both_languages() -> None:
    # The extraction above skips a template it cannot parse; this does not.
    from banso_console.api.rendering import Renderer

    renderer = Renderer(currency="USD")
    for env in renderer.envs.values():
        names = env.list_templates(extensions=["html"])
        assert "base.html" in names
        for name in names:
            env.get_template(name)

"""The theme board's decisions: which themes a query string asks for, growth, the edit forms."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from babel.dates import format_skeleton

# The statuses the board filters by (bridge's names); merged and dismissed themes are history.
STATUSES = ("open", "ticketed", "resolved")
PER_PAGE = 25
# A theme page's feedback: this many items a page (the items ticked on it are what is split).
ITEMS_PER_PAGE = 20
# The merge control offers this many themes, highest priority first; a search finds the others.
MERGE_TARGETS = 20
MAX_TITLE = 200
# The theme page lists this many themes that may be the same problem (bridge's `/alike`).
ALIKE_THEMES = 5
# Last week's daily rate over the four weeks before: above GROWING the theme is growing.
GROWING, SHRINKING = 1.25, 0.8


@dataclass(frozen=True, slots=True)
class ThemeFilters:
    statuses: tuple[str, ...] = ("open", "ticketed")
    muted: bool = False
    page: int = 1

    @property
    def offset(self) -> int:
        return (self.page - 1) * PER_PAGE

    def query(self, **changes: int) -> list[tuple[str, str]]:
        """The board's own query string, on another page."""
        params = [("status", status) for status in self.statuses]
        if self.muted:
            params.append(("muted", "yes"))
        params.append(("page", str(changes.get("page", self.page))))
        return params


@dataclass(slots=True)
class ParsedThemeFilters:
    filters: ThemeFilters
    problems: dict[str, str] = field(default_factory=dict)


def parse_theme_filters(params: Mapping[str, Sequence[str]]) -> ParsedThemeFilters:
    """Filters from the query string; what cannot be used is named (by field) and left out."""
    problems: dict[str, str] = {}
    asked = set(params.get("status") or ())
    if asked - set(STATUSES):
        problems["status"] = "unknown_status"
    statuses = tuple(s for s in STATUSES if s in asked) or ThemeFilters().statuses
    muted = (params.get("muted") or [""])[-1] == "yes"
    page_text = (params.get("page") or ["1"])[-1]
    page = int(page_text) if page_text.isdigit() and 1 <= int(page_text) <= 10_000 else 1
    if str(page) != page_text:
        problems["page"] = "not_a_page"
    return ParsedThemeFilters(ThemeFilters(statuses=statuses, muted=muted, page=page), problems)


Growth = Literal["growing", "steady", "shrinking", "new"]


def growth(items_last_7d: int, items_prev_28d: int, trend: float) -> Growth:
    """How the theme moves: new (nothing in the four weeks before), growing, steady, shrinking."""
    if items_prev_28d == 0:
        return "new" if items_last_7d else "steady"
    if trend >= GROWING:
        return "growing"
    if trend <= SHRINKING:
        return "shrinking"
    return "steady"


def language_mix(shares: Mapping[str, float]) -> list[tuple[str, float]]:
    """Languages by share, largest first (ties by code, so the order is stable)."""
    return sorted(shares.items(), key=lambda pair: (-pair[1], pair[0]))


_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")
_LATIN = re.compile(r"[A-Za-z]")


def title_language(title: str) -> str | None:
    """The language a theme's title is written in, for a page to mark it so (a screen reader
    reads it in that voice): Japanese when it has kana or kanji, else English when it has Latin
    letters, else None. From the title itself: a theme's items may be mostly in the other
    language (one merged into it, or a title of a product manager's own)."""
    if _JAPANESE.search(title):
        return "ja"
    return "en" if _LATIN.search(title) else None


def related_theme_id(theme: Mapping[str, Any]) -> int | None:
    """The theme a theme's page points to: the one it was merged into, or (not merged) the one
    it was split off from; None when neither."""
    if theme.get("status") == "merged":
        other = theme.get("merged_into")
    else:
        other = theme.get("split_from")
    return None if other is None else int(other)


RenameProblem = Literal["too_long"]


def check_rename(title: str) -> dict[str, RenameProblem]:
    """A title of the PM's own (empty: back to the generated title)."""
    return {"title": "too_long"} if len(title.strip()) > MAX_TITLE else {}


MergeProblem = Literal["required", "unknown_theme", "itself"]


@dataclass(slots=True)
class CheckedMerge:
    problems: dict[str, MergeProblem] = field(default_factory=dict)
    into: int = 0


def check_merge(theme_id: int, into: str, candidates: Sequence[int]) -> CheckedMerge:
    """The theme to merge into: one of the open themes offered, not the theme itself."""
    result = CheckedMerge()
    text = into.strip()
    if not text:
        result.problems["into"] = "required"
    elif not text.isdigit() or int(text) not in candidates and int(text) != theme_id:
        result.problems["into"] = "unknown_theme"
    elif int(text) == theme_id:
        result.problems["into"] = "itself"
    else:
        result.into = int(text)
    return result


@dataclass(frozen=True, slots=True)
class MergeTargets:
    themes: list[dict[str, Any]]
    # More themes than those offered would do: the reader is told to search by title.
    more: bool


def merge_targets(
    listed: Sequence[dict[str, Any]], theme_id: int, *, listed_more: bool
) -> MergeTargets:
    """The themes offered to merge into: up to MERGE_TARGETS of the bridge's page (asked for one
    more than that, since the theme itself may be on it), never the theme itself."""
    others = [theme for theme in listed if theme["theme_id"] != theme_id]
    return MergeTargets(
        themes=others[:MERGE_TARGETS], more=listed_more or len(others) > MERGE_TARGETS
    )


SplitProblem = Literal["required", "unknown_items", "too_long", "nothing_left"]


@dataclass(slots=True)
class CheckedSplit:
    problems: dict[str, SplitProblem] = field(default_factory=dict)
    items: list[str] = field(default_factory=list)
    title: str = ""


def check_split(
    selected: Sequence[str], shown: Sequence[str], item_count: int, title: str
) -> CheckedSplit:
    """The items to split off (some of those the page showed, not all of the theme's) and the
    new theme's name (optional)."""
    result = CheckedSplit(items=list(dict.fromkeys(item for item in selected if item)))
    result.title = title.strip()
    if not result.items:
        result.problems["split_items"] = "required"
    elif any(item not in shown for item in result.items):
        result.problems["split_items"] = "unknown_items"
    elif len(result.items) >= item_count:
        result.problems["split_items"] = "nothing_left"
    if len(result.title) > MAX_TITLE:
        result.problems["split_title"] = "too_long"
    return result


# The theme page's growth chart: this many weeks, this one last.
GROWTH_WEEKS = 12


def growth_chart(
    weeks: list[dict[str, Any]], *, locale: str, items_label: str, accounts_label: str
) -> dict[str, Any]:
    """The chart's data: a label per week (its Monday, in the reader's locale), items and
    accounts per week, and the series' names in the reader's language."""
    return {
        "labels": [
            format_skeleton("MMMd", date.fromisoformat(week["week_start"][:10]), locale=locale)
            for week in weeks
        ],
        "items": [week["items"] for week in weeks],
        "accounts": [week["accounts"] for week in weeks],
        "items_label": items_label,
        "accounts_label": accounts_label,
    }


def account_names(accounts: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """The names of a theme's accounts (the bridge lists every account with items in the theme)
    by id, for its feedback rows; an account whose name no trait gave shows its id."""
    return {account["account_id"]: account["name"] for account in accounts if account.get("name")}


def items_to_split(items: Sequence[Mapping[str, Any]], held_back: str | None) -> list[str]:
    """The items of a page a theme held back for mixing requests and defects (the bridge's
    `held_back`) offers ticked for its split: those of the nature fewer of them are of (requests
    on a tie), by each item's `nature`. None otherwise: the product manager chooses."""
    if held_back != "requests_and_defects":
        return []
    requests = [item for item in items if item.get("nature") == "request"]
    defects = [item for item in items if item.get("nature") == "defect"]
    fewer = requests if len(requests) <= len(defects) else defects
    return [str(item["feedback_id"]) for item in fewer]


def split_nature(items: Sequence[Mapping[str, Any]], ticked: Sequence[str]) -> str | None:
    """The nature of the items `items_to_split` ticked (`request` or `defect`), if any."""
    chosen = set(ticked)
    natures = {item.get("nature") for item in items if str(item["feedback_id"]) in chosen}
    return natures.pop() if len(natures) == 1 else None

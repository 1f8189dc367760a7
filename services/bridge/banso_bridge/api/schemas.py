"""Request and response bodies of the bridge API."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, cast, get_args

from pydantic import BaseModel, Field

from banso_bridge.adapters.columns import loads
from banso_bridge.domain.clustering.one_problem import NotOneProblem
from banso_bridge.domain.text.boilerplate import strip_boilerplate
from banso_bridge.domain.text.nature import Nature, report_nature
from banso_bridge.models import FeedbackItem, Theme, ThemeMerge, ThemeSplit, Ticket
from banso_kit.openapi import MAX_ID


def _time(epoch: float | None) -> datetime | None:
    return datetime.fromtimestamp(epoch, tz=UTC) if epoch is not None else None


class TicketPublic(BaseModel):
    ticket_id: str
    theme_id: int
    sink: str
    state: str = Field(description="pending, created, failed, resolved, cancelled or duplicate")
    external_key: str | None
    url: str | None
    title: str
    status: str
    attempts: int
    last_error: str | None
    next_attempt_at: datetime | None
    created_at: datetime | None
    resolved_at: datetime | None
    resolution: str | None

    @classmethod
    def of(cls, ticket: Ticket) -> TicketPublic:
        return cls(
            ticket_id=ticket.ticket_id,
            theme_id=ticket.theme_id,
            sink=ticket.sink,
            state=ticket.state,
            external_key=ticket.external_key,
            url=ticket.url,
            title=ticket.title,
            status=ticket.status,
            attempts=ticket.attempts,
            last_error=ticket.last_error,
            next_attempt_at=(
                _time(ticket.next_attempt_at)
                if ticket.state == "pending" and ticket.next_attempt_at
                else None
            ),
            created_at=_time(ticket.created_at),
            resolved_at=_time(ticket.resolved_at),
            resolution=ticket.resolution,
        )


class ThemePublic(BaseModel):
    theme_id: int
    status: str
    title: str
    generated_title: str
    keywords: list[str]
    quotes: list[str] = Field(description="Three typical items, personal data removed.")
    languages: dict[str, float] = Field(description="Share of items per language.")
    muted: bool
    praise: bool = Field(
        description="It gathers praise from customers, not a problem: listed, never ticketed."
    )
    held_back: NotOneProblem | None = Field(
        default=None,
        description=(
            "Why it has no ticket though it reached the threshold: it does not read as one"
            " problem. `requests_and_defects`: requests for something new beside reports of"
            " something broken; `unlike_words`: reports that share no words with the rest (two"
            " problems, or one told in different words)."
            " Split it (POST /v1/themes/{id}/split), or merge it into the theme of its problem,"
            " to get its ticket."
        ),
    )
    merged_into: int | None
    split_from: int | None
    item_count: int
    accounts_affected: int
    arr_affected: float
    at_risk_share: float = Field(description="Share of affected accounts in yellow or red health.")
    items_last_7d: int
    items_prev_28d: int
    trend: float = Field(description="Daily rate of the last 7 days over that of the 28 before.")
    first_seen: datetime | None
    last_seen: datetime | None
    priority: float
    ticket_state: str | None = Field(
        default=None, description="Its ticket's state (pending, created, failed, ...), if any."
    )
    ticket_url: str | None = None

    @classmethod
    def of(cls, theme: Theme, ticket: Ticket | None = None) -> ThemePublic:
        recent = theme.items_last_7d / 7
        baseline = max(theme.items_prev_28d / 28, 0.5 / 28)
        return cls(
            theme_id=theme.theme_id,
            status=theme.status,
            title=theme.custom_title or theme.title,
            generated_title=theme.title,
            keywords=loads(theme.keywords),
            quotes=loads(theme.quotes),
            languages=loads(theme.languages),
            muted=theme.muted,
            praise=theme.praise,
            held_back=None if ticket is not None else _held_back(theme.held_back),
            merged_into=theme.merged_into,
            split_from=theme.split_from,
            item_count=theme.item_count,
            accounts_affected=theme.accounts_affected,
            arr_affected=theme.arr_affected,
            at_risk_share=theme.at_risk_share,
            items_last_7d=theme.items_last_7d,
            items_prev_28d=theme.items_prev_28d,
            trend=round(recent / baseline, 3),
            first_seen=_time(theme.first_seen),
            last_seen=_time(theme.last_seen),
            priority=theme.priority,
            ticket_state=ticket.state if ticket else None,
            ticket_url=ticket.url if ticket else None,
        )


class ThemeList(BaseModel):
    themes: list[ThemePublic]
    next_offset: int | None


class ItemPublic(BaseModel):
    feedback_id: str
    account_id: str
    user_id: str | None
    kind: str
    text: str = Field(description="Redacted.")
    language: str
    occurred_at: datetime | None
    url: str | None
    external_id: str | None = Field(
        default=None, description="Its id in the originating tool (`touch-<kind>-…`: the console)."
    )
    author: str | None = Field(
        default=None, description="Who logged it when it is a CSM's note (the console's user)."
    )
    nature: Nature | None = Field(
        default=None,
        description=(
            "What its words say it is: a `request` for something new or a `defect` in what"
            " exists; null when they say both or neither. A ticket's reports are of one nature."
        ),
    )

    @classmethod
    def of(cls, item: FeedbackItem) -> ItemPublic:
        return cls(
            feedback_id=item.feedback_id,
            account_id=item.account_id,
            user_id=item.user_id,
            kind=item.kind,
            text=item.text,
            language=item.language,
            occurred_at=_time(item.occurred_at),
            url=item.url,
            external_id=item.external_id,
            author=item.author,
            nature=report_nature(strip_boilerplate(item.text)),
        )


class AccountImpact(BaseModel):
    account_id: str
    name: str | None
    items: int
    arr: float | None
    band: str


class MergePublic(BaseModel):
    """Why this theme was merged into another, and whether a product manager undid it."""

    into: int
    reason: str = Field(
        description="closer_together or coherent_union (the two read alike), absorbed (every "
        "item moved over), shared_accounts (about to get its own ticket, it came from the "
        "accounts of a ticketed theme), shared_words (about to get its own ticket, its "
        "customers' words, Japanese or English, are those of a ticketed theme), manual (a "
        "product manager merged them)."
    )
    similarity: float | None = Field(
        description="Cosine of the two themes' directions (0-1); for shared_accounts, the share "
        "of their accounts in common (Jaccard); for shared_words, the cosine of their words."
    )
    items: int = Field(description="Items the theme had when it was merged.")
    merged_at: datetime
    undone_at: datetime | None = Field(description="Set once undone; the two then stay apart.")

    @classmethod
    def of(cls, row: ThemeMerge) -> MergePublic:
        return cls(
            into=row.survivor,
            reason=row.reason,
            similarity=row.similarity,
            items=len(loads(row.items)),
            merged_at=datetime.fromtimestamp(row.merged_at, tz=UTC),
            undone_at=_time(row.undone_at),
        )


class SplitRecord(BaseModel):
    """Who split this theme off another, when, and how many items it took."""

    split_from: int
    items: int = Field(description="Items split off into this theme.")
    actor: str | None = Field(description="As the client declared it (X-Banso-Actor).")
    split_at: datetime

    @classmethod
    def of(cls, row: ThemeSplit) -> SplitRecord:
        return cls(
            split_from=row.split_from,
            items=len(loads(row.items)),
            actor=row.actor,
            split_at=datetime.fromtimestamp(row.split_at, tz=UTC),
        )


class ThemeItems(BaseModel):
    theme_id: int
    item_count: int = Field(description="Every item of the theme, on all pages.")
    items: list[ItemPublic] = Field(description="This page's items, newest first.")
    next_offset: int | None = Field(description="The next page's offset; None on the last page.")


class ThemeDetail(ThemePublic):
    items: list[ItemPublic] = Field(description="The latest items, newest first.")
    accounts: list[AccountImpact]
    ticket: TicketPublic | None
    merge: MergePublic | None = Field(
        default=None, description="Its latest merge into another theme (also once undone)."
    )
    split: SplitRecord | None = Field(
        default=None, description="Set when a product manager split this theme off another."
    )


class MergeRequest(BaseModel):
    into: int = Field(
        ge=1, le=MAX_ID, description="The theme that absorbs this one (it keeps its id)."
    )


class SplitRequest(BaseModel):
    items: list[Annotated[str, Field(min_length=1, max_length=256)]] = Field(
        min_length=1,
        max_length=500,
        description="Feedback ids of this theme's items (as the theme detail lists them) to move "
        "into the new theme; at least one item must stay.",
    )
    title: str | None = Field(
        default=None, max_length=200, description="The new theme's name (else a generated title)."
    )


class SplitPublic(BaseModel):
    """The theme split from and the new theme holding the items split off."""

    original: ThemePublic
    split: ThemePublic
    items: list[str] = Field(description="Feedback ids moved into the new theme.")
    actor: str | None = Field(description="Who split it, as the client declared (X-Banso-Actor).")


class ThemePatch(BaseModel):
    title: str | None = Field(
        default=None, max_length=200, description="Empty string: back to the generated title."
    )
    muted: bool | None = None


class TicketList(BaseModel):
    tickets: list[TicketPublic]
    next_offset: int | None


class WebhookAnswer(BaseModel):
    result: str = Field(description="resolved, already, unknown or ignored")


class WeekCount(BaseModel):
    week_start: datetime = Field(description="Monday, 00:00 UTC.")
    items: int = Field(description="Items that arrived in the week (event time).")
    accounts: int = Field(description="Accounts those items came from.")


class ThemeGrowth(BaseModel):
    theme_id: int
    weeks: list[WeekCount] = Field(description="Oldest week first; the last is this week.")


def _held_back(value: str | None) -> NotOneProblem | None:
    return cast(NotOneProblem, value) if value in get_args(NotOneProblem) else None


class AlikeTheme(BaseModel):
    theme_id: int
    title: str = Field(description="A product manager's own title, else the generated one.")
    main_language: str = Field(
        description="The language most of its items are in (`ja`, `en`, ...; `und` when unknown)."
    )
    items: int = Field(description="Items the theme holds.")
    accounts_affected: int
    likeness: float = Field(
        ge=0,
        le=1,
        description="How alike the two themes' customers' words are (0-1): the cosine of their"
        " IDF-weighted words, Japanese mapped to English through the lexicon, or of their"
        " glossary concepts for two themes of different main languages, the greater; 0 when"
        " they share fewer than two. The ticket rule's links use the same measure.",
    )
    shared_accounts: int = Field(description="Accounts that reported in both themes.")
    ticket: str | None = Field(
        description="Its ticket's key in the tracker (e.g. PROD-5); null when it has none yet."
    )
    ticket_url: str | None

    @classmethod
    def of(
        cls, theme: Theme, ticket: Ticket | None, *, likeness: float, shared_accounts: int
    ) -> AlikeTheme:
        languages: dict[str, float] = loads(theme.languages)
        main = min(languages, key=lambda code: (-languages[code], code)) if languages else "und"
        return cls(
            theme_id=theme.theme_id,
            title=theme.custom_title or theme.title,
            main_language=main,
            items=theme.item_count,
            accounts_affected=theme.accounts_affected,
            likeness=likeness,
            shared_accounts=shared_accounts,
            ticket=ticket.external_key if ticket else None,
            ticket_url=ticket.url if ticket else None,
        )


class AlikeThemes(BaseModel):
    theme_id: int
    themes: list[AlikeTheme] = Field(
        description="Themes that may be the same problem, most alike first (then most shared"
        " accounts)."
    )

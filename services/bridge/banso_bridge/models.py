"""The bridge service's tables. Its own registry keeps its metadata apart from other services'.

Times are epoch seconds (floats), event time unless said otherwise: SQLite would drop a time zone.
Lists and maps (keywords, quotes, token keys) are JSON text.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Text
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from banso_kit.tables import define_kit_tables


class BridgeModel(SQLModel, registry=registry()):
    """Base of every table of the bridge service."""


KIT = define_kit_tables(BridgeModel.metadata)


class FeedbackItem(BridgeModel, table=True):
    """One feedback item, redacted, and the theme it is in."""

    __tablename__ = "bridge_feedback_items"
    __table_args__ = (
        Index("ix_bridge_items_theme", "workspace_id", "theme_id"),
        Index("ix_bridge_items_seq", "workspace_id", "seq"),
    )

    workspace_id: str = Field(primary_key=True, max_length=256)
    feedback_id: str = Field(primary_key=True, max_length=256)
    # Arrival order within the workspace: the clusterer's window is rebuilt in this order.
    seq: int
    account_id: str = Field(max_length=256)
    user_id: str | None = Field(default=None, max_length=256)
    kind: str = Field(max_length=32)
    text: str = Field(sa_column=Column(Text, nullable=False))  # redacted
    language: str = Field(max_length=8)
    keys: str = Field(sa_column=Column(Text, nullable=False))  # JSON list of token keys
    surfaces: str = Field(sa_column=Column(Text, nullable=False))  # JSON list, aligned with keys
    parts: str = Field(sa_column=Column(Text, nullable=False))  # JSON list of compound parts
    pii: str = Field(default="{}", sa_column=Column(Text, nullable=False))  # JSON {kind: count}
    theme_id: int
    # Still in the clusterer's window (older items keep their theme but no longer move).
    in_window: bool = True
    score: float | None = None
    external_id: str | None = Field(default=None, max_length=256)
    url: str | None = Field(default=None, max_length=2048)
    # Who wrote it down when it is not the customer's words (the CSM who logged a touch).
    author: str | None = Field(default=None, max_length=320)
    # A churn reason naming a business cause (budget, acquisition, ...; text/business_reason.py):
    # no problem report, so it does not make its theme ticket-worthy.
    business_reason: bool = False
    # Its words tell of trouble with the product or a wish (text/trouble.py): a CSM's note or an
    # NPS comment with it is a problem report whatever the score.
    trouble: bool = False
    occurred_at: float
    received_at: float


class Theme(BridgeModel, table=True):
    """A theme with the labels and priority product managers read."""

    __tablename__ = "bridge_themes"
    __table_args__ = (Index("ix_bridge_themes_priority", "workspace_id", "status", "priority"),)

    workspace_id: str = Field(primary_key=True, max_length=256)
    theme_id: int = Field(primary_key=True)
    # open | ticketed | resolved | merged | dismissed (contracts' ThemeStatus)
    status: str = Field(default="open", max_length=16)
    merged_into: int | None = None
    split_from: int | None = None
    title: str = Field(default="", sa_column=Column(Text, nullable=False))
    # A product manager's own title; wins over the generated one.
    custom_title: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    muted: bool = False
    # It gathers praise ("Love the dashboards"), not problems: listed, never ticketed.
    praise: bool = False
    # Why it has no ticket though it reached the threshold: it does not read as one problem
    # (requests_and_defects | unlike_words; clustering.one_problem.NotOneProblem). None otherwise.
    held_back: str | None = Field(default=None, max_length=32)
    keywords: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    quotes: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    languages: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    item_count: int = 0
    accounts_affected: int = 0
    arr_affected: float = 0.0
    # Share of the affected accounts whose health is yellow or red.
    at_risk_share: float = 0.0
    items_last_7d: int = 0
    items_prev_28d: int = 0
    first_seen: float | None = None
    last_seen: float | None = None
    priority: float = 0.0
    # Whether ThemeCreated went out (the first publication).
    announced: bool = False
    updated_at: float = 0.0


class Account(BridgeModel, table=True):
    """The bridge's copy of what it needs about an account: ARR (traits) and health band."""

    __tablename__ = "bridge_accounts"

    workspace_id: str = Field(primary_key=True, max_length=256)
    account_id: str = Field(primary_key=True, max_length=256)
    name: str | None = Field(default=None, max_length=512)
    arr: float | None = None
    band: str = Field(default="unknown", max_length=16)
    score: float | None = None
    traits_at: float | None = None
    health_at: float | None = None


class Ticket(BridgeModel, table=True):
    """The one ticket of a theme: a state machine driven by the ticket worker.

    pending -> created (external key known) -> resolved; `failed` after a refusal the sink will
    not change its mind about (bad credentials, unknown project): a person has to look;
    `cancelled` when its theme was merged away before the ticket was made; `duplicate` when its
    theme was merged into one that has its own ticket (the sink was told which: a comment
    "duplicate of <key>"; new evidence goes to the survivor's ticket).
    """

    __tablename__ = "bridge_tickets"
    __table_args__ = (
        Index("ix_bridge_tickets_due", "state", "next_attempt_at"),
        Index("ix_bridge_tickets_external", "workspace_id", "sink", "external_key"),
    )

    workspace_id: str = Field(primary_key=True, max_length=256)
    theme_id: int = Field(primary_key=True)  # one ticket per theme, by construction
    ticket_id: str = Field(max_length=64, unique=True)
    sink: str = Field(max_length=16)
    # The label/marker the sink is searched by before creating: the external idempotency key.
    theme_key: str = Field(max_length=128)
    state: str = Field(default="pending", max_length=16)
    external_key: str | None = Field(default=None, max_length=256)
    external_id: str | None = Field(default=None, max_length=256)
    url: str | None = Field(default=None, max_length=2048)
    title: str = Field(default="", sa_column=Column(Text, nullable=False))
    status: str = Field(default="open", max_length=64)
    # Evidence last sent to the sink; growth beyond it triggers an update (a comment).
    synced_accounts: int = 0
    synced_arr: float = 0.0
    synced_items: int = 0
    needs_update: bool = False
    attempts: int = 0
    next_attempt_at: float = 0.0
    lease_until: float = 0.0
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    resolution: str | None = Field(default=None, max_length=128)
    created_at: float = 0.0
    updated_at: float = 0.0
    resolved_at: float | None = None


class ClustererState(BridgeModel, table=True):
    """Per workspace: what restores the clusterer exactly (with the window items and themes)."""

    __tablename__ = "bridge_clusterer"

    workspace_id: str = Field(primary_key=True, max_length=256)
    fitted_on: int = 0
    since_consolidation: int = 0
    next_fit: int = 0
    next_seq: int = 0
    last_item_at: float = 0.0  # wall clock of the last item (idle consolidation)
    consolidated_at: float = 0.0


class ThemeMerge(BridgeModel, table=True):
    """Why a theme was merged into another, and which items it had: what an undo restores.

    One row per merged theme (its latest merge); `undone_at` is set when a product manager undid it,
    and the pair is then kept apart from automatic merges.
    """

    __tablename__ = "bridge_theme_merges"

    workspace_id: str = Field(primary_key=True, max_length=256)
    merged: int = Field(primary_key=True)
    survivor: int
    # closer_together | coherent_union | absorbed (consolidation) | manual (a product manager)
    reason: str = Field(max_length=32)
    similarity: float | None = None  # cosine of the two themes' directions when measured
    items: str = Field(default="[]", sa_column=Column(Text, nullable=False))  # feedback ids (JSON)
    merged_at: float = 0.0  # wall clock
    undone_at: float | None = None


class ThemeSplit(BridgeModel, table=True):
    """A theme a product manager split off another: which items, by whom, when.

    The items stay in the new theme (clustering never moves them again) and the two themes are
    kept apart from automatic merges.
    """

    __tablename__ = "bridge_theme_splits"

    workspace_id: str = Field(primary_key=True, max_length=256)
    theme_id: int = Field(primary_key=True)  # the new theme
    split_from: int
    items: str = Field(default="[]", sa_column=Column(Text, nullable=False))  # feedback ids (JSON)
    actor: str | None = Field(default=None, max_length=256)  # as the client declared it
    split_at: float = 0.0  # wall clock

"""What a ticket says: the theme, its reach and revenue, the trend and what customers wrote."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from banso_bridge.domain.priority import ThemeStats


@dataclass(frozen=True, slots=True)
class Evidence:
    workspace_id: str
    theme_id: int
    theme_key: str
    title: str
    keywords: tuple[str, ...]
    quotes: tuple[str, ...]
    languages: dict[str, float]
    stats: ThemeStats
    theme_url: str


@dataclass(frozen=True, slots=True)
class TicketDraft:
    """Sink-neutral ticket content: a title, Markdown body sections and the marker label."""

    title: str
    summary_lines: tuple[str, ...]
    quotes: tuple[str, ...]
    keywords: tuple[str, ...]
    theme_url: str
    label: str

    def markdown(self) -> str:
        lines = ["Customer feedback grouped by Bansō.", ""]
        lines += [f"- {line}" for line in self.summary_lines]
        if self.quotes:
            lines += ["", "What customers wrote (personal data removed):", ""]
            lines += [f"> {quote}" for quote in self.quotes]
        if self.keywords:
            lines += ["", "Keywords: " + ", ".join(self.keywords)]
        lines += ["", f"Theme: {self.theme_url}", f"Bansō key: {self.label}"]
        return "\n".join(lines)


def _day(epoch: float | None) -> str:
    return datetime.fromtimestamp(epoch, tz=UTC).date().isoformat() if epoch else "-"


def _money(value: float) -> str:
    return f"{value:,.0f}"


def summary_lines(stats: ThemeStats) -> tuple[str, ...]:
    return (
        f"Accounts affected: {stats.accounts} ({stats.at_risk_share:.0%} in yellow or red health)",
        f"ARR affected: {_money(stats.arr)}",
        f"Feedback items: {stats.items}",
        f"Trend: {stats.items_last_7d} in the last 7 days, {stats.items_prev_28d} in the 28 before "
        f"(x{stats.trend:.1f})",
        f"First seen {_day(stats.first_seen)}, last seen {_day(stats.last_seen)}",
    )


def draft(evidence: Evidence) -> TicketDraft:
    return TicketDraft(
        title=f"[Customer feedback] {evidence.title}"[:250],
        summary_lines=summary_lines(evidence.stats),
        quotes=evidence.quotes,
        keywords=evidence.keywords,
        theme_url=evidence.theme_url,
        label=evidence.theme_key,
    )


def growth_note(evidence: Evidence) -> str:
    """The comment posted when a ticketed theme grows."""
    lines = ["Bansō: this problem keeps coming in.", ""]
    lines += [f"- {line}" for line in summary_lines(evidence.stats)]
    if evidence.quotes:
        lines += ["", f"> {evidence.quotes[0]}"]
    lines += ["", f"Theme: {evidence.theme_url}"]
    return "\n".join(lines)


def duplicate_note(*, survivor_key: str, survivor_url: str | None, theme_url: str) -> str:
    """The comment that closes a twin: its theme was merged into one that has its own ticket."""
    where = f"{survivor_key} ({survivor_url})" if survivor_url else survivor_key
    return "\n".join(
        [
            f"Bansō: duplicate of {where}.",
            "",
            "The feedback behind this ticket turned out to be the same problem as that ticket's;"
            " Bansō merged the two themes and adds new evidence there only.",
            "",
            f"Merged theme: {theme_url}",
        ]
    )

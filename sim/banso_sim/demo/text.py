"""The report as text a CS lead reads in a minute: health, themes and tickets, nudges, the loop."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from banso_sim.demo.purity import TicketScores
from banso_sim.demo.reaction import planted_summary
from banso_sim.demo.report import (
    AccountRow,
    DemoReport,
    HealthSection,
    LoopSection,
    NudgesSection,
    ThemeRow,
    ThemesSection,
)

STORIES = ("healthy", "expanding", "onboarding", "declining", "churning")
BAND_NAMES = {"green": "green", "yellow": "yellow", "red": "red", "unknown": "not enough data"}


def width(text: str) -> int:
    """Terminal columns `text` takes (Japanese characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def fit(text: str, columns: int) -> str:
    """`text` cut to `columns` (with an ellipsis) and padded to exactly that width."""
    if width(text) > columns:
        out = ""
        for ch in text:
            if width(out + ch) > columns - 1:
                break
            out += ch
        text = out + "…"
    return text + " " * (columns - width(text))


def money(amount: float) -> str:
    if amount >= 1_000_000:
        return f"${amount / 1_000_000:.1f}M"
    return f"${amount:,.0f}"


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f} %"


def points(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:+.1f} pts"


def render(report: DemoReport, html_path: str | None = None) -> str:
    lines: list[str] = []
    sim = report.simulation
    lines.append(
        f"Bansō demo · Sora Analytics · {sim.accounts} accounts, {sim.users:,} people, "
        f"{sim.days} days of event time ({sim.start:%Y-%m-%d} → {sim.end:%Y-%m-%d})"
    )
    topics = " · ".join(
        f"{name.removeprefix('banso.').removesuffix('.v1')} {count:,}"
        for name, count in sorted(sim.by_topic.items(), key=lambda item: -item[1])
    )
    rate = sim.acknowledged / sim.seconds if sim.seconds else 0
    lines.append(
        f"  {sim.acknowledged:,} events acknowledged by ingest in {sim.seconds:.0f} s "
        f"({rate:,.0f}/s): {topics}"
    )
    if not report.caught_up:
        lines.append(
            f"  ! still catching up when the report was taken: {', '.join(report.lagging)}"
        )
    lines += ["", *_health(report.health)]
    lines += ["", *_themes(report.themes)]
    lines += ["", *_nudges(report.nudges)]
    lines += ["", *_loop(report.loop)]
    failed = [step for step in report.setup if not step[2]]
    if failed:
        lines += ["", "SETUP STEPS THAT DID NOT APPLY"]
        lines += [f"  {service}: {what} ({detail})" for service, what, _, detail in failed]
    if html_path:
        lines += ["", f"Charts and the full lists: {html_path}"]
    return "\n".join(lines) + "\n"


def _account_line(row: AccountRow) -> str:
    score = "–" if row.score is None else f"{row.score:.0f}"
    why = "; ".join(row.drivers[:2]) or "; ".join(row.signals[:1]) or "no driver given"
    return f"    {fit(row.name, 28)} {row.plan:<10} {money(row.arr):>9}  {score:>3}  {why}"


def _health(section: HealthSection) -> list[str]:
    lines = ["ACCOUNT HEALTH (scoring)"]
    if not section.available:
        return [*lines, f"  {section.note}"]
    bands = " · ".join(
        f"{BAND_NAMES[band]} {section.bands.get(band, 0)}"
        + (f" ({money(section.arr_by_band[band])} ARR)" if section.arr_by_band.get(band) else "")
        for band in ("green", "yellow", "red", "unknown")
    )
    lines.append(f"  {bands}")
    for band, limit in (("red", 8), ("yellow", 5)):
        rows = [row for row in section.at_risk if row.band == band]
        if not rows:
            continue
        lines.append(f"  {band.capitalize()}, highest ARR first (score, top drivers):")
        lines += [_account_line(row) for row in rows[:limit]]
        if len(rows) > limit:
            lines.append(f"    … and {len(rows) - limit} more")
    if section.expansion:
        names = ", ".join(row.name for row in section.expansion[:4])
        lines.append(f"  Expansion signals on {len(section.expansion)} accounts, e.g. {names}")
    lines.append("  Does health see what really happened? (simulated story → band now)")
    for story in STORIES:
        counts = section.by_story.get(story)
        if not counts:
            continue
        spread = " · ".join(
            f"{BAND_NAMES[band]} {counts[band]}"
            for band in ("red", "yellow", "green", "unknown")
            if counts.get(band)
        )
        lines.append(f"    {story:<11} {sum(counts.values()):>3}: {spread}")
    return lines


def ticket_counts(section: ThemesSection) -> str:
    """What the Jira count holds beside the open tickets: merged ones, any filed twice, and the
    issues of other workspaces it leaves out."""
    parts = []
    if section.merged_tickets:
        parts.append(
            f"{section.merged_tickets} marked duplicate when their theme merged into another's"
        )
    parts.append(f"{section.duplicate_tickets} filed twice for one theme")
    if section.other_workspaces_tickets:
        parts.append(
            f"{section.other_workspaces_tickets} more for the workspaces of earlier demo runs, "
            "not counted here"
        )
    return ", ".join(parts)


def _themes(section: ThemesSection) -> list[str]:
    lines = ["CUSTOMER THEMES AND PRODUCT TICKETS (bridge)"]
    if not section.available:
        extra = f"; {section.tickets_in_jira} tickets in Jira" if section.tickets_in_jira else ""
        return [*lines, f"  {section.note}{extra}"]
    lines.append(
        f"  {section.total_themes} themes from {section.feedback_items:,} feedback items · "
        f"{section.tickets_in_jira} tickets in Jira ({ticket_counts(section)})"
    )
    if section.scores is not None and section.scores.tickets:
        lines += _scores(section.scores)
    for theme in shown_themes(section.themes, 8):
        languages = " ".join(
            f"{lang} {share * 100:.0f}%" for lang, share in sorted(theme.languages.items())
        )
        ticket = theme.ticket or ("held" if theme.held_back else "no ticket")
        scored = section.scores.tickets.get(theme.ticket or "") if section.scores else None
        purity = f"  purity {scored[1] * 100:.0f}% ({scored[0]})" if scored else ""
        lines.append(
            f"  {ticket:<8} {fit(theme.title, 40)} {theme.accounts:>3} accounts "
            f"{money(theme.arr):>9}  at risk {percent(theme.at_risk_share):>5}  {languages}"
            f"{purity}"
        )
        mix = _kinds(theme)
        if theme.held_back and not theme.ticket:
            mix += f" · held back from a ticket: {HELD_BACK.get(theme.held_back, theme.held_back)}"
        if theme.keywords or mix:
            lines.append(f"           {', '.join(theme.keywords[:6])}{mix}")
        for quote in theme.quotes[:1]:
            lines.append(f"           “{fit(quote, 90).rstrip()}”")
    return lines


HELD_BACK = {
    "requests_and_defects": "requests beside defects, to split",
    "unlike_words": "reports in unlike words, to split or merge",
}


def _scores(scores: TicketScores) -> list[str]:
    """Purity and coverage against what the simulator planted (bench/themes.py's targets)."""
    coverage = ", ".join(f"{problem} {n}" for problem, n in scores.coverage.items())
    return [
        f"  purity ≥ 90%: {scores.pure} of {len(scores.tickets)} tickets · exactly one ticket: "
        f"{scores.covered_once} of {len(scores.coverage)} planted problems ({coverage})"
    ]


def shown_themes(themes: Sequence[ThemeRow], count: int) -> list[ThemeRow]:
    """The first `count` themes (bridge's priority order), plus the top English ones when the
    list would otherwise be all Japanese (or the other way round)."""
    shown = list(themes[:count])
    for language in ("en", "ja"):
        if not any(t.languages.get(language, 0.0) > 0.5 for t in shown):
            shown += [t for t in themes if t.languages.get(language, 0.0) > 0.5][:2]
    return shown


def _kinds(theme: ThemeRow) -> str:
    share = theme.complaint_share
    if share is None:
        return ""
    if share < 0.2:
        return " · mostly praise and CSM notes, not a product problem"
    return f" · {share * 100:.0f} % tickets and requests"


def _nudges(section: NudgesSection) -> list[str]:
    lines = ["NUDGES (notify)"]
    if not section.available:
        return [*lines, f"  {section.note}"]
    suppressed = section.suppressed
    reasons = ", ".join(f"{reason} {count}" for reason, count in suppressed.most_common())
    lines.append(
        f"  {section.sent:,} sent: {section.emails:,} e-mails ({section.emails_ja:,} in Japanese), "
        f"{section.slack_alerts:,} Slack alerts to CSMs"
    )
    lines.append(f"  {sum(suppressed.values()):,} suppressed: {reasons or 'none'}")
    lines.append(
        f"    {fit('playbook', 44)} {'sent':>5} {'supp.':>6} {'conv.':>6}  uplift (95 % CI)"
    )
    for row in section.playbooks:
        ci = (
            ""
            if row.ci_low is None or row.ci_high is None
            else f" ({row.ci_low * 100:+.1f} … {row.ci_high * 100:+.1f})"
        )
        lines.append(
            f"    {fit(row.name, 44)} {row.sent:>5} {sum(row.suppressed.values()):>6} "
            f"{row.converted:>6}  {points(row.uplift)}{ci}"
        )
        planted = section.planted.get(row.playbook_id)
        if planted is not None:
            lines.append(f"      {planted_summary(planted, row.uplift)}")
    if not section.planted:
        lines.append(
            "    (The simulated customers did not react to nudges, so uplift should straddle"
            " zero: an A/A check of the statistics.)"
        )
    return lines


def _loop(section: LoopSection) -> list[str]:
    lines = ["CLOSING THE LOOP (Jira → bridge → notify)"]
    if not section.available:
        return [*lines, f"  {section.note}"]
    lines.append(
        f"  {section.ticket} “{section.title}” resolved in Jira → {section.emails} e-mails to the "
        f"people who reported it at {section.accounts} accounts"
    )
    if section.note:
        lines.append(f"  {section.note}")
    return lines

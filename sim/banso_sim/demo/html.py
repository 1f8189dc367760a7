"""The report as one self-contained HTML page: inline CSS and SVG, nothing fetched from anywhere."""

from __future__ import annotations

from html import escape

from banso_sim.demo import svg
from banso_sim.demo.reaction import planted_summary
from banso_sim.demo.report import DemoReport, HealthSection, NudgesSection, ThemesSection
from banso_sim.demo.text import (
    BAND_NAMES,
    STORIES,
    money,
    percent,
    points,
    shown_themes,
    ticket_counts,
)

_CSS = """
body{font-family:system-ui,-apple-system,"Hiragino Sans","Noto Sans JP",sans-serif;margin:2rem auto;
max-width:980px;color:#1f2328;line-height:1.45;padding:0 1rem}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:2.2rem;border-bottom:1px solid #d0d7de}
.muted{color:#59636e}.kpis{display:flex;gap:1rem;flex-wrap:wrap;margin:1rem 0}
.kpi{border:1px solid #d0d7de;border-radius:8px;padding:.6rem .9rem;min-width:9rem}
.kpi b{display:block;font-size:1.4rem}table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #eaeef2;vertical-align:top}
td.n,th.n{text-align:right;white-space:nowrap}.band{display:inline-block;padding:0 .45rem;border-radius:9px;color:#fff;font-size:.8rem}
.red{background:#d64541}.yellow{background:#e8b31c}.green{background:#2e9d5b}.unknown{background:#8c959f}
blockquote{margin:.2rem 0 .2rem 1rem;color:#444;font-size:.88rem}svg{width:100%;height:auto}
.note{background:#fff8c5;border:1px solid #e8d26a;border-radius:6px;padding:.5rem .8rem}
"""


def _band(band: str) -> str:
    return f'<span class="band {escape(band)}">{escape(BAND_NAMES.get(band, band))}</span>'


def _unavailable(note: str) -> str:
    return f'<p class="note">{escape(note)}</p>'


def render_html(report: DemoReport) -> str:
    sim = report.simulation
    body = [
        f"<h1>Bansō demo report · {escape('Sora Analytics')}</h1>",
        f'<p class="muted">{sim.accounts} accounts, {sim.users:,} people, {sim.days} days of event '
        f"time ({sim.start:%Y-%m-%d} → {sim.end:%Y-%m-%d}); workspace "
        f"<code>{escape(report.workspace_id)}</code>; generated {report.generated_at:%Y-%m-%d %H:%M} UTC</p>",
        _kpis(report),
        *_health(report.health),
        *_themes(report.themes),
        *_nudges(report.nudges),
        "<h2>Closing the loop</h2>",
    ]
    loop = report.loop
    if loop.available:
        body.append(
            f"<p>{escape(loop.ticket or '')} “{escape(loop.title or '')}” was resolved in Jira; "
            f"notify told the people who reported it: {loop.emails} e-mails at {loop.accounts} "
            f"accounts.</p>"
        )
        if loop.note:
            body.append(f'<p class="muted">{escape(loop.note)}</p>')
    else:
        body.append(_unavailable(loop.note))
    setup = "".join(
        f"<tr><td>{escape(service)}</td><td>{escape(what)}</td>"
        f"<td>{'applied' if ok else 'not applied'}</td><td>{escape(detail)}</td></tr>"
        for service, what, ok, detail in report.setup
    )
    body += ["<h2>What the demo set up</h2>", f"<table>{setup}</table>"]
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>Bansō demo report</title><style>{_CSS}</style></head><body>"
        + "\n".join(body)
        + "</body></html>\n"
    )


def _kpis(report: DemoReport) -> str:
    health, nudges, themes = report.health, report.nudges, report.themes
    cards = [("events through ingest", f"{report.simulation.acknowledged:,}")]
    if health.available:
        cards += [
            ("accounts red", str(health.bands.get("red", 0))),
            ("ARR at risk (red)", money(health.arr_by_band.get("red", 0.0))),
        ]
    if themes.available:
        cards.append(("product tickets", str(themes.tickets_in_jira)))
    if nudges.available:
        cards.append(("nudges sent", f"{nudges.sent:,}"))
    inner = "".join(f'<div class="kpi"><b>{escape(v)}</b>{escape(k)}</div>' for k, v in cards)
    return f'<div class="kpis">{inner}</div>'


def _health(section: HealthSection) -> list[str]:
    out = ["<h2>Account health</h2>"]
    if not section.available:
        return [*out, _unavailable(section.note)]
    out.append(
        "<p>Accounts by band at the end of each day (event time, from scoring's history):</p>"
    )
    out.append(svg.bands_over_time(section.timeline))
    rows = "".join(
        f"<tr><td>{escape(story)}</td>"
        + "".join(
            f'<td class="n">{section.by_story[story][band]}</td>'
            for band in ("red", "yellow", "green", "unknown")
        )
        + "</tr>"
        for story in STORIES
        if story in section.by_story
    )
    out.append(
        "<h3>Does health see what happened?</h3><p class='muted'>Each simulated account has a "
        "story; scoring does not know it. Bands scoring gave them at the end:</p>"
        "<table><tr><th>story</th><th class='n'>red</th><th class='n'>yellow</th>"
        f"<th class='n'>green</th><th class='n'>not enough data</th></tr>{rows}</table>"
    )
    risk = "".join(
        f"<tr><td>{_band(row.band)}</td><td>{escape(row.name)}</td><td>{escape(row.plan)}</td>"
        f"<td class='n'>{money(row.arr)}</td>"
        f"<td class='n'>{'–' if row.score is None else f'{row.score:.0f}'}</td>"
        f"<td>{'<br>'.join(escape(d) for d in row.drivers[:3]) or escape('; '.join(row.signals[:2]))}</td></tr>"
        for row in section.at_risk[:40]
    )
    out.append(
        "<h3>At risk, red first, highest ARR first</h3><table><tr><th>band</th><th>account</th>"
        "<th>plan</th><th class='n'>ARR</th><th class='n'>score</th><th>why (top drivers)</th>"
        f"</tr>{risk}</table>"
    )
    return out


def _themes(section: ThemesSection) -> list[str]:
    out = ["<h2>What customers complain about, and the tickets it became</h2>"]
    if not section.available:
        return [*out, _unavailable(section.note)]
    out.append(
        f"<p>{section.total_themes} themes from {section.feedback_items:,} feedback items; "
        f"{section.tickets_in_jira} tickets in Jira ({escape(ticket_counts(section))}).</p>"
    )
    by_arr = sorted(section.themes, key=lambda t: -t.arr)[:10]
    out.append("<p>Top themes by ARR affected:</p>")
    out.append(
        svg.horizontal_bars(
            [(t.title, t.arr, f"{money(t.arr)} · {t.accounts} accounts") for t in by_arr]
        )
    )
    out.append("<p>By the bridge's priority (accounts, ARR, share at risk, trend):</p>")
    rows = []
    for theme in shown_themes(section.themes, 12):
        share = theme.complaint_share
        mix = (
            ""
            if share is None
            else f"<br><span class='muted'>{share * 100:.0f} % tickets and requests</span>"
        )
        languages = ", ".join(f"{k} {v * 100:.0f}%" for k, v in sorted(theme.languages.items()))
        ticket = escape(theme.ticket or "–")
        if theme.ticket and theme.ticket_url:
            ticket = f'<a href="{escape(theme.ticket_url)}">{ticket}</a>'
        quotes = "".join(f"<blockquote>{escape(q)}</blockquote>" for q in theme.quotes)
        rows.append(
            f"<tr><td><b>{escape(theme.title)}</b><br><span class='muted'>"
            f"{escape(', '.join(theme.keywords[:8]))}</span>{quotes}</td>"
            f"<td class='n'>{theme.accounts}</td><td class='n'>{money(theme.arr)}</td>"
            f"<td class='n'>{percent(theme.at_risk_share)}</td><td>{escape(languages)}{mix}</td>"
            f"<td>{ticket}<br><span class='muted'>{escape(theme.status)}</span></td></tr>"
        )
    out.append(
        "<table><tr><th>theme</th><th class='n'>accounts</th><th class='n'>ARR</th>"
        "<th class='n'>yellow/red</th><th>languages</th><th>ticket</th></tr>"
        + "".join(rows)
        + "</table>"
    )
    return out


def _nudges(section: NudgesSection) -> list[str]:
    out = ["<h2>Nudges</h2>"]
    if not section.available:
        return [*out, _unavailable(section.note)]
    reasons = ", ".join(f"{r} {c}" for r, c in section.suppressed.most_common())
    out.append(
        f"<p>{section.sent:,} sent ({section.emails:,} e-mails, {section.emails_ja:,} of them in "
        f"Japanese; {section.slack_alerts:,} Slack alerts to CSMs). Suppressed: "
        f"{escape(reasons or 'none')}.</p>"
    )
    rows = "".join(
        f"<tr><td>{escape(row.name)}</td><td class='n'>{row.sent}</td>"
        f"<td>{escape(', '.join(f'{k} {v}' for k, v in sorted(row.suppressed.items())))}</td>"
        f"<td class='n'>{row.converted}</td><td class='n'>{percent(row.treatment_rate)}</td>"
        f"<td class='n'>{percent(row.holdout_rate)}</td><td class='n'>{points(row.uplift)}"
        + (
            ""
            if row.ci_low is None or row.ci_high is None
            else f"<br><span class='muted'>{row.ci_low * 100:+.1f} … {row.ci_high * 100:+.1f}</span>"
        )
        + "</td></tr>"
        for row in section.playbooks
    )
    out.append(
        "<table><tr><th>playbook</th><th class='n'>sent</th><th>suppressed</th>"
        "<th class='n'>converted</th><th class='n'>treated conv.</th><th class='n'>holdout conv.</th>"
        f"<th class='n'>uplift (95 % CI)</th></tr>{rows}</table>"
    )
    if section.planted:
        measured = {row.playbook_id: row.uplift for row in section.playbooks}
        planted = "".join(
            f"<li>{escape(playbook)}: {escape(planted_summary(p, measured.get(playbook)))}</li>"
            for playbook, p in sorted(section.planted.items())
        )
        out.append(
            "<p class='muted'>After the replay the simulated customers reacted to what notify "
            "decided, inside each goal window (event time), with a planted effect on accounts "
            "that notify had to find:</p>"
            f"<ul class='muted'>{planted}</ul>"
        )
    else:
        out.append(
            "<p class='muted'>The simulated customers did not react to nudges, so every uplift "
            "should straddle zero: an A/A check of the statistics.</p>"
        )
    return out

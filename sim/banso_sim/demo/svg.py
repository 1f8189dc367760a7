"""Inline SVG charts for the HTML report (no script, no CDN): bands over time, bars by value."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from html import escape

BAND_COLOURS = {"red": "#d64541", "yellow": "#e8b31c", "green": "#2e9d5b", "unknown": "#b8bcc2"}
STACK = ("red", "yellow", "green", "unknown")


def _nice_max(value: float) -> float:
    """The smallest 1-2-5 step multiple at or above `value` (a round axis top)."""
    if value <= 0:
        return 1.0
    step = 1.0
    while step * 10 <= value:
        step *= 10
    for multiple in (1, 2, 5, 10):
        if multiple * step >= value:
            return multiple * step
    return 10 * step


def bands_over_time(
    timeline: Sequence[tuple[date, Counter[str]]], width: int = 760, height: int = 260
) -> str:
    """Stacked daily bars: how many accounts were red, yellow, green or unknown each day."""
    if not timeline:
        return ""
    left, right, top, bottom = 44, 12, 12, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = _nice_max(max(sum(counts.values()) for _, counts in timeline))
    bar = plot_w / len(timeline)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="Accounts by health band, per day">'
    ]
    for tick in range(5):
        value = top_value * tick / 4
        y = top + plot_h - plot_h * tick / 4
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e3e5e8"/>')  # fmt: skip
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">{value:.0f}</text>')  # fmt: skip
    for index, (day, counts) in enumerate(timeline):
        x = left + index * bar
        y = top + plot_h
        for band in STACK:
            count = counts.get(band, 0)
            if not count:
                continue
            h = plot_h * count / top_value
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(bar - 0.6, 0.6):.1f}" height="{h:.1f}" '
                f'fill="{BAND_COLOURS[band]}"><title>{day.isoformat()} {band}: {count}</title></rect>'
            )
        if index % 14 == 0:
            parts.append(
                f'<text x="{x:.1f}" y="{height - bottom + 16}" font-size="11">{day:%m-%d}</text>'
            )
    legend_x = left
    for band in STACK:
        parts.append(f'<rect x="{legend_x}" y="{height - 12}" width="10" height="10" fill="{BAND_COLOURS[band]}"/>')  # fmt: skip
        parts.append(f'<text x="{legend_x + 14}" y="{height - 3}" font-size="11">{band}</text>')
        legend_x += 80
    parts.append("</svg>")
    return "".join(parts)


def horizontal_bars(
    rows: Sequence[tuple[str, float, str]], width: int = 760, colour: str = "#3b6fb6"
) -> str:
    """One bar per row: (label, value, text after the bar), longest first as given."""
    if not rows:
        return ""
    label_w, row_h, right = 300, 26, 160
    height = row_h * len(rows) + 8
    top_value = max(value for _, value, _ in rows) or 1.0
    plot_w = width - label_w - right
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="Bars by value">'
    ]
    for index, (label, value, note) in enumerate(rows):
        y = 4 + index * row_h
        w = plot_w * value / top_value
        shown = label if len(label) <= 34 else label[:33] + "…"
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end" font-size="12">'
            f"<title>{escape(label)}</title>{escape(shown)}</text>"
        )
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}" fill="{colour}"/>')  # fmt: skip
        parts.append(f'<text x="{label_w + w + 6:.1f}" y="{y + 16}" font-size="12">{escape(note)}</text>')  # fmt: skip
    parts.append("</svg>")
    return "".join(parts)

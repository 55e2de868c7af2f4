"""The quality page's charts as server-side SVG, in the style of the LVEF chart (tracker/charts.py):
no JavaScript, presentation attributes only (the CSP forbids inline styles), a title and a
description for screen readers; the page also gives every figure as a text table."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from tracker.labels import number
from tracker.monitoring.quality import Measure, Published

BAR_WIDTH, BAR_ROW = 560, 26
BAR_LEFT, BAR_RIGHT = 12, 60
TREND_WIDTH, TREND_HEIGHT = 560, 190
T_LEFT, T_RIGHT, T_TOP, T_BOTTOM = 40, 12, 12, 38
CLINIC, PUBLISHED_COLOUR = "#0d6efd", "#6c757d"


def _pct(value) -> str:
    return f"{number(value)}%"


def quality_bars(measure: Measure, published: Sequence[Published], svg_id: str) -> SafeString:
    """The clinic's percent as a bar, under it each published figure for the measure."""
    rows = [("This clinic", measure.percent, CLINIC, "clinic")]
    rows += [(f"{p.population} ({p.source})", p.percent, PUBLISHED_COLOUR, "published")
             for p in published]  # fmt: skip
    span = BAR_WIDTH - BAR_LEFT - BAR_RIGHT
    height = len(rows) * BAR_ROW * 2 + 4
    parts = []
    for index, (label, value, colour, kind) in enumerate(rows):
        y = index * BAR_ROW * 2 + 2
        parts.append(
            f'<text x="{BAR_LEFT}" y="{y + 14}" font-size="12" fill="#212529">'
            f"{escape(label)}</text>"
        )
        bar_y = y + BAR_ROW
        parts.append(
            f'<rect x="{BAR_LEFT}" y="{bar_y}" width="{span}" height="16" fill="#e9ecef"/>'
        )
        if value is None:
            parts.append(
                f'<text x="{BAR_LEFT + 4}" y="{bar_y + 12}" font-size="12" fill="#495057">'
                "no patients</text>"
            )
            continue
        width = round(float(value) / 100 * span, 1)
        parts.append(
            f'<rect class="bar-{kind}" x="{BAR_LEFT}" y="{bar_y}" width="{width}" height="16" '
            f'fill="{colour}"><title>{escape(label)}: {_pct(value)}</title></rect>'
            f'<text x="{BAR_LEFT + width + 4}" y="{bar_y + 12}" font-size="12" '
            f'fill="#212529">{_pct(value)}</text>'
        )
    description = "; ".join(
        f"{label}: {'no patients' if value is None else _pct(value)}" for label, value, *_ in rows
    )
    return mark_safe(  # noqa: S308 - every text inside is escaped or generated
        f'<svg class="quality-bars" role="img" aria-labelledby="{svg_id}-title {svg_id}-desc" '
        f'viewBox="0 0 {BAR_WIDTH} {height}" width="100%" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{svg_id}-title">{escape(measure.id)} beside the published figures</title>'
        f'<desc id="{svg_id}-desc">{escape(description)}.</desc>' + "".join(parts) + "</svg>"
    )


def quality_trend(
    measure_id: str, points: Sequence[tuple[str, Measure]], svg_id: str, name: str
) -> SafeString:
    """The measure's percent per quarter (oldest first); a quarter without patients is a gap."""
    plot_right, plot_bottom = TREND_WIDTH - T_RIGHT, TREND_HEIGHT - T_BOTTOM
    step = (plot_right - T_LEFT) / max(len(points), 1)

    def x(index: int) -> float:
        return round(T_LEFT + step * (index + 0.5), 1)

    def y(value: Decimal) -> float:
        return round(T_TOP + (100 - float(value)) / 100 * (plot_bottom - T_TOP), 1)

    parts = []
    for tick in (0, 25, 50, 75, 100):
        parts.append(
            f'<line x1="{T_LEFT}" x2="{plot_right}" y1="{y(tick)}" y2="{y(tick)}" '
            f'stroke="#dee2e6" stroke-width="0.5"/><text x="{T_LEFT - 6}" y="{y(tick) + 4}" '
            f'text-anchor="end" font-size="10" fill="#495057">{tick}%</text>'
        )
    segment: list[str] = []
    segments = []
    for index, (label, m) in enumerate(points):
        # "Jul–Sep 2026" on two lines: months above, year below (8 quarters side by side).
        months, _, year = label.rpartition(" ")
        parts.append(
            f'<text x="{x(index)}" y="{plot_bottom + 13}" text-anchor="middle" font-size="10" '
            f'fill="#495057">{escape(months)}<tspan x="{x(index)}" dy="11">{escape(year)}'
            "</tspan></text>"
        )
        if m.percent is None:
            if segment:
                segments.append(segment)
            segment = []
            parts.append(
                f'<text x="{x(index)}" y="{plot_bottom - 4}" text-anchor="middle" '
                f'font-size="9" fill="#6c757d">none</text>'
            )
            continue
        segment.append(f"{x(index)},{y(m.percent)}")
    if segment:
        segments.append(segment)
    for line in segments:
        parts.append(
            f'<polyline points="{" ".join(line)}" fill="none" stroke="{CLINIC}" '
            f'stroke-width="1.5"/>'
        )
    for index, (label, m) in enumerate(points):
        if m.percent is not None:
            parts.append(
                f'<circle class="trend-point" cx="{x(index)}" cy="{y(m.percent)}" r="4" '
                f'fill="{CLINIC}"><title>{escape(label)}: {_pct(m.percent)} '
                f"({m.numerator} of {m.denominator})</title></circle>"
            )
    parts.append(
        f'<line x1="{T_LEFT}" x2="{T_LEFT}" y1="{T_TOP}" y2="{plot_bottom}" stroke="#495057"/>'
        f'<line x1="{T_LEFT}" x2="{plot_right}" y1="{plot_bottom}" y2="{plot_bottom}" '
        f'stroke="#495057"/>'
    )
    description = "; ".join(
        f"{label}: {'no patients' if m.percent is None else _pct(m.percent)}" for label, m in points
    )
    return mark_safe(  # noqa: S308 - every text inside is escaped or generated
        f'<svg class="quality-trend" role="img" aria-labelledby="{svg_id}-title {svg_id}-desc" '
        f'viewBox="0 0 {TREND_WIDTH} {TREND_HEIGHT}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{svg_id}-title">{escape(name)} ({escape(measure_id)}) over the last '
        f"{len(points)} quarters</title>"
        f'<desc id="{svg_id}-desc">{escape(description)}.</desc>' + "".join(parts) + "</svg>"
    )

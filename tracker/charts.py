"""The LVEF trend as server-side SVG: no JavaScript, prints cleanly, readable by screen readers
(title and description), and uses presentation attributes only (the CSP forbids inline styles)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from tracker.monitoring import LvefMeasurement
from tracker.monitoring.profiles import TRASTUZUMAB_US, Profile
from tracker.monitoring.wording import day as _day

WIDTH, HEIGHT = 760, 310
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 20, 50
FONT = 12  # the smallest text of the chart, in px of its viewBox (issue 13 item 18)
HOLD_STROKE = {"cardiac": "#6f42c1", "other": "#6c757d"}
# Hatching for cardiac holds and dots for other holds: distinct from the bands without colour.
_PATTERNS = (
    "<defs>"
    '<pattern id="hold-cardiac-pattern" patternUnits="userSpaceOnUse" width="8" height="8" '
    'patternTransform="rotate(45)"><rect width="8" height="8" fill="#e0cffc" opacity="0.6"/>'
    '<line x1="0" y1="0" x2="0" y2="8" stroke="#6f42c1" stroke-width="2" opacity="0.7"/>'
    "</pattern>"
    '<pattern id="hold-other-pattern" patternUnits="userSpaceOnUse" width="8" height="8">'
    '<rect width="8" height="8" fill="#e9ecef" opacity="0.6"/>'
    '<circle cx="4" cy="4" r="1.3" fill="#6c757d"/></pattern>'
    "</defs>"
)
MONTH_STEPS = (1, 2, 3, 6, 12)


def month_step(start: date, end: date) -> int:
    """The month ticks' step: the smallest of 1, 2, 3, 6 or 12 months that gives at most 8."""
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    return next((step for step in MONTH_STEPS if months / step <= 8), 12 * (months // 96 + 1))


def month_ticks(start: date, end: date, step: int) -> list[date]:
    """The first days of the months from start to end whose month is a multiple of the step
    from January (every 3 months: Jan, Apr, Jul, Oct), so the ticks are evenly spaced."""
    ticks = []
    year, month = start.year, start.month
    while date(year, month, 1) <= end:
        first = date(year, month, 1)
        if (
            first >= start
            and (month - 1) % min(step, 12) == 0
            and (step <= 12 or year % (step // 12) == 0)
        ):
            ticks.append(first)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return ticks


MODALITY_NAMES = {"echo": "echo", "muga": "MUGA", "cmr": "cardiac MRI"}


class _Scale:
    def __init__(self, start: date, end: date, low: Decimal, high: Decimal):
        self.start, self.days = start, max((end - start).days, 1)
        self.low, self.high = low, high

    def x(self, day: date) -> float:
        return round(LEFT + (day - self.start).days / self.days * (WIDTH - LEFT - RIGHT), 1)

    def y(self, value: Decimal) -> float:
        span = float(self.high - self.low)
        return round(TOP + (float(self.high) - float(value)) / span * (HEIGHT - TOP - BOTTOM), 1)


def _marker(modality: str, x: float, y: float, label: str) -> str:
    title = f"<title>{escape(label)}</title>"
    if modality == "muga":
        return (
            f'<rect class="marker-muga" x="{x - 5}" y="{y - 5}" width="10" height="10" '
            f'fill="#198754">{title}</rect>'
        )
    if modality == "cmr":
        points = f"{x},{y - 7} {x + 7},{y} {x},{y + 7} {x - 7},{y}"
        return f'<polygon class="marker-cmr" points="{points}" fill="#6f42c1">{title}</polygon>'
    return f'<circle class="marker-echo" cx="{x}" cy="{y}" r="5" fill="#0d6efd">{title}</circle>'


def lvef_chart(
    *,
    measurements: Sequence[LvefMeasurement],
    baseline: LvefMeasurement | None,
    lln: Decimal,
    holds: Sequence[tuple[date, date | None, str]] = (),
    infusions: Sequence[date] = (),
    as_of: date,
    profile: Profile | None = None,
    next_due: date | None = None,
) -> SafeString:
    """SVG of LVEF over time. ``holds`` are (start, end or None, reason); records entered in
    error are left out by the caller. The decline bands are the hold criteria's falls of the
    patient's rule profile (issue 10 item 4; the US label's when the patient has none).
    Issue 13 item 18: holds are purple and hatched (cardiac) or grey and dotted (other), never
    the bands' yellow and pink, so that they read without colour; a "today" line and the next
    LVEF due date (``next_due``) are marked; no text under 12 px; month ticks fall on even
    calendar months (every 1, 2, 3, 6 or 12 months). Each point carries its value."""
    profile = profile or TRASTUZUMAB_US
    falls = _falls(profile)
    days = [m.date for m in measurements] + list(infusions) + [h[0] for h in holds]
    if not measurements:
        return mark_safe(  # noqa: S308 - constant text
            '<p class="text-muted">No LVEF measurement recorded yet.</p>'
        )
    start = min(days) - timedelta(days=14)
    end = max([*days, as_of, *([next_due] if next_due else [])]) + timedelta(days=14)
    values = [m.value for m in measurements] + [lln]
    if baseline:
        values.append(baseline.value - max(falls, default=Decimal(0)) - 2)
    low = min(Decimal(20), (min(values) // 10) * 10)
    high = max(Decimal(80), (max(values) // 10 + 1) * 10)
    s = _Scale(start, end, low, high)
    plot_right, plot_bottom = WIDTH - RIGHT, HEIGHT - BOTTOM
    parts = [_PATTERNS]

    # Hold periods (H2-H5): hatched from start to end, or to today while open.
    for hold_start, hold_end, reason in holds:
        x1, x2 = s.x(hold_start), s.x(min(hold_end or as_of, end))
        kind = "cardiac" if reason == "cardiac" else "other"
        parts.append(
            f'<rect class="hold hold-{kind}" x="{x1}" y="{TOP}" width="{max(x2 - x1, 2)}" '
            f'height="{plot_bottom - TOP}" fill="url(#hold-{kind}-pattern)" '
            f'stroke="{HOLD_STROKE[kind]}" stroke-width="1">'
            f"<title>{escape(reason)} hold from {_day(hold_start)}"
            f"{' to ' + _day(hold_end) if hold_end else ' (open)'}</title></rect>"
        )

    # Decline bands below the baseline (H1): from each fall the profile's hold criteria name
    # to the next, and beyond the largest; each says in words what its source says.
    if baseline:
        b = baseline.value
        y_b = s.y(b)
        edges = sorted(falls)
        for index, fall in enumerate(edges):
            y_top = s.y(b - fall)
            y_end = s.y(b - edges[index + 1]) if index + 1 < len(edges) else plot_bottom
            last = index + 1 == len(edges)
            parts.append(
                f'<rect class="band band-{index + 1}{" band-last" if last else ""}" x="{LEFT}" '
                f'y="{y_top}" width="{plot_right - LEFT}" height="{round(y_end - y_top, 1)}" '
                f'fill="{"#f5c2c7" if last else "#fff3cd"}" opacity="{0.5 if last else 0.8}">'
                f"<title>{escape(falls[fall])} (H1)</title></rect>"
            )
        parts.append(
            f'<line class="baseline" x1="{LEFT}" x2="{plot_right}" y1="{y_b}" y2="{y_b}" '
            f'stroke="#0d6efd" stroke-dasharray="6 3"/>'
            f'<text x="{plot_right - 4}" y="{y_b - 4}" text-anchor="end" font-size="{FONT}" '
            f'fill="#0a58ca">baseline {_num(b)}%</text>'
        )
    y_lln = s.y(lln)
    parts.append(
        f'<line class="lln" x1="{LEFT}" x2="{plot_right}" y1="{y_lln}" y2="{y_lln}" '
        f'stroke="#dc3545" stroke-width="1.5"/>'
        f'<text x="{LEFT + 4}" y="{y_lln - 4}" font-size="{FONT}" fill="#b02a37">'
        f"LLN {_num(lln)}%</text>"
    )

    # Axes and grid.
    tick = low
    while tick <= high:
        y = s.y(tick)
        parts.append(
            f'<line x1="{LEFT}" x2="{plot_right}" y1="{y}" y2="{y}" stroke="#dee2e6" '
            f'stroke-width="0.5"/><text x="{LEFT - 6}" y="{y + 4}" text-anchor="end" '
            f'font-size="{FONT}" fill="#495057">{tick}</text>'
        )
        tick += 10
    step = month_step(start, end)
    for month in month_ticks(start, end, step):
        x = s.x(month)
        label = f"{month:%b %Y}" if step < 12 else f"{month:%Y}"
        parts.append(
            f'<line class="month-tick" x1="{x}" x2="{x}" y1="{plot_bottom}" '
            f'y2="{plot_bottom + 4}" stroke="#495057"/><text class="month-label" x="{x}" '
            f'y="{plot_bottom + 17}" text-anchor="middle" font-size="{FONT}" '
            f'fill="#495057">{label}</text>'
        )
    parts.append(
        f'<line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{plot_bottom}" stroke="#495057"/>'
        f'<line x1="{LEFT}" x2="{plot_right}" y1="{plot_bottom}" y2="{plot_bottom}" '
        f'stroke="#495057"/>'
        f'<text x="12" y="{TOP + (plot_bottom - TOP) / 2}" font-size="{FONT}" fill="#495057" '
        f'transform="rotate(-90 12 {TOP + (plot_bottom - TOP) / 2})" text-anchor="middle">'
        f"LVEF %</text>"
    )

    # Infusions: ticks under the axis.
    for day in infusions:
        x = s.x(day)
        parts.append(
            f'<line class="infusion" x1="{x}" x2="{x}" y1="{plot_bottom + 22}" '
            f'y2="{plot_bottom + 32}" stroke="#6c757d" stroke-width="1.5">'
            f"<title>Infusion {_day(day)}</title></line>"
        )
    parts.append(
        f'<text x="{LEFT}" y="{HEIGHT - 2}" font-size="{FONT}" fill="#495057">'
        f"ticks: infusions · hatched purple: cardiac hold · dotted grey: other hold</text>"
    )

    # Today, and the next LVEF assessment due (S1-S5), as vertical lines with their dates.
    x_today = s.x(as_of)
    parts.append(
        f'<line class="today" x1="{x_today}" x2="{x_today}" y1="{TOP}" y2="{plot_bottom}" '
        f'stroke="#212529" stroke-width="1" stroke-dasharray="2 2"><title>Today, {_day(as_of)}'
        f'</title></line><text class="today-label" x="{x_today}" y="{TOP - 3}" '
        f'text-anchor="middle" font-size="{FONT}" fill="#212529">today</text>'
    )
    if next_due:
        x_due = s.x(next_due)
        anchor = "end" if x_due > plot_right - 120 else "start"
        dx = -3 if anchor == "end" else 3
        parts.append(
            f'<line class="next-due" x1="{x_due}" x2="{x_due}" y1="{TOP}" y2="{plot_bottom}" '
            f'stroke="#0a3f8c" stroke-width="2" stroke-dasharray="8 3"><title>Next LVEF due '
            f'{_day(next_due)}</title></line><text class="next-due-label" x="{x_due + dx}" '
            f'y="{plot_bottom - 5}" text-anchor="{anchor}" font-size="{FONT}" fill="#0a3f8c">'
            f"next LVEF due {_day(next_due)}</text>"
        )

    # The measurements: a line through them, a marker per modality.
    ordered = sorted(measurements, key=lambda m: (m.date, m.sequence))
    path = " ".join(f"{s.x(m.date)},{s.y(m.value)}" for m in ordered)
    parts.append(f'<polyline points="{path}" fill="none" stroke="#212529" stroke-width="1.5"/>')
    for m in ordered:
        modality = MODALITY_NAMES.get(m.modality, m.modality)
        label = f"LVEF {_num(m.value)}% by {modality} on {_day(m.date)}"
        x, y = s.x(m.date), s.y(m.value)
        parts.append(_marker(m.modality, x, y, label))
        # The value beside its point, for print and for readers who cannot hover (item 16).
        parts.append(
            f'<text class="point-value" x="{x}" y="{y - 9}" text-anchor="middle" '
            f'font-size="{FONT}" font-weight="bold" fill="#212529">{_num(m.value)}%</text>'
        )

    latest = ordered[-1]
    description = (
        f"{len(ordered)} LVEF measurements from {_day(ordered[0].date)} to {_day(latest.date)}; "
        f"latest {_num(latest.value)}% on {_day(latest.date)}"
        + (
            f"; baseline {_num(baseline.value)}% on {_day(baseline.date)}"
            if baseline
            else "; no baseline"
        )
        + f"; lower limit of normal {_num(lln)}%. "
        + "; ".join(
            f"{_day(m.date)}: {_num(m.value)}% ({MODALITY_NAMES.get(m.modality)})" for m in ordered
        )
        + "."
    )
    svg = (
        f'<svg class="lvef-chart" role="img" aria-labelledby="lvef-chart-title '
        f'lvef-chart-desc" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="lvef-chart-title">LVEF over time</title>'
        f'<desc id="lvef-chart-desc">{escape(description)}</desc>' + "".join(parts) + "</svg>"
    )
    return mark_safe(svg)  # noqa: S308 - every text inside is escaped or generated


def _num(value) -> str:
    from tracker.labels import number

    return number(value)


def _falls(profile: Profile) -> dict[Decimal, str]:
    """The falls from baseline (points) named by the profile's hold criteria, each with what its
    source says ("US label: withhold for a fall of 16 points or more")."""
    falls: dict[Decimal, str] = {}
    for test in profile.hold:
        fall = test.drop_at_least if test.drop_at_least is not None else test.drop_above
        if fall is not None and fall > 0:
            falls.setdefault(fall, f"{test.source}: {test.rule}")
    return falls


def band_legend(profile: Profile | None) -> str:
    """The chart's decline bands in words, for the legend under it: the lighter band from the
    smallest fall, the darker one beyond the largest (H1, the patient's rule profile)."""
    profile = profile or TRASTUZUMAB_US
    falls = sorted(_falls(profile).items())
    if not falls:
        return ""
    parts = [f"{fall} points or more below baseline ({text})" for fall, text in falls]
    return f"Shaded bands ({profile.name}): " + "; ".join(parts) + "."

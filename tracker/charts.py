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

WIDTH, HEIGHT = 760, 300
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 16, 46
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
) -> SafeString:
    """SVG of LVEF over time. ``holds`` are (start, end or None, reason); records entered in
    error are left out by the caller. The decline bands are the hold criteria's falls of the
    patient's rule profile (issue 10 item 4; the US label's when the patient has none)."""
    profile = profile or TRASTUZUMAB_US
    falls = _falls(profile)
    days = [m.date for m in measurements] + list(infusions) + [h[0] for h in holds]
    if not measurements:
        return mark_safe(  # noqa: S308 - constant text
            '<p class="text-muted">No LVEF measurement recorded yet.</p>'
        )
    start = min(days) - timedelta(days=14)
    end = max([*days, as_of]) + timedelta(days=14)
    values = [m.value for m in measurements] + [lln]
    if baseline:
        values.append(baseline.value - max(falls, default=Decimal(0)) - 2)
    low = min(Decimal(20), (min(values) // 10) * 10)
    high = max(Decimal(80), (max(values) // 10 + 1) * 10)
    s = _Scale(start, end, low, high)
    plot_right, plot_bottom = WIDTH - RIGHT, HEIGHT - BOTTOM
    parts = []

    # Hold periods (H2-H5): shaded from start to end, or to today while open.
    for hold_start, hold_end, reason in holds:
        x1, x2 = s.x(hold_start), s.x(min(hold_end or as_of, end))
        colour = "#f8d7da" if reason == "cardiac" else "#e2e3e5"
        parts.append(
            f'<rect class="hold" x="{x1}" y="{TOP}" width="{max(x2 - x1, 2)}" '
            f'height="{plot_bottom - TOP}" fill="{colour}" opacity="0.7">'
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
            f'<text x="{plot_right - 4}" y="{y_b - 4}" text-anchor="end" font-size="11" '
            f'fill="#0d6efd">baseline {b}%</text>'
        )
    y_lln = s.y(lln)
    parts.append(
        f'<line class="lln" x1="{LEFT}" x2="{plot_right}" y1="{y_lln}" y2="{y_lln}" '
        f'stroke="#dc3545" stroke-width="1.5"/>'
        f'<text x="{LEFT + 4}" y="{y_lln - 4}" font-size="11" fill="#dc3545">LLN {lln}%</text>'
    )

    # Axes and grid.
    tick = low
    while tick <= high:
        y = s.y(tick)
        parts.append(
            f'<line x1="{LEFT}" x2="{plot_right}" y1="{y}" y2="{y}" stroke="#dee2e6" '
            f'stroke-width="0.5"/><text x="{LEFT - 6}" y="{y + 4}" text-anchor="end" '
            f'font-size="11" fill="#495057">{tick}</text>'
        )
        tick += 10
    month = date(start.year, start.month, 1)
    step = max(1, round((end - start).days / 30 / 8))
    while month <= end:
        if month >= start:
            x = s.x(month)
            parts.append(
                f'<line x1="{x}" x2="{x}" y1="{plot_bottom}" y2="{plot_bottom + 4}" '
                f'stroke="#495057"/><text x="{x}" y="{plot_bottom + 16}" text-anchor="middle" '
                f'font-size="10" fill="#495057">{month:%b %Y}</text>'
            )
        year, index = divmod(month.month - 1 + step, 12)
        month = date(month.year + year, index + 1, 1)
    parts.append(
        f'<line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{plot_bottom}" stroke="#495057"/>'
        f'<line x1="{LEFT}" x2="{plot_right}" y1="{plot_bottom}" y2="{plot_bottom}" '
        f'stroke="#495057"/>'
        f'<text x="12" y="{TOP + (plot_bottom - TOP) / 2}" font-size="11" fill="#495057" '
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
        f'<text x="{LEFT}" y="{HEIGHT - 2}" font-size="10" fill="#6c757d">'
        f"ticks: infusions · shaded: holds (red cardiac, grey other)</text>"
    )

    # The measurements: a line through them, a marker per modality.
    ordered = sorted(measurements, key=lambda m: (m.date, m.sequence))
    path = " ".join(f"{s.x(m.date)},{s.y(m.value)}" for m in ordered)
    parts.append(f'<polyline points="{path}" fill="none" stroke="#212529" stroke-width="1.5"/>')
    for m in ordered:
        modality = MODALITY_NAMES.get(m.modality, m.modality)
        label = f"LVEF {_num(m.value)}% by {modality} on {_day(m.date)}"
        parts.append(_marker(m.modality, s.x(m.date), s.y(m.value), label))

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

"""Issue 13 item 18 (and 16's point values): the chart's own output."""

import re
from datetime import date
from decimal import Decimal

import pytest

from tracker.charts import lvef_chart, month_step, month_ticks
from tracker.monitoring import LvefMeasurement


def _m(day, value, sequence=1):
    return LvefMeasurement(date=day, value=Decimal(value), modality="echo", sequence=sequence)


def chart(**kw):
    measurements = kw.pop(
        "measurements",
        [_m(date(2026, 1, 5), "62", 1), _m(date(2026, 4, 2), "48", 2)],
    )
    return str(
        lvef_chart(
            measurements=measurements,
            baseline=measurements[0],
            lln=Decimal("50"),
            as_of=kw.pop("as_of", date(2026, 5, 1)),
            **kw,
        )
    )


def test_cardiac_holds_have_their_own_colour_and_a_pattern_not_the_bands():
    svg = chart(
        holds=[(date(2026, 4, 3), None, "cardiac"), (date(2026, 2, 1), date(2026, 2, 10), "other")]
    )
    cardiac = re.search(r'<rect class="hold hold-cardiac"[^>]*>', svg).group(0)
    other = re.search(r'<rect class="hold hold-other"[^>]*>', svg).group(0)
    assert 'fill="url(#hold-cardiac-pattern)"' in cardiac
    assert 'fill="url(#hold-other-pattern)"' in other
    assert '<pattern id="hold-cardiac-pattern"' in svg and '<pattern id="hold-other-pattern"' in svg
    band_fills = set(re.findall(r'<rect class="band[^"]*"[^>]*fill="([^"]+)"', svg))
    assert band_fills and not band_fills & {"url(#hold-cardiac-pattern)", "#e0cffc"}
    pattern = svg[svg.index('<pattern id="hold-cardiac-pattern"') : svg.index("</pattern>")]
    assert not set(re.findall(r'fill="(#[0-9a-f]+)"', pattern)) & band_fills


def test_today_and_the_next_due_date_are_marked():
    svg = chart(next_due=date(2026, 7, 2))
    assert re.search(r'<line class="today"[^>]*><title>Today, 1 May 2026</title>', svg)
    assert '<line class="next-due"' in svg
    assert "next LVEF due 2 Jul 2026" in svg
    # The next due date widens the chart to show it.
    x_due = float(re.search(r'<line class="next-due" x1="([\d.]+)"', svg).group(1))
    assert x_due < 760
    assert '<line class="next-due"' not in chart()


def test_no_text_under_12_px():
    svg = chart(holds=[(date(2026, 4, 3), None, "cardiac")], next_due=date(2026, 7, 2))
    sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)"', svg)]
    assert sizes and min(sizes) >= 12


def test_points_carry_their_values():
    svg = chart()
    assert re.findall(r'<text class="point-value"[^>]*>([^<]+)</text>', svg) == ["62%", "48%"]


@pytest.mark.parametrize(
    ("start", "end", "step"),
    [
        (date(2026, 1, 1), date(2026, 6, 30), 1),
        (date(2026, 1, 1), date(2026, 8, 31), 1),
        (date(2026, 1, 1), date(2026, 9, 30), 2),
        (date(2026, 1, 1), date(2027, 6, 30), 3),
        (date(2024, 1, 1), date(2027, 6, 30), 6),
        (date(2020, 1, 1), date(2027, 6, 30), 12),
        (date(2010, 1, 1), date(2027, 6, 30), 36),
    ],
)
def test_month_ticks_are_even_on_long_histories(start, end, step):
    assert month_step(start, end) == step
    ticks = month_ticks(start, end, step)
    assert 2 <= len(ticks) <= 8
    months = [t.year * 12 + t.month - 1 for t in ticks]
    gaps = {b - a for a, b in zip(months, months[1:], strict=False)}
    assert gaps == {step}
    assert all((t.month - 1) % min(step, 12) == 0 for t in ticks)


def test_a_long_history_has_even_month_ticks_in_the_svg():
    measurements = [_m(date(2023, 3, 10), "60", 1), _m(date(2026, 2, 20), "58", 2)]
    svg = chart(measurements=measurements, as_of=date(2026, 3, 1))
    labels = re.findall(r'<text class="month-label"[^>]*>([^<]+)</text>', svg)
    assert labels and all(label.split()[0] in {"Jan", "Jul"} for label in labels), labels

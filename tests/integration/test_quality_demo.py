"""The demo clinic gives a non-trivial quality dashboard (issue 14, "Done when": some measures
met, some not) for the default quarter, whatever today's date: the demo is dated relative to
today, the quarters are not, so the check runs at every week of a year."""

import dataclasses
from datetime import date, timedelta

import pytest

from devdata.demo import demo_document
from tracker import interchange, selectors, services
from tracker.monitoring.quality import quality_measures
from tracker.selectors.quality import last_complete_quarter

pytestmark = pytest.mark.django_db


def shifted(value, days: int):
    """A record with every date moved by ``days`` (the demo as demo_document(today + days))."""
    if isinstance(value, date):
        return value + timedelta(days=days)
    if isinstance(value, tuple):
        return tuple(shifted(v, days) for v in value)
    if dataclasses.is_dataclass(value):
        changes = {f.name: shifted(getattr(value, f.name), days) for f in dataclasses.fields(value)}
        return dataclasses.replace(value, **changes)
    return value


@pytest.fixture(scope="module")
def demo_records(django_db_setup, django_db_blocker):
    today = date.today()
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            interchange.import_document(demo_document(today), actor=services.import_actor())
            records = list(selectors.load_records(selectors.active_patients()).values())
            transaction.set_rollback(True)
    return today, records


def dashboard(records, today):
    period = last_complete_quarter(today)
    return {m.id: m for m in quality_measures(records, period.start, period.end, today)}


def test_the_default_quarter_of_today_shows_measures_met_and_not_met(demo_records):
    today, records = demo_records
    measures = dashboard(records, today)
    assert any(m.numerator > 0 for m in measures.values())
    assert any(m.not_met for m in measures.values())
    assert sum(m.denominator > 0 for m in measures.values()) >= 4


@pytest.mark.parametrize("weeks", range(0, 53, 6))
def test_every_week_of_a_year_too(demo_records, weeks):
    today, records = demo_records
    days = 7 * weeks
    measures = dashboard([shifted(r, days) for r in records], today + timedelta(days=days))
    met = [i for i, m in measures.items() if m.numerator > 0]
    missed = [i for i, m in measures.items() if m.not_met]
    assert met and missed, (today + timedelta(days=days), met, missed)
    assert any(m.percent is not None and m.percent < 100 for m in measures.values())

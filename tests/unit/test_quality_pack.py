"""The stored form of quality items (issue 14 item 4): pack and unpack give back the same
figures and the same listed items, and several packs make one owner."""

from datetime import date

import pytest

from tracker.monitoring import quality
from tracker.monitoring.quality import MET, NOT_MET, PENDING, Item, ItemStore, pack, unpack

DAY = date(2026, 3, 31)
ITEMS = [
    Item("Q1", "A1", MET, date(2026, 1, 5)),
    Item("Q1s", "A1", MET, date(2026, 1, 5)),
    Item("Q2", "A1", NOT_MET, date(2026, 3, 1), "No LVEF (Q2)."),
    Item("Q7", "A1", NOT_MET, DAY, "36 days overdue (S6, Q7).", 36),
    Item("Q5", "A1", PENDING, date(2026, 3, 20), "Review window open (Q5)."),
]


def test_pack_counts_the_met_and_keeps_the_others_whole():
    met, others = pack(ITEMS)
    assert met == [["Q1", "2026-01-05", 1], ["Q1s", "2026-01-05", 1]]
    assert others[1] == ["Q7", NOT_MET, "2026-03-31", "36 days overdue (S6, Q7).", 36]
    assert len(others) == 3


@pytest.mark.parametrize("split", [1, 2, 4])
def test_packs_read_back_as_the_same_store(split):
    packs = [pack(ITEMS[:split]), pack(ITEMS[split:])]
    store = ItemStore()
    store.replace_packed("A1", "A1", packs)
    whole = ItemStore(ITEMS)
    for start, end in [(date(2026, 1, 1), DAY), (date(2026, 3, 1), date(2026, 3, 1))]:
        assert store.measures(start, end, DAY) == whole.measures(start, end, DAY)
    for measure in quality.MEASURE_IDS:
        assert store.chosen(measure, date(2026, 1, 1), DAY, DAY) == whole.chosen(
            measure, date(2026, 1, 1), DAY, DAY
        )


def test_unpack_adds_up_the_same_met_day_of_several_packs():
    met, others = unpack("A1", [pack(ITEMS[:1]), pack(ITEMS[:1])])
    assert met[("Q1", date(2026, 1, 5))] == 2
    assert others == {}


def test_an_owner_replaced_by_packs_is_removed_whole():
    store = ItemStore()
    store.replace_packed("A1", "A1", [pack(ITEMS)])
    store.remove("A1")
    assert store.measures(date(2026, 1, 1), DAY, DAY) == ItemStore().measures(
        date(2026, 1, 1), DAY, DAY
    )


def test_the_days_read_are_parsed_once_and_the_memo_stays_bounded(monkeypatch):
    monkeypatch.setattr(quality, "_DAYS", {})
    first = quality._day("2026-03-31")
    assert quality._day("2026-03-31") is first
    monkeypatch.setattr(quality, "_DAYS", {str(i): DAY for i in range(100_001)})
    assert quality._day("2026-01-05") == date(2026, 1, 5)
    assert len(quality._DAYS) == 1  # started again past 100,000 days

"""Issue 13 item 7: the order in which people read the flags, and the exposure facts as
information (display only; the report keeps the codes sorted)."""

from tracker.monitoring import FLAGS
from tracker.monitoring.flags import ACTION_SEVERITIES, FACT, URGENCY, by_urgency

EXPOSURE_FACTS = {"ANTHRACYCLINE_EXPOSURE", "CYCLOPHOSPHAMIDE_EXPOSURE"}
EXPOSURE_FACTS |= {"ANTHRACYCLINE_AND_CYCLOPHOSPHAMIDE"}


def test_urgency_ranks_every_flag_once():
    assert sorted(URGENCY) == sorted(FLAGS)


def test_severe_lvef_first_and_exposure_facts_last():
    assert URGENCY[0] == "LVEF_SEVERE"
    assert set(URGENCY[-len(EXPOSURE_FACTS) :]) == EXPOSURE_FACTS


def test_exposure_facts_are_information_not_alarms():
    for code in EXPOSURE_FACTS:
        assert FLAGS[code].severity == FACT
        assert FLAGS[code].severity not in ACTION_SEVERITIES


def test_by_urgency_orders_codes_and_flags():
    codes = ["ANTHRACYCLINE_EXPOSURE", "ASSESSMENT_OVERDUE", "LVEF_SEVERE"]
    assert by_urgency(codes) == ["LVEF_SEVERE", "ASSESSMENT_OVERDUE", "ANTHRACYCLINE_EXPOSURE"]
    flags = [FLAGS[c] for c in codes]
    assert [f.code for f in by_urgency(flags)] == by_urgency(codes)

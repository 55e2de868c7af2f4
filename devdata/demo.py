"""Demo clinic: 47 patients as an import document (../shared/interchange.md).

Standard library only. Every date is computed from ``today``, so the demo shows the same picture
whatever day it is built: most patients are routine (active, assessment ok, continue), and the
problem cases among them raise every flag of clinical-rules.md (version 2) at ``today`` and show
every phase, recommendation, assessment status, co-treatment risk and every rule profile the
``us_label`` rule set can select (section 4); under ``eu_smpc`` the trastuzumab patients take
the EU SmPC profile.

``DEMO_EXPECTATIONS`` says, per MRN, what the demo was designed to show when evaluated at the
``today`` it was built for (``flags``: the complete sorted set). Day offsets keep a margin of
several days from every threshold, so months of 28 to 31 days do not change the picture.
"""

from __future__ import annotations

import datetime as dt
import random

# Trastuzumab IV (and the trastuzumab of pertuzumab + trastuzumab, pertuzumab 840/420 mg aside):
# mg/kg for the loading dose and the maintenance doses, by schedule.
_IV_MG_PER_KG = {"every_3_weeks": (8, 6), "weekly": (4, 2)}
_MG_PER_KG = {
    "trastuzumab": _IV_MG_PER_KG,
    "pertuzumab_trastuzumab": _IV_MG_PER_KG,
    "trastuzumab_emtansine": {"every_3_weeks": (3.6, 3.6)},
    "trastuzumab_deruxtecan": {"every_3_weeks": (5.4, 5.4)},
}
_SC_DOSE_MG = 600  # trastuzumab SC: fixed dose, no loading dose, injected over about 5 minutes
# Phesgo (pertuzumab_trastuzumab_sc): fixed SC doses, 1200 mg pertuzumab / 600 mg trastuzumab
# loading (about 8 minutes), then 600 / 600 mg (about 5 minutes). ``dose_mg`` is the trastuzumab
# component, 600 mg, as for the IV combination, where it is the trastuzumab dose alone.
_PHESGO_TRASTUZUMAB_MG = 600
_PHESGO_MINUTES = (8, 5)  # loading, maintenance
_PHESGO_RELOAD_GAP = 42  # D1 (Phesgo label): 6 weeks or more since the last dose: re-load
_LOADING_AGENTS = ("trastuzumab", "pertuzumab_trastuzumab", "pertuzumab_trastuzumab_sc")
_INTERVAL = {"weekly": 7, "every_3_weeks": 21}
_ADJUVANT_CYCLES = 18  # a year, every three weeks

# MRN: given name, family name, date of birth, sex.
_PEOPLE = {
    "D1001": ("Margaret", "Ellison", "1968-03-14", "female"),
    "D1002": ("Priya", "Raman", "1975-11-02", "female"),
    "D1003": ("Helen", "O'Connor", "1961-07-23", "female"),
    "D1004": ("Sofia", "Marquez", "1982-01-30", "female"),
    "D1005": ("Ingrid", "Halvorsen", "1958-09-09", "female"),
    "D1006": ("Aiko", "Tanaka", "1979-04-18", "female"),
    "D1007": ("Grace", "Okafor", "1953-12-05", "female"),
    "D1008": ("Elaine", "Whitfield", "1949-06-27", "female"),
    "D1009": ("Rajesh", "Kumar", "1956-02-11", "male"),
    "D1010": ("Tomasz", "Nowak", "1951-10-03", "male"),
    "D1011": ("Anne", "Lefebvre", "1966-06-01", "female"),
    "D1012": ("Rachel", "Goldberg", "1986-10-25", "female"),
    "D1013": ("Claire", "Dubois", "1970-08-16", "female"),
    "D1014": ("Fatima", "Haddad", "1984-05-21", "female"),
    "D1015": ("Robert", "Fischer", "1947-03-08", "male"),
    "D1016": ("Lucia", "Bianchi", "1964-11-29", "female"),
    "D1017": ("Nadia", "Petrova", "1973-02-14", "female"),
    "D1018": ("Joan", "Mitchell", "1960-05-05", "female"),
    "D1019": ("Mei", "Lin", "1977-09-12", "female"),
    "D1020": ("Barbara", "Kowalski", "1955-01-19", "female"),
    "D1021": ("Olivia", "Brennan", "1988-07-07", "female"),
    "D1022": ("Amira", "Saleh", "1990-03-03", "female"),
    "D1023": ("Deborah", "Hughes", "1963-04-12", "female"),
    "D1024": ("Chloe", "Martin", "1981-08-30", "female"),
    "D1025": ("Patricia", "Sullivan", "1957-12-17", "female"),
    "D1026": ("Sarah", "Lindqvist", "1969-05-08", "female"),
    "D1027": ("Karen", "Novak", "1972-09-26", "female"),
    "D1028": ("Emma", "Schneider", "1978-01-09", "female"),
    "D1029": ("Linda", "Foster", "1959-11-11", "female"),
    "D1030": ("Susan", "Caldwell", "1954-07-04", "female"),
    "D1031": ("Maria", "Gonzalez", "1967-03-22", "female"),
    "D1032": ("Janet", "Morrison", "1950-10-30", "female"),
    "D1033": ("Yvonne", "Baptiste", "1948-04-16", "female"),
    "D1034": ("Hannah", "Weber", "1983-06-15", "female"),
    "D1035": ("Victoria", "Adeyemi", "1976-02-27", "female"),
    "D1036": ("Laura", "Rossi", "1974-12-01", "female"),
    "D1037": ("Gloria", "Mendes", "1946-11-20", "female"),
    "D1038": ("Monique", "Laurent", "1965-09-14", "female"),
    "D1039": ("Carol", "Jennings", "1962-01-31", "female"),
    "D1040": ("Dorothy", "Palmer", "1952-08-08", "female"),
    "D1041": ("Isabel", "Moreau", "1980-02-19", "female"),
    "D1042": ("Ruth", "Abernathy", "1958-06-24", "female"),
    "D1043": ("Naomi", "Fletcher", "1985-10-08", "female"),
    "D1044": ("Eleanor", "Vasquez", "1961-03-29", "female"),
    "D1045": ("Teresa", "Kaminski", "1971-12-13", "female"),
    "D1046": ("Julia", "Andersson", "1976-07-02", "female"),
    "D1047": ("Frances", "Delacroix", "1957-05-17", "female"),
}


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _patient(mrn: str, courses: list[dict], lvef: list[dict], cotreatments=()) -> dict:
    given, family, born, sex = _PEOPLE[mrn]
    return {
        "mrn": mrn,
        "given_name": given,
        "family_name": family,
        "date_of_birth": born,
        "sex": sex,
        "courses": courses,
        "lvef": sorted(lvef, key=lambda m: m["date"]),
        "cotreatments": list(cotreatments),
    }


class _Clinic:
    """The record builders, with day arithmetic relative to ``today``."""

    def __init__(self, today: dt.date):
        self.today = today

    def ago(self, n: int) -> dt.date:
        return self.today - _days(n)

    def ahead(self, n: int) -> dt.date:
        return self.today + _days(n)

    # -- HER2 courses --------------------------------------------------------------------------

    def schedule(self, first, interval, until=None, count=None, pauses=()) -> list[dt.date]:
        """Dates every ``interval`` days from ``first`` up to ``until`` (today by default) or
        ``count`` dates; none inside a pause [start, end): resume on its end, or stop for an open
        pause (end None)."""
        until = min(until or self.today, self.today)
        dates = []
        day = first
        while day <= until and (count is None or len(dates) < count):
            pause = next((p for p in pauses if p[0] <= day and (p[1] is None or day < p[1])), None)
            if pause is None:
                dates.append(day)
                day += _days(interval)
            elif pause[1] is None:
                break
            else:
                day = pause[1]
        return dates

    @staticmethod
    def infusions(agent, schedule, dates, kg, mild=()) -> list[dict]:
        """A loading dose (IV) on the first infusion and after a gap longer than the interval
        + 7 days (EU SmPC, missed doses): 90 minutes, then 30; Phesgo: on the first and after
        6 weeks or more (D1). ``mild``: indexes of infusions with a mild reaction."""
        records = []
        for index, day in enumerate(dates):
            gap = (day - dates[index - 1]).days if index else None
            if agent == "pertuzumab_trastuzumab_sc":
                restart = gap is None or gap >= _PHESGO_RELOAD_GAP
            else:
                restart = gap is None or gap > _INTERVAL[schedule] + 7
            if agent == "trastuzumab_sc":
                dose, minutes = _SC_DOSE_MG, 5
            elif agent == "pertuzumab_trastuzumab_sc":
                dose, minutes = _PHESGO_TRASTUZUMAB_MG, _PHESGO_MINUTES[0 if restart else 1]
            else:
                loading, maintenance = _MG_PER_KG[agent][schedule]
                dose = round(kg * (loading if restart else maintenance))
                minutes = 90 if restart else 30
            records.append(
                {
                    "date": _iso(day),
                    "dose_mg": dose,
                    "weight_kg": kg,
                    "duration_minutes": minutes,
                    "loading_dose": restart and agent in _LOADING_AGENTS,
                    "reaction": "mild" if index in mild else "none",
                }
            )
        return records

    @staticmethod
    def course(agent, intent, schedule, planned_start, infusions=(), holds=(), end=None) -> dict:
        """``holds``: (start, end or None, reason); ``end``: (date, reason) or None."""
        return {
            "agent": agent,
            "intent": intent,
            "schedule": schedule,
            "planned_start": _iso(planned_start),
            "end_date": _iso(end[0]) if end else None,
            "end_reason": end[1] if end else None,
            "infusions": list(infusions),
            "holds": [{"start": _iso(s), "end": _iso(e), "reason": r} for s, e, r in holds],
        }

    def her2(
        self,
        first: dt.date,
        kg: float,
        *,
        agent: str = "trastuzumab",
        intent: str = "adjuvant",
        schedule: str = "every_3_weeks",
        until: dt.date | None = None,
        count: int | None = None,
        pauses=(),
        extra=(),
        mild=(),
        holds=(),
        end=None,
    ) -> dict:
        """A started course: infusions on schedule from ``first`` (see ``schedule``), plus the
        ``extra`` infusion dates."""
        dates = self.schedule(first, _INTERVAL[schedule], until, count, pauses) + list(extra)
        infusions = self.infusions(agent, schedule, dates, kg, mild)
        return self.course(agent, intent, schedule, first, infusions, holds, end)

    # -- LVEF and co-treatments ----------------------------------------------------------------

    @staticmethod
    def lvef(day: dt.date, value: float, modality: str = "echo", gls: float | None = None):
        record = {"date": _iso(day), "value": value, "modality": modality}
        if gls is not None:
            record["gls"] = gls
        return record

    def follow_up(self, mrn, baseline, days, modality="echo", gls=None) -> list[dict]:
        """Unremarkable assessments on ``days``: within a few points of the baseline."""
        rng = random.Random(mrn)
        return [
            self.lvef(
                day,
                baseline + rng.choice((-3, -2, -1, -1, 0, 0, 1, 2)),
                modality,
                None if gls is None else round(gls + rng.choice((-0.6, -0.3, 0, 0.2, 0.5)), 1),
            )
            for day in days
        ]

    @staticmethod
    def every_12_weeks(after: dt.date, latest: dt.date) -> list[dt.date]:
        """Assessment dates every 84 days back from ``latest``, all after ``after``."""
        days = []
        while latest > after:
            days.insert(0, latest)
            latest -= _days(84)
        return days

    @staticmethod
    def drug(drug: str, start: dt.date, end: dt.date | None, dose: float | None) -> dict:
        record = {"drug": drug, "start": _iso(start), "end": _iso(end)}
        if dose is not None:
            record["cumulative_dose_mg_m2"] = dose
        return record

    def ac(self, end: dt.date, cycles: int = 4, interval: int = 21) -> list[dict]:
        """AC: doxorubicin 60 and cyclophosphamide 600 mg/m2 a cycle, the last on ``end``."""
        start = end - _days(interval * (cycles - 1))
        return [
            self.drug("doxorubicin", start, end, 60 * cycles),
            self.drug("cyclophosphamide", start, end, 600 * cycles),
        ]

    def fec(self, end: dt.date) -> list[dict]:
        """FEC100 x 6: epirubicin 100 and cyclophosphamide 500 mg/m2 a cycle."""
        start = end - _days(21 * 5)
        return [
            self.drug("epirubicin", start, end, 600),
            self.drug("cyclophosphamide", start, end, 3000),
        ]


# -- routine patients ------------------------------------------------------------------------


def _on_treatment(
    c: _Clinic,
    mrn: str,
    *,
    kg: float,
    started: int,
    echo: int | None,
    lvef: float,
    modality: str = "echo",
    gls: float | None = None,
    prior: str | None = None,
    **course,
) -> dict:
    """On treatment since ``started`` days ago, infusions on schedule, baseline ``lvef`` ten
    days before the first, then assessments every 12 weeks, the latest ``echo`` days ago (None:
    only the baseline so far). ``prior``: "AC" (ending 3-4 weeks before trastuzumab, with an echo
    before it) or "FEC" (adjuvant, years before this metastatic course)."""
    first = c.ago(started)
    measurements = [c.lvef(first - _days(10), lvef, modality, gls)]
    if echo is not None:
        days = c.every_12_weeks(first + _days(28), c.ago(echo))
        measurements += c.follow_up(mrn, lvef, days, modality, gls)
    cotreatments = []
    if prior == "AC":
        cotreatments = c.ac(first - _days(24))
        measurements.append(c.lvef(first - _days(94), lvef + 2, modality, gls))
    elif prior == "FEC":
        cotreatments = c.fec(first - _days(2200))
    return _patient(mrn, [c.her2(first, kg, **course)], measurements, cotreatments)


def _after_treatment(
    c: _Clinic,
    mrn: str,
    *,
    kg: float,
    ended: int,
    lvef: float,
    follow_up: tuple[int, ...],
    prior: str | None = None,
    agent: str = "trastuzumab",
) -> dict:
    """A year of adjuvant treatment completed ``ended`` days ago: assessments every 12 weeks,
    the completion assessment a week before the end, then ``follow_up`` (days after the end)."""
    end = c.ago(ended)
    first = end - _days(21 * (_ADJUVANT_CYCLES - 1))
    course = c.her2(first, kg, agent=agent, count=_ADJUVANT_CYCLES, end=(end, "completed"))
    days = [first + _days(n) for n in (80, 164, 248, 332)]
    days += [end + _days(n) for n in (-7, *follow_up)]
    measurements = [c.lvef(first - _days(12), lvef)] + c.follow_up(mrn, lvef, days)
    cotreatments = c.ac(first - _days(25)) if prior == "AC" else []
    return _patient(mrn, [course], measurements, cotreatments)


def _routine(c: _Clinic) -> list[dict]:
    """The everyday clinic: mostly on treatment, assessment ok, continue."""
    on = _on_treatment
    meta = "metastatic"
    neo = "neoadjuvant"
    pt = "pertuzumab_trastuzumab"
    sc = "trastuzumab_sc"
    return [
        on(c, "D1001", kg=68.0, started=150, echo=20, lvef=63, gls=-20.5, prior="AC"),
        on(c, "D1002", kg=58.5, started=40, echo=None, lvef=61, prior="AC", mild=(0,)),
        on(c, "D1003", kg=74.0, started=310, echo=35, lvef=60, prior="AC"),
        on(c, "D1004", kg=62.0, started=75, echo=8, lvef=64, gls=-21.4, agent=pt, intent=neo),
        on(c, "D1005", kg=71.5, started=200, echo=40, lvef=59, agent=sc, prior="AC"),
        on(c, "D1006", kg=52.0, started=120, echo=12, lvef=66, agent=sc),
        on(c, "D1007", kg=80.0, started=60, echo=5, lvef=58, gls=-19.0, schedule="weekly"),
        on(c, "D1008", kg=66.0, started=420, echo=30, lvef=57, agent=pt, intent=meta, prior="FEC"),
        on(c, "D1009", kg=72.0, started=130, echo=25, lvef=62, intent=meta),  # gastric
        on(c, "D1010", kg=84.5, started=250, echo=50, lvef=58, intent=meta, modality="muga"),
        _second_line(c),
        _katherine(c),
        on(c, "D1013", kg=64.0, started=190, echo=60, lvef=65, modality="cmr", gls=-21.8),
        on(c, "D1014", kg=59.0, started=230, echo=45, lvef=62, prior="AC", mild=(0, 1)),
        on(c, "D1015", kg=88.0, started=140, echo=33, lvef=56, intent=meta, schedule="weekly"),
        on(c, "D1016", kg=55.5, started=90, echo=10, lvef=60, intent=meta),  # gastric
        # ASSESSMENT_DUE_SOON: the 3-monthly echo falls due within the fortnight.
        on(c, "D1017", kg=69.0, started=250, echo=82, lvef=61, prior="AC"),
        _after_treatment(c, "D1018", kg=77.0, ended=150, lvef=62, follow_up=(), prior="AC"),
        _after_treatment(c, "D1019", kg=54.0, ended=400, lvef=64, follow_up=(175, 360), agent=sc),
        # Follow-up over: an assessment two years after the end of an early-stage course.
        _after_treatment(c, "D1020", kg=72.5, ended=800, lvef=60, follow_up=(180, 365, 545, 720)),
        _planned(c),
        _no_course(c),
    ]


def _second_line(c: _Clinic) -> dict:
    """Metastatic: pertuzumab + trastuzumab until progression, now trastuzumab deruxtecan."""
    first_line = c.schedule(c.ago(900), 21, until=c.ago(200))
    first = c.ago(180)
    courses = [
        c.her2(
            first_line[0],
            61.0,
            agent="pertuzumab_trastuzumab",
            intent="metastatic",
            until=first_line[-1],
            end=(first_line[-1], "discontinued"),
        ),
        c.her2(first, 59.5, agent="trastuzumab_deruxtecan", intent="metastatic"),
    ]
    days = c.every_12_weeks(c.ago(880), c.ago(200)) + c.every_12_weeks(c.ago(150), c.ago(15))
    lvef = [c.lvef(c.ago(910), 63), c.lvef(first - _days(8), 61)]
    return _patient("D1011", courses, lvef + c.follow_up("D1011", 62, days))


def _katherine(c: _Clinic) -> dict:
    """Neoadjuvant TCH (six cycles), surgery, then adjuvant trastuzumab emtansine."""
    neoadjuvant = c.schedule(c.ago(330), 21, count=6)
    first = c.ago(150)
    courses = [
        c.her2(
            neoadjuvant[0],
            70.0,
            intent="neoadjuvant",
            count=6,
            mild=(0,),
            end=(neoadjuvant[-1], "completed"),
        ),
        c.her2(first, 69.0, agent="trastuzumab_emtansine"),
    ]
    lvef = [
        c.lvef(c.ago(342), 64, gls=-20.8),
        c.lvef(c.ago(250), 62, gls=-20.1),
        c.lvef(first - _days(10), 63, gls=-20.4),
    ]
    days = c.every_12_weeks(first + _days(28), c.ago(22))
    return _patient("D1012", courses, lvef + c.follow_up("D1012", 63, days, gls=-20.4))


def _planned(c: _Clinic) -> dict:
    """AC finished last week, post-AC baseline echo done, trastuzumab starts in 12 days."""
    course = c.course("trastuzumab", "adjuvant", "every_3_weeks", c.ahead(12))
    lvef = [c.lvef(c.ago(80), 65, gls=-21.0), c.lvef(c.ago(3), 63, gls=-20.6)]
    return _patient("D1021", [course], lvef, c.ac(c.ago(9)))


def _no_course(c: _Clinic) -> dict:
    """Halfway through neoadjuvant AC; the HER2 course is not entered yet."""
    cotreatments = [
        c.drug("doxorubicin", c.ago(30), c.ago(9), 120),
        c.drug("cyclophosphamide", c.ago(30), c.ago(9), 1200),
    ]
    return _patient("D1022", [], [c.lvef(c.ago(35), 64)], cotreatments)


# -- problem cases ---------------------------------------------------------------------------


def _problems(c: _Clinic) -> list[dict]:
    """The cases the tracker is for; the comment above each says what it demonstrates."""
    patients = []
    add = patients.append

    # BASELINE_MISSING + overdue: on trastuzumab 7 weeks after AC, only the pre-AC echo exists.
    first = c.ago(50)
    lvef = [c.lvef(first - _days(100), 64)]
    add(_patient("D1023", [c.her2(first, 70.5)], lvef, c.ac(first - _days(24))))

    # BASELINE_MISSING, planned: TCHP starts in 10 days and no baseline echo is recorded.
    course = c.course("pertuzumab_trastuzumab", "neoadjuvant", "every_3_weeks", c.ahead(10))
    add(_patient("D1024", [course], []))

    # BASELINE_BELOW_LLN: post-AC baseline 48%, started after cardio-oncology review.
    first = c.ago(100)
    lvef = [c.lvef(first - _days(100), 57), c.lvef(first - _days(10), 48), c.lvef(c.ago(20), 51)]
    add(_patient("D1025", [c.her2(first, 82.0)], lvef, c.ac(first - _days(24))))

    # BASELINE_BEFORE_ANTHRACYCLINE: dose-dense AC, the only baseline is the pre-AC echo.
    first = c.ago(100)
    lvef = [c.lvef(first - _days(62), 64), c.lvef(c.ago(15), 60)]
    course = c.her2(first, 63.5, schedule="weekly")
    add(_patient("D1026", [course], lvef, c.ac(first - _days(14), interval=14)))

    # MODALITY_MISMATCH: poor echo window, the latest assessment is a MUGA.
    first = c.ago(140)
    lvef = [c.lvef(first - _days(9), 60), c.lvef(c.ago(60), 59), c.lvef(c.ago(12), 56, "muga")]
    add(_patient("D1027", [c.her2(first, 96.0)], lvef))

    # GLS_DECLINE: LVEF still normal, GLS -21.0 -> -17.4 (17% relative decline; CTRCD mild).
    first = c.ago(170)
    lvef = [
        c.lvef(first - _days(10), 62, gls=-21.0),
        c.lvef(c.ago(90), 61, gls=-20.4),
        c.lvef(c.ago(7), 58, gls=-17.4),
    ]
    add(_patient("D1028", [c.her2(first, 61.0, agent="trastuzumab_sc")], lvef))

    # HOLD_NOT_ACTIONED: LVEF 62 -> 45 six weeks ago, two infusions given since; hold advised.
    # Rules v2 S3: the repeat LVEF is due 4 weeks after a hold-level decline, recorded hold or
    # not, so the repeat is overdue as well (as in worked example 2).
    first = c.ago(160)
    lvef = [c.lvef(first - _days(12), 62), c.lvef(c.ago(80), 60), c.lvef(c.ago(45), 45)]
    add(_patient("D1029", [c.her2(first, 75.0)], lvef))

    # LVEF_SEVERE: LVEF 37 two weeks ago, cardiac hold open, repeat echo due within days.
    first, low = c.ago(130), c.ago(18)
    course = c.her2(first, 78.5, pauses=[(low, None)], holds=[(c.ago(15), None, "cardiac")])
    lvef = [c.lvef(first - _days(10), 60), c.lvef(c.ago(60), 57), c.lvef(low, 37)]
    add(_patient("D1030", [course], lvef, c.ac(first - _days(24))))

    # RESUME_CRITERIA_MET: held 40 days for LVEF 46, now back to 55.
    first, low = c.ago(200), c.ago(43)
    course = c.her2(first, 65.0, pauses=[(low, None)], holds=[(c.ago(40), None, "cardiac")])
    lvef = [c.lvef(first - _days(10), 61), c.lvef(c.ago(120), 59), c.lvef(low, 46)]
    add(_patient("D1031", [course], lvef + [c.lvef(c.ago(6), 55)]))

    # PERSISTENT_DECLINE: held 10 weeks, LVEF still 44 (baseline 63): discontinue. US label:
    # the repeat 62 days after the hold's start has not recovered (persistent, H2). The latest is
    # not above the trigger (44), so under eu_smpc the hold ends in discontinue too ("not
    # improved", section 4 table), worded "strongly consider discontinuing".
    first, low = c.ago(220), c.ago(73)
    course = c.her2(first, 67.5, pauses=[(low, None)], holds=[(c.ago(70), None, "cardiac")])
    lvef = [c.lvef(first - _days(10), 63), c.lvef(c.ago(150), 60), c.lvef(low, 44)]
    lvef += [c.lvef(c.ago(40), 46), c.lvef(c.ago(8), 44)]
    add(_patient("D1032", [course], lvef, c.ac(first - _days(24))))

    # REPEATED_HOLDS: metastatic, a fourth cardiac hold opened this week: discontinue.
    add(_repeated_holds(c))

    # INFUSION_DURING_HOLD: held for breast reconstruction, dosed again, hold never closed.
    first, surgery = c.ago(180), c.ago(25)
    course = c.her2(
        first, 58.0, pauses=[(surgery, None)], extra=[c.ago(4)], holds=[(surgery, None, "other")]
    )
    lvef = [c.lvef(first - _days(11), 62), c.lvef(c.ago(100), 61), c.lvef(c.ago(30), 60)]
    add(_patient("D1034", [course], lvef))

    # RELOAD_DOSE_DUE: a cycle missed (shingles), last infusion five weeks ago.
    first = c.ago(203)
    lvef = [c.lvef(first - _days(10), 59), c.lvef(c.ago(125), 60), c.lvef(c.ago(40), 58)]
    add(_patient("D1035", [c.her2(first, 90.5, until=c.ago(30))], lvef, c.ac(first - _days(24))))

    # CONCURRENT_ANTHRACYCLINE: NOAH-style neoadjuvant doxorubicin given with trastuzumab.
    first = c.ago(120)
    lvef = [c.lvef(first - _days(8), 66), c.lvef(c.ago(30), 63)]
    doxorubicin = c.drug("doxorubicin", first, first + _days(42), 180)
    add(_patient("D1036", [c.her2(first, 60.0, intent="neoadjuvant")], lvef, [doxorubicin]))

    # ANTHRACYCLINE_AFTER_HER2 + HIGH_CUMULATIVE_ANTHRACYCLINE: liposomal doxorubicin started
    # six weeks after metastatic pertuzumab + trastuzumab stopped, on top of adjuvant AC.
    add(_anthracycline_after_her2(c))

    # ANTHRACYCLINE_DOSE_UNKNOWN: epirubicin at another hospital, dose not in the letter.
    first = c.ago(90)
    lvef = [c.lvef(first - _days(12), 61), c.lvef(c.ago(15), 60)]
    epirubicin = c.drug("epirubicin", first - _days(110), first - _days(47), None)
    add(_patient("D1038", [c.her2(first, 71.0)], lvef, [epirubicin]))

    # Discontinued after a cardiac hold without recovery; LVEF 53 now, 6-monthly follow-up.
    add(_discontinued(c))

    # Completed six weeks ago and the completion echo was never done: overdue.
    end = c.ago(45)
    first = end - _days(21 * (_ADJUVANT_CYCLES - 1))
    course = c.her2(first, 73.0, count=_ADJUVANT_CYCLES, end=(end, "completed"))
    lvef = [c.lvef(first - _days(10), 63)]
    lvef += [c.lvef(first + _days(n), v) for n, v in ((80, 62), (164, 61), (248, 60))]
    add(_patient("D1040", [course], lvef, c.ac(first - _days(24))))
    return patients


def _repeated_holds(c: _Clinic) -> dict:
    """Three cardiac holds with recovery each time, the fourth opened this week."""
    first = c.ago(420)
    # (days ago, LVEF) meeting H1; hold start; (days ago, LVEF) recovered; hold end.
    episodes = [
        ((333, 44), 330, (293, 53), 290),
        ((233, 45), 230, (193, 52), 190),
        ((143, 46), 140, (103, 51), 100),
    ]
    pauses = [(c.ago(low[0]), c.ago(end)) for low, _, _, end in episodes] + [(c.ago(10), None)]
    holds = [(c.ago(start), c.ago(end), "cardiac") for _, start, _, end in episodes]
    holds.append((c.ago(8), None, "cardiac"))
    course = c.her2(first, 63.0, intent="metastatic", pauses=pauses, holds=holds)
    lvef = [c.lvef(first - _days(12), 58), c.lvef(c.ago(380), 57)]
    for low, _, recovered, _ in episodes:
        lvef += [c.lvef(c.ago(low[0]), low[1]), c.lvef(c.ago(recovered[0]), recovered[1])]
    lvef += [c.lvef(c.ago(55), 52), c.lvef(c.ago(10), 45)]
    return _patient("D1033", [course], lvef)


def _anthracycline_after_her2(c: _Clinic) -> dict:
    """Adjuvant AC + trastuzumab six years ago; metastatic pertuzumab + trastuzumab stopped at
    progression three months ago (completion echo done: follow-up over, metastatic); since then
    pegylated liposomal doxorubicin."""
    adjuvant = c.schedule(c.ago(2300), 21, count=_ADJUVANT_CYCLES)
    metastatic = c.schedule(c.ago(400), 21, until=c.ago(90))
    courses = [
        c.her2(adjuvant[0], 66.0, count=_ADJUVANT_CYCLES, end=(adjuvant[-1], "completed")),
        c.her2(
            metastatic[0],
            62.0,
            agent="pertuzumab_trastuzumab",
            intent="metastatic",
            until=metastatic[-1],
            end=(metastatic[-1], "discontinued"),
        ),
    ]
    lvef = [c.lvef(c.ago(2310), 64), c.lvef(adjuvant[-1] - _days(10), 60)]
    lvef += [c.lvef(c.ago(n), v) for n, v in ((410, 61), (230, 60), (105, 58), (10, 57))]
    cotreatments = c.ac(c.ago(2325)) + [c.drug("doxorubicin", c.ago(60), c.ago(32), 100)]
    return _patient("D1037", courses, lvef, cotreatments)


def _discontinued(c: _Clinic) -> dict:
    """Adjuvant after AC; LVEF 62 -> 44, held, still 46 a month later: stopped 95 days ago."""
    first, end = c.ago(300), c.ago(95)
    course = c.her2(
        first,
        69.5,
        until=c.ago(156),
        holds=[(c.ago(150), end, "cardiac")],
        end=(end, "discontinued"),
    )
    lvef = [c.lvef(first - _days(10), 62), c.lvef(c.ago(215), 60), c.lvef(c.ago(155), 44)]
    lvef += [c.lvef(c.ago(120), 46), c.lvef(c.ago(30), 53)]
    return _patient("D1039", [course], lvef, c.ac(first - _days(24)))


# -- rules version 2: the new agent, profiles and flags ------------------------------------------


def _version_2(c: _Clinic) -> list[dict]:
    """Patients for what clinical-rules.md version 2 added: Phesgo, each agent's profile
    (section 4), BASELINE_LOW_NORMAL, LVEF_REPEAT_DUE, episodes across courses, D1 per agent and
    H4's second trigger."""
    on = _on_treatment
    phesgo = "pertuzumab_trastuzumab_sc"
    kadcyla = "trastuzumab_emtansine"
    patients = [
        # Phesgo, neoadjuvant (with docetaxel): profile pertuzumab_trastuzumab_sc_early.
        on(c, "D1041", kg=67.0, started=70, echo=6, lvef=63, agent=phesgo, intent="neoadjuvant"),
        # RELOAD_DOSE_DUE, Phesgo metastatic: two cycles missed (pneumonia), 7 weeks since the
        # last dose: D1 (Phesgo label) re-gives the initial dose after 6 weeks (42 days) or more.
        on(
            c,
            "D1042",
            kg=72.5,
            started=301,
            echo=52,
            lvef=60,
            agent=phesgo,
            intent="metastatic",
            until=c.ago(49),
        ),
        # Kadcyla, metastatic (second line): profile trastuzumab_emtansine_metastatic, routine.
        on(c, "D1044", kg=58.0, started=160, echo=30, lvef=61, agent=kadcyla, intent="metastatic"),
        # BASELINE_LOW_NORMAL (B3): post-AC baseline 54%, referred to cardio-oncology first.
        on(c, "D1045", kg=64.5, started=95, echo=18, lvef=54, prior="AC"),
    ]

    # LVEF_REPEAT_DUE (L5), Kadcyla adjuvant: 57 -> 48 (drop 9) is in the early-stage repeat
    # band (45 <= M < 50 and drop < 10): continue, repeat within 3 weeks (S3, 21 days).
    first = c.ago(120)
    lvef = [c.lvef(first - _days(10), 57), c.lvef(c.ago(45), 55), c.lvef(c.ago(10), 48)]
    patients.append(_patient("D1043", [c.her2(first, 66.0, agent=kadcyla)], lvef))

    patients.append(_switch_to_sc(c))
    patients.append(_fourth_suspension(c))
    return sorted(patients, key=lambda p: p["mrn"])


def _switch_to_sc(c: _Clinic) -> dict:
    """Switch IV -> SC trastuzumab (worked example 6): a second course, one episode (no gap over
    84 days), so F is the IV course's first infusion and the baseline stays 62%, not the 52% at
    the switch: the 10-point fall stays visible (drop 10, LVEF at LLN or above: no hold)."""
    iv_first, iv_last = c.ago(251), c.ago(62)
    courses = [
        c.her2(iv_first, 70.0, until=iv_last, end=(iv_last, "completed")),
        c.her2(c.ago(41), 70.0, agent="trastuzumab_sc"),
    ]
    courses[1]["planned_start"] = _iso(c.ago(45))  # planned before its first injection, as in WE 6
    lvef = [c.lvef(iv_first - _days(10), 62), c.lvef(c.ago(170), 60), c.lvef(c.ago(90), 57)]
    lvef.append(c.lvef(c.ago(48), 52))
    return _patient("D1046", courses, lvef)


def _fourth_suspension(c: _Clinic) -> dict:
    """REPEATED_HOLDS, second trigger (H4): three cardiac holds with recovery; this week's LVEF
    meets the hold criteria again and no hold is open: a fourth suspension would be needed,
    so discontinue (D1033 shows the first trigger, more than 3 holds)."""
    first = c.ago(400)
    episodes = [
        ((313, 44), 310, (273, 53), 270),
        ((213, 45), 210, (173, 52), 170),
        ((123, 46), 120, (83, 51), 80),
    ]
    pauses = [(c.ago(low[0]), c.ago(end)) for low, _, _, end in episodes] + [(c.ago(8), None)]
    holds = [(c.ago(start), c.ago(end), "cardiac") for _, start, _, end in episodes]
    course = c.her2(first, 61.0, intent="metastatic", pauses=pauses, holds=holds)
    lvef = [c.lvef(first - _days(11), 58)]
    for low, _, recovered, _ in episodes:
        lvef += [c.lvef(c.ago(low[0]), low[1]), c.lvef(c.ago(recovered[0]), recovered[1])]
    lvef += [c.lvef(c.ago(40), 52), c.lvef(c.ago(8), 45)]
    return _patient("D1047", [course], lvef)


def demo_document(today: dt.date) -> dict:
    """The demo clinic as an import document, every date relative to ``today``."""
    c = _Clinic(today)
    return {"patients": _routine(c) + _problems(c) + _version_2(c)}


# -- what the demo shows ---------------------------------------------------------------------

_AC = ("ANTHRACYCLINE_AND_CYCLOPHOSPHAMIDE", "ANTHRACYCLINE_EXPOSURE", "CYCLOPHOSPHAMIDE_EXPOSURE")


def _expect(phase: str, recommendation: str, status: str, risk: str, *flags: str) -> dict:
    return {
        "phase": phase,
        "recommendation": recommendation,
        "assessment_status": status,
        "cotreatment_risk": risk,
        "flags": tuple(sorted(flags)),
    }


_ROUTINE = _expect("active", "continue", "ok", "none")
_ROUTINE_AC = _expect("active", "continue", "ok", "high", *_AC)

# Per MRN, what the patient was designed to show at the ``today`` of demo_document(today).
DEMO_EXPECTATIONS: dict[str, dict] = {
    "D1001": _ROUTINE_AC,
    "D1002": _ROUTINE_AC,
    "D1003": _ROUTINE_AC,
    "D1004": _ROUTINE,
    "D1005": _ROUTINE_AC,
    "D1006": _ROUTINE,
    "D1007": _ROUTINE,
    "D1008": _expect("active", "continue", "ok", "high", *_AC, "HIGH_CUMULATIVE_ANTHRACYCLINE"),
    "D1009": _ROUTINE,
    "D1010": _ROUTINE,
    "D1011": _ROUTINE,
    "D1012": _ROUTINE,
    "D1013": _ROUTINE,
    "D1014": _ROUTINE_AC,
    "D1015": _ROUTINE,
    "D1016": _ROUTINE,
    "D1017": _expect("active", "continue", "due_soon", "high", *_AC, "ASSESSMENT_DUE_SOON"),
    "D1018": _expect("completed", "none", "ok", "high", *_AC),
    "D1019": _expect("completed", "none", "ok", "none"),
    "D1020": _expect("surveillance_complete", "none", "not_required", "none"),
    "D1021": _expect("planned", "none", "ok", "high", *_AC),
    "D1022": _expect("no_course", "none", "not_required", "high", *_AC),
    "D1023": _expect(
        "active", "continue", "overdue", "high", *_AC, "ASSESSMENT_OVERDUE", "BASELINE_MISSING"
    ),
    "D1024": _expect(
        "planned", "none", "due_soon", "none", "ASSESSMENT_DUE_SOON", "BASELINE_MISSING"
    ),
    "D1025": _expect("active", "continue", "ok", "high", *_AC, "BASELINE_BELOW_LLN"),
    "D1026": _expect("active", "continue", "ok", "high", *_AC, "BASELINE_BEFORE_ANTHRACYCLINE"),
    "D1027": _expect("active", "continue", "ok", "none", "MODALITY_MISMATCH"),
    "D1028": _expect("active", "continue", "ok", "none", "GLS_DECLINE"),
    # v2 S3: the repeat is due 4 weeks after the hold-level decline, so it is overdue now.
    "D1029": _expect(
        "active",
        "hold",
        "overdue",
        "none",
        "ASSESSMENT_OVERDUE",
        "HOLD_NOT_ACTIONED",
        "LVEF_BELOW_LLN",
        "LVEF_HOLD_CRITERIA",
    ),
    "D1030": _expect(
        "held",
        "hold",
        "due_soon",
        "high",
        *_AC,
        "ASSESSMENT_DUE_SOON",
        "LVEF_BELOW_LLN",
        "LVEF_HOLD_CRITERIA",
        "LVEF_SEVERE",
    ),
    "D1031": _expect("held", "may_resume", "ok", "none", "RESUME_CRITERIA_MET"),
    "D1032": _expect(
        "held",
        "discontinue",
        "ok",
        "high",
        *_AC,
        "LVEF_BELOW_LLN",
        "LVEF_HOLD_CRITERIA",
        "PERSISTENT_DECLINE",
    ),
    "D1033": _expect(
        "held",
        "discontinue",
        "ok",
        "none",
        "LVEF_BELOW_LLN",
        "LVEF_HOLD_CRITERIA",
        "REPEATED_HOLDS",
    ),
    "D1034": _expect("held", "continue", "ok", "none", "INFUSION_DURING_HOLD"),
    "D1035": _expect("active", "continue", "ok", "high", *_AC, "RELOAD_DOSE_DUE"),
    "D1036": _expect(
        "active", "continue", "ok", "high", "ANTHRACYCLINE_EXPOSURE", "CONCURRENT_ANTHRACYCLINE"
    ),
    "D1037": _expect(
        "surveillance_complete",
        "none",
        "not_required",
        "high",
        *_AC,
        "ANTHRACYCLINE_AFTER_HER2",
        "HIGH_CUMULATIVE_ANTHRACYCLINE",
    ),
    "D1038": _expect(
        "active",
        "continue",
        "ok",
        "elevated",
        "ANTHRACYCLINE_DOSE_UNKNOWN",
        "ANTHRACYCLINE_EXPOSURE",
    ),
    "D1039": _expect("discontinued", "none", "ok", "high", *_AC),
    "D1040": _expect("completed", "none", "overdue", "high", *_AC, "ASSESSMENT_OVERDUE"),
    "D1041": _ROUTINE,
    "D1042": _expect("active", "continue", "ok", "none", "RELOAD_DOSE_DUE"),
    "D1043": _expect(
        "active",
        "continue",
        "due_soon",
        "none",
        "ASSESSMENT_DUE_SOON",
        "LVEF_BELOW_LLN",
        "LVEF_REPEAT_DUE",
    ),
    "D1044": _ROUTINE,
    "D1045": _expect("active", "continue", "ok", "high", *_AC, "BASELINE_LOW_NORMAL"),
    "D1046": _ROUTINE,
    "D1047": _expect(
        "active",
        "discontinue",
        "ok",
        "none",
        "LVEF_BELOW_LLN",
        "LVEF_HOLD_CRITERIA",
        "REPEATED_HOLDS",
    ),
}


# Issue 12: the follow-through on the demo patients, showing every state of every new record.
# Not part of the import document (interchange.md has no keys for it): seed_demo records it
# through the services, as the staff named in "by" (its DEMO_STAFF), after the import.
# Days are counted back from ``today`` ("booked_for" forward when positive).
def demo_workflow() -> list[dict]:
    def scan(mrn, requested, by="nurse", **more):
        return {"record": "scan", "mrn": mrn, "requested": requested, "by": by, **more}

    def review(mrn, decision, reason="", stale=False):
        return {
            "record": "review",
            "mrn": mrn,
            "decision": decision,
            "reason": reason,
            "stale": stale,
            "by": "oncologist",
        }

    def contact(mrn, days, method, outcome, note=""):
        return {
            "record": "contact",
            "mrn": mrn,
            "days": days,
            "method": method,
            "outcome": outcome,
            "note": note,
            "by": "nurse",
        }

    return [
        # Booked: requested within the booking window, and booked ahead (once after the due date).
        # Entered in error: asked for by mistake and taken back (the request after it is open).
        scan("D1017", 3, close="entered_in_error", reason="Requested twice: the other stands."),
        scan("D1017", 2),
        scan("D1024", 6, booked_for=9, place="Echo lab, level 2"),
        scan("D1030", 4, by="cardiology", booked_for=40, place="Cardiology outpatients"),
        # Chase: not booked after the window; booked for a day that has passed; did not attend.
        scan("D1043", 9),
        scan("D1040", 20, booked_for=-3, place="Echo lab, level 2"),
        scan("D1023", 30, booked_for=-10, place="Echo lab, level 2", close="did_not_attend"),
        # Closed: cancelled (the patient is back in Book a scan); done by the LVEF it asked for.
        scan("D1029", 12, close="cancelled", reason="Admitted to another hospital; rebook."),
        scan("D1004", None, close="done"),
        # Reviews: current (each takes the patient out of Review) and one on an older LVEF.
        review(
            "D1032",
            "continue_despite_criteria",
            "Patient's choice after discussion; cardiology sees her within two weeks.",
        ),  # fmt: skip
        review("D1031", "resume", "LVEF back to 55%; resume at the next cycle."),
        review("D1047", "refer_to_cardiology", "Second decline: cardio-oncology opinion first."),
        review("D1030", "discontinue", "No scan since the hold and breathless: stop for good."),
        review("D1033", "hold_recorded", "Hold recorded.", stale=True),
        # Contacts of several outcomes.
        contact("D1040", 2, "phone", "no_answer"),
        contact("D1040", 1, "phone", "reached_will_call_back", "Will call back after work."),
        contact("D1023", 5, "phone", "reached_declined", "Busy this month; call in two weeks."),
        contact("D1043", 4, "phone", "wrong_number", "Number on file is out of date."),
        contact("D1024", 6, "phone", "reached_booked", "Booked for the echo lab."),
        contact("D1029", 3, "letter", "letter_sent", "Reminder letter printed."),
        contact("D1017", 1, "email", "reached_will_call_back"),
        contact("D1030", 3, "in_person", "reached_booked", "Booked at the infusion visit."),
        contact("D1043", 2, "message", "no_answer", "Text message sent; no reply."),
    ]

"""Section 4, "Rule profiles": one frozen, declarative description per HER2 label.

The current course's agent (and, for trastuzumab, the rule set; for the combination and Kadcyla,
the intent) chooses one profile. Every threshold is a named value here with its source; the rules
(schedule.py, lvef.py, recommendation.py) read the profile and never branch on an agent's name.
Adding an agent means adding a profile (or reusing one) and a row of ``_SELECTION``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from .vocabulary import EARLY_STAGE_INTENTS, Agent, RuleSet

# Source names as the sentences cite them.
US_LABEL = "US label"  # Herceptin / Hylecta US PI, "Dose modifications for cardiomyopathy"
EU_SMPC = "EU SmPC"  # Herceptin SmPC 4.4
PERJETA = "Perjeta US label"  # Perjeta US PI, LVEF table (early / metastatic)
PHESGO = "Phesgo US label"  # Phesgo US PI, LVEF table (early / metastatic)
KADCYLA = "Kadcyla US label"  # Kadcyla US PI, LVEF tables
ENHERTU = "Enhertu US label"  # Enhertu US PI, LVEF table
ESC_2022 = "ESC 2022 Table 3"  # "severe: new LVEF reduction to <40%"


@dataclass(frozen=True, slots=True)
class Test:
    """A conjunction of bounds on a measurement M (value) and its drop (B - M).

    Bounds left None are not tested. A test with a drop bound is not met without B, unless
    ``without_baseline`` ("or no B", and ESC severe's "no B, or drop > 0").
    """

    key: str
    below: Decimal | None = None  # M < x
    at_most: Decimal | None = None  # M <= x
    at_least: Decimal | None = None  # M >= x
    above: Decimal | None = None  # M > x
    below_lln: bool = False  # M < LLN
    at_least_lln: bool = False  # M >= LLN
    drop_at_least: Decimal | None = None  # drop >= d
    drop_above: Decimal | None = None  # drop > d
    drop_below: Decimal | None = None  # drop < d
    drop_at_most: Decimal | None = None  # drop <= d
    without_baseline: bool = False
    source: str = ""
    # What the source says, in words, completing "<source>: ..." (hold criteria only).
    rule: str = ""
    uses_drop: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        bounds = (self.drop_at_least, self.drop_above, self.drop_below, self.drop_at_most)
        object.__setattr__(self, "uses_drop", any(b is not None for b in bounds))

    def met(self, value: Decimal, drop: Decimal | None, lln: Decimal) -> bool:
        if self.below is not None and not value < self.below:
            return False
        if self.at_most is not None and not value <= self.at_most:
            return False
        if self.at_least is not None and not value >= self.at_least:
            return False
        if self.above is not None and not value > self.above:
            return False
        if self.below_lln and not value < lln:
            return False
        if self.at_least_lln and not value >= lln:
            return False
        if not self.uses_drop:
            return True
        if drop is None:
            return self.without_baseline
        return (
            (self.drop_at_least is None or drop >= self.drop_at_least)
            and (self.drop_above is None or drop > self.drop_above)
            and (self.drop_below is None or drop < self.drop_below)
            and (self.drop_at_most is None or drop <= self.drop_at_most)
        )


def _d(value: int) -> Decimal:
    return Decimal(value)


# "ESC severe": M < 40 and (no B, or drop > 0): a *new* fall to below 40 (ESC 2022 Table 3). Part
# of the hold criteria of every profile that does not state its own absolute threshold.
ESC_SEVERE = Test(
    "esc_severe",
    below=_d(40),
    drop_above=_d(0),
    without_baseline=True,
    source=ESC_2022,
    rule="a new fall of the LVEF to below 40% is severe heart damage; withhold",
)


class Discontinue:
    """The three ways a hold ends in discontinue (section 4 table, last column)."""

    PERSISTENT = "persistent"  # US label: R not recovered >= 8 weeks after the start
    NOT_IMPROVED = "not improved"  # EU SmPC, Perjeta/Phesgo: R not recovered and R <= T
    CONFIRMED = "confirmed"  # Kadcyla, Enhertu: the repeat has not recovered


@dataclass(frozen=True, slots=True)
class Profile:
    key: str
    name: str
    source: str
    hold: tuple[Test, ...]  # LVEF_HOLD_CRITERIA: any of these
    # Recovered (H2): any of ``recovered`` (with B) / ``recovered_without_baseline`` (no B), and
    # none of ``recovered_unless``; or, when ``recovered_is_not_hold``, "not meeting the hold
    # criteria" (EU SmPC).
    recovered: tuple[Test, ...]
    recovered_without_baseline: tuple[Test, ...]
    repeat_band: tuple[Test, ...]  # L5: treatment continues, repeat within 3 weeks
    recheck_days: int  # S3
    minimum_hold_days: int  # H2, compared with the hold's age
    discontinue: str  # Discontinue.*
    # H2: R's date - the hold's start must be at least this (56 persistent, 21 not improved).
    discontinue_repeat_after_days: int
    # H2, persistent: the hold's age must be above this ("> 8 weeks"); None: no age condition.
    discontinue_hold_age_above_days: int | None
    recovered_unless: tuple[Test, ...] = ()
    recovered_is_not_hold: bool = False
    # H4 (US label trastuzumab only): more than this many cardiac holds of the episode.
    repeated_holds_limit: int | None = None
    # "discontinuation should be strongly considered" (EU SmPC, Phesgo).
    strongly_consider: bool = False
    # What "recovered" means, in words, for the sentences.
    recovered_rule: str = ""

    def hold_met(self, value: Decimal, drop: Decimal | None, lln: Decimal) -> Test | None:
        """H1: the first hold criterion met by a measurement of ``value``, or None."""
        for test in self.hold:
            if test.met(value, drop, lln):
                return test
        return None

    def in_repeat_band(self, value: Decimal, drop: Decimal | None, lln: Decimal) -> bool:
        return any(test.met(value, drop, lln) for test in self.repeat_band)

    def is_recovered(self, value: Decimal, drop: Decimal | None, lln: Decimal) -> bool:
        if self.recovered_is_not_hold:
            return self.hold_met(value, drop, lln) is None
        tests = self.recovered if drop is not None else self.recovered_without_baseline
        return any(t.met(value, drop, lln) for t in tests) and not any(
            t.met(value, drop, lln) for t in self.recovered_unless
        )


# --- trastuzumab, US label (Herceptin, Hylecta and the biosimilars) ----------------------------
TRASTUZUMAB_US = Profile(
    key="trastuzumab_us_label",
    name="Trastuzumab, US label",
    source=US_LABEL,
    hold=(
        Test(
            "drop_16",
            drop_at_least=_d(16),
            source=US_LABEL,
            rule="withhold for a fall of 16 points or more",
        ),
        Test(
            "below_lln_drop_10",
            below_lln=True,
            drop_at_least=_d(10),
            source=US_LABEL,
            rule="withhold for a fall of 10 points or more to below the lower limit of normal",
        ),
        ESC_SEVERE,
    ),
    # US label: resume when the LVEF returns to normal and the fall is 15 points or less.
    recovered=(Test("lln_drop_15", at_least_lln=True, drop_at_most=_d(15)),),
    recovered_without_baseline=(Test("lln", at_least_lln=True),),
    repeat_band=(),
    recheck_days=28,  # US label: repeat LVEF at 4-week intervals while held
    minimum_hold_days=28,  # US label: withhold for at least 4 weeks
    discontinue=Discontinue.PERSISTENT,  # US label: "persistent (> 8 weeks) LVEF decline"
    discontinue_repeat_after_days=56,
    discontinue_hold_age_above_days=56,
    repeated_holds_limit=3,  # US label: "suspension on more than 3 occasions"
    recovered_rule="at least the lower limit of normal and no more than 15 points below baseline",
)

# --- trastuzumab, EU SmPC 4.4 ------------------------------------------------------------------
TRASTUZUMAB_EU = Profile(
    key="trastuzumab_eu_smpc",
    name="Trastuzumab, EU SmPC",
    source=EU_SMPC,
    hold=(
        Test(
            "below_50_drop_10",
            below=_d(50),
            drop_at_least=_d(10),
            source=EU_SMPC,
            rule="suspend for a fall of 10 points or more to below 50%",
        ),
        ESC_SEVERE,
    ),
    recovered=(),
    recovered_without_baseline=(),
    recovered_is_not_hold=True,  # SmPC: resume once the criteria for suspending are not met
    repeat_band=(),
    recheck_days=21,  # SmPC: "repeat LVEF assessment ... within approximately 3 weeks"
    minimum_hold_days=21,
    discontinue=Discontinue.NOT_IMPROVED,  # "if the LVEF has not improved, or declined further"
    discontinue_repeat_after_days=21,
    discontinue_hold_age_above_days=None,
    strongly_consider=True,  # "discontinuation ... should be strongly considered"
    recovered_rule="no longer meeting the criteria for suspending treatment",
)

# --- pertuzumab with trastuzumab (Perjeta IV; Phesgo SC): the labels govern both drugs ----------
_PT_EARLY_HOLD = Test(
    "below_50_drop_10",
    below=_d(50),
    drop_at_least=_d(10),
    source=PERJETA,
    rule="withhold for a fall of 10 points or more to below 50%",
)
_PT_MET_BELOW_40 = Test("below_40", below=_d(40), source=PERJETA, rule="withhold below 40%")
_PT_MET_DROP = Test(
    "at_most_45_drop_10",
    at_most=_d(45),
    drop_at_least=_d(10),
    source=PERJETA,
    rule="withhold at 45% or less with a fall of 10 points or more",
)
PERJETA_EARLY = Profile(
    key="pertuzumab_trastuzumab_early",
    name="Pertuzumab with trastuzumab, early-stage",
    source=PERJETA,
    hold=(_PT_EARLY_HOLD, ESC_SEVERE),
    recovered=(Test("at_least_50", at_least=_d(50)), Test("drop_below_10", drop_below=_d(10))),
    recovered_without_baseline=(Test("at_least_40", at_least=_d(40)),),
    recovered_unless=(ESC_SEVERE,),
    repeat_band=(),
    recheck_days=21,  # Perjeta/Phesgo: repeat LVEF within approximately 3 weeks
    minimum_hold_days=21,
    discontinue=Discontinue.NOT_IMPROVED,
    discontinue_repeat_after_days=21,
    discontinue_hold_age_above_days=None,
    recovered_rule="at least 50%, or less than 10 points below baseline, and not below 40%",
)
PERJETA_METASTATIC = replace(
    PERJETA_EARLY,
    key="pertuzumab_trastuzumab_metastatic",
    name="Pertuzumab with trastuzumab, metastatic",
    hold=(_PT_MET_BELOW_40, _PT_MET_DROP),
    recovered=(
        Test("above_45", above=_d(45)),
        Test("at_least_40_drop_below_10", at_least=_d(40), drop_below=_d(10)),
    ),
    # Criteria that need a drop are not met without B: only R > 45.
    recovered_without_baseline=(Test("above_45", above=_d(45)),),
    recovered_unless=(),
    recovered_rule="above 45%, or at least 40% and less than 10 points below baseline",
)


def _as_phesgo(profile: Profile) -> Profile:
    # Same thresholds; Phesgo's label says "discontinuation should be strongly considered".
    return replace(
        profile,
        key=profile.key.replace("pertuzumab_trastuzumab", "pertuzumab_trastuzumab_sc"),
        name=profile.name.replace("Pertuzumab with trastuzumab", "Phesgo"),
        source=PHESGO,
        hold=tuple(replace(t, source=PHESGO) if t.source == PERJETA else t for t in profile.hold),
        strongly_consider=True,
    )


PHESGO_EARLY = _as_phesgo(PERJETA_EARLY)
PHESGO_METASTATIC = _as_phesgo(PERJETA_METASTATIC)

# --- Kadcyla (trastuzumab emtansine) -----------------------------------------------------------
_KADCYLA_BAND_METASTATIC = Test(
    "40_45_drop_below_10",
    at_least=_d(40),
    at_most=_d(45),
    drop_below=_d(10),
    without_baseline=True,
)
KADCYLA_EARLY = Profile(
    key="trastuzumab_emtansine_early",
    name="Kadcyla, early-stage",
    source=KADCYLA,
    hold=(
        Test("below_45", below=_d(45), source=KADCYLA, rule="withhold below 45%"),
        Test(
            "below_50_drop_10",
            below=_d(50),
            drop_at_least=_d(10),
            source=KADCYLA,
            rule="withhold for a fall of 10 points or more to below 50%",
        ),
    ),
    # R >= 45 and (R >= 50 or drop < 10)
    recovered=(
        Test("at_least_50", at_least=_d(50)),
        Test("at_least_45_drop_below_10", at_least=_d(45), drop_below=_d(10)),
    ),
    recovered_without_baseline=(Test("at_least_45", at_least=_d(45)),),
    repeat_band=(
        Test(
            "45_50_drop_below_10",
            at_least=_d(45),
            below=_d(50),
            drop_below=_d(10),
            without_baseline=True,
        ),
    ),
    recheck_days=21,  # Kadcyla: repeat LVEF within 3 weeks
    minimum_hold_days=0,
    discontinue=Discontinue.CONFIRMED,  # "if ... confirmed, discontinue"
    discontinue_repeat_after_days=0,
    discontinue_hold_age_above_days=None,
    recovered_rule="at least 45%, and at least 50% or less than 10 points below baseline",
)
KADCYLA_METASTATIC = replace(
    KADCYLA_EARLY,
    key="trastuzumab_emtansine_metastatic",
    name="Kadcyla, metastatic",
    hold=(
        Test("below_40", below=_d(40), source=KADCYLA, rule="withhold below 40%"),
        Test(
            "at_most_45_drop_10",
            at_most=_d(45),
            drop_at_least=_d(10),
            source=KADCYLA,
            rule="withhold at 45% or less with a fall of 10 points or more",
        ),
    ),
    # "recovered to within 10 points of baseline"
    recovered=(Test("at_least_40_drop_below_10", at_least=_d(40), drop_below=_d(10)),),
    recovered_without_baseline=(Test("above_45", above=_d(45)),),
    repeat_band=(_KADCYLA_BAND_METASTATIC,),
    recovered_rule="at least 40% and back within 10 points of baseline",
)

# --- Enhertu (trastuzumab deruxtecan) ----------------------------------------------------------
ENHERTU_PROFILE = Profile(
    key="trastuzumab_deruxtecan",
    name="Enhertu",
    source=ENHERTU,
    hold=(
        Test("below_40", below=_d(40), source=ENHERTU, rule="withhold below 40%"),
        Test(
            "drop_above_20",
            drop_above=_d(20),
            source=ENHERTU,
            rule="withhold for a fall of more than 20 points",
        ),
        Test(
            "at_most_45_drop_10",
            at_most=_d(45),
            drop_at_least=_d(10),
            source=ENHERTU,
            rule="withhold at 45% or less with a fall of 10 points or more",
        ),
    ),
    # "recovers to within 10% from baseline"
    recovered=(Test("at_least_40_drop_below_10", at_least=_d(40), drop_below=_d(10)),),
    recovered_without_baseline=(Test("above_45", above=_d(45)),),
    repeat_band=(_KADCYLA_BAND_METASTATIC,),
    recheck_days=21,
    minimum_hold_days=0,
    discontinue=Discontinue.CONFIRMED,
    discontinue_repeat_after_days=0,
    discontinue_hold_age_above_days=None,
    recovered_rule="at least 40% and back within 10 points of baseline",
)

PROFILES = (
    TRASTUZUMAB_US,
    TRASTUZUMAB_EU,
    PERJETA_EARLY,
    PERJETA_METASTATIC,
    PHESGO_EARLY,
    PHESGO_METASTATIC,
    KADCYLA_EARLY,
    KADCYLA_METASTATIC,
    ENHERTU_PROFILE,
)

_ANY = None
# (agents, rule set or _ANY, early-stage or _ANY, profile): the first matching row chooses.
_SELECTION = (
    ((Agent.TRASTUZUMAB, Agent.TRASTUZUMAB_SC), RuleSet.US_LABEL, _ANY, TRASTUZUMAB_US),
    ((Agent.TRASTUZUMAB, Agent.TRASTUZUMAB_SC), RuleSet.EU_SMPC, _ANY, TRASTUZUMAB_EU),
    ((Agent.PERTUZUMAB_TRASTUZUMAB,), _ANY, True, PERJETA_EARLY),
    ((Agent.PERTUZUMAB_TRASTUZUMAB,), _ANY, False, PERJETA_METASTATIC),
    ((Agent.PERTUZUMAB_TRASTUZUMAB_SC,), _ANY, True, PHESGO_EARLY),
    ((Agent.PERTUZUMAB_TRASTUZUMAB_SC,), _ANY, False, PHESGO_METASTATIC),
    ((Agent.TRASTUZUMAB_EMTANSINE,), _ANY, True, KADCYLA_EARLY),
    ((Agent.TRASTUZUMAB_EMTANSINE,), _ANY, False, KADCYLA_METASTATIC),
    ((Agent.TRASTUZUMAB_DERUXTECAN,), _ANY, _ANY, ENHERTU_PROFILE),
)


def _build_index() -> dict[tuple[str, str, bool], Profile]:
    """(agent, rule set, early-stage) -> the first matching row's profile, for every combination
    (a combination without a row fails here, at import, with StopIteration)."""
    return {
        (agent.value, rule_set.value, early): next(
            profile
            for agents, rs, stage, profile in _SELECTION
            if agent in agents and rs in (_ANY, rule_set) and stage in (_ANY, early)
        )
        for agent in Agent
        for rule_set in RuleSet
        for early in (True, False)
    }


_INDEX = _build_index()


def profile_for(agent: str, intent: str, rule_set: str) -> Profile:
    """The profile of a course of ``agent`` and ``intent`` under ``rule_set`` (section 4)."""
    try:
        return _INDEX[(agent, rule_set, intent in EARLY_STAGE_INTENTS)]
    except KeyError:
        raise ValueError(f"no rule profile for agent {agent!r} under {rule_set!r}") from None

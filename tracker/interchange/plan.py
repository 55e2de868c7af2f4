"""The import plan: the validated patients and their records, ready to write.

Format-neutral: a parser (JSON v1 today) validates a whole document into a list of
``PatientPlan`` and only a document without errors reaches the writer (interchange/writer.py),
which writes every plan in one transaction. Each ``record`` is a dict of model field name ->
Python value, already checked by the models' own field validators."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class CoursePlan:
    """One treatment course (``record``: TreatmentCourse fields) and its infusions and holds
    (Infusion and TreatmentHold fields, in the document's order)."""

    record: dict
    infusions: list[dict] = field(default_factory=list)
    holds: list[dict] = field(default_factory=list)


@dataclass
class PatientPlan:
    """One patient (``record``: Patient fields, ``mrn_key`` included), their courses, LVEF
    measurements and co-treatments (LvefMeasurement and CoTreatment fields), in document order:
    the writer reserves ids in this order, which is what "listed later" means for ties
    (clinical-rules.md section 0)."""

    record: dict
    courses: list[CoursePlan] = field(default_factory=list)
    lvef: list[dict] = field(default_factory=list)
    cotreatments: list[dict] = field(default_factory=list)


class ImportFailed(Exception):
    """``errors``: the lines to print (at most MAX_ERRORS, then one "... and N more errors");
    ``total``: how many errors there were."""

    def __init__(self, errors: list[str], total: int | None = None):
        self.total = len(errors) if total is None else total
        super().__init__(f"{self.total} error(s)")
        self.errors = errors


@dataclass
class ImportResult:
    patients: int = 0
    courses: int = 0
    infusions: int = 0
    holds: int = 0
    lvef: int = 0
    cotreatments: int = 0

    @classmethod
    def of(cls, plans: list[PatientPlan]) -> ImportResult:
        """What writing ``plans`` creates."""
        return cls(
            patients=len(plans),
            courses=sum(len(p.courses) for p in plans),
            infusions=sum(len(c.infusions) for p in plans for c in p.courses),
            holds=sum(len(c.holds) for p in plans for c in p.courses),
            lvef=sum(len(p.lvef) for p in plans),
            cotreatments=sum(len(p.cotreatments) for p in plans),
        )

    def add(self, other: ImportResult) -> None:
        for name in ("patients", "courses", "infusions", "holds", "lvef", "cotreatments"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def summary(self) -> str:
        return (
            f"{self.patients} patients, {self.courses} courses, {self.infusions} infusions, "
            f"{self.holds} holds, {self.lvef} LVEF measurements, "
            f"{self.cotreatments} co-treatments"
        )

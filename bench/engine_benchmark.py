"""Benchmark of the clinical rules engine: evaluate N generated, realistic patients.

    .venv/bin/python bench/engine_benchmark.py [--patients N] [--seed S]

Prints the number of patients and the seconds spent in ``evaluate`` (generation not counted).
Target: 20,000 patients in under 5 seconds.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tracker.monitoring import (  # noqa: E402 - after the sys.path insertion
    CoTreatment,
    Course,
    Hold,
    Infusion,
    LvefMeasurement,
    PatientRecord,
    RuleSettings,
    evaluate,
)

AS_OF = date(2026, 6, 1)


def generate_patient(rng: random.Random, index: int) -> PatientRecord:
    """One course of ~17 infusions, ~6 LVEFs, sometimes holds, co-treatments, an ended course."""
    weekly = rng.random() < 0.2
    interval = 7 if weekly else 21
    first = AS_OF - timedelta(days=rng.randint(30, 700))
    infusions = []
    day = first
    for k in range(rng.randint(12, 22)):
        if day > AS_OF:
            break
        infusions.append(Infusion(day, Decimal(420 if k else 600), loading_dose=k == 0))
        day += timedelta(days=interval + rng.choice((0, 0, 0, 1, 7)))
    last = infusions[-1].date
    holds = []
    if rng.random() < 0.25:
        start = first + timedelta(days=rng.randint(20, 200))
        end = start + timedelta(days=rng.randint(14, 60)) if rng.random() < 0.7 else None
        holds.append(Hold(start, end, rng.choice(("cardiac", "cardiac", "other"))))
    ended = last < AS_OF - timedelta(days=40) and rng.random() < 0.6
    course = Course(
        agent=rng.choice(
            (
                "trastuzumab",
                "trastuzumab",
                "trastuzumab_sc",
                "pertuzumab_trastuzumab",
                "pertuzumab_trastuzumab_sc",
                "trastuzumab_emtansine",
                "trastuzumab_deruxtecan",
            )
        ),
        intent=rng.choice(("adjuvant", "neoadjuvant", "metastatic")),
        schedule="weekly" if weekly else "every_3_weeks",
        planned_start=first,
        end_date=last if ended else None,
        end_reason=rng.choice(("completed", "discontinued")) if ended else None,
        infusions=tuple(infusions),
        holds=tuple(holds),
    )
    courses = [course]
    if not ended and rng.random() < 0.1:
        # A switch to SC trastuzumab planned after the last infusion (v2 episodes, pass-over).
        switch_day = last + timedelta(days=rng.randint(7, 120))
        started = switch_day <= AS_OF and rng.random() < 0.5
        courses.append(
            Course(
                agent="trastuzumab_sc",
                intent=course.intent,
                schedule="every_3_weeks",
                planned_start=switch_day,
                infusions=(Infusion(switch_day, Decimal(600)),) if started else (),
                sequence=1,
            )
        )
    lvefs = []
    day = first - timedelta(days=rng.randint(1, 100))
    value = Decimal(rng.randint(520, 700)) / 10
    for _ in range(rng.randint(3, 8)):
        if day > AS_OF:
            break
        gls = Decimal(-rng.randint(140, 230)) / 10 if rng.random() < 0.4 else None
        lvefs.append(LvefMeasurement(day, value, rng.choice(("echo", "echo", "muga")), gls=gls))
        value = max(Decimal(25), value + Decimal(rng.randint(-90, 40)) / 10)
        day += timedelta(days=rng.randint(60, 120))
    cotreatments = []
    if rng.random() < 0.5:
        start = first - timedelta(days=rng.randint(90, 200))
        end = start + timedelta(days=63)
        dose = Decimal(rng.choice((240, 300))) if rng.random() < 0.9 else None
        cotreatments.append(CoTreatment("doxorubicin", start, end, dose))
        cotreatments.append(CoTreatment("cyclophosphamide", start, end, Decimal(2400)))
    return PatientRecord(f"P{index:06d}", tuple(courses), tuple(lvefs), tuple(cotreatments))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)

    rng = random.Random(args.seed)
    patients = [generate_patient(rng, i) for i in range(args.patients)]

    # Half of the patients under each rule set (clinical-rules.md v2, section 0).
    rule_sets = (RuleSettings(rule_set="us_label"), RuleSettings(rule_set="eu_smpc"))
    started, cpu_started = time.perf_counter(), time.process_time()
    phases: dict[str, int] = {}
    for index, patient in enumerate(patients):
        status = evaluate(patient, AS_OF, rule_sets[index % 2])
        phases[status.phase] = phases.get(status.phase, 0) + 1
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started

    # CPU seconds too: on a shared machine the wall clock also measures the other processes.
    print(f"evaluated {len(patients)} patients in {elapsed:.3f} s ({cpu:.3f} s CPU)")
    print("phases: " + ", ".join(f"{k} {v}" for k, v in sorted(phases.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Synthetic patients for benchmarks only: realistic histories (courses, infusions every 1 or 3
weeks, LVEF every few months with some declines, holds, co-treatments) as an import document, so
they go through the same validation and bulk write as a real import."""

from __future__ import annotations

import random
from datetime import date, timedelta

GIVEN = (
    "Ada",
    "Grace",
    "Mary",
    "Amira",
    "Chloe",
    "Priya",
    "Fatima",
    "Olga",
    "Sara",
    "Lena",
    "Nadia",
    "Ines",
    "Ruth",
    "Helen",
    "Joan",
    "Yuki",
    "Maria",
    "Aisha",
    "Eva",
    "Ngozi",
)
FAMILY = (
    "Smith",
    "Jones",
    "Khan",
    "Garcia",
    "Nowak",
    "Okafor",
    "Rossi",
    "Müller",
    "Dubois",
    "Silva",
    "Kim",
    "Cohen",
    "Ivanova",
    "Byrne",
    "Haddad",
    "Larsen",
    "Tanaka",
    "Patel",
)


def _d(day: date) -> str:
    return day.isoformat()


def synthetic_patient(rng: random.Random, index: int, today: date) -> dict:
    born = date(rng.randint(1940, 1990), rng.randint(1, 12), rng.randint(1, 28))
    patient = {
        "mrn": f"S{index:07d}",
        "given_name": rng.choice(GIVEN),
        "family_name": rng.choice(FAMILY),
        "date_of_birth": _d(born),
        "sex": "female" if rng.random() < 0.95 else "male",
        "courses": [],
        "lvef": [],
        "cotreatments": [],
    }
    first = today - timedelta(days=rng.randint(-30, 720))
    weekly = rng.random() < 0.2
    interval = 7 if weekly else 21
    weight = round(rng.uniform(48, 110), 1)
    ac = rng.random() < 0.5
    if ac:  # AC chemotherapy ending about 3 weeks before trastuzumab
        ac_end = first - timedelta(days=rng.randint(18, 30))
        ac_start = ac_end - timedelta(days=63)
        patient["cotreatments"] = [
            {
                "drug": "doxorubicin",
                "start": _d(ac_start),
                "end": _d(ac_end),
                "cumulative_dose_mg_m2": rng.choice([240, 240, 240, 300]),
            },
            {
                "drug": "cyclophosphamide",
                "start": _d(ac_start),
                "end": _d(ac_end),
                "cumulative_dose_mg_m2": 2400,
            },
        ]
    baseline_day = first - timedelta(days=rng.randint(3, 40))
    baseline = round(rng.uniform(52, 70), 1)
    if rng.random() > 0.03 and baseline_day <= today:  # a few never had a baseline
        patient["lvef"].append(
            {
                "date": _d(baseline_day),
                "value": baseline,
                "modality": "echo",
                "gls": round(rng.uniform(-23, -17), 1),
            }
        )
    planned_doses = 52 if weekly else 17
    infusions, holds = [], []
    day, value = first, baseline
    next_echo = first + timedelta(days=rng.randint(80, 100))
    hold_until = None
    for n in range(planned_doses):
        if day > today:
            break
        if hold_until and day < hold_until:
            day = hold_until
            continue
        infusions.append(
            {
                "date": _d(day),
                "dose_mg": round(weight * (8 if n == 0 else 6) / (2 if weekly else 1)),
                "weight_kg": weight,
                "duration_minutes": 90 if n == 0 else 30,
                "loading_dose": n == 0,
                "reaction": "none" if rng.random() > 0.03 else "mild",
            }
        )
        day += timedelta(days=interval + (rng.random() < 0.05) * rng.randint(1, 10))
        if day >= next_echo and next_echo <= today:
            value = round(max(25.0, value - rng.choice([0, 0, 0, 1, 2, 3, 5, 8, 12, 17])), 1)
            patient["lvef"].append(
                {
                    "date": _d(next_echo),
                    "value": value,
                    "modality": rng.choice(["echo", "echo", "echo", "muga"]),
                }
            )
            if baseline - value >= 16 and not holds and rng.random() < 0.8:
                end = next_echo + timedelta(days=rng.randint(28, 60))
                holds.append(
                    {
                        "start": _d(next_echo + timedelta(days=2)),
                        "end": _d(end) if end <= today else None,
                        "reason": "cardiac",
                    }
                )
                hold_until = end
                value = round(min(baseline, value + rng.uniform(5, 15)), 1)
            next_echo += timedelta(days=rng.randint(80, 100))
    course = {
        "agent": rng.choice(["trastuzumab"] * 6 + ["trastuzumab_sc", "pertuzumab_trastuzumab"]),
        "intent": rng.choice(["adjuvant"] * 6 + ["neoadjuvant", "metastatic"]),
        "schedule": "weekly" if weekly else "every_3_weeks",
        "planned_start": _d(first),
        "infusions": infusions,
        "holds": holds,
    }
    if len(infusions) == planned_doses and infusions and rng.random() < 0.9:
        course["end_date"] = infusions[-1]["date"]
        course["end_reason"] = "completed"
    patient["courses"].append(course)
    return patient


def synthetic_document(count: int, today: date, seed: int = 2026, start: int = 1) -> dict:
    rng = random.Random(seed)
    return {"patients": [synthetic_patient(rng, start + i, today) for i in range(count)]}

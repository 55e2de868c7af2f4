"""The 50-user load of bench/run (issue 16 item 2), a threaded client on the loopback interface:
every user logs in BEFORE the measured window (log-in latency reported apart: password hashing
is not a page), then pages with 1-3 s think time: worklist, timelines, the chair list when the
app has one, the patient list, and one write (an LVEF through its form) in ten. Then the
saturation throughput: a few users with no think time, for a short while."""

from __future__ import annotations

import random
import statistics
import threading
import time
from datetime import date

from tests.http_client import Session


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))] if ordered else 0


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = {}
        self.errors: list[str] = []

    def timed(self, name, call):
        started = time.perf_counter()
        try:
            response = call()
            ok = response.status_code in (200, 302)
        except OSError as exc:  # a refused connection or a timeout: an error, not a crash
            ok, response = False, exc
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.times.setdefault(name, []).append(elapsed)
            if not ok:
                self.errors.append(f"{name}: {getattr(response, 'status_code', response)}")
        return response if ok else None


def _pages(session: Session, rng: random.Random, patients: int, chair: bool):
    mrn = f"S{rng.randint(1, patients):07d}"
    choices = [("worklist", 3), ("timeline", 4), ("patient list", 1), ("write", 1)]
    if chair:
        choices.append(("chair list", 1))
    name = rng.choices([n for n, _ in choices], [w for _, w in choices])[0]
    if name == "worklist":
        return name, lambda: session.get("/")
    if name == "timeline":
        return name, lambda: session.get(f"/patients/{mrn}/")
    if name == "chair list":
        return name, lambda: session.get("/chair/")
    if name == "patient list":
        return name, lambda: session.get("/patients/", {"page": rng.randint(1, 50)})

    def write():
        form = session.get(f"/patients/{mrn}/lvef/new/")
        data = {"csrfmiddlewaretoken": form.csrf(), "date": date.today().isoformat(),
                "value": str(rng.randint(45, 70)), "modality": "echo"}  # fmt: skip
        return session.post(f"/patients/{mrn}/lvef/new/", data)

    return name, write


def run_load(base, username, password, patients, *, users=50, seconds=60, think=(1.0, 3.0)):
    """The load with think time, then the saturation throughput."""
    chair = Session(base).get("/chair/").status_code != 404
    logins = Recorder()
    sessions = []
    for _ in range(users):  # before the window, one after the other
        session = Session(base)
        if logins.timed("login", lambda s=session: s.login(username, password)) is not None:
            sessions.append(session)
    load = Recorder()
    stop = time.monotonic() + seconds

    def user(index, session):
        rng = random.Random(index)
        time.sleep(rng.uniform(0, think[1]))  # users arrive spread out, not in one burst
        while time.monotonic() < stop:
            name, call = _pages(session, rng, patients, chair)
            load.timed(name, call)
            time.sleep(rng.uniform(*think))

    _run_threads([threading.Thread(target=user, args=(i, s)) for i, s in enumerate(sessions)])
    saturation = Recorder()
    saturate_seconds, saturate_users = 20, 8
    stop_saturation = time.monotonic() + saturate_seconds

    def busy(index, session):
        rng = random.Random(1000 + index)
        while time.monotonic() < stop_saturation:
            name, call = _pages(session, rng, patients, chair)
            saturation.timed(name, call)

    started = time.monotonic()
    _run_threads(
        [
            threading.Thread(target=busy, args=(i, s))
            for i, s in enumerate(sessions[:saturate_users])
        ]
    )
    saturation_seconds = time.monotonic() - started
    every = [t for values in load.times.values() for t in values]
    return {
        "users": len(sessions),
        "seconds": seconds,
        "chair": chair,
        "login_median_ms": statistics.median(logins.times["login"]),
        "login_p95_ms": percentile(logins.times["login"], 0.95),
        "login_errors": len(logins.errors),
        "requests": len(every),
        "failures": len(load.errors),
        "errors": load.errors[:10],
        "rps": len(every) / seconds,
        "median_ms": statistics.median(every) if every else 0,
        "p95_ms": percentile(every, 0.95),
        "per_page": {
            name: (len(v), statistics.median(v), percentile(v, 0.95))
            for name, v in sorted(load.times.items())
        },
        "saturation_users": saturate_users,
        "saturation_rps": sum(len(v) for v in saturation.times.values()) / saturation_seconds,
        "saturation_p95_ms": percentile([t for v in saturation.times.values() for t in v], 0.95),
        "saturation_failures": len(saturation.errors),
    }


def _run_threads(threads):
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

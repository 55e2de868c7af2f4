"""50 logged-in clinic users for bench/run: the worklist, timelines and the patient list."""

import os
import random
import re

from locust import HttpUser, between, task

PASSWORD = os.environ["BENCH_PASSWORD"]
PATIENTS = int(os.environ.get("BENCH_PATIENTS", "20000"))


class ClinicUser(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self):
        page = self.client.get("/accounts/login/", name="login form").text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        response = self.client.post(
            "/accounts/login/",
            {"username": "bench", "password": PASSWORD, "csrfmiddlewaretoken": token},
            name="login",
            allow_redirects=False,
        )
        if response.status_code != 302:
            response.failure(f"login failed: {response.status_code}")

    @task(3)
    def worklist(self):
        self.client.get("/", name="worklist")

    @task(5)
    def timeline(self):
        mrn = f"S{random.randint(1, PATIENTS):07d}"  # noqa: S311
        self.client.get(f"/patients/{mrn}/", name="timeline")

    @task(2)
    def patient_list(self):
        self.client.get(f"/patients/?page={random.randint(1, 50)}", name="patient list")  # noqa: S311

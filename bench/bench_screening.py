"""Screening: the pure rules engine, and screening/patient endpoints as data grows."""

import time
from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.clients import token_client
from patients import services
from patients.screening import CONDITIONS, ScreeningAnswers, screen
from protocols.selectors import formulation_specs
from tests.factories import ClinicianFactory, PatientFactory, PracticeFactory


def engine(timed) -> None:
    specs = formulation_specs("skin")
    cases = {
        "no findings": ScreeningAnswers("skin", date(2026, 11, 25)),
        "all 16 conditions": ScreeningAnswers(
            "skin", date(2026, 11, 25), conditions=frozenset(CONDITIONS)
        ),
        "5 allergies": ScreeningAnswers(
            "skin", date(2026, 11, 25), allergies=("rutin", "DMAE", "latex", "penicillin", "nuts")
        ),
    }
    print(f"{'engine case':<22}{'screens/s':>12}{'us each':>10}")
    for name, answers in cases.items():
        n = 5000
        start = time.perf_counter()
        for _ in range(n):
            screen(answers, specs)
        elapsed = time.perf_counter() - start
        print(f"{name:<22}{n / elapsed:>12.0f}{elapsed / n * 1e6:>10.1f}")


def endpoints(timed) -> None:
    practice = PracticeFactory(name="Bench practice 2", slug="bench-2")
    me = ClinicianFactory(practice=practice)
    client = token_client(me)
    print(f"\n{'endpoint':<34}{'rows':>6}{'queries':>9}{'median ms':>11}{'ratio':>7}")
    base: dict[str, float] = {}
    have = 0
    for size in (10, 100, 1000):
        for patient in PatientFactory.create_batch(size - have, practice=practice):
            services.create_screening(
                actor=me, patient=patient, indication="skin", conditions=["herpes"]
            )
        have = size
        patient = PatientFactory(practice=practice)
        rows = [
            ("GET /patients/ (page of 50)", "/api/v1/patients/", "get", None),
            ("GET /patients/?q=anna", "/api/v1/patients/?q=anna", "get", None),
            (
                "POST /patients/{id}/screenings/",
                f"/api/v1/patients/{patient.pk}/screenings/",
                "post",
                {"indication": "skin", "conditions": ["psoriasis"], "allergies": ["latex"]},
            ),
        ]
        for label, url, method, body in rows:
            call = (
                (lambda u=url, b=body: client.post(u, b, format="json"))
                if method == "post"
                else (lambda u=url: client.get(u))
            )
            with CaptureQueriesContext(connection) as ctx:
                response = call()
            assert response.status_code in (200, 201), response.content
            queries = len(ctx)
            ms = timed(call, repeat=15)
            base.setdefault(label, ms)
            print(f"{label:<34}{size:>6}{queries:>9}{ms:>11.2f}{ms / base[label]:>7.2f}")


def run(timed) -> None:
    engine(timed)
    endpoints(timed)

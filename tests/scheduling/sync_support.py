"""A mirror client of the changes feed (API.md, Sync), as an integrator writes one: it
keeps a copy of the practice's appointments and follows `next` while `more` is true."""

import time
from datetime import UTC, datetime, timedelta

from django.utils import timezone

from mesoplan.clock import practice_zone
from scheduling.api.serializers import AppointmentSerializer
from scheduling.models import Appointment

URL = "/api/v1/appointments/changes/"
# Far ahead and on the hour: no booking rule of the wall clock applies to rows made here.
BASE = datetime(2031, 3, 3, 8, 0, tzinfo=UTC)


def appointment_at(clinician, patient, slot: int) -> Appointment:
    """A consultation in the clinician's `slot`-th half hour from BASE (never overlapping)."""
    starts = BASE + timedelta(minutes=30 * slot)
    return Appointment.objects.create(
        practice=clinician.practice,
        patient=patient,
        clinician=clinician,
        kind="consultation",
        starts_at=starts,
        ends_at=starts + timedelta(minutes=20),
    )


class Mirror:
    def __init__(self, api, limit: int = 100) -> None:
        self.api = api
        self.limit = limit
        self.copy: dict[str, dict] = {}
        self.token: str | None = None
        self.pages = 0

    def page(self) -> dict:
        params = {"limit": self.limit}
        if self.token is not None:
            params["since"] = self.token
        response = self.api.get(URL, params)
        assert response.status_code == 200, response.content
        body = response.json()
        ids = [change["id"] for change in body["changes"]]
        assert len(ids) == len(set(ids)), "an appointment twice in one page"
        for change in body["changes"]:
            if change.get("deleted"):
                self.copy.pop(change["id"], None)
            else:
                held = self.copy.get(change["id"])
                assert held is None or held["version"] <= change["version"], "went back"
                self.copy[change["id"]] = change
        self.token = body["next"]
        self.pages += 1
        return body

    def sync(self) -> "Mirror":
        while self.page()["more"]:
            pass
        return self

    def matches(self, practice) -> bool:
        return self.copy == truth(practice)

    def catch_up(self, practice, timeout: float = 60.0) -> list[dict]:
        """Syncs until the copy equals the database, as a client polling would; the
        changes received. On PostgreSQL a change shows once every transaction older than
        it has ended, in the whole cluster (another test's open transaction holds it
        back for a moment: later, never lost)."""
        received: list[dict] = []
        deadline = time.monotonic() + timeout
        while True:
            body = self.page()
            received += body["changes"]
            if not body["more"]:
                if self.matches(practice) or time.monotonic() > deadline:
                    return received
                time.sleep(0.05)


def truth(practice) -> dict[str, dict]:
    """The practice's appointments as the API shows them (in the practice's zone)."""
    with timezone.override(practice_zone(practice)):
        return {
            str(row.pk): dict(AppointmentSerializer(row).data)
            for row in Appointment.objects.filter(practice=practice)
        }

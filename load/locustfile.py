"""The clinic day for `make load` (load/run.py; docs/deployment.md, "Load"): clinicians on
their pages and writing through the API, sync clients polling the changes feed, managers
asking for a Meso-Report, and a static file for comparison.

Every simulated clinician books in a calendar territory of its own, so no two of them
collide (a 409 between simulated users would be the test's fault, not the app's):
consultations on weekdays of its own 200-730 days ahead, sessions recorded at night-time
moments of its own in the past, courses placed by the planner around everyone else.
"""

import itertools
import os
import random
from datetime import datetime, timedelta

import requests
from locust import HttpUser, between, constant, events, task
from territory import ZONE, consultation_slots, course_start, recorded_at

PASSWORD = os.environ.get("LOAD_PASSWORD", "mesoplan-demo")
CLINICIANS = ["clinician1", "clinician2", "clinician3", "clinician4"]
MANAGERS = ["manager1", "manager2"]
# nginx says so in front of gunicorn (deploy/nginx.conf): the app then treats the request
# as https, as in production (secure cookies, no redirect).
PROXY = {"X-Forwarded-Proto": "https"}
SEARCHES = ["Mü", "Sch", "an", "er", "Ba", "Wei", "la", "ko"]

accounts: dict[str, dict] = {}  # username -> token, session cookies, clinician id, lot
_clinicians = itertools.count()  # each simulated clinician's territory (load/territory.py)
_others = itertools.count()


def _api(token: str) -> requests.Session:
    session = requests.Session()
    session.headers.update({**PROXY, "Authorization": f"Token {token}"})
    return session


def _insecure(session: requests.Session) -> None:
    """The app's cookies are Secure (the proxy header says https); the loopback's plain
    http would never send them back."""
    for cookie in list(session.cookies):
        cookie.secure = False


def _sign_in(host: str, username: str) -> dict:
    """A token and a browser session per demo account, once, before the users start (the
    lock-out counts failures per username: a run must never make one)."""
    answer = requests.post(
        f"{host}/api/v1/auth/token/",
        json={"username": username, "password": PASSWORD},
        headers=PROXY,
        timeout=30,
    )
    answer.raise_for_status()
    token = answer.json()["token"]
    browser = requests.Session()
    browser.headers.update(PROXY)
    login = f"{host}/accounts/login/"
    browser.get(login, timeout=30).raise_for_status()
    _insecure(browser)
    signed_in = browser.post(
        login,
        data={
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
        },
        headers={"Referer": login, "Origin": host.replace("http://", "https://")},
        timeout=30,
    )
    signed_in.raise_for_status()
    if "sessionid" not in browser.cookies:
        raise RuntimeError(f"{username}: the browser sign-in failed ({signed_in.url})")
    return {"token": token, "cookies": {c.name: c.value for c in browser.cookies}}


@events.test_start.add_listener
def sign_in_everyone(environment, **kwargs):
    host = environment.host
    for username in CLINICIANS + MANAGERS:
        accounts[username] = _sign_in(host, username)
    for username in CLINICIANS:
        api = _api(accounts[username]["token"])
        clinicians = api.get(f"{host}/api/v1/clinicians/", timeout=30).json()["results"]
        accounts[username]["clinician"] = next(
            c["id"] for c in clinicians if c["username"] == username
        )
        lots = api.get(f"{host}/api/v1/lots/", timeout=30).json()["results"]
        accounts[username]["lot"] = max(
            (lot for lot in lots if lot["formulation"] == "mesolift"),
            key=lambda lot: lot["expires_on"],
        )["lot_number"]
    receiver = os.environ.get("LOAD_WEBHOOK_URL")
    if receiver:  # every practice's appointment changes go to the local receiver
        for username in MANAGERS:
            api = _api(accounts[username]["token"])
            api.post(
                f"{host}/api/v1/webhooks/",
                json={
                    "url": receiver,
                    "events": [
                        "appointment.created",
                        "appointment.updated",
                        "appointment.cancelled",
                    ],
                    "description": "make load receiver",
                },
                timeout=30,
            ).raise_for_status()


class SignedIn(HttpUser):
    abstract = True
    username = ""

    def sign_in_as(self, username: str) -> None:
        self.username = username
        account = accounts[username]
        self.client.headers.update(PROXY)
        self.client.headers["Authorization"] = f"Token {account['token']}"
        for name, value in account["cookies"].items():
            # Secure cookies over the loopback's plain http: the proxy header says https.
            self.client.cookies.set(name, value, secure=False)

    def write(self, method: str, path: str, body: dict, name: str, expect: int):
        """A write through the API; any other status fails with the answer's body (the
        error code says whose fault it is)."""
        with self.client.request(method, path, json=body, name=name, catch_response=True) as answer:
            if answer.status_code != expect:
                answer.failure(f"{answer.status_code} {answer.text[:300]}")
            return answer

    def page(self, path: str, name: str):
        # Pages authenticate by the session cookie; the token header is the API's.
        with self.client.get(
            path,
            name=name,
            allow_redirects=False,
            catch_response=True,
            headers={"Authorization": ""},
        ) as answer:
            if answer.status_code != 200:
                answer.failure(f"{answer.status_code} {answer.headers.get('Location', '')}")


class Clinician(SignedIn):
    """A clinician's day: pages, and the intake-to-treatment path through the API."""

    weight = 36
    wait_time = between(1, 3)

    def on_start(self):
        self.number = next(_clinicians)
        self.sign_in_as(CLINICIANS[self.number % len(CLINICIANS)])
        account = accounts[self.username]
        self.clinician, self.lot = account["clinician"], account["lot"]
        self.patients: list[str] = []
        self.courses = 0
        self.recorded = 0
        self.consultation = None
        self.consultations = consultation_slots(self.number, datetime.now(ZONE).date())

    # --- pages -----------------------------------------------------------------------
    @task(4)
    def home(self):
        self.page("/", "page: home")

    @task(4)
    def day_view(self):
        self.page("/calendar/day/", "page: day view")

    @task(3)
    def patient_list(self):
        self.page("/patients/", "page: patient list")

    @task(3)
    def patient_search(self):
        self.page(f"/patients/?q={random.choice(SEARCHES)}", "page: patient search")

    # --- writes through the API ----------------------------------------------------------
    def _new_patient(self) -> str | None:
        answer = self.write(
            "POST",
            "/api/v1/patients/",
            {
                "first_name": "Load",
                "last_name": f"Patient {self.number}-{len(self.patients)}",
                "date_of_birth": "1986-04-12",
                "sex": "female",
                "email": f"load{self.number}-{len(self.patients)}@example.org",
            },
            name="api: create patient",
            expect=201,
        )
        if answer.status_code != 201:
            return None
        self.patients.append(answer.json()["id"])
        return self.patients[-1]

    @task(2)
    def screen_book_and_record(self):
        """A new patient screened, a course booked, its first session recorded."""
        patient = self._new_patient()
        if patient is None:
            return
        screening = self.write(
            "POST",
            f"/api/v1/patients/{patient}/screenings/",
            {
                "indication": "skin",
                "conditions": [],
                "allergies": [],
                "informed_consent": True,
                "expectations_acknowledged": True,
            },
            name="api: screening",
            expect=201,
        )
        if screening.status_code != 201:
            return
        start = course_start(self.number, self.courses, datetime.now(ZONE).date())
        self.courses += 1
        course = self.write(
            "POST",
            "/api/v1/courses/",
            {
                "patient": patient,
                "protocol": "mesolift",
                "clinician": self.clinician,
                "start": start.isoformat(),
                "initial_interval_days": 14,
            },
            name="api: book course",
            expect=201,
        )
        if course.status_code != 201:
            return
        first = min(course.json()["appointments"], key=lambda a: a["sequence"])
        # Recorded afterwards at a moment of this user's own in the past: the appointment
        # moves there, where no other simulated user's can be.
        performed_at = recorded_at(self.number, self.recorded, datetime.now(ZONE))
        if performed_at is None:
            return
        self.recorded += 1
        self.write(
            "POST",
            f"/api/v1/appointments/{first['id']}/session/",
            {
                "conditions": [],
                "performed_at": performed_at.isoformat(),
                "passes": [
                    {
                        "technique": "nappage",
                        "region": "forehead",
                        "depth_mm": 0.5,
                        "volume_ml": 0.5,
                        "product_lot": self.lot,
                    }
                ],
            },
            name="api: record session",
            expect=201,
        )

    @task(2)
    def book_consultation(self):
        if not self.patients and self._new_patient() is None:
            return
        starts_at = next(self.consultations, None)
        if starts_at is None:
            return
        answer = self.write(
            "POST",
            "/api/v1/appointments/",
            {
                "patient": self.patients[-1],
                "clinician": self.clinician,
                "kind": "consultation",
                "starts_at": starts_at.isoformat(),
                "ends_at": (starts_at + timedelta(minutes=30)).isoformat(),
            },
            name="api: book appointment",
            expect=201,
        )
        if answer.status_code == 201:
            self.consultation = (answer.json()["id"], starts_at)

    @task(2)
    def move_appointment(self):
        """The consultation just booked moves half an hour later, within its own hour."""
        if not self.consultation:
            return
        appointment, starts_at = self.consultation
        self.consultation = None
        self.write(
            "PATCH",
            f"/api/v1/appointments/{appointment}/",
            {"starts_at": (starts_at + timedelta(minutes=30)).isoformat()},
            name="api: move appointment",
            expect=200,
        )


class SyncClient(SignedIn):
    """A practice's calendar app keeping a copy: the changes feed, every 2 seconds."""

    fixed_count = 10
    wait_time = constant(2)

    def on_start(self):
        self.sign_in_as(CLINICIANS[next(_others) % 2])  # one per practice
        self.since = None

    @task
    def poll(self):
        more = True
        while more:
            params = {"since": self.since} if self.since else {}
            answer = self.client.get(
                "/api/v1/appointments/changes/",
                params=params,
                name="api: changes feed" if self.since else "api: changes feed (first sync)",
            )
            if answer.status_code != 200:
                return
            body = answer.json()
            self.since, more = body["next"], body["more"]


class Manager(SignedIn):
    """A practice manager: the Meso-Report, built by the worker, and the dashboard."""

    fixed_count = 2
    wait_time = between(5, 10)

    def on_start(self):
        self.sign_in_as(MANAGERS[next(_others) % 2])

    @task(3)
    def request_report(self):
        answer = self.write(
            "POST", "/api/v1/reports/", {"kind": "meso_report"}, "api: request report", 202
        )
        if answer.status_code != 202:
            return
        report = answer.json()["id"]
        for _ in range(60):
            status = self.client.get(f"/api/v1/reports/{report}/", name="api: report status")
            if status.status_code != 200 or status.json()["status"] in ("done", "failed"):
                if status.status_code == 200 and status.json()["status"] == "failed":
                    events.request.fire(
                        request_type="TASK",
                        name="report build",
                        response_time=0,
                        response_length=0,
                        exception=RuntimeError(status.json().get("error")),
                    )
                return
            self._sleep(1)

    def _sleep(self, seconds: float):
        import gevent

        gevent.sleep(seconds)

    @task(2)
    def reports_page(self):
        self.page("/reports/", "page: reports dashboard")

    @task(1)
    def webhook_deliveries(self):
        endpoints = self.client.get("/api/v1/webhooks/", name="api: webhooks").json()["results"]
        for endpoint in endpoints[:1]:
            self.client.get(
                f"/api/v1/webhooks/{endpoint['id']}/deliveries/", name="api: webhook deliveries"
            )


class StaticFiles(HttpUser):
    """For comparison: a static file (whitenoise) and the health check, no database."""

    fixed_count = 2
    wait_time = between(0.5, 1.5)

    def on_start(self):
        self.client.headers.update(PROXY)

    @task
    def stylesheet(self):
        self.client.get("/static/mesoplan/mesoplan.css", name="static: stylesheet")

    @task
    def healthz(self):
        with self.client.get("/healthz", name="static: /healthz", catch_response=True) as answer:
            if answer.status_code != 200:  # the body says which part failed
                answer.failure(f"{answer.status_code} {answer.text[:300]}")

"""Screenings through the API: every DOMAIN.md rule, immutability, acknowledgement."""

from datetime import timedelta

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from patients.models import Screening
from tests.patients.conftest import CONSENT
from tests.patients.test_screening_rules import ABSOLUTE, RELATIVE

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("code, outcome", sorted(ABSOLUTE.items()))
def test_each_absolute_contraindication_via_api(screen_via_api, patient_a, code, outcome):
    response = screen_via_api(patient_a, indication="skin", conditions=[code], **CONSENT)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["outcome"] == outcome
    assert {"code": code, "severity": "absolute"}.items() <= body["findings"][0].items()


@pytest.mark.parametrize("code", RELATIVE)
def test_each_relative_contraindication_via_api(screen_via_api, patient_a, code):
    body = screen_via_api(patient_a, indication="skin", conditions=[code], **CONSENT).json()
    assert body["outcome"] == "caution" and body["needs_acknowledgement"] is True
    assert body["findings"][0]["severity"] == "relative"
    assert body["acknowledgement"] is None


@pytest.mark.parametrize(
    "indication, allergy, outcome",
    [
        ("skin", "rutin", "excluded"),
        ("hair", "rutin", "excluded"),
        ("hair", "silicon", "excluded"),
        ("hair", "multivitamins", "excluded"),
        ("skin", "dmae", "excluded"),
        ("skin", "hyaluronic_acid", "excluded"),
        ("skin", "centella_asiatica", "excluded"),
        ("hair", "dmae", "eligible"),
        ("skin", "Penicillin", "eligible"),
    ],
)
def test_allergies_are_checked_against_formulations_from_the_database(
    screen_via_api, patient_a, indication, allergy, outcome
):
    extra = (
        {"hair_loss_onset": "2026-01-01", "therapy_goal": "regrowth"}
        if indication == "hair"
        else {}
    )
    body = screen_via_api(
        patient_a, indication=indication, allergies=[allergy], **CONSENT, **extra
    ).json()
    assert body["outcome"] == outcome
    assert body["allergies"] == [allergy]


def test_formulation_edited_in_the_database_changes_screening(screen_via_api, patient_a):
    from protocols.models import Formulation, Ingredient

    biotin = Ingredient.objects.create(code="biotin", name="Biotin")
    Formulation.objects.get(code="mesohair").actives.add(biotin)
    body = screen_via_api(patient_a, indication="hair", allergies=["biotin"], **CONSENT).json()
    assert body["outcome"] == "excluded"


def test_hair_screening_records_answers_and_advisories(screen_via_api, male_patient_a):
    onset = (timezone.localdate() - timedelta(days=365 * 3)).isoformat()
    body = screen_via_api(
        male_patient_a,
        indication="hair",
        hair_loss_onset=onset,
        insurance_options_considered=True,
        therapy_goal="stabilise",
        **CONSENT,
    ).json()
    assert body["outcome"] == "eligible"
    advisories = {f["code"] for f in body["findings"] if f["severity"] == "advisory"}
    assert {"male_hair_loss", "hair_loss_over_two_years"} <= advisories
    assert body["hair_loss_onset"] == onset and body["therapy_goal"] == "stabilise"
    assert body["insurance_options_considered"] is True


def test_unknown_condition_code_is_400_naming_it(screen_via_api, patient_a):
    response = screen_via_api(patient_a, indication="skin", conditions=["pregnancy", "lycanthropy"])
    assert response.status_code == 400
    assert "lycanthropy" in str(response.json()["conditions"])
    assert not Screening.objects.exists()


@pytest.mark.parametrize(
    "body, field",
    [
        ({"indication": "face"}, "indication"),
        ({"indication": "skin", "conditions": "pregnancy"}, "conditions"),
        ({"indication": "skin", "informed_consent": "maybe"}, "informed_consent"),
        ({"indication": "skin", "therapy_goal": "regrowth"}, "therapy_goal"),
        ({"indication": "hair", "therapy_goal": "grow_back"}, "therapy_goal"),
        ({"indication": "hair", "hair_loss_onset": "2999-01-01"}, "hair_loss_onset"),
        ({"indication": "hair", "hair_loss_onset": "1800-01-01"}, "hair_loss_onset"),
        ({"indication": "skin", "outcome": "eligible"}, "outcome"),
        ({}, "indication"),
    ],
)
def test_bad_screening_input_is_400_with_field_message(screen_via_api, patient_a, body, field):
    response = screen_via_api(patient_a, **body)
    assert response.status_code == 400
    assert field in response.json()
    assert not Screening.objects.exists()


def test_screening_response_has_the_contract_fields(screen_via_api, patient_a, clinician_a):
    body = screen_via_api(patient_a, indication="skin", **CONSENT).json()
    assert {
        "id",
        "indication",
        "conditions",
        "allergies",
        "informed_consent",
        "expectations_acknowledged",
        "outcome",
        "findings",
        "rule_set_version",
        "created_by",
        "created_at",
    } <= set(body)
    assert body["created_by"] == str(clinician_a.pk)
    assert body["informed_consent"] is True


def test_consent_defaults_to_false_and_is_flagged(screen_via_api, patient_a):
    body = screen_via_api(patient_a, indication="skin").json()
    assert body["informed_consent"] is False and body["expectations_acknowledged"] is False
    codes = {f["code"] for f in body["findings"]}
    assert {"informed_consent_missing", "expectations_not_acknowledged"} <= codes


def test_screenings_are_never_edited_and_listed_newest_first(api_a, screen_via_api, patient_a):
    first = screen_via_api(patient_a, indication="skin", conditions=["pregnancy"], **CONSENT).json()
    url = f"/api/v1/patients/{patient_a.pk}/screenings/"
    for method in ("put", "patch", "delete"):
        response = getattr(api_a, method)(
            f"{url}{first['id']}/", {"outcome": "eligible"}, format="json"
        )
        assert response.status_code == 405
    second = screen_via_api(patient_a, indication="skin", **CONSENT).json()
    listing = api_a.get(url).json()["results"]
    assert [s["id"] for s in listing] == [second["id"], first["id"]]
    assert [s["outcome"] for s in listing] == ["eligible", "deferred"]
    assert api_a.get(f"{url}{first['id']}/").json()["outcome"] == "deferred"


def test_database_refuses_to_rewrite_a_screening(screen_via_api, patient_a):
    screen_via_api(patient_a, indication="skin", conditions=["epilepsy"], **CONSENT)
    with pytest.raises(DatabaseError), transaction.atomic():
        Screening.objects.update(outcome="eligible")
    assert Screening.objects.get().outcome == "excluded"


@pytest.mark.postgres
def test_postgres_refuses_to_delete_a_screening(screen_via_api, patient_a):
    screen_via_api(patient_a, indication="skin", **CONSENT)
    with pytest.raises(DatabaseError), transaction.atomic():
        Screening.objects.all().delete()
    assert Screening.objects.count() == 1


def test_only_clinicians_screen(api_for, manager_a, patient_a):
    response = api_for(manager_a).post(
        f"/api/v1/patients/{patient_a.pk}/screenings/", {"indication": "skin"}, format="json"
    )
    assert response.status_code == 403
    assert not Screening.objects.exists()


def test_network_admin_sees_no_patient_records(api_for, network_admin, patient_a):
    api = api_for(network_admin)
    assert api.get("/api/v1/patients/").status_code == 403
    assert api.get(f"/api/v1/patients/{patient_a.pk}/screenings/").status_code == 403


class TestAcknowledgement:
    def ack(self, api, patient, screening_id, **body):
        return api.post(
            f"/api/v1/patients/{patient.pk}/screenings/{screening_id}/acknowledge/",
            body,
            format="json",
        )

    def test_clinician_acknowledges_caution_and_reads_show_it(
        self, api_a, screen_via_api, patient_a, clinician_a
    ):
        sid = screen_via_api(
            patient_a, indication="skin", conditions=["psoriasis"], **CONSENT
        ).json()["id"]
        response = self.ack(api_a, patient_a, sid, reason="Stable plaques away from the face.")
        assert response.status_code == 200
        ack = response.json()["acknowledgement"]
        assert ack["reason"] == "Stable plaques away from the face."
        assert ack["by"] == str(clinician_a.pk) and ack["at"]
        assert response.json()["needs_acknowledgement"] is False
        read = api_a.get(f"/api/v1/patients/{patient_a.pk}/screenings/{sid}/").json()
        assert read["acknowledgement"] == ack

    def test_reason_is_required(self, api_a, screen_via_api, patient_a):
        sid = screen_via_api(patient_a, indication="skin", conditions=["herpes"], **CONSENT).json()[
            "id"
        ]
        assert self.ack(api_a, patient_a, sid).status_code == 400
        assert self.ack(api_a, patient_a, sid, reason="   ").status_code == 400

    @pytest.mark.parametrize("conditions", [[], ["pregnancy"], ["epilepsy"]])
    def test_other_outcomes_answer_409(self, api_a, screen_via_api, patient_a, conditions):
        sid = screen_via_api(patient_a, indication="skin", conditions=conditions, **CONSENT).json()[
            "id"
        ]
        assert self.ack(api_a, patient_a, sid, reason="x").status_code == 409

    def test_second_acknowledgement_is_409_and_keeps_the_first(
        self, api_a, screen_via_api, patient_a
    ):
        sid = screen_via_api(patient_a, indication="skin", conditions=["herpes"], **CONSENT).json()[
            "id"
        ]
        self.ack(api_a, patient_a, sid, reason="first")
        assert self.ack(api_a, patient_a, sid, reason="second").status_code == 409
        read = api_a.get(f"/api/v1/patients/{patient_a.pk}/screenings/{sid}/").json()
        assert read["acknowledgement"]["reason"] == "first"

    def test_only_a_clinician_acknowledges(self, api_for, manager_a, screen_via_api, patient_a):
        sid = screen_via_api(patient_a, indication="skin", conditions=["herpes"], **CONSENT).json()[
            "id"
        ]
        assert self.ack(api_for(manager_a), patient_a, sid, reason="ok").status_code == 403


def test_screenings_list_runs_constant_queries(
    api_a, screen_via_api, patient_a, django_assert_max_num_queries
):
    url = f"/api/v1/patients/{patient_a.pk}/screenings/"
    screen_via_api(patient_a, indication="skin", **CONSENT)
    with django_assert_max_num_queries(6) as small:
        api_a.get(url)
    baseline = len(small.captured_queries)  # read now: the next request clears the log
    for _ in range(10):
        screen_via_api(patient_a, indication="skin", conditions=["herpes"], **CONSENT)
    with django_assert_max_num_queries(baseline):
        assert len(api_a.get(url).json()["results"]) == 11


@pytest.mark.parametrize(
    "who, indication, stored",
    [("male", "hair", True), ("female", "hair", None), ("male", "skin", None)],
)
def test_prognosis_explanation_is_kept_only_for_male_hair_patients(
    screen_via_api, patient_a, male_patient_a, who, indication, stored
):
    patient = male_patient_a if who == "male" else patient_a
    body = screen_via_api(
        patient, indication=indication, prognosis_explained=True, **CONSENT
    ).json()
    assert body["prognosis_explained"] is stored


def test_allergy_findings_carry_their_severity_through_the_api(screen_via_api, patient_a):
    body = screen_via_api(
        patient_a, indication="skin", allergies=["rutin", "Latex"], **CONSENT
    ).json()
    by_code = {f["code"]: f for f in body["findings"]}
    assert by_code["ingredient_allergy"]["severity"] == "absolute"
    assert by_code["ingredient_allergy"]["effect"] == "excluded"
    assert by_code["other_allergy"]["severity"] == "advisory"
    assert by_code["other_allergy"]["effect"] == "eligible"
    assert body["outcome"] == "excluded"
    stored = {f["code"]: f["severity"] for f in Screening.objects.get().findings}
    assert stored == {"ingredient_allergy": "absolute", "other_allergy": "advisory"}


def test_an_unnamed_ingredient_allergy_is_absolute_through_the_api(screen_via_api, patient_a):
    body = screen_via_api(
        patient_a, indication="skin", conditions=["ingredient_allergy"], **CONSENT
    ).json()
    (finding,) = body["findings"]
    assert (finding["code"], finding["severity"]) == ("ingredient_allergy", "absolute")
    assert body["outcome"] == "excluded"

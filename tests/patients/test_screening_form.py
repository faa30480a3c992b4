"""The browser screening form: every question asked gets an explicit answer, a blank is
never a "no", questions that cannot apply are not asked, and "screen again" starts from
the previous answers. The answers reach the same service (and rules) as the API's."""

from datetime import date
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from patients import services
from patients.contraindications import CONDITION_GROUPS
from patients.models import Screening
from tests.factories import PatientFactory
from tests.patients.test_screening_rules import ABSOLUTE, RELATIVE

pytestmark = pytest.mark.django_db

ALL_NO = {
    "none_permanent": "on",
    "none_temporary": "on",
    "none_relative": "on",
    "allergy_status": "none",
    "informed_consent": "yes",
    "expectations_acknowledged": "yes",
}
HAIR = {
    "hair_loss_onset": "03.2025",
    "therapy_goal": "regrowth",
    "insurance_options_considered": "yes",
}


class _Inputs(HTMLParser):
    """Every <input> of a page, by name: [(value, checked, attrs)]."""

    def __init__(self):
        super().__init__()
        self.inputs: dict[str, list[dict]] = {}

    def handle_starttag(self, tag, attrs):
        if tag == "input":
            attributes = dict(attrs)
            self.inputs.setdefault(attributes.get("name", ""), []).append(attributes)


def inputs(html: str) -> dict[str, list[dict]]:
    parser = _Inputs()
    parser.feed(html)
    return parser.inputs


def checked(html: str, name: str) -> list[str]:
    return [i["value"] for i in inputs(html).get(name, []) if "checked" in i]


def error_summary(html: str) -> str:
    start = html.index("data-error-summary")
    return html[start : html.index("</div>", start)]


@pytest.fixture
def patient(practice_a):
    return PatientFactory(practice=practice_a, sex="female", date_of_birth=date(1980, 5, 1))


@pytest.fixture
def man(practice_a):
    return PatientFactory(practice=practice_a, sex="male", date_of_birth=date(1975, 1, 1))


@pytest.fixture
def post_screening(browser_a):
    def post(patient, **answers):
        url = reverse("patients:screening-create", args=[patient.pk])
        return browser_a.post(url, {"indication": "skin", **answers})

    return post


def group_of(code: str) -> str:
    for key, (_, codes) in zip(
        ("permanent", "temporary", "relative"), CONDITION_GROUPS, strict=True
    ):
        if code in codes:
            return key
    raise AssertionError(code)


def test_groups_are_the_three_the_form_names():
    kinds = [("pregnancy" in codes, "psoriasis" in codes) for _, codes in CONDITION_GROUPS]
    assert kinds == [(False, False), (True, False), (False, True)]


def test_an_unanswered_question_blocks_submission_and_is_named(post_screening, patient):
    answers = {**ALL_NO}
    del answers["none_permanent"]  # the permanent group is now open, question by question
    response = post_screening(
        patient, **answers, **{f"condition_{c}": "no" for c in ABSOLUTE if c != "epilepsy"}
    )
    assert response.status_code == 200
    assert not Screening.objects.exists()
    summary = error_summary(response.content.decode())
    assert 'href="#id_condition_epilepsy_0">Epilepsy</a>' in summary
    assert "1 answers" not in summary and "One answer needs attention" in summary


def test_an_empty_form_names_every_unanswered_question(post_screening, patient):
    response = post_screening(patient)
    summary = error_summary(response.content.decode())
    for label in (
        "Pregnancy",
        "Epilepsy",
        "Tendency to herpes",
        "Does the patient have any allergies?",
    ):
        assert f">{label}</a>" in summary
    assert "informed consent" in summary and "regenerative" in summary
    assert not Screening.objects.exists()


@pytest.mark.parametrize(
    "code, outcome",
    [
        ("epilepsy", "excluded"),  # absolute, permanent
        ("acute_infection", "deferred"),  # absolute, temporary
        ("pregnancy", "deferred"),
        ("herpes", "caution"),  # relative
        ("psoriasis", "caution"),
    ],
)
def test_a_yes_in_each_group_reaches_the_rules(post_screening, patient, code, outcome):
    answers = {**ALL_NO, f"condition_{code}": "yes"}
    del answers[f"none_{group_of(code)}"]
    others = [c for c in [*ABSOLUTE, *RELATIVE] if group_of(c) == group_of(code) and c != code]
    response = post_screening(patient, **answers, **{f"condition_{c}": "no" for c in others})
    screening = Screening.objects.get()
    assert response.status_code == 302
    assert screening.conditions == [code] and screening.outcome == outcome
    assert [f["code"] for f in screening.findings] == [code]


@pytest.mark.parametrize("code", [*ABSOLUTE, *RELATIVE])
def test_every_condition_of_the_rule_set_is_asked(browser_a, patient, code):
    html = browser_a.get(reverse("patients:screening-create", args=[patient.pk])).content.decode()
    assert [i["value"] for i in inputs(html)[f"condition_{code}"]] == ["yes", "no"]


def test_none_of_these_apply_answers_the_group_with_no(post_screening, patient):
    assert post_screening(patient, **ALL_NO).status_code == 302
    screening = Screening.objects.get()
    assert screening.conditions == [] and screening.outcome == "eligible"


def test_explicit_no_everywhere_is_the_same_as_none_apply(post_screening, patient):
    answers = {k: v for k, v in ALL_NO.items() if not k.startswith("none_")}
    no = {f"condition_{c}": "no" for c in [*ABSOLUTE, *RELATIVE]}
    assert post_screening(patient, **answers, **no).status_code == 302
    assert Screening.objects.get().outcome == "eligible"


def test_none_apply_with_a_yes_in_the_same_group_is_refused(post_screening, patient):
    response = post_screening(patient, **ALL_NO, condition_herpes="yes")
    assert response.status_code == 200 and not Screening.objects.exists()
    summary = error_summary(response.content.decode())
    assert "“None of these apply” is ticked, but Tendency to herpes is answered Yes" in summary
    assert 'href="#id_none_relative"' in summary


def test_a_man_is_not_asked_about_pregnancy(browser_a, man, post_screening):
    html = browser_a.get(reverse("patients:screening-create", args=[man.pk])).content.decode()
    assert "condition_pregnancy" not in inputs(html) and "Pregnancy" not in html
    assert "condition_acute_infection" in inputs(html)
    temporary = {f"condition_{c}": "no" for c in ABSOLUTE if group_of(c) == "temporary"}
    answers = {k: v for k, v in ALL_NO.items() if k != "none_temporary"}
    response = post_screening(man, **answers, **temporary)  # pregnancy left out: not a gap
    assert response.status_code == 302
    assert Screening.objects.get().conditions == []


def test_a_woman_is_asked_about_pregnancy(browser_a, patient):
    html = browser_a.get(reverse("patients:screening-create", args=[patient.pk])).content.decode()
    assert [i["value"] for i in inputs(html)["condition_pregnancy"]] == ["yes", "no"]


def test_a_first_screening_preselects_no_answer(browser_a, patient):
    url = reverse("patients:screening-create", args=[patient.pk])
    html = browser_a.get(url, {"indication": "skin"}).content.decode()
    for name, boxes in inputs(html).items():
        if name != "indication":
            assert not [b for b in boxes if "checked" in b], name
    assert checked(html, "indication") == ["skin"]


def test_hair_questions_are_required_for_hair_only(post_screening, patient):
    assert post_screening(patient, **ALL_NO).status_code == 302  # skin: not asked
    response = post_screening(patient, **{**ALL_NO, "indication": "hair"})
    summary = error_summary(response.content.decode())
    assert ">Hair loss began</a>" in summary and ">Therapy goal</a>" in summary
    assert "statutory health insurance" in summary
    assert "prognosis" not in summary  # asked of men only
    assert Screening.objects.count() == 1


def test_a_skin_screening_ignores_stray_hair_answers(post_screening, patient):
    response = post_screening(patient, **ALL_NO, hair_loss_onset="junk", therapy_goal="regrowth")
    assert response.status_code == 302
    screening = Screening.objects.get()
    assert screening.hair_loss_onset is None and screening.therapy_goal == ""


def test_a_man_with_hair_loss_is_asked_about_the_prognosis(post_screening, man):
    response = post_screening(man, **{**ALL_NO, **HAIR, "indication": "hair"})
    assert ">Was the limited prognosis" in error_summary(response.content.decode())
    response = post_screening(
        man, **{**ALL_NO, **HAIR, "indication": "hair", "prognosis_explained": "no"}
    )
    assert response.status_code == 302
    screening = Screening.objects.get()
    assert screening.prognosis_explained is False
    assert screening.hair_loss_onset == date(2025, 3, 1)  # the month, as its first day
    assert screening.insurance_options_considered is True


def test_hair_onset_is_entered_to_the_month_in_the_practice_format(
    post_screening, patient, practice_a
):
    practice_a.date_format = "mdy_slash"
    practice_a.save()
    answers = {**ALL_NO, **HAIR, "indication": "hair"}
    response = post_screening(patient, **{**answers, "hair_loss_onset": "13/2025"})
    assert "Enter the date as MM/YYYY, for example 12/2026." in response.content.decode()
    assert post_screening(patient, **{**answers, "hair_loss_onset": "11/2024"}).status_code == 302
    assert Screening.objects.get().hair_loss_onset == date(2024, 11, 1)


def test_allergies_need_an_explicit_answer(post_screening, patient):
    response = post_screening(patient, **{**ALL_NO, "allergy_status": "named"})
    assert "Name at least one allergy" in error_summary(response.content.decode())
    response = post_screening(patient, **{**ALL_NO, "other_allergies": "latex"})
    assert "“No known allergies” is chosen, but latex is named" in response.content.decode()
    assert not Screening.objects.exists()


def test_a_named_ingredient_allergy_excludes(post_screening, patient):
    response = post_screening(
        patient, **{**ALL_NO, "allergy_status": "named", "allergies": ["rutin"]}
    )
    assert response.status_code == 302
    screening = Screening.objects.get()
    assert screening.allergies == ["rutin"] and screening.outcome == "excluded"


def test_consent_no_is_an_answer_and_is_recorded(post_screening, patient):
    response = post_screening(patient, **{**ALL_NO, "informed_consent": "no"})
    assert response.status_code == 302
    screening = Screening.objects.get()
    assert screening.informed_consent is False
    assert "informed_consent_missing" in [f["code"] for f in screening.findings]


def test_screen_again_preselects_the_previous_answers(browser_a, man, clinician_a):
    services.create_screening(
        actor=clinician_a,
        patient=man,
        indication="hair",
        conditions=["herpes", "epilepsy"],
        allergies=["rutin", "penicillin", "latex"],
        hair_loss_onset=date(2024, 3, 1),
        insurance_options_considered=True,
        therapy_goal="stabilise",
        prognosis_explained=False,
        informed_consent=True,
        expectations_acknowledged=False,
    )
    url = reverse("patients:screening-create", args=[man.pk])
    html = browser_a.get(url, {"indication": "hair"}).content.decode()
    assert checked(html, "indication") == ["hair"]
    assert checked(html, "condition_herpes") == ["yes"]
    assert checked(html, "condition_epilepsy") == ["yes"]
    assert checked(html, "condition_psoriasis") == ["no"]
    assert checked(html, "condition_acute_infection") == ["no"]
    assert checked(html, "allergy_status") == ["named"]
    assert checked(html, "allergies") == ["rutin"]
    assert inputs(html)["other_allergies"][0]["value"] == "penicillin, latex"
    assert inputs(html)["hair_loss_onset"][0]["value"] == "03.2024"
    assert checked(html, "therapy_goal") == ["stabilise"]
    assert checked(html, "insurance_options_considered") == ["yes"]
    assert checked(html, "prognosis_explained") == ["no"]
    assert checked(html, "informed_consent") == ["yes"]
    assert checked(html, "expectations_acknowledged") == ["no"]
    assert "are pre-selected" in html


def test_screen_again_takes_the_latest_screening_of_that_indication(
    browser_a, patient, clinician_a
):
    for conditions in (["psoriasis"], []):
        services.create_screening(
            actor=clinician_a, patient=patient, indication="skin", conditions=conditions
        )
    services.create_screening(
        actor=clinician_a, patient=patient, indication="hair", conditions=["epilepsy"]
    )
    url = reverse("patients:screening-create", args=[patient.pk])
    html = browser_a.get(url, {"indication": "skin"}).content.decode()
    assert checked(html, "condition_psoriasis") == ["no"]
    assert checked(html, "condition_epilepsy") == ["no"]
    assert checked(html, "allergy_status") == ["none"]


def test_submitted_answers_are_kept_when_the_form_comes_back(post_screening, patient):
    response = post_screening(patient, condition_epilepsy="no", allergy_status="none")
    html = response.content.decode()
    assert checked(html, "condition_epilepsy") == ["no"]
    assert checked(html, "condition_pregnancy") == []  # still open, not "no"


def test_a_failed_acknowledgement_shows_the_error_summary(browser_a, patient, clinician_a):
    screening = services.create_screening(
        actor=clinician_a, patient=patient, indication="skin", conditions=["psoriasis"]
    )
    url = reverse("patients:screening-acknowledge", args=[patient.pk, screening.pk])
    html = browser_a.post(url, {"reason": ""}).content.decode()
    assert 'href="#id_reason">Reason for proceeding</a>' in error_summary(html)
    assert 'aria-describedby="id_reason_helptext id_reason_error"' in html
    assert 'id="id_reason_helptext"' in html and 'id="id_reason_error"' in html
    assert 'aria-invalid="true"' in html

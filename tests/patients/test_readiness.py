"""The ready-to-book gate (DOMAIN.md "Ready to book"), pure: every reason, and the
property that anything missing means not ready."""

from dataclasses import replace
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from patients.readiness import (
    Missing,
    ScreeningFacts,
    Status,
    facts_of,
    ready_to_book,
    status_of,
)
from patients.screening import Outcome

READY = ScreeningFacts(
    indication="skin",
    outcome=Outcome.ELIGIBLE,
    acknowledged=False,
    informed_consent=True,
    expectations_acknowledged=True,
    patient_sex="female",
)


def test_eligible_with_consent_and_expectations_is_ready():
    gate = ready_to_book("skin", READY)
    assert gate.is_ready and gate.reasons == ()
    assert status_of(gate).label == "Ready to book"


def test_nothing_screened_is_not_ready():
    gate = ready_to_book("hair", None)
    assert gate.codes == (Missing.NOT_SCREENED,)
    assert status_of(gate).label == "Not screened"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"outcome": Outcome.EXCLUDED}, [Missing.EXCLUDED]),
        ({"outcome": Outcome.DEFERRED}, [Missing.DEFERRED]),
        ({"outcome": Outcome.CAUTION}, [Missing.CAUTION_NOT_ACKNOWLEDGED]),
        ({"informed_consent": False}, [Missing.INFORMED_CONSENT]),
        ({"expectations_acknowledged": False}, [Missing.EXPECTATIONS]),
        ({"is_latest": False}, [Missing.SUPERSEDED]),
        (
            {"informed_consent": False, "expectations_acknowledged": False},
            [Missing.INFORMED_CONSENT, Missing.EXPECTATIONS],
        ),
    ],
)
def test_each_missing_fact_is_named(change, expected):
    gate = ready_to_book("skin", replace(READY, **change))
    assert not gate.is_ready
    assert list(gate.codes) == expected
    assert all(r.message for r in gate.reasons)


def test_an_acknowledged_caution_is_ready():
    facts = replace(READY, outcome=Outcome.CAUTION, acknowledged=True)
    assert ready_to_book("skin", facts).is_ready


def test_an_acknowledgement_does_not_lift_an_exclusion():
    facts = replace(READY, outcome=Outcome.EXCLUDED, acknowledged=True)
    assert ready_to_book("skin", facts).codes == (Missing.EXCLUDED,)


def test_a_man_with_hair_loss_needs_the_prognosis_explained():
    man = replace(READY, indication="hair", patient_sex="male", prognosis_explained=None)
    assert ready_to_book("hair", man).codes == (Missing.PROGNOSIS_NOT_EXPLAINED,)
    assert ready_to_book("hair", replace(man, prognosis_explained=False)).codes == (
        Missing.PROGNOSIS_NOT_EXPLAINED,
    )
    assert ready_to_book("hair", replace(man, prognosis_explained=True)).is_ready
    # Not for skin, and not for women.
    assert ready_to_book("skin", replace(man, indication="skin")).is_ready
    assert ready_to_book("hair", replace(man, patient_sex="female")).is_ready


def test_status_labels_follow_the_worst_reason():
    caution = ready_to_book("skin", replace(READY, outcome=Outcome.CAUTION))
    assert status_of(caution).label == "Caution, not acknowledged"
    assert status_of(caution).tone == "caution"
    no_consent = ready_to_book("skin", replace(READY, informed_consent=False))
    assert status_of(no_consent).label == "Not ready: consent missing"
    deferred = ready_to_book("skin", replace(READY, outcome=Outcome.DEFERRED))
    assert status_of(deferred).tone == "deferred"


@given(
    outcome=st.sampled_from(list(Outcome)),
    acknowledged=st.booleans(),
    consent=st.booleans(),
    expectations=st.booleans(),
    sex=st.sampled_from(["female", "male", "other"]),
    prognosis=st.sampled_from([None, False, True]),
    indication=st.sampled_from(["skin", "hair"]),
    is_latest=st.booleans(),
)
def test_ready_exactly_when_every_condition_of_the_domain_holds(
    outcome, acknowledged, consent, expectations, sex, prognosis, indication, is_latest
):
    facts = ScreeningFacts(
        indication, outcome, acknowledged, consent, expectations, sex, prognosis, is_latest
    )
    expected = (
        is_latest
        and (outcome == Outcome.ELIGIBLE or (outcome == Outcome.CAUTION and acknowledged))
        and consent
        and expectations
        and not (indication == "hair" and sex == "male" and not prognosis)
    )
    gate = ready_to_book(indication, facts)
    assert gate.is_ready is expected
    assert gate.is_ready is (gate.reasons == ())


@pytest.mark.parametrize(
    ("facts", "status"),
    [
        (READY, ("Ready to book", "eligible")),
        (None, ("Not screened", "neutral")),
        (
            replace(READY, outcome=Outcome.EXCLUDED, informed_consent=False),
            ("Excluded", "excluded"),
        ),
        (replace(READY, outcome=Outcome.DEFERRED, is_latest=False), ("Deferred", "deferred")),
        (
            replace(READY, outcome=Outcome.CAUTION, expectations_acknowledged=False),
            ("Caution, not acknowledged", "caution"),
        ),
        (
            replace(
                READY,
                indication="hair",
                patient_sex="male",
                informed_consent=False,
                expectations_acknowledged=False,
                is_latest=False,
            ),
            (
                "Not ready: superseded, consent missing, expectations not recorded, "
                "prognosis not explained",
                "caution",
            ),
        ),
    ],
)
def test_each_status_label_and_tone(facts, status):
    indication = facts.indication if facts else "skin"
    assert status_of(ready_to_book(indication, facts)) == Status(*status)


def test_a_reason_as_json_names_its_code_and_message():
    (reason,) = ready_to_book("skin", replace(READY, informed_consent=False)).reasons
    assert reason.as_dict() == {
        "code": "informed_consent_missing",
        "message": "The patient's informed consent is not recorded.",
    }


def test_the_gate_keeps_the_indication_and_outcome_it_judged():
    gate = ready_to_book("skin", replace(READY, outcome=Outcome.CAUTION))
    assert (gate.indication, gate.outcome) == ("skin", Outcome.CAUTION)
    unscreened = ready_to_book("hair", None)
    assert (unscreened.indication, unscreened.outcome) == ("hair", None)


@pytest.mark.parametrize(
    ("change", "acknowledge", "new_screening"),
    [
        ({"outcome": Outcome.CAUTION}, True, False),
        ({"outcome": Outcome.EXCLUDED}, False, False),
        ({"outcome": Outcome.DEFERRED}, False, True),
        ({"informed_consent": False}, False, True),
        ({"is_latest": False}, False, False),
        ({}, False, False),
    ],
)
def test_what_resolves_each_reason(change, acknowledge, new_screening):
    gate = ready_to_book("skin", replace(READY, **change))
    assert gate.needs_acknowledgement is acknowledge
    assert gate.needs_new_screening is new_screening


def test_facts_are_read_from_a_stored_screening():
    stored = SimpleNamespace(
        indication="hair",
        outcome="caution",
        acknowledgement=object(),
        informed_consent=1,
        expectations_acknowledged="yes",
        prognosis_explained=True,
    )
    assert facts_of(stored, patient_sex="male", is_latest=False) == ScreeningFacts(
        indication="hair",
        outcome=Outcome.CAUTION,
        acknowledged=True,
        informed_consent=True,
        expectations_acknowledged=True,
        patient_sex="male",
        prognosis_explained=True,
        is_latest=False,
    )
    stored.acknowledgement = None
    stored.informed_consent = stored.expectations_acknowledged = None
    facts = facts_of(stored, patient_sex="female")
    assert facts.acknowledged is False and facts.is_latest is True
    assert facts.informed_consent is False and facts.expectations_acknowledged is False
    del stored.acknowledgement  # not loaded at all: not acknowledged either
    assert facts_of(stored, patient_sex="female").acknowledged is False

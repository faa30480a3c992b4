"""The course timeline at its edges (issue 15.9, the survivors of mutation testing): a
recorded session says when it was performed, a record the timeline has no passes for
shows none, and maintenance visits come in time order. Pure."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace as Row

from sessions.timeline import course_timeline

T0 = datetime(2026, 11, 2, 9, tzinfo=UTC)


def _timeline(appointments, records, passes=None):
    return course_timeline(
        total=1,
        appointments=appointments,
        records=records,
        current_passes=passes or {},
        versions={},
        measures={},
        photos={},
        events={},
    )


def test_a_recorded_session_is_shown_when_it_was_performed():
    planned_for = Row(pk="a1", sequence=1, status="completed", starts_at=T0)
    record = Row(pk="r1", performed_at=T0 - timedelta(days=2))  # performed earlier
    [entry] = _timeline([planned_for], {"a1": record})
    assert entry.state == "done" and entry.when == T0 - timedelta(days=2)
    assert entry.record is record and entry.appointment is planned_for
    # No passes given for the record: none shown, nothing given.
    assert entry.regions == () and entry.volume_ml == 0 and entry.lots == ()


def test_maintenance_visits_follow_in_time_order():
    later = Row(pk="m2", sequence=None, status="completed", starts_at=T0 + timedelta(days=300))
    earlier = Row(pk="m1", sequence=None, status="completed", starts_at=T0 + timedelta(days=200))
    records = {
        "m2": Row(pk="r2", performed_at=later.starts_at),
        "m1": Row(pk="r1", performed_at=earlier.starts_at),
    }
    entries = _timeline([later, earlier], records, {"r1": [], "r2": []})
    assert [(e.label, e.when) for e in entries[1:]] == [
        ("Maintenance", earlier.starts_at),
        ("Maintenance", later.starts_at),
    ]

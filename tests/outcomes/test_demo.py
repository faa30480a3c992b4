"""The demo's clinical records (API.md "Demo and test data"): recorded sessions with passes,
lots (one expiring soon, one expired), adverse events, measures and surveys in both
practices, and nothing added by a second run."""

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from lots.models import ProductLot
from outcomes.models import OutcomeMeasure, Photo, Survey
from sessions.models import AdverseEvent, Pass, SessionAmendment, SessionRecord

pytestmark = pytest.mark.django_db


def per_practice(queryset, path):
    return dict(queryset.values_list(path).annotate(n=Count("pk")).order_by())


def test_demo_records_sessions_lots_events_and_surveys_in_both_practices():
    call_command("seed_demo", "--patients", "24", "--seed", "5", "--password", "pw")
    first = (SessionRecord.objects.count(), Pass.objects.count(), ProductLot.objects.count())
    call_command("seed_demo", "--patients", "24", "--seed", "5", "--password", "pw")
    assert (
        SessionRecord.objects.count(),
        Pass.objects.count(),
        ProductLot.objects.count(),
    ) == first
    assert len(per_practice(SessionRecord.objects, "practice")) == 2
    assert len(per_practice(AdverseEvent.objects, "practice")) == 2
    assert len(per_practice(Survey.objects, "course__patient__practice")) == 2
    assert OutcomeMeasure.objects.count() == SessionRecord.objects.count()
    today = timezone.localdate()
    for practice_id in per_practice(ProductLot.objects, "practice"):
        lots = ProductLot.objects.filter(practice_id=practice_id)
        assert lots.filter(expires_on__lt=today).exists()
        assert lots.filter(
            expires_on__gte=today, expires_on__lte=today + timezone.timedelta(days=30)
        ).exists()
    assert all(e.lots.exists() for e in AdverseEvent.objects.all())
    assert Photo.objects.exists() and SessionAmendment.objects.exists()

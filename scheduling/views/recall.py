"""The practice's recall list: patients whose maintenance window has begun and who have
no maintenance session booked (kept by the `update_recall_lists` beat task)."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from mesoplan.access import practice_staff_required
from mesoplan.clock import practice_today
from scheduling.recall import recall_due


@practice_staff_required
@require_GET
def recall_list(request):
    today = practice_today(request.user.practice)
    entries = list(recall_due(request.user, today)[:200])
    return render(request, "scheduling/recall_list.html", {"entries": entries, "today": today})

"""Browser pages of product lots: the list (expired and expiring lots marked, each with the
number of sessions that used it, as the lot keeps it), registering a box (also from the session form, which
sends the clinician back with `?next=`); and the managers' page of the practice's
equipment. A lot's own page is its recall, the treatment room's (sessions.views.lot_recall).

HTTP only: lots.services and lots.equipment decide and read.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lots import equipment, selectors
from lots import services as lots
from mesoplan.access import practice_staff_required
from mesoplan.clock import practice_today
from mesoplan.date_display import practice_date
from mesoplan.errors import InvalidInput
from mesoplan.form_errors import add_service_errors
from mesoplan.keyset import page_from_link
from mesoplan.roles import require_practice_manager
from mesoplan.tenancy import get_scoped_or_404
from protocols.models import Formulation

from .forms import EquipmentForm, LotForm
from .models import Equipment, EquipmentKind

LOTS_PER_PAGE = 50


def _formulations() -> list[tuple[str, str]]:
    return list(Formulation.objects.order_by("code").values_list("code", "name"))


@practice_staff_required
@require_GET
def lot_list(request):
    user = request.user
    formulations = _formulations()
    formulation = request.GET.get("formulation", "")
    if formulation not in dict(formulations):
        formulation = ""
    q = request.GET.get("q", "").strip()[:64]
    rows = selectors.lots_for(user)
    if formulation:
        rows = rows.filter(formulation__code=formulation)
    if q:
        rows = selectors.lots_starting_with(rows, q)
    cursor, page = page_from_link(rows, request.GET.get("cursor") or None, LOTS_PER_PAGE)
    context = {
        "lots": page.rows,
        "cursor": cursor,
        "next_cursor": page.next_cursor,
        "formulations": formulations,
        "formulation": formulation,
        "q": q,
        "today": practice_today(user.practice),
        "warning_days": lots.expiry_warning_days(),
    }
    return render(request, "lots/lot_list.html", context)


def _safe_next(request, target: str | None) -> str | None:
    """A local path to return to (the session form the box was opened from), or None."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    return target


@practice_staff_required
@require_http_methods(["GET", "POST"])
def lot_create(request):
    """Register a lot (clinicians and managers). `?formulation=` preselects the
    formulation, `?next=<local path>` is where to go back to once it is registered."""
    user = request.user
    practice = user.practice
    data = request.POST if request.method == "POST" else None
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    formulations = _formulations()
    wanted = request.GET.get("formulation")
    form = LotForm(
        data,
        formulations=formulations,
        date_format=practice.date_format,
        initial={"formulation": wanted} if wanted in dict(formulations) else {},
    )
    if request.method == "POST" and form.is_valid():
        try:
            lot = lots.register_lot(
                actor=user,
                formulation_code=form.cleaned_data["formulation"],
                lot_number=form.cleaned_data["lot_number"],
                expires_on=form.cleaned_data["expires_on"],
            )
        except InvalidInput as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Lot {lot.lot_number} registered ({lot.formulation.name}, expires "
                f"{practice_date(lot.expires_on)}).",
            )
            if next_url:
                return redirect(next_url)
            return redirect("lots:detail", pk=lot.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "lots/lot_form.html", {"form": form, "next": next_url}, status=status)


# --- Equipment (practice managers) ---------------------------------------------------


def _equipment_page(request, *, form=None, status=200):
    items = list(equipment.equipment_for(request.user))
    context = {
        "form": form or EquipmentForm(),
        "groups": [
            (kind, [i for i in items if i.kind == kind and i.is_active]) for kind in EquipmentKind
        ],
        "retired": [i for i in items if not i.is_active],
    }
    return render(request, "lots/equipment.html", context, status=status)


@practice_staff_required
@require_GET
def equipment_page(request):
    require_practice_manager(request.user, "keep the equipment")
    return _equipment_page(request)


@practice_staff_required
@require_POST
def equipment_add(request):
    require_practice_manager(request.user, "keep the equipment")
    form = EquipmentForm(request.POST)
    if form.is_valid():
        try:
            item = equipment.add_equipment(actor=request.user, **form.cleaned_data)
        except InvalidInput as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{item.get_kind_display()} “{item.name}” is in use.")
            return redirect("lots:equipment")
    return _equipment_page(request, form=form, status=400)


@practice_staff_required
@require_POST
def equipment_retire(request):
    require_practice_manager(request.user, "keep the equipment")
    item = get_scoped_or_404(Equipment, request.user, pk=request.POST.get("equipment"))
    equipment.retire_equipment(actor=request.user, equipment=item)
    messages.success(
        request,
        f"{item.get_kind_display()} “{item.name}” retired: sessions that used it keep it.",
    )
    return redirect("lots:equipment")

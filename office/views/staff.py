"""Staff pages: the practice's staff list, add, edit, and the account actions
(deactivate, reactivate, reset password or second factor, unlock), each a POST to its
own URL. A member's API tokens are listed on their page, each revoked by its own POST
(mesoplan/auth/views.py).

Practice managers only: a clinician gets 403. A member of another practice is looked up
before the role is checked, so a stranger's id is simply not found (404).
"""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from mesoplan import staff
from mesoplan.access import practice_staff_required
from mesoplan.auth.gate import mark_unsettled
from mesoplan.auth.lockout import LOCKOUT_MINUTES, locked_out_usernames
from mesoplan.auth.second_factor import has_second_factor
from mesoplan.auth.tokens import tokens_visible_to
from mesoplan.errors import Conflict, InvalidInput
from mesoplan.models import User
from mesoplan.roles import require_practice_manager
from mesoplan.selectors import staff_for, staff_with_lockouts
from mesoplan.tenancy import get_scoped_or_404
from office.forms import SecondFactorPolicyForm, StaffCreateForm, StaffDetailsForm

# The session holds a new temporary password only until the next page shows it.
SHOW_ONCE_KEY = "office.temporary_password"


def _member_or_404(request, pk) -> User:
    member = get_scoped_or_404(staff_for(request.user), request.user, pk=pk)
    require_practice_manager(request.user, "manage staff accounts")
    return member


def _show_once(request, member: User, password: str) -> None:
    request.session[SHOW_ONCE_KEY] = {"member": str(member.pk), "password": password}


def _take_shown_once(request, member: User) -> str | None:
    held = request.session.get(SHOW_ONCE_KEY)
    if not held or held.get("member") != str(member.pk):
        return None
    del request.session[SHOW_ONCE_KEY]
    return held["password"]


def _add_errors(form, exc: InvalidInput) -> None:
    for field, errors in exc.errors.items():
        target = {"password": "password1"}.get(field, field)
        form.add_error(target if target in form.fields else None, errors)


@practice_staff_required
def staff_list(request):
    require_practice_manager(request.user, "manage staff accounts")
    context = {
        "rows": staff_with_lockouts(request.user),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "lockout_minutes": LOCKOUT_MINUTES,
        "policy_form": SecondFactorPolicyForm(
            initial={
                "managers": request.user.practice.second_factor_for_managers,
                "clinicians": request.user.practice.second_factor_for_clinicians,
            }
        ),
    }
    return render(request, "office/staff_list.html", context)


@practice_staff_required
@require_POST
def second_factor_policy(request):
    require_practice_manager(request.user, "change the practice's sign-in rules")
    form = SecondFactorPolicyForm(request.POST)
    form.is_valid()  # two check boxes: always valid
    staff.set_second_factor_policy(
        actor=request.user,
        managers=form.cleaned_data["managers"],
        clinicians=form.cleaned_data["clinicians"],
    )
    mark_unsettled(request)  # the manager's own session follows the new rule at once
    messages.success(
        request, "Sign-in rule saved: it applies to each account from its next sign-in."
    )
    return redirect("staff:list")


@practice_staff_required
@require_http_methods(["GET", "POST"])
def staff_create(request):
    require_practice_manager(request.user, "manage staff accounts")
    form = StaffCreateForm(request.POST or None, initial={"role": "clinician"})
    if request.method == "POST" and form.is_valid():
        try:
            account = staff.create_staff(actor=request.user, **form.details())
        except InvalidInput as exc:
            _add_errors(form, exc)
        else:
            if account.temporary_password:
                _show_once(request, account.user, account.temporary_password)
            messages.success(request, f"{account.user.display_name} was added.")
            return redirect("staff:detail", pk=account.user.pk)
    return render(request, "office/staff_form.html", {"form": form})


@never_cache  # the page may show a temporary password: never keep it in a cache
@practice_staff_required
@require_http_methods(["GET", "POST"])
def staff_detail(request, pk):
    member = _member_or_404(request, pk)
    initial = {name: getattr(member, name) for name in StaffDetailsForm.DETAIL_FIELDS}
    form = StaffDetailsForm(request.POST or None, initial=initial)
    is_self = member.pk == request.user.pk
    if is_self:
        form.fields["role"].disabled = True
        form.fields["role"].help_text = "You cannot change your own role."
    if request.method == "POST" and form.is_valid():
        try:
            staff.update_staff(actor=request.user, member=member, **form.details())
        except InvalidInput as exc:
            _add_errors(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Details saved.")
            return redirect("staff:detail", pk=member.pk)
    context = {
        "member": member,
        "form": form,
        "is_self": is_self,
        "is_locked_out": member.username in locked_out_usernames([member.username]),
        "temporary_password": _take_shown_once(request, member),
        "has_second_factor": has_second_factor(member),
        "tokens": tokens_visible_to(request.user).filter(user=member)[:50],
        "now": timezone.now(),
    }
    return render(request, "office/staff_detail.html", context)


def _after_action(request, member: User):
    if request.POST.get("return_to") == "list":
        return redirect("staff:list")
    return redirect("staff:detail", pk=member.pk)


@practice_staff_required
@require_POST
def staff_deactivate(request, pk):
    member = _member_or_404(request, pk)
    try:
        staff.deactivate_staff(actor=request.user, member=member)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{member.display_name} was deactivated and signed out.")
    return _after_action(request, member)


@practice_staff_required
@require_POST
def staff_reactivate(request, pk):
    member = _member_or_404(request, pk)
    staff.reactivate_staff(actor=request.user, member=member)
    messages.success(request, f"{member.display_name} can sign in again.")
    return _after_action(request, member)


@practice_staff_required
@require_POST
def staff_reset_password(request, pk):
    member = _member_or_404(request, pk)
    try:
        password = staff.reset_password(actor=request.user, member=member)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        _show_once(request, member, password)
        messages.success(request, f"{member.display_name} has a new temporary password.")
    return redirect("staff:detail", pk=member.pk)


@practice_staff_required
@require_POST
def staff_reset_second_factor(request, pk):
    member = _member_or_404(request, pk)
    try:
        removed = staff.reset_second_factor(actor=request.user, member=member)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        if removed:
            messages.success(
                request,
                f"{member.display_name}'s second factor is reset: they set up a new one at "
                f"their next sign-in.",
            )
        else:
            messages.info(request, f"{member.display_name} had no second factor.")
    return redirect("staff:detail", pk=member.pk)


@practice_staff_required
@require_POST
def staff_unlock(request, pk):
    member = _member_or_404(request, pk)
    if staff.unlock(actor=request.user, member=member):
        messages.success(request, f"{member.display_name} can sign in again.")
    else:
        messages.info(request, f"{member.display_name} was not locked out.")
    return _after_action(request, member)

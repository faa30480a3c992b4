"""The manager's webhook pages: the endpoints, one endpoint with its settings, secret
(shown once after adding or rotating) and delivery log, and its actions, each a POST
that redirects. Managers only; another practice's endpoint is not found (looked up first)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from mesoplan.access import practice_staff_required
from mesoplan.errors import Conflict, InvalidInput
from mesoplan.roles import require_practice_manager
from mesoplan.tenancy import get_scoped_or_404, scoped

from . import endpoints
from .forms import EndpointForm
from .models import Attempt, Endpoint, Message, MessageState

SHOW_ONCE_KEY = "webhooks.secret"
LOG_ROWS = 50


def _endpoint_or_404(request, pk) -> Endpoint:
    endpoint = get_scoped_or_404(Endpoint, request.user, pk=pk)
    require_practice_manager(request.user, "manage webhooks")
    return endpoint


def _add_errors(form, exc: InvalidInput) -> None:
    for field, errors in exc.errors.items():
        form.add_error(field if field in form.fields else None, errors)


@practice_staff_required
@require_http_methods(["GET", "POST"])
def endpoint_list(request):
    require_practice_manager(request.user, "manage webhooks")
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = endpoints.register(actor=request.user, **form.cleaned_data)
        except InvalidInput as exc:
            _add_errors(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
        else:
            request.session[SHOW_ONCE_KEY] = {
                "endpoint": str(made.endpoint.pk),
                "secret": made.secret,
            }
            messages.success(request, "The endpoint was added. Copy its secret now.")
            return redirect("webhooks:detail", pk=made.endpoint.pk)
    rows = scoped(Endpoint, request.user).order_by("created_at", "id")
    return render(request, "webhooks/endpoint_list.html", {"rows": rows, "form": form})


def _take_secret(request, endpoint: Endpoint) -> str | None:
    held = request.session.get(SHOW_ONCE_KEY)
    if not held or held.get("endpoint") != str(endpoint.pk):
        return None
    del request.session[SHOW_ONCE_KEY]
    return held["secret"]


@never_cache  # the page may show the secret: never keep it in a cache
@practice_staff_required
@require_http_methods(["GET", "POST"])
def endpoint_detail(request, pk):
    endpoint = _endpoint_or_404(request, pk)
    initial = {"url": endpoint.url, "events": endpoint.events, "description": endpoint.description}
    form = EndpointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            endpoints.update(actor=request.user, endpoint=endpoint, **form.cleaned_data)
        except InvalidInput as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "Saved.")
            return redirect("webhooks:detail", pk=endpoint.pk)
    attempts = (
        scoped(Attempt, request.user)
        .filter(message__endpoint=endpoint)
        .select_related("message")
        .order_by("-at", "-id")[:LOG_ROWS]
    )
    context = {
        "endpoint": endpoint,
        "form": form,
        "secret": _take_secret(request, endpoint),
        "attempts": attempts,
        "waiting": endpoint.messages.filter(state=MessageState.PENDING).count(),
        "failed": endpoint.messages.filter(state=MessageState.FAILED).count(),
    }
    return render(request, "webhooks/endpoint_detail.html", context)


@practice_staff_required
@require_POST
def endpoint_rotate(request, pk):
    endpoint = _endpoint_or_404(request, pk)
    made = endpoints.rotate_secret(actor=request.user, endpoint=endpoint)
    request.session[SHOW_ONCE_KEY] = {"endpoint": str(endpoint.pk), "secret": made.secret}
    messages.success(request, "A new secret was made; the old one signs as well for 24 hours.")
    return redirect("webhooks:detail", pk=endpoint.pk)


@practice_staff_required
@require_POST
def endpoint_toggle(request, pk):
    endpoint = _endpoint_or_404(request, pk)
    enable = not endpoint.is_active
    endpoints.update(actor=request.user, endpoint=endpoint, is_active=enable)
    messages.success(request, "Enabled: waiting messages go out now." if enable else "Disabled.")
    return redirect("webhooks:detail", pk=endpoint.pk)


@practice_staff_required
@require_POST
def endpoint_delete(request, pk):
    endpoint = _endpoint_or_404(request, pk)
    endpoints.remove(actor=request.user, endpoint=endpoint)
    messages.success(request, f"{endpoint.url} was removed.")
    return redirect("webhooks:list")


@practice_staff_required
@require_POST
def message_redeliver(request, pk, message_id):
    endpoint = _endpoint_or_404(request, pk)
    get_scoped_or_404(Message, request.user, pk=message_id, endpoint=endpoint)
    try:
        endpoints.redeliver(actor=request.user, endpoint=endpoint, message_id=message_id)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Sent again.")
    return redirect("webhooks:detail", pk=endpoint.pk)

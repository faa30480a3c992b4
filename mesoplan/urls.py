from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import views as passkey_views
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from lots import urls as lots_urls
from mesoplan import views
from mesoplan.api.urls import urlpatterns as api_v1
from mesoplan.auth import views as auth_steps
from mesoplan.auth.one_at_a_time import InTurnAuthenticationForm
from mesoplan.auth.passkeys import AuditedRegistrationView
from office.urls import audit_urls, staff_urls
from office.views.home import home
from outcomes import urls as outcomes_urls
from scheduling import urls as scheduling_urls
from sessions import urls as sessions_urls
from webhooks.urls import urls as webhook_urls

# Namespaces that several parts of the day share: a session record hangs on its
# appointment (calendar:session), a survey on its course (courses:survey), a lot's recall
# on the lot (lots:detail). Each app lists its own pages; they are put together here.
courses = scheduling_urls.course_urls + outcomes_urls.course_urls
calendar = scheduling_urls.calendar_urls + sessions_urls.calendar_urls + outcomes_urls.calendar_urls
lots = lots_urls.lot_urls + sessions_urls.lot_urls

# django-otp-webauthn's ceremonies, in its namespace (its script finds them by name); adding
# a passkey is audited (mesoplan/auth/passkeys.py).
passkeys = (
    [
        path(
            "registration/begin/",
            passkey_views.BeginCredentialRegistrationView.as_view(),
            name="credential-registration-begin",
        ),
        path(
            "registration/complete/",
            AuditedRegistrationView.as_view(),
            name="credential-registration-complete",
        ),
        path(
            "authentication/begin/",
            passkey_views.BeginCredentialAuthenticationView.as_view(),
            name="credential-authentication-begin",
        ),
        path(
            "authentication/complete/",
            passkey_views.CompleteCredentialAuthenticationView.as_view(),
            name="credential-authentication-complete",
        ),
        path(
            "jsi18n/",
            JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]),
            name="js-i18n-catalog",
        ),
    ],
    "otp_webauthn",
)

urlpatterns = [
    path("", home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True, authentication_form=InTurnAuthenticationForm
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/second-factor/", auth_steps.overview, name="second-factor"),
    path("accounts/second-factor/verify/", auth_steps.verify, name="second-factor-verify"),
    path("accounts/second-factor/setup/", auth_steps.setup, name="second-factor-setup"),
    path(
        "accounts/second-factor/recovery-codes/",
        auth_steps.renew_codes,
        name="second-factor-recovery-codes",
    ),
    path("accounts/second-factor/remove/", auth_steps.remove, name="second-factor-remove"),
    path(
        "accounts/password/change/", auth_steps.PasswordChangeView.as_view(), name="password-change"
    ),
    path("accounts/passkeys/", include(passkeys)),
    path("accounts/tokens/", auth_steps.token_list, name="api-tokens"),
    path("accounts/tokens/<uuid:pk>/revoke/", auth_steps.token_revoke, name="api-token-revoke"),
    path("", include(scheduling_urls.urlpatterns)),
    path("", include((courses, "courses"))),
    path("", include(outcomes_urls.urlpatterns)),
    path("calendar/", include((calendar, "calendar"))),
    path("lots/", include((lots, "lots"))),
    path("patients/", include("patients.urls")),
    path("staff/", include(staff_urls)),
    path("audit/", include(audit_urls)),
    path("webhooks/", include(webhook_urls)),
    path("reports/", include("reports.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI sets inline style attributes; scripts stay 'self' only.
    path(
        "api/docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="schema")
        ),
        name="api-docs",
    ),
    # The admin signs in through the one sign-in page (lock-out, second factor).
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("admin/", admin.site.urls),
]

# JSON under /api/, Django's pages elsewhere (mesoplan/http_errors.py).
handler400 = "mesoplan.http_errors.bad_request"
handler403 = "mesoplan.http_errors.permission_denied"
handler404 = "mesoplan.http_errors.not_found"
handler500 = "mesoplan.http_errors.server_error"

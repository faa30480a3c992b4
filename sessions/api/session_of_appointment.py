"""The session record of the appointment in an API URL (`appointments/{id}/session/...`),
found once per request for the session, its amendments, adverse events, measures and
photos alike: 404 for another practice's appointment, a junk id, or an appointment whose
session is not recorded yet."""

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse
from rest_framework.exceptions import NotFound

from mesoplan.tenancy import get_scoped_or_404
from sessions.models import SessionRecord

# The URL of an appointment's session record; its sub-resources (amendments, adverse
# events, measures, photos) extend it. The mixin below reads its `appointment_pk`.
APPOINTMENT_SESSION = r"^appointments/(?P<appointment_pk>[0-9a-fA-F-]{36})/session"

NO_SESSION = OpenApiResponse(
    description="No such appointment of this practice, or no session recorded for it yet."
)


class SessionOfAppointmentMixin:
    def session_records(self):
        """The records to look in; a view showing more of a record joins more here."""
        return SessionRecord.objects.select_related("patient")

    def session_record(self) -> SessionRecord:
        if not hasattr(self, "_session_record"):
            try:
                self._session_record = get_scoped_or_404(
                    self.session_records(),
                    self.request.user,  # type: ignore[attr-defined]
                    appointment_id=self.kwargs["appointment_pk"],  # type: ignore[attr-defined]
                )
            except Http404 as exc:
                raise NotFound("This appointment has no recorded session.") from exc
        return self._session_record

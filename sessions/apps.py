from django.apps import AppConfig


class SessionsConfig(AppConfig):
    """Appointments, session records, passes, lots, adverse events and surveys.

    Labelled `clinical_sessions`: the default label would clash with django.contrib.sessions.
    """

    name = "sessions"
    label = "clinical_sessions"
    verbose_name = "Sessions and appointments"

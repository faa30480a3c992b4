from django.apps import AppConfig


class SessionsConfig(AppConfig):
    """The treatment room: the pre-session check, session records with their passes and
    amendments, adverse events, and the lot recall (who received lot X).

    Labelled `clinical_sessions`: the default label would clash with django.contrib.sessions.
    """

    name = "sessions"
    label = "clinical_sessions"
    verbose_name = "Session records and adverse events"

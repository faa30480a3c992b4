from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    """Outcome measures, photos and satisfaction surveys: what the reports read."""

    name = "outcomes"
    verbose_name = "Outcome measures, photos and surveys"

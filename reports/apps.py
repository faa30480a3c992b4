from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """The Meso-Report: its rollup, the worker's builds, the dashboards."""

    name = "reports"
    verbose_name = "Meso-Report and dashboards"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from outcomes.models import Survey

        from . import rollup

        # In the writer's transaction: the rollup never disagrees with what it counts.
        # (A session recorded later is counted by a trigger, reports 0002.)
        post_save.connect(rollup.survey_saved, sender=Survey, dispatch_uid="reports.survey")

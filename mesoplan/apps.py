from django.apps import AppConfig


class MesoplanConfig(AppConfig):
    name = "mesoplan"
    verbose_name = "Practices and staff"

    def ready(self) -> None:
        from axes.signals import user_locked_out

        from mesoplan.auth.lockout import sign_out_when_locked_out

        # A locked-out account's API token and sessions end with the lock-out.
        user_locked_out.connect(sign_out_when_locked_out, dispatch_uid="mesoplan-lockout")

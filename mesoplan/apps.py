from django.apps import AppConfig


class MesoplanConfig(AppConfig):
    name = "mesoplan"
    verbose_name = "Practices and staff"

    def ready(self) -> None:
        from axes.signals import user_locked_out

        from mesoplan.auth.lockout import sign_out_when_locked_out

        # A locked-out account's API token and sessions end with the lock-out.
        user_locked_out.connect(sign_out_when_locked_out, dispatch_uid="mesoplan-lockout")

        from django.contrib.auth.signals import user_logged_in

        from mesoplan.auth.gate import settle_at_sign_in

        # What the new session still owes (second factor, new password), worked out once.
        user_logged_in.connect(settle_at_sign_in, dispatch_uid="mesoplan-sign-in-steps")

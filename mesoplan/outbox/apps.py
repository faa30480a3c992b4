from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "mesoplan.outbox"
    label = "outbox"
    verbose_name = "Task outbox"

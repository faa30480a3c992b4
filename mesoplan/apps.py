from django.apps import AppConfig


class MesoplanConfig(AppConfig):
    name = "mesoplan"
    verbose_name = "Practices and staff"

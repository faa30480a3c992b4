from django.apps import AppConfig


class LotsConfig(AppConfig):
    """Product lots and equipment: the registry a session draws from."""

    name = "lots"
    verbose_name = "Product lots and equipment"

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "investledger.core"
    label = "core"

from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "investledger.intake"
    label = "intake"

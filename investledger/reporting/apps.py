from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "investledger.reporting"
    label = "reporting"

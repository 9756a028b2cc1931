from django.apps import AppConfig


class InvestorsConfig(AppConfig):
    name = "investledger.investors"
    label = "investors"

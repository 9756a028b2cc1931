from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "investledger.supervision"
    label = "supervision"

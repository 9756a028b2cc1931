from django.apps import AppConfig


class EscalationConfig(AppConfig):
    name = "investledger.escalation"
    label = "escalation"

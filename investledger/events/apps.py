from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "investledger.events"
    label = "events"

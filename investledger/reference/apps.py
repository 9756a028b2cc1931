from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "investledger.reference"
    label = "reference"

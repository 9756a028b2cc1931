from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Holds the `demo` command; the demo has no models of its own."""

    name = "investledger.demo"
    label = "demo"
    verbose_name = "Demo ledger"

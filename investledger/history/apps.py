from django.apps import AppConfig


class HistoryConfig(AppConfig):
    """The history pages and the ledger as of a date, read from the audit trail; no models of its own
    (the name is never shown: no admin page lists an app without models)."""

    name = "investledger.history"
    label = "history"
    verbose_name = "History"

"""The ledger: the apps that hold what a city offers and what it signed.

Each sub-package is a Django app that keeps its own app label (``projects``, ``events``,
``investors``, ``opportunities``), so moving an app here moves no table and no migration.
Apps above the ledger (history, supervision, escalation, intake, reporting) read it through
its selectors and write to it through its services.
"""

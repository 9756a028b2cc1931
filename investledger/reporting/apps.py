from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "investledger.reporting"
    label = "reporting"
    verbose_name = _("Reports and figures")

    def ready(self) -> None:
        # Imported here, not at the top: an app's modules that import models load once the registry is ready.
        from investledger.core import audit
        from investledger.ledger.opportunities import selectors as opportunity_selectors
        from investledger.ledger.projects import totals as project_totals
        from investledger.reporting import ledger_totals, opportunities, opportunity_pages, summary

        # The opportunity pages and API show the registry's figures (they sit below it in the layers).
        opportunity_selectors.FIGURES.update(
            list_totals=opportunities.list_totals,
            totals_by_list=opportunities.totals_by_list,
            follow_up=opportunity_pages.follow_up,
        )
        # The ledger list reads its count and total from the summary cells when they can answer.
        project_totals.SOURCES["summary"] = ledger_totals.from_summary
        # The dashboard's summary cells follow every recorded change in its own transaction.
        if summary.CellChanges not in audit.AFTER_RECORD:
            audit.AFTER_RECORD.append(summary.CellChanges)

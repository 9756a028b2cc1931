from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "investledger.intake"
    label = "intake"
    verbose_name = _("Imports")

    def ready(self) -> None:
        # The kinds of sheet an import understands, one module each (docs/architecture.md, Imports).
        from investledger.intake import kinds
        from investledger.intake.kinds import opportunities, progress, releases, signing

        kinds.register(signing.KIND, progress.KIND, releases.KIND, opportunities.KIND)

        from investledger.ledger.events import views as event_views

        # The event page sets what the event's press releases announced beside the ledger.
        event_views.EVENT_PAGE["announced"] = releases.announced_for_event

        from investledger.intake import watch
        from investledger.ledger.projects import views as project_views

        # The project page shows the watch list's signals about the project.
        project_views.PROJECT_PAGE["watch"] = watch.signals_for_project
